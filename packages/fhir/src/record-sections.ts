/**
 * The sections of Access Record HTML (GP Connect 0.7.4, access-record-html.md §2): one per
 * `$gpc.getcarerecord` request, named by its code in the 0.7.x value set. Provider and consumer read
 * the same table, so a title or a period rule cannot differ between them.
 */

/** The 0.7.x (DSTU2) identifier and value set systems of Access Record HTML (access-record-html.md §8). */
export const DSTU2_SYSTEMS = {
  nhsNumber: 'http://fhir.nhs.net/Id/nhs-number',
  odsOrganisationCode: 'http://fhir.nhs.net/Id/ods-organization-code',
  recordSection: 'http://fhir.nhs.net/ValueSet/gpconnect-record-section-1',
} as const;

/** Each section code, its title (the section's `<h1>`), and whether a consumer's period may be sent with it. */
export const RECORD_SECTIONS = {
  SUM: { title: 'Summary', period: false },
  PRB: { title: 'Problems and Issues', period: true },
  ALL: { title: 'Allergies and Adverse Reactions', period: false },
  MED: { title: 'Medications', period: true },
  ENC: { title: 'Encounters', period: true },
  CLI: { title: 'Clinical Items', period: true },
  REF: { title: 'Referrals', period: true },
  OBS: { title: 'Observations', period: true },
  IMM: { title: 'Immunisations', period: false },
  ADM: { title: 'Administrative Items', period: true },
} as const;

export type RecordSectionCode = keyof typeof RECORD_SECTIONS;

export function isRecordSectionCode(code: unknown): code is RecordSectionCode {
  return typeof code === 'string' && Object.hasOwn(RECORD_SECTIONS, code);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A FHIR date or dateTime as Access Record HTML shows it (§5): `05-Jan-2017`, or as much of it as was
 * recorded (`Jan-2017`, `2017`). The date is the one written in the value, in the offset it was recorded in.
 */
export function formatHtmlDate(value: string): string {
  const [year, month, day] = value.slice(0, 10).split('-');
  if (month === undefined) return year!;
  const monthName = MONTHS[Number(month) - 1]!;
  return day === undefined ? `${monthName}-${year}` : `${day}-${monthName}-${year}`;
}
