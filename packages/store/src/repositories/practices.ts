import type { Kysely, Selectable } from 'kysely';
import type { Database, PracticeTable } from '../schema.ts';

export type PracticeRow = Selectable<PracticeTable>;

export interface NewPractice {
  odsCode: string;
  name: string;
  asid: string;
  capabilities: readonly string[];
  organisationId: string;
}

export async function insertPractice(db: Kysely<Database>, practice: NewPractice): Promise<void> {
  await db
    .insertInto('practice')
    .values({
      ods_code: practice.odsCode,
      name: practice.name,
      asid: practice.asid,
      capabilities: [...practice.capabilities],
      organisation_id: practice.organisationId,
    })
    .execute();
}

export async function findPractice(db: Kysely<Database>, odsCode: string): Promise<PracticeRow | undefined> {
  return db.selectFrom('practice').selectAll().where('ods_code', '=', odsCode).executeTakeFirst();
}

export async function listPractices(db: Kysely<Database>): Promise<PracticeRow[]> {
  return db.selectFrom('practice').selectAll().orderBy('ods_code').execute();
}

/** Replaces the practice's switched-on capabilities; false when the practice does not exist. */
export async function setPracticeCapabilities(db: Kysely<Database>, odsCode: string, capabilities: readonly string[]): Promise<boolean> {
  const result = await db
    .updateTable('practice')
    .set({ capabilities: [...capabilities] })
    .where('ods_code', '=', odsCode)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Replaces the Access Record Structured areas switched off at the practice; false when it does not exist. */
export async function setStructuredAreasDisabled(db: Kysely<Database>, odsCode: string, areas: readonly string[]): Promise<boolean> {
  const result = await db
    .updateTable('practice')
    .set({ structured_areas_disabled: [...areas] })
    .where('ods_code', '=', odsCode)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
