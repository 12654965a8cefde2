import type { Kysely } from 'kysely';
import type { Database, ResourceColumns } from '../schema.ts';

/** Tables whose rows are served FHIR resources of one practice. */
export type ResourceTable = 'organisation' | 'location' | 'practitioner' | 'practitioner_role' | 'patient' | 'clinical_item';

/** A stored resource as served: its JSON text and version, never re-parsed on the way out. */
export interface StoredResource {
  id: string;
  version: number;
  resource: string;
}

/** Reads one resource by logical id within a practice. */
export async function readResource(
  db: Kysely<Database>,
  table: ResourceTable,
  practiceOds: string,
  id: string,
): Promise<StoredResource | undefined> {
  // Kysely cannot type a union of table names; every ResourceTable has these columns.
  return (db as unknown as Kysely<Record<string, ResourceColumns>>)
    .selectFrom(table)
    .select(['id', 'version', 'resource'])
    .where('practice_ods', '=', practiceOds)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findOrganisationsByOdsCode(db: Kysely<Database>, practiceOds: string, odsCode: string): Promise<StoredResource[]> {
  return db
    .selectFrom('organisation')
    .select(['id', 'version', 'resource'])
    .where('practice_ods', '=', practiceOds)
    .where('ods_code', '=', odsCode)
    .orderBy('id')
    .execute();
}

export async function findPractitionersBySdsUserId(db: Kysely<Database>, practiceOds: string, sdsUserId: string): Promise<StoredResource[]> {
  return db
    .selectFrom('practitioner')
    .select(['id', 'version', 'resource'])
    .where('practice_ods', '=', practiceOds)
    .where('sds_user_id', '=', sdsUserId)
    .orderBy('id')
    .execute();
}

/** The resources of one table with these logical ids (those that exist), by id. */
export async function readResources(
  db: Kysely<Database>,
  table: ResourceTable,
  practiceOds: string,
  ids: readonly string[],
): Promise<StoredResource[]> {
  if (ids.length === 0) return [];
  return (db as unknown as Kysely<Record<string, ResourceColumns>>)
    .selectFrom(table)
    .select(['id', 'version', 'resource'])
    .where('practice_ods', '=', practiceOds)
    .where('id', 'in', [...ids])
    .orderBy('id')
    .execute();
}

/** Locations with these ids, with the organisation that manages each (Location.managingOrganization). */
export async function findLocations(db: Kysely<Database>, practiceOds: string, ids: readonly string[]): Promise<(StoredResource & { organisation_id: string })[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('location')
    .select(['id', 'version', 'resource', 'organisation_id'])
    .where('practice_ods', '=', practiceOds)
    .where('id', 'in', [...ids])
    .orderBy('id')
    .execute();
}

/** Every PractitionerRole of these practitioners (a search's `_revinclude` of PractitionerRole:practitioner). */
export async function findPractitionerRoles(db: Kysely<Database>, practiceOds: string, practitionerIds: readonly string[]): Promise<StoredResource[]> {
  if (practitionerIds.length === 0) return [];
  return db
    .selectFrom('practitioner_role')
    .select(['id', 'version', 'resource'])
    .where('practice_ods', '=', practiceOds)
    .where('practitioner_id', 'in', [...practitionerIds])
    .orderBy('id')
    .execute();
}
