import { fail } from '@gpconnect/fhir';
import { findPatientWithPdsFlags, type Database, type Kysely, type PatientWithPdsFlags } from '@gpconnect/store';
import { servablePatient, type ServedPatient } from '../foundations/patients.ts';
import { isLogicalId } from '../foundations/search-identifier.ts';
import { isDisclosable } from '../foundations/registration-status.ts';
import { VERIFIED } from '../foundations/nhs-number-verification.ts';
import type { GpConnectContext } from '../pipeline/request-context.ts';

const DAY_MS = 86_400_000;

/** A patient whose documents Access Document may share, with the record behind them. */
export interface DocumentsPatient {
  row: PatientWithPdsFlags;
  served: ServedPatient;
}

/** Whether the practice or PDS says the patient died within the last `days` days. */
function diedWithin(row: PatientWithPdsFlags, now: Date, days: number): boolean {
  const died = row.deceased_at ?? row.pds_deceased_at;
  if (died === null) return false;
  const since = now.getTime() - Date.parse(died);
  return since >= 0 && since <= days * DAY_MS;
}

/**
 * The record Access Document may share, or undefined (documents.md §2, §7): only patients registered
 * here for GMS (Regular), stricter than Foundations; otherwise the rules every capability applies,
 * except that a patient who died within the access period is still served (their registration must
 * still be on record here; the other rules apply as in life). The audit trail learns whose record it was.
 */
export async function findDocumentsPatient(
  db: Kysely<Database>,
  practiceOds: string,
  by: { id: string } | { nhsNumber: string },
  context: GpConnectContext,
  now: Date,
  deceasedAccessDays: number,
): Promise<DocumentsPatient | undefined> {
  const row = await findPatientWithPdsFlags(db, practiceOds, by);
  if (!row) return undefined;
  context.patientNhsNumber = row.nhs_number;
  if (row.registration_type !== 'R') return undefined;
  if (diedWithin(row, now, deceasedAccessDays)) {
    const disclosableInLife = isDisclosable({ ...row, deceased_at: null, pds_deceased_at: null }, now) && row.nhs_number_verification === VERIFIED;
    return disclosableInLife ? { row, served: { json: row.resource, version: row.version } } : undefined;
  }
  const served = await servablePatient(db, row, now);
  return served && { row, served };
}

/**
 * The patient with logical id `id` whose documents may be searched or retrieved (documents.md §3):
 * PATIENT_NOT_FOUND unless findDocumentsPatient finds them; NO_PATIENT_CONSENT when they have dissented.
 */
export async function documentsPatient(
  db: Kysely<Database>,
  practiceOds: string,
  id: string | undefined,
  context: GpConnectContext,
  now: Date,
  deceasedAccessDays: number,
): Promise<DocumentsPatient> {
  const found = isLogicalId(id) ? await findDocumentsPatient(db, practiceOds, { id }, context, now, deceasedAccessDays) : undefined;
  if (!found) fail('PATIENT_NOT_FOUND', `No patient with id ${JSON.stringify(id)} whose documents can be shared`);
  if (found.row.dissent) fail('NO_PATIENT_CONSENT', 'The patient has dissented from sharing their record');
  return found;
}
