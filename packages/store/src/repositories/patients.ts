import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database, PatientTable } from '../schema.ts';
import { preparedStatement } from '../prepared.ts';

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

/** What PDS (national) says about a patient's NHS number; null fields when PDS holds no record. */
export interface PdsFlags {
  pds_known: boolean;
  pds_sensitive: boolean | null;
  pds_deceased_at: string | null;
  pds_superseded_by: string | null;
  pds_invalidated: boolean | null;
}

/** The patient columns disclosure rules and the Patient handlers need (not the audit-only ones). */
const DISCLOSURE_COLUMNS = [
  'practice_ods', 'id', 'version', 'resource', 'nhs_number', 'registration_status', 'registration_end',
  'nhs_number_verification', 'sensitive', 'deceased_at', 'dissent', 'registration_type', 'registration_start', 'usual_gp_id', 'record_in_transit',
] as const satisfies readonly (keyof PatientRow)[];

export type PatientWithPdsFlags = Pick<PatientRow, (typeof DISCLOSURE_COLUMNS)[number]> & PdsFlags;

const PATIENT_WITH_PDS_FLAGS = `select ${DISCLOSURE_COLUMNS.map((column) => `patient.${column}`).join(', ')},
    pds_person.nhs_number is not null as pds_known, pds_person.sensitive as pds_sensitive, pds_person.deceased_at as pds_deceased_at,
    pds_person.superseded_by as pds_superseded_by, pds_person.invalidated as pds_invalidated
  from patient left join pds_person on pds_person.nhs_number = patient.nhs_number
  where patient.practice_ods = $1 and`;
const patientWithPdsFlagsById = preparedStatement<PatientWithPdsFlags>('patient_with_pds_flags_by_id', `${PATIENT_WITH_PDS_FLAGS} patient.id = $2`);
const patientWithPdsFlagsByNhsNumber = preparedStatement<PatientWithPdsFlags>('patient_with_pds_flags_by_nhs_number', `${PATIENT_WITH_PDS_FLAGS} patient.nhs_number = $2`);

/**
 * A patient of the practice with PDS's flags for the same NHS number, in one round trip: a record
 * may be disclosed only when neither the practice nor PDS marks it sensitive, deceased or replaced.
 * Every Patient read and search runs it, so it is a prepared statement.
 */
export async function findPatientWithPdsFlags(
  db: Kysely<Database>,
  practiceOds: string,
  by: { id: string } | { nhsNumber: string },
): Promise<PatientWithPdsFlags | undefined> {
  const rows = 'id' in by ? await patientWithPdsFlagsById.run(db, [practiceOds, by.id]) : await patientWithPdsFlagsByNhsNumber.run(db, [practiceOds, by.nhsNumber]);
  return rows[0];
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
