/**
 * Stable logical ids of the national roster's resources. The national provider test suite
 * (nhsconnect/gpconnect-provider-testing, branch feature/1.6.0) addresses most records by business
 * identifier through its Data/*.csv maps, but some steps use logical ids directly (Patient/2,
 * Practitioner/2, Location ids from LocationLogicalIdentifierMap.csv), and our own tests and the
 * consumer tooling rely on the ids staying the same across resets. The mapping:
 *
 * Patients (GP Connect 1.x cohort, roster `patients`, keys as in the suite's NHSNoMap.csv):
 * - `patientN` -> `"N"` (patient1 -> "1" ... patient18 -> "18", patient21 -> "21").
 * - `patientNoAppointments` -> `"19"`: the suite's prerequisites list a "Patient 19" between
 *   patient18 and patientNoAppointments, and no NHS number is mapped to patient19 or patient20, so
 *   "19" names the one unnumbered held patient; "20" stays unused.
 * - `patientNotInSystem` is held nowhere (roster flag heldByProvider: false): no id.
 *
 * Patients of the Access Record HTML (0.7.x) cohort (roster `accessRecordHtmlPatients`): their keys
 * repeat `patientN` but name different people, so they get `"html-N"`. The cohort's patient14 is the
 * same person as the 1.x patient14 (same NHS number, held once, as "14") and its patientNotInSystem
 * is held nowhere.
 *
 * Organisations: ORG1 (the practice) -> "1", ORG2 -> "2"; "3" is the second reference-data record
 * sharing ORG2's ODS code R1A14 ("The Hockey Surgery", named only in the roster's ORG2 note). ORG3
 * and unknownORG are not held.
 *
 * Locations: the roster's suggestedLogicalId, which equals the suite's LocationLogicalIdentifierMap
 * (SIT1 -> "1", SIT2 -> "8", SIT3 -> "3"). SIT4 and unknownSIT need no Location.
 *
 * Practitioners: held records numbered "1", "2", "3"... in roster order, one id per record:
 * practitioner1 -> "1", practitioner2 -> "2", practitioner3 -> "3"; practitioner4 must not exist
 * (no id); practitioner5 is two records sharing SDS user id G22222226 -> "4" (role profile PT3333)
 * and "5" (PT2222, PT4444). PractitionerRole ids equal the id of their Practitioner record.
 *
 * Schedules "1"-"4" and Slots `<schedule id>-<UK local start yyyymmddhhmm>` (e.g. "1-202611250900"):
 * see plan-appointment-capacity.ts. A reset on the same day gives every slot the same id.
 */

/** Logical id of a 1.x cohort patient, or undefined for a key that names no held patient. */
export function patientLogicalId(key: string): string | undefined {
  if (key === 'patientNoAppointments') return '19';
  if (key === 'patientNotInSystem') return undefined;
  const match = /^patient([1-9]\d*)$/.exec(key);
  if (!match) throw new Error(`national roster: no logical id rule for patient key ${JSON.stringify(key)}`);
  return match[1];
}

/** Logical id of an Access Record HTML cohort patient held under its own record. */
export function htmlPatientLogicalId(key: string): string {
  const match = /^patient([1-9]\d*)$/.exec(key);
  if (!match) throw new Error(`national roster: no logical id rule for Access Record HTML key ${JSON.stringify(key)}`);
  return `html-${match[1]}`;
}

export const ORGANISATION_IDS: Readonly<Record<string, string>> = { ORG1: '1', ORG2: '2' };

/**
 * What the roster says only in prose, made explicit (tests check the prose still says it):
 * the second organisation record with ORG2's ODS code, and the two records of practitioner5.
 */
export const ROSTER_SUPPLEMENT = {
  secondOrganisationOfOrg2: { id: '3', name: 'The Hockey Surgery' },
  practitioner5Records: [
    { sdsRoleProfileIds: ['PT3333'] },
    { sdsRoleProfileIds: ['PT2222', 'PT4444'] },
  ],
  /**
   * The roster gives practitioner5 no name or gender; a Practitioner needs a name (1..1). Both records
   * are the same person (one SDS user id), so they share this invented name.
   */
  practitioner5Name: { prefix: ['Dr'], given: ['Robin'], family: 'Hartley' },
} as const;
