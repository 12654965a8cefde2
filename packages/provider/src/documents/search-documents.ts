import { findPractitionerRoles, readResources, searchPatientDocuments, type StoredResource } from '@gpconnect/store';
import type { Handler } from '../http/handler.ts';
import { documentsSearchset, withoutVersionMeta } from './documents-bundle.ts';
import { documentsPatient } from './documents-patient.ts';
import { readDocumentSearch } from './search-parameters.ts';
import { referencedIds, servedDocumentReference } from './served-document-reference.ts';

type Json = Record<string, unknown>;

const parsed = (rows: readonly StoredResource[]) => rows.map((row) => withoutVersionMeta(JSON.parse(row.resource) as Json));

/**
 * Search for a patient's documents (documents.md §3): the patient's shareable DocumentReferences
 * matching `created`, `author` and `description`, with what the mandatory includes name: the patient,
 * the practice and every author and custodian organisation, the usual GP and every author
 * practitioner, and the roles of those practitioners.
 */
export const searchDocuments: Handler = async ({ practice, params, query, context, serviceBaseUrl }, { db, clock, config }) => {
  const search = readDocumentSearch(query);
  const patient = await documentsPatient(db, practice.ods_code, params['id'], context, clock(), config.documentsDeceasedAccessDays);
  const documents = (await searchPatientDocuments(db, practice.ods_code, patient.row.id, search)).map((row) => servedDocumentReference(row, serviceBaseUrl));
  const organisationIds = new Set([practice.organisation_id, ...documents.flatMap((d) => referencedIds(d, 'Organization'))]);
  const practitionerIds = new Set([...(patient.row.usual_gp_id ? [patient.row.usual_gp_id] : []), ...documents.flatMap((d) => referencedIds(d, 'Practitioner'))]);
  const resources = [
    withoutVersionMeta(JSON.parse(patient.served.json) as Json),
    ...documents,
    ...parsed(await readResources(db, 'organisation', practice.ods_code, [...organisationIds])),
    ...parsed(await readResources(db, 'practitioner', practice.ods_code, [...practitionerIds])),
    ...parsed(await findPractitionerRoles(db, practice.ods_code, [...practitionerIds])),
  ];
  return documentsSearchset(context.traceId, serviceBaseUrl, resources);
};
