import type { ClinicalItemTable, Insertable } from '@gpconnect/store';
import type { ResourceRow } from './planned-row.ts';

/** A clinical_item row as the roster plan and the generator write it. */
export type PlannedClinicalItemRow = Insertable<ClinicalItemTable> & ResourceRow;

/**
 * One rendered record item and the clinical_item columns that vary from item to item: its area, the
 * date the area's search filter applies to, its status and whether it is confidential. Every planner
 * (the roster's 1.x tables, the Access Record HTML cohort, the generator) renders its items to this.
 */
export interface RecordItem {
  id: string;
  area: string;
  resourceType: string;
  resource: Record<string, unknown>;
  effective: string | null;
  status: string | null;
  confidential: boolean;
}

/** The row of `patientId`'s record item, with the columns every row of the load shares. */
export function clinicalItemRow(row: Omit<ResourceRow, 'id' | 'resource'>, patientId: string, item: RecordItem): PlannedClinicalItemRow {
  return {
    ...row,
    id: item.id,
    resource: JSON.stringify(item.resource),
    patient_id: patientId,
    resource_type: item.resourceType,
    area: item.area,
    effective_at: item.effective,
    confidential: item.confidential,
    status: item.status,
  };
}
