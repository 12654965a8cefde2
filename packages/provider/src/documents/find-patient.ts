import { fail, GpConnectError, IDENTIFIER_SYSTEMS, isValidNhsNumber } from '@gpconnect/fhir';
import type { Handler } from '../http/handler.ts';
import { findDisclosablePatientByNhsNumber } from '../foundations/patients.ts';
import { readSearchIdentifier } from '../foundations/search-identifier.ts';
import { documentsSearchset } from './documents-bundle.ts';
import { isDocumentsPatient } from './documents-patient.ts';

type Query = Readonly<Record<string, string | string[] | undefined>>;

/**
 * The `identifier` of Access Document's Find a patient. Foundations' reader checks it; this search
 * answers every identifier problem but the NHS number's own check digit as INVALID_PARAMETER
 * (documents.md §2), where Foundations uses BAD_REQUEST and INVALID_IDENTIFIER_SYSTEM.
 */
function readNhsNumberIdentifier(query: Query): string {
  try {
    return readSearchIdentifier(query, IDENTIFIER_SYSTEMS.nhsNumber);
  } catch (error) {
    if (error instanceof GpConnectError) fail('INVALID_PARAMETER', error.diagnostics);
    throw error;
  }
}

/**
 * Find a patient (documents.md §2): the patient with that NHS number when they are registered here
 * for GMS and may be disclosed; no match is an empty searchset, not an error.
 */
export const documentsSearchPatients: Handler = async ({ practice, query, context, serviceBaseUrl }, { db, clock }) => {
  const nhsNumber = readNhsNumberIdentifier(query);
  if (!isValidNhsNumber(nhsNumber)) fail('INVALID_NHS_NUMBER', 'identifier: not a valid NHS number');
  const found = await findDisclosablePatientByNhsNumber(db, practice.ods_code, nhsNumber, context, clock());
  const patients = found && isDocumentsPatient(found.row) ? [JSON.parse(found.served.json) as Record<string, unknown>] : [];
  return documentsSearchset(context.traceId, serviceBaseUrl, patients);
};
