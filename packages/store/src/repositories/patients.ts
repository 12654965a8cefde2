import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database, PatientTable } from '../schema.ts';

export type PatientRow = Selectable<PatientTable>;
export type NewPatientRow = Insertable<PatientTable>;
export type PatientChanges = Omit<Updateable<PatientTable>, 'practice_ods' | 'id' | 'version'>;

export async function findPatientById(db: Kysely<Database>, practiceOds: string, id: string): Promise<PatientRow | undefined> {
  return db.selectFrom('patient').selectAll().where('practice_ods', '=', practiceOds).where('id', '=', id).executeTakeFirst();
}

export async function findPatientByNhsNumber(db: Kysely<Database>, practiceOds: string, nhsNumber: string): Promise<PatientRow | undefined> {
  return db
    .selectFrom('patient')
    .selectAll()
    .where('practice_ods', '=', practiceOds)
    .where('nhs_number', '=', nhsNumber)
    .executeTakeFirst();
}

export async function insertPatient(db: Kysely<Database>, row: NewPatientRow): Promise<void> {
  await db.insertInto('patient').values(row).execute();
}

/**
 * Applies `changes` only if the row is still at `expectedVersion`, and moves it to the next version.
 * False when another writer got there first (the caller decides what a lost race means).
 */
export async function updatePatient(
  db: Kysely<Database>,
  practiceOds: string,
  id: string,
  expectedVersion: number,
  changes: PatientChanges,
): Promise<boolean> {
  const result = await db
    .updateTable('patient')
    .set({ ...changes, version: expectedVersion + 1 })
    .where('practice_ods', '=', practiceOds)
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
