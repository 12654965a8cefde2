import type { Kysely, Selectable } from 'kysely';
import type { ClinicalItemTable, Database } from '../schema.ts';

export type ClinicalItemRow = Pick<Selectable<ClinicalItemTable>, 'id' | 'resource' | 'resource_type' | 'status' | 'confidential' | 'effective_at' | 'area'>;

/**
 * A patient's items of the given clinical areas in one round trip, oldest first (by their area's
 * date, then id). Problems and consultations link across areas, so the structured record reads all
 * a request needs at once rather than area by area.
 */
export async function findPatientRecord(db: Kysely<Database>, practiceOds: string, patientId: string, areas: readonly string[]): Promise<ClinicalItemRow[]> {
  if (areas.length === 0) return [];
  return db
    .selectFrom('clinical_item')
    .select(['id', 'resource', 'resource_type', 'status', 'confidential', 'effective_at', 'area'])
    .where('practice_ods', '=', practiceOds)
    .where('patient_id', '=', patientId)
    .where('area', 'in', areas)
    .orderBy('effective_at')
    .orderBy('id')
    .execute();
}
