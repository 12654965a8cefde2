import { checkStructure, fail, IDENTIFIER_SYSTEMS, isValidNhsNumber } from '@gpconnect/fhir';

/**
 * The Parameters of $gpc.getstructuredrecord (structured.md §2): every rule of the 1.6 specification
 * about what may be asked, checked before anything is read. Unknown parameters and parts are not
 * errors here but warnings the response carries (§4, forwards compatibility), reported at the least
 * granular level.
 */

export type StructuredArea = 'allergies' | 'medications' | 'consultations' | 'problems' | 'immunisations' | 'uncategorised' | 'investigations' | 'referrals' | 'diaryEntries';

/** The request parameter that asks for each area. */
export const AREA_PARAMETERS: Record<StructuredArea, string> = {
  allergies: 'includeAllergies',
  medications: 'includeMedication',
  consultations: 'includeConsultations',
  problems: 'includeProblems',
  immunisations: 'includeImmunisations',
  uncategorised: 'includeUncategorisedData',
  investigations: 'includeInvestigations',
  referrals: 'includeReferrals',
  diaryEntries: 'includeDiaryEntries',
};

/**
 * Every kind of item a structured record holds: the areas a consumer asks for, and documents, which
 * come only through links from problems, consultations and referrals (§5.10) but are switched off
 * like an area.
 */
export type RecordArea = StructuredArea | 'documents';

/** How a switched-off kind of item is named in the "has been disabled" warning (§4). */
export const SWITCH_NAMES: Record<RecordArea, string> = { ...AREA_PARAMETERS, documents: 'DocumentReferences' };

type PartType = 'valueBoolean' | 'valueDate' | 'valuePeriod' | 'valuePositiveInt' | 'valueCode';

/** The part parameters each area accepts, with their value type. */
const PARTS: Record<StructuredArea, Record<string, PartType>> = {
  allergies: { includeResolvedAllergies: 'valueBoolean' },
  medications: { includePrescriptionIssues: 'valueBoolean', medicationSearchFromDate: 'valueDate' },
  consultations: { consultationSearchPeriod: 'valuePeriod', includeNumberOfMostRecent: 'valuePositiveInt' },
  problems: { filterStatus: 'valueCode' },
  immunisations: { includeNotGiven: 'valueBoolean', includeStatus: 'valueBoolean' },
  uncategorised: { uncategorisedDataSearchPeriod: 'valuePeriod' },
  investigations: { investigationSearchPeriod: 'valuePeriod' },
  referrals: { referralSearchPeriod: 'valuePeriod' },
  diaryEntries: { diaryEntriesSearchDate: 'valueDate' },
};

/** Parts that may not be sent when consultations or problems are asked for (§2.1). */
const NOT_WITH_CONSULTATIONS = ['medicationSearchFromDate', 'uncategorisedDataSearchPeriod', 'filterStatus', 'referralSearchPeriod', 'diaryEntriesSearchDate', 'includeNotGiven', 'includeStatus'];
const NOT_WITH_PROBLEMS = NOT_WITH_CONSULTATIONS.filter((part) => part !== 'filterStatus');

export interface DatePeriod {
  start?: string;
  end?: string;
}

/** The parts of one requested area, by name, with their values. */
export type AreaParts = Record<string, boolean | string | number | DatePeriod>;

export interface StructuredRequest {
  nhsNumber: string;
  areas: Partial<Record<StructuredArea, AreaParts>>;
  /** Diagnostics of the unrecognised parameters and parts (`includeFoo`, `includeAllergies.foo`). */
  unrecognised: string[];
}

export interface Parameter {
  name?: unknown;
  part?: Parameter[];
  [value: string]: unknown;
}

const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const AREA_BY_PARAMETER = new Map(Object.entries(AREA_PARAMETERS).map(([area, parameter]) => [parameter, area as StructuredArea]));

export function invalidParameter(parameter: string, why: string): never {
  fail('INVALID_PARAMETER', `${parameter}: ${why}`);
}

function fullDate(parameter: string, value: unknown): string {
  if (typeof value !== 'string' || !FULL_DATE.test(value) || Number.isNaN(Date.parse(value))) invalidParameter(parameter, 'must be a full date, YYYY-MM-DD, with no time');
  return value;
}

/** A part's value, of the type the part takes; anything else, or none, is INVALID_PARAMETER. */
function partValue(name: string, part: Parameter, type: PartType): boolean | string | number | DatePeriod {
  const value = part[type];
  const others = Object.keys(part).filter((k) => k.startsWith('value') && k !== type);
  if (value === undefined || others.length > 0) invalidParameter(name, `needs a ${type}`);
  switch (type) {
    case 'valueBoolean':
      if (typeof value !== 'boolean') invalidParameter(name, 'must be true or false');
      return value;
    case 'valuePositiveInt':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) invalidParameter(name, 'must be a whole number of at least 1');
      return value;
    case 'valueCode':
      if (typeof value !== 'string' || value === '') invalidParameter(name, 'must be a code');
      return value;
    case 'valueDate':
      return fullDate(name, value);
    case 'valuePeriod': {
      const period = value as { start?: unknown; end?: unknown };
      if (typeof period !== 'object' || period === null || (period.start === undefined && period.end === undefined)) invalidParameter(name, 'needs a start or an end');
      return { ...(period.start !== undefined ? { start: fullDate(`${name}.start`, period.start) } : {}), ...(period.end !== undefined ? { end: fullDate(`${name}.end`, period.end) } : {}) };
    }
  }
}

/** The date rules of §2.2, against `today` (the practice's calendar day, YYYY-MM-DD). */
function checkDates(areas: StructuredRequest['areas'], today: string): void {
  const notFuture = (name: string, date: string | undefined) => {
    if (date !== undefined && date > today) invalidParameter(name, `${date} is in the future`);
  };
  const period = (name: string, value: unknown, mustNotBeFuture: boolean) => {
    const p = value as DatePeriod | undefined;
    if (!p) return;
    if (mustNotBeFuture) {
      notFuture(`${name}.start`, p.start);
      notFuture(`${name}.end`, p.end);
    }
    if (p.start !== undefined && p.end !== undefined && p.start > p.end) invalidParameter(name, 'the start is after the end');
  };
  notFuture('medicationSearchFromDate', areas.medications?.['medicationSearchFromDate'] as string | undefined);
  period('consultationSearchPeriod', areas.consultations?.['consultationSearchPeriod'], true);
  period('uncategorisedDataSearchPeriod', areas.uncategorised?.['uncategorisedDataSearchPeriod'], true);
  period('investigationSearchPeriod', areas.investigations?.['investigationSearchPeriod'], true);
  period('referralSearchPeriod', areas.referrals?.['referralSearchPeriod'], true);
  const diary = areas.diaryEntries?.['diaryEntriesSearchDate'] as string | undefined;
  if (diary !== undefined && diary < today) invalidParameter('diaryEntriesSearchDate', `${diary} is in the past; diary entries are searched up to a date from today on`);
}

function checkCombinations(areas: StructuredRequest['areas']): void {
  const consultations = areas.consultations;
  if (consultations?.['consultationSearchPeriod'] !== undefined && consultations['includeNumberOfMostRecent'] !== undefined) {
    // The spec names INVALID_RESOURCE for this one combination.
    fail('INVALID_RESOURCE', 'includeConsultations: consultationSearchPeriod and includeNumberOfMostRecent cannot both be sent');
  }
  const status = areas.problems?.['filterStatus'];
  if (status !== undefined && status !== 'active' && status !== 'inactive') invalidParameter('filterStatus', 'must be active or inactive');
  const sent = Object.values(areas).flatMap((parts) => Object.keys(parts ?? {}));
  for (const [present, forbidden] of [[consultations, NOT_WITH_CONSULTATIONS], [areas.problems, NOT_WITH_PROBLEMS]] as const) {
    const clash = present ? sent.find((part) => forbidden.includes(part)) : undefined;
    if (clash) invalidParameter(clash, `cannot be sent with ${present === consultations ? 'includeConsultations' : 'includeProblems'}`);
  }
}

/**
 * The parameters of a structured operation's body, once it is known to be a well-formed Parameters
 * resource. A malformed value (a date with a time, a count of 0) is a bad parameter, named; anything
 * else a bad resource.
 */
export function readParameters(body: unknown): Parameter[] {
  const structure = checkStructure(body, { expectedType: 'Parameters' });
  if (structure.length > 0) {
    const { location, message } = structure[0]!;
    const value = /^Parameters\.parameter\[(\d+)\](?:\.part\[(\d+)\])?\.value/.exec(location);
    if (value) {
      const parameter = ((body as { parameter: Parameter[] }).parameter)[Number(value[1])]!;
      const named = value[2] === undefined ? parameter : parameter.part![Number(value[2])]!;
      invalidParameter(String(named.name), message);
    }
    fail('INVALID_RESOURCE', `The body is not a valid Parameters resource: ${location} ${message}`);
  }
  return ((body as { parameter?: Parameter[] }).parameter ?? []) as Parameter[];
}

/** The NHS number of a `patientNHSNumber` parameter; `previous` is the one already read, if any. */
export function nhsNumberParameter(parameter: Parameter, previous: string | undefined): string {
  const name = 'patientNHSNumber';
  if (previous !== undefined) invalidParameter(name, 'may be sent once');
  const identifier = parameter['valueIdentifier'] as { system?: unknown; value?: unknown } | undefined;
  if (!identifier || typeof identifier.value !== 'string') invalidParameter(name, 'needs a valueIdentifier with the NHS number');
  if (identifier.system !== IDENTIFIER_SYSTEMS.nhsNumber) invalidParameter(name, `the identifier system must be ${IDENTIFIER_SYSTEMS.nhsNumber}`);
  return identifier.value;
}

/** The NHS number a request named: required, and valid (Modulus 11). */
export function requiredNhsNumber(nhsNumber: string | undefined): string {
  if (nhsNumber === undefined) invalidParameter('patientNHSNumber', 'is required');
  if (!isValidNhsNumber(nhsNumber)) fail('INVALID_NHS_NUMBER', `patientNHSNumber: ${JSON.stringify(nhsNumber)} is not a valid NHS number`);
  return nhsNumber;
}

/** Reads and checks a $gpc.getstructuredrecord request body against the practice's `today`. */
export function readStructuredParameters(body: unknown, today: string): StructuredRequest {
  const parameters = readParameters(body);
  const areas: StructuredRequest['areas'] = {};
  const unrecognised: string[] = [];
  let nhsNumber: string | undefined;
  let recognised = 0;

  for (const parameter of parameters) {
    const name = String(parameter.name);
    if (name === 'patientNHSNumber') {
      nhsNumber = nhsNumberParameter(parameter, nhsNumber);
      recognised += 1;
      continue;
    }
    const area = AREA_BY_PARAMETER.get(name);
    if (!area) {
      unrecognised.push(name);
      continue;
    }
    recognised += 1;
    if (areas[area]) invalidParameter(name, 'may be sent once');
    const parts: AreaParts = {};
    for (const part of parameter.part ?? []) {
      const partName = String(part.name);
      const type = PARTS[area][partName];
      if (!type) {
        unrecognised.push(`${name}.${partName}`);
        continue;
      }
      if (parts[partName] !== undefined) invalidParameter(partName, 'may be sent once');
      parts[partName] = partValue(partName, part, type);
    }
    if (area === 'allergies' && parts['includeResolvedAllergies'] === undefined) invalidParameter('includeResolvedAllergies', 'is required with includeAllergies');
    areas[area] = parts;
  }

  if (recognised === 0) fail('INVALID_PARAMETER', 'No recognised parameters: patientNHSNumber and at least the areas wanted are expected');
  const valid = requiredNhsNumber(nhsNumber);
  checkCombinations(areas);
  checkDates(areas, today);
  return { nhsNumber: valid, areas, unrecognised };
}
