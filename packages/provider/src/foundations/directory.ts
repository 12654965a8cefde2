import { fail, IDENTIFIER_SYSTEMS, type SpineErrorName } from '@gpconnect/fhir';
import { findOrganisationsByOdsCode, findPractitionersBySdsUserId, readResource, type ResourceTable } from '@gpconnect/store';
import type { Handler } from '../http/handler.ts';
import { resourceResponse, searchsetResponse } from '../http/fhir-response.ts';
import { isLogicalId, readSearchIdentifier } from './search-identifier.ts';

/**
 * Practitioner, Organization and Location: the practice's directory, served as stored
 * (foundations.md §3-§5). A read miss is the resource's own not-found code; a search miss is an
 * empty searchset.
 */
function readHandler(table: ResourceTable, resourceType: string, notFound: SpineErrorName): Handler {
  return async ({ practice, params }, { db }) => {
    const id = params['id'];
    const stored = isLogicalId(id) ? await readResource(db, table, practice.ods_code, id) : undefined;
    if (!stored) fail(notFound, `No ${resourceType} with id ${JSON.stringify(id)}`);
    return resourceResponse(stored.resource, stored.version);
  };
}

export const readPractitioner = readHandler('practitioner', 'Practitioner', 'PRACTITIONER_NOT_FOUND');
export const readOrganization = readHandler('organisation', 'Organization', 'ORGANISATION_NOT_FOUND');
export const readLocation = readHandler('location', 'Location', 'NO_RECORD_FOUND');

export const searchPractitioners: Handler = async ({ practice, query }, { db }) => {
  const sdsUserId = readSearchIdentifier(query, IDENTIFIER_SYSTEMS.sdsUserId);
  const found = await findPractitionersBySdsUserId(db, practice.ods_code, sdsUserId);
  return searchsetResponse(found.map((r) => r.resource));
};

export const searchOrganizations: Handler = async ({ practice, query }, { db }) => {
  const odsCode = readSearchIdentifier(query, IDENTIFIER_SYSTEMS.odsOrganisationCode);
  const found = await findOrganisationsByOdsCode(db, practice.ods_code, odsCode);
  return searchsetResponse(found.map((r) => r.resource));
};
