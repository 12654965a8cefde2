import { checkStructure, DSTU2_SYSTEMS, fail, isRecordSectionCode, isValidNhsNumber, RECORD_SECTIONS, type RecordSectionCode } from '@gpconnect/fhir';
import { firstDayOf, lastDayOf, type DateRange } from './html-dates.ts';

/**
 * The Parameters of $gpc.getcarerecord (access-record-html.md §2) read and checked in the order
 * §3 gives the errors: the resource, its parameter names, the NHS number, the section, the period.
 */

/** The 0.7.x identifier and value set systems (access-record-html.md §8). */
export const NHS_NUMBER_SYSTEM_DSTU2 = DSTU2_SYSTEMS.nhsNumber;
export const RECORD_SECTION_SYSTEM = DSTU2_SYSTEMS.recordSection;

export { RECORD_SECTIONS, type RecordSectionCode };

export interface CareRecordRequest {
  nhsNumber: string;
  section: RecordSectionCode;
  period: DateRange | undefined;
}

type Json = Record<string, unknown>;

const PARAMETER_NAMES = ['patientNHSNumber', 'recordSection', 'timePeriod'] as const;

const DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;
const DATE_TIME_WITH_OFFSET = /^(\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$/;

/** A period bound as a date (whole or partial) or a dateTime with its offset; the date it falls on. */
function periodBound(value: unknown, which: 'start' | 'end'): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail('INVALID_PARAMETER', `timePeriod.${which} must be a date`);
  const dateTime = DATE_TIME_WITH_OFFSET.exec(value);
  const date = dateTime ? dateTime[1]! : DATE.test(value) ? value : undefined;
  if (date === undefined) fail('INVALID_PARAMETER', `timePeriod.${which} ${JSON.stringify(value)} is not a date, nor a dateTime with a time zone offset`);
  const day = firstDayOf(date);
  // 2015-02-30 matches the pattern but is no day of the calendar.
  if (new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) fail('INVALID_PARAMETER', `timePeriod.${which} ${JSON.stringify(value)} is not a calendar date`);
  return which === 'start' ? day : lastDayOf(date);
}

function single(parameters: readonly Json[], name: string): Json | undefined {
  const found = parameters.filter((p) => p['name'] === name);
  if (found.length > 1) fail('BAD_REQUEST', `${name} may be sent once only`);
  return found[0];
}

function readNhsNumber(parameter: Json | undefined): string {
  if (!parameter) fail('BAD_REQUEST', 'The patientNHSNumber parameter is required');
  const identifier = parameter['valueIdentifier'] as Json | undefined;
  if (!identifier) fail('BAD_REQUEST', 'patientNHSNumber must be a valueIdentifier');
  if (identifier['system'] !== NHS_NUMBER_SYSTEM_DSTU2) fail('INVALID_IDENTIFIER_SYSTEM', `patientNHSNumber must have the system ${NHS_NUMBER_SYSTEM_DSTU2}`);
  const value = identifier['value'];
  if (typeof value !== 'string' || !isValidNhsNumber(value)) fail('INVALID_NHS_NUMBER', 'patientNHSNumber is not a valid NHS number');
  return value;
}

function readSection(parameter: Json | undefined): RecordSectionCode {
  if (!parameter) fail('BAD_REQUEST', 'The recordSection parameter is required');
  const concept = parameter['valueCodeableConcept'] as Json | undefined;
  if (!concept) fail('BAD_REQUEST', 'recordSection must be a valueCodeableConcept');
  const codings = Array.isArray(concept['coding']) ? (concept['coding'] as Json[]) : [];
  if (codings.length !== 1 || codings[0]!['system'] !== RECORD_SECTION_SYSTEM) fail('BAD_REQUEST', `recordSection must have one coding of ${RECORD_SECTION_SYSTEM}`);
  const code = codings[0]!['code'];
  // Codes are upper case and case-sensitive: "sum" is no section.
  if (!isRecordSectionCode(code)) fail('INVALID_PARAMETER', `recordSection ${JSON.stringify(code)} is not a care record section`);
  return code;
}

function readPeriod(parameter: Json | undefined, section: RecordSectionCode): DateRange | undefined {
  if (!parameter) return undefined;
  if (!RECORD_SECTIONS[section].period) fail('BAD_REQUEST', `The ${section} section is not filtered by date: send no timePeriod`);
  const period = parameter['valuePeriod'] as Json | undefined;
  if (!period) fail('INVALID_PARAMETER', 'timePeriod must be a valuePeriod');
  const start = periodBound(period['start'], 'start');
  const end = periodBound(period['end'], 'end');
  if (start === undefined && end === undefined) fail('INVALID_PARAMETER', 'timePeriod must have a start or an end');
  if (start !== undefined && end !== undefined && start > end) fail('INVALID_PARAMETER', 'timePeriod starts after it ends');
  return { start, end };
}

export function readCareRecordRequest(body: unknown): CareRecordRequest {
  if (typeof body !== 'object' || body === null || (body as Json)['resourceType'] !== 'Parameters') fail('INVALID_RESOURCE', 'The request body must be a Parameters resource');
  const listed = (body as Json)['parameter'];
  // Anything but a list of objects is no parameter at all; the structure check below names what is wrong.
  const parameters = Array.isArray(listed) ? listed.filter((p): p is Json => typeof p === 'object' && p !== null) : [];
  // Names are case-sensitive (§2): "RecordSection" is an unknown parameter, not a section.
  const unknown = parameters.find((p) => !(PARAMETER_NAMES as readonly unknown[]).includes(p['name']));
  if (unknown) fail('INVALID_PARAMETER', `${JSON.stringify(unknown['name'])} is not a parameter of $gpc.getcarerecord`);
  const nhsNumber = readNhsNumber(single(parameters, 'patientNHSNumber'));
  const section = readSection(single(parameters, 'recordSection'));
  const period = readPeriod(single(parameters, 'timePeriod'), section);
  // Last, so that each parameter's own error (§3) is reported before a general one.
  const issues = checkStructure(body, { expectedType: 'Parameters', release: 'dstu2' });
  if (issues.length > 0) fail('INVALID_RESOURCE', `The Parameters resource is not valid: ${issues[0]!.location} ${issues[0]!.message}`);
  return { nhsNumber, section, period };
}
