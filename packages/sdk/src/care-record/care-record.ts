import { DSTU2_SYSTEMS, IDENTIFIER_SYSTEMS, isRecordSectionCode, RECORD_SECTIONS, type RecordSectionCode } from '@gpconnect/fhir';

/**
 * Access Record HTML (GP Connect 0.7.4, access-record-html.md): the request a consumer sends for one
 * section of a patient's record, and the answer read into what a consumer shows — the practice's
 * XHTML as it came, the section it is, when it was made, and the demographics the consumer must
 * cross-check against its own trace before showing it (§4, §7).
 */

type Json = Record<string, unknown>;

/** A period for the sections that take one (PRB, MED, ENC, CLI, REF, OBS, ADM): dates `yyyy`, `yyyy-mm` or `yyyy-mm-dd`, or date-times with an offset. */
export interface CareRecordPeriod {
  start?: string;
  end?: string;
}

/** The patient as the practice's Bundle describes them: what §4 says a consumer cross-checks. */
export interface CareRecordDemographics {
  nhsNumber: string | undefined;
  family: string | undefined;
  given: string[];
  prefix: string[];
  gender: string | undefined;
  birthDate: string | undefined;
  deceasedDateTime: string | undefined;
  /** ODS code of the Patient's managing organisation: the practice holding the record. */
  managingOrganisationOds: string | undefined;
  managingOrganisationName: string | undefined;
}

/** One section of a patient's record, as `GpConnectClient.getCareRecord` returns it. */
export interface CareRecord {
  section: { code: string; title: string };
  /** The section's narrative (Composition.section.text.div): XHTML, exactly as the practice sent it. */
  xhtml: string;
  /** When the practice generated it (Composition.date). */
  date: string | undefined;
  demographics: CareRecordDemographics;
  /** The searchset Bundle as sent: Composition first, then Patient, Organization, Device, Practitioner. */
  bundle: Json;
}

/** The Parameters body of `$gpc.getcarerecord` (§2). */
export function careRecordParameters(nhsNumber: string, section: RecordSectionCode, period?: CareRecordPeriod): Json {
  const valuePeriod = period && { ...(period.start ? { start: period.start } : {}), ...(period.end ? { end: period.end } : {}) };
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'patientNHSNumber', valueIdentifier: { system: DSTU2_SYSTEMS.nhsNumber, value: nhsNumber } },
      { name: 'recordSection', valueCodeableConcept: { coding: [{ system: DSTU2_SYSTEMS.recordSection, code: section }] } },
      ...(valuePeriod ? [{ name: 'timePeriod', valuePeriod }] : []),
    ],
  };
}

/** A Bundle that is not a care record: the practice's answer breaks §4. */
export class CareRecordResponseError extends Error {
  override readonly name = 'CareRecordResponseError';
}

const ODS_SYSTEMS: readonly string[] = [DSTU2_SYSTEMS.odsOrganisationCode, IDENTIFIER_SYSTEMS.odsOrganisationCode];
const NHS_NUMBER_SYSTEMS: readonly string[] = [DSTU2_SYSTEMS.nhsNumber, IDENTIFIER_SYSTEMS.nhsNumber];

const identifierIn = (resource: Json | undefined, systems: readonly string[]) =>
  ((resource?.['identifier'] as { system?: string; value?: string }[] | undefined) ?? []).find((i) => i.system !== undefined && systems.includes(i.system))?.value;
const asString = (value: unknown) => (typeof value === 'string' ? value : undefined);

interface Dstu2Name {
  use?: string;
  family?: string[] | string;
  given?: string[];
  prefix?: string[];
}

/** The Bundle of `$gpc.getcarerecord` read: its Composition's one section and the Patient and practice it names. */
export function readCareRecord(bundle: Json): CareRecord {
  const resources = ((bundle['entry'] as { resource?: Json }[] | undefined) ?? []).map((e) => e.resource).filter((r): r is Json => r !== undefined);
  const [composition] = resources;
  if (bundle['resourceType'] !== 'Bundle' || composition?.['resourceType'] !== 'Composition') throw new CareRecordResponseError('The care record Bundle does not start with a Composition');
  const section = (composition['section'] as Json[] | undefined)?.[0];
  const xhtml = asString((section?.['text'] as Json | undefined)?.['div']);
  if (!section || xhtml === undefined) throw new CareRecordResponseError('The Composition holds no section narrative');
  const resolve = (reference: unknown) => {
    const target = asString((reference as Json | undefined)?.['reference']);
    return resources.find((r) => target === `${String(r['resourceType'])}/${String(r['id'])}`);
  };
  const patient = resolve(composition['subject']) ?? resources.find((r) => r['resourceType'] === 'Patient');
  // The practice is the Patient's managing organisation; else the Composition's custodian, else the Bundle's one Organization.
  const organisations = resources.filter((r) => r['resourceType'] === 'Organization');
  const organisation = resolve(patient?.['managingOrganization']) ?? resolve(composition['custodian']) ?? (organisations.length === 1 ? organisations[0] : undefined);
  const names = (patient?.['name'] as Dstu2Name[] | undefined) ?? [];
  const name = names.find((n) => n.use === 'official' || n.use === 'usual') ?? names[0];
  const code = asString(((section['code'] as { coding?: Json[] } | undefined)?.coding ?? []).find((c) => c['system'] === DSTU2_SYSTEMS.recordSection)?.['code']) ?? '';
  const title = asString(section['title']) ?? (isRecordSectionCode(code) ? RECORD_SECTIONS[code].title : code);
  return {
    section: { code, title },
    xhtml,
    date: asString(composition['date']),
    demographics: {
      nhsNumber: identifierIn(patient, NHS_NUMBER_SYSTEMS),
      family: name?.family === undefined ? undefined : [name.family].flat().join(' '),
      given: name?.given ?? [],
      prefix: name?.prefix ?? [],
      gender: asString(patient?.['gender']),
      birthDate: asString(patient?.['birthDate']),
      deceasedDateTime: asString(patient?.['deceasedDateTime']),
      managingOrganisationOds: identifierIn(organisation, ODS_SYSTEMS),
      managingOrganisationName: asString(organisation?.['name']),
    },
    bundle,
  };
}

/** The patient's name for a banner: title, given names, FAMILY. */
export function displayName(demographics: Pick<CareRecordDemographics, 'prefix' | 'given' | 'family'>): string {
  return [...demographics.prefix, ...demographics.given, demographics.family ?? ''].filter(Boolean).join(' ');
}

const sameText = (a: string | undefined, b: string | undefined) => (a ?? '').trim().toUpperCase() === (b ?? '').trim().toUpperCase();

/** Two moments alike whatever their precision or offset: the same instant, else the same day as written. */
function sameMoment(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const [ta, tb] = [Date.parse(a), Date.parse(b)];
  return (a.length > 10 && b.length > 10 && !Number.isNaN(ta) && ta === tb) || a.slice(0, 10) === b.slice(0, 10);
}

/**
 * The differences between the practice's demographics and the patient as PDS traced them (an R4
 * Patient): each a sentence to show the user, none when they agree (access-record-html.md §4, §7:
 * family and given names, gender, birth date, date of death, registered practice).
 */
export function crossCheckDemographics(demographics: CareRecordDemographics, pdsPatient: Json): string[] {
  const names = (pdsPatient['name'] as { use?: string; family?: string; given?: string[]; period?: { end?: string } }[] | undefined) ?? [];
  const pdsName = names.find((n) => n.use === 'usual' && !n.period?.end) ?? names[0];
  const practice = (pdsPatient['generalPractitioner'] as { identifier?: { value?: string } }[] | undefined)?.[0]?.identifier?.value;
  const checks: [string, string | undefined, string | undefined, boolean][] = [
    ['Family name', demographics.family, pdsName?.family, sameText(demographics.family, pdsName?.family)],
    ['Given names', demographics.given.join(' ') || undefined, pdsName?.given?.join(' '), sameText(demographics.given.join(' '), pdsName?.given?.join(' '))],
    ['Gender', demographics.gender, asString(pdsPatient['gender']), demographics.gender === asString(pdsPatient['gender'])],
    ['Date of birth', demographics.birthDate, asString(pdsPatient['birthDate']), demographics.birthDate === asString(pdsPatient['birthDate'])],
    ['Date of death', demographics.deceasedDateTime, asString(pdsPatient['deceasedDateTime']), sameMoment(demographics.deceasedDateTime, asString(pdsPatient['deceasedDateTime']))],
    ['Registered practice', demographics.managingOrganisationOds, practice, sameText(demographics.managingOrganisationOds, practice)],
  ];
  return checks.filter(([, , , same]) => !same).map(([what, practiceSays, pdsSays]) => `${what}: the practice says ${practiceSays ?? '(none)'}, PDS says ${pdsSays ?? '(none)'}`);
}
