import type { Kysely, Selectable } from 'kysely';
import type { ClinicalItemTable, Database } from '../schema.ts';

export type ClinicalItemRow = Pick<Selectable<ClinicalItemTable>, 'id' | 'resource' | 'resource_type' | 'status' | 'confidential' | 'effective_at'>;

/** A patient's record items of one clinical area, oldest first (by their area's date, then id). */
export async function findClinicalItems(db: Kysely<Database>, practiceOds: string, patientId: string, area: string): Promise<ClinicalItemRow[]> {
  return db
    .selectFrom('clinical_item')
    .select(['id', 'resource', 'resource_type', 'status', 'confidential', 'effective_at'])
    .where('practice_ods', '=', practiceOds)
    .where('patient_id', '=', patientId)
    .where('area', '=', area)
    .orderBy('effective_at')
    .orderBy('id')
    .execute();
}
