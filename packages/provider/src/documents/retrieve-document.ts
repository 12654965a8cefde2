import { fail } from '@gpconnect/fhir';
import { findDocumentByBinaryId, findPatientById, findPdsPerson, readDocumentContent, type Database, type DocumentRow, type Kysely } from '@gpconnect/store';
import type { FhirResponse } from '../http/fhir-response.ts';
import type { Handler } from '../http/handler.ts';
import { isLogicalId } from '../foundations/search-identifier.ts';
import { documentsPatient } from './documents-patient.ts';
import { RETRIEVE_LIMIT_BYTES } from './served-document-reference.ts';

/** Valid base64 ("STREAMED-CONTENT") that stands for the file in the rendered Binary until it is streamed. */
const CONTENT_PLACEHOLDER = 'U1RSRUFNRUQtQ09OVEVOVA==';

/**
 * The Binary of a document's file (documents.md §5): id, the current version, the MIME type and the
 * content, streamed from the stored chunks so that the file is never held whole.
 */
function binaryResponse(db: Kysely<Database>, document: DocumentRow): FhirResponse {
  const binary = { resourceType: 'Binary', id: document.binary_id, meta: { versionId: String(document.version) }, contentType: document.content_type, content: CONTENT_PLACEHOLDER };
  return { status: 200, json: JSON.stringify(binary), version: document.version, streamedBase64: { placeholder: CONTENT_PLACEHOLDER, chunks: readDocumentContent(db, document) } };
}

async function findDocument(db: Kysely<Database>, practiceOds: string, binaryId: string | undefined): Promise<DocumentRow | undefined> {
  return isLogicalId(binaryId) ? findDocumentByBinaryId(db, practiceOds, binaryId) : undefined;
}

function noSuchDocument(binaryId: string | undefined): never {
  fail('NO_RECORD_FOUND', `No document Binary/${binaryId ?? ''} can be retrieved here`);
}

/**
 * Retrieve a document (documents.md §5): a shareable document of a patient whose documents may be
 * shared, up to 5 MB. Confidential documents are not retrievable (§7); larger files are
 * NO_RECORD_FOUND (their DocumentReference is a placeholder saying so).
 */
export const retrieveDocument: Handler = async ({ practice, params, context }, { db, clock, config }) => {
  const document = await findDocument(db, practice.ods_code, params['id']);
  if (!document || document.confidential) noSuchDocument(params['id']);
  await documentsPatient(db, practice.ods_code, document.patient_id, context, clock(), config.documentsDeceasedAccessDays);
  if (document.size_bytes > RETRIEVE_LIMIT_BYTES) fail('NO_RECORD_FOUND', `Binary/${document.binary_id} is larger than 5 MB, the limit of Retrieve a document`);
  return binaryResponse(db, document);
};

/**
 * Migrate a document (documents.md §6): for the practice the patient has moved to, with no size
 * limit. Only the organisation PDS now names as the patient's practice may migrate it, and
 * confidential documents and sensitive patients' documents only when the JWT asks for sensitive
 * information (conf/R). The spec answers both refusals NOT_AUTHORISED, a code missing from the
 * Spine-ErrorOrWarningCode-1 CodeSystem the OperationOutcome profile binds, so they are sent as
 * ACCESS DENIED (403), the catalogued code for a refused request.
 */
export const migrateDocument: Handler = async ({ practice, params, context }, { db }) => {
  const document = await findDocument(db, practice.ods_code, params['id']);
  if (!document) noSuchDocument(params['id']);
  const patient = (await findPatientById(db, practice.ods_code, document.patient_id))!;
  context.patientNhsNumber = patient.nhs_number;
  const pds = await findPdsPerson(db, patient.nhs_number);
  const requester = context.requester!;
  if (!pds || pds.gpOds !== requester.organisationOds) {
    fail('ACCESS_DENIED', `Not authorised: ${requester.organisationOds ?? 'the requesting organisation'} is not the patient's registered practice on PDS`);
  }
  if ((document.confidential || patient.sensitive || pds.sensitive) && !requester.sensitiveScope) {
    fail('ACCESS_DENIED', 'Not authorised: this document is sensitive; a migration must ask for it with requested_scope conf/R');
  }
  return binaryResponse(db, document);
};
