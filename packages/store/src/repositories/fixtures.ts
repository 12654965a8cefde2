import type { Kysely } from 'kysely';
import { PRACTICE_RESOURCE_TABLES, type Database } from '../schema.ts';

/**
 * Removes what a fixture set created in a practice and everything created there through the API
 * since (rows with no fixture), leaving other fixture sets and the audit trail untouched.
 */
export async function deleteFixtureAndApiData(db: Kysely<Database>, practiceOds: string, fixture: string): Promise<void> {
  for (const table of PRACTICE_RESOURCE_TABLES) {
    await (db as unknown as Kysely<Record<string, { practice_ods: string; fixture: string | null }>>)
      .deleteFrom(table)
      .where('practice_ods', '=', practiceOds)
      .where((eb) => eb.or([eb('fixture', '=', fixture), eb('fixture', 'is', null)]))
      .execute();
  }
  await db.deleteFrom('fixture_load').where('practice_ods', '=', practiceOds).where('fixture', '=', fixture).execute();
}

export async function recordFixtureLoad(db: Kysely<Database>, practiceOds: string, fixture: string, loadedOn: string, at: Date): Promise<void> {
  await db.insertInto('fixture_load').values({ practice_ods: practiceOds, fixture, loaded_on: loadedOn, loaded_at: at }).execute();
}

export async function listFixtureLoads(db: Kysely<Database>, practiceOds?: string) {
  let q = db.selectFrom('fixture_load').selectAll();
  if (practiceOds) q = q.where('practice_ods', '=', practiceOds);
  return q.orderBy('practice_ods').orderBy('fixture').execute();
}
