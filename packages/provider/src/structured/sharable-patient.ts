import { fail } from '@gpconnect/fhir';
import type { Database, Kysely, PracticeRow } from '@gpconnect/store';
import { findDisclosablePatientByNhsNumber } from '../foundations/patients.ts';
import type { GpConnectContext } from '../pipeline/request-context.ts';

/** A patient whose structured record this practice may share. */
export type SharablePatient = NonNullable<Awaited<ReturnType<typeof findDisclosablePatientByNhsNumber>>>;

/**
 * The patient rules of the structured operations (structured.md §2.2): a patient the practice can
 * disclose at all (not sensitive, deceased or inactive), registered here for GMS — a temporary
 * resident's record is kept elsewhere — and not dissenting from sharing.
 */
export async function findSharablePatient(db: Kysely<Database>, practice: PracticeRow, nhsNumber: string, context: GpConnectContext, now: Date): Promise<SharablePatient> {
  const found = await findDisclosablePatientByNhsNumber(db, practice.ods_code, nhsNumber, context, now);
  if (!found) fail('PATIENT_NOT_FOUND', `No patient with NHS number ${nhsNumber} whose record can be shared`);
  if (found.row.registration_type !== 'R') fail('PATIENT_NOT_FOUND', `NHS number ${nhsNumber} is not registered here as a regular patient`);
  if (found.row.dissent) fail('NO_PATIENT_CONSENT', 'The patient has dissented from sharing their record');
  return found;
}
