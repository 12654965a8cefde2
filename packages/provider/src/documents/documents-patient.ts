import { fail } from '@gpconnect/fhir';
import { findPatientById, type Database, type Kysely, type PatientWithPdsFlags } from '@gpconnect/store';
import { findDisclosablePatientByNhsNumber, type ServedPatient } from '../foundations/patients.ts';
import { isLogicalId } from '../foundations/search-identifier.ts';
import type { GpConnectContext } from '../pipeline/request-context.ts';

/** A patient whose documents Access Document may share, with the record behind them. */
export interface DocumentsPatient {
  row: PatientWithPdsFlags;
  served: ServedPatient;
}

/**
 * Access Document serves only patients registered here for GMS (Regular), stricter than Foundations
 * (documents.md §2), and otherwise the rules every capability applies to disclosure.
 */
export function isDocumentsPatient(row: PatientWithPdsFlags): boolean {
  return row.registration_type === 'R';
}

/**
 * The patient with logical id `id` whose documents may be searched or retrieved (documents.md §3):
 * PATIENT_NOT_FOUND unless Foundations would disclose them and they are registered here for GMS;
 * NO_PATIENT_CONSENT when they have dissented. The audit trail learns whose record was asked for.
 */
export async function documentsPatient(db: Kysely<Database>, practiceOds: string, id: string | undefined, context: GpConnectContext, now: Date): Promise<DocumentsPatient> {
  const stored = isLogicalId(id) ? await findPatientById(db, practiceOds, id) : undefined;
  const found = stored ? await findDisclosablePatientByNhsNumber(db, practiceOds, stored.nhs_number, context, now) : undefined;
  if (!found || !isDocumentsPatient(found.row)) fail('PATIENT_NOT_FOUND', `No patient with id ${JSON.stringify(id)} whose documents can be shared`);
  if (found.row.dissent) fail('NO_PATIENT_CONSENT', 'The patient has dissented from sharing their record');
  return found;
}
