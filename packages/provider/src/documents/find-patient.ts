import { fail, GpConnectError, IDENTIFIER_SYSTEMS, isValidNhsNumber } from '@gpconnect/fhir';
import type { Handler } from '../http/handler.ts';
import { readSearchIdentifier } from '../foundations/search-identifier.ts';
import { documentsSearchset } from './documents-bundle.ts';
import { findDocumentsPatient } from './documents-patient.ts';

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
 * Find a patient (documents.md §2): the patient with that NHS number when Access Document may share
 * their record (see findDocumentsPatient); no match is an empty searchset, not an error.
 */
export const documentsSearchPatients: Handler = async ({ practice, query, context, serviceBaseUrl }, { db, clock, config }) => {
  const nhsNumber = readNhsNumberIdentifier(query);
  if (!isValidNhsNumber(nhsNumber)) fail('INVALID_NHS_NUMBER', 'identifier: not a valid NHS number');
  context.patientNhsNumber = nhsNumber;
  const found = await findDocumentsPatient(db, practice.ods_code, { nhsNumber }, context, clock(), config.documentsDeceasedAccessDays);
  const patients = found ? [JSON.parse(found.served.json) as Record<string, unknown>] : [];
  return documentsSearchset(context.traceId, serviceBaseUrl, patients);
};
