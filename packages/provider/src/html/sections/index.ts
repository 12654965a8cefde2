import type { CareRecord } from '../care-record.ts';
import type { RecordSectionCode } from '../care-record-request.ts';
import type { Table } from '../section-view.ts';
import { allergyTables, currentAllergies } from './allergies.ts';
import { encountersTable } from './encounters.ts';
import { currentMedicationTables, medicationTables } from './medications.ts';
import { activeProblems, majorInactiveProblems, problemTables } from './problems.ts';
import { administrativeItemsTable, clinicalItemsTable, immunisationsTable, observationsTable, referralsTable } from './record-items.ts';

/** What a section builder may need beyond the record. */
export interface SectionContext {
  practiceName: string;
}

/**
 * The summary (access-record-html.md §5): the last three encounters, then replicas of the active and
 * major inactive problems, current allergies and current medication, in that order, none of them
 * filtered or bannered by date.
 */
function summaryTables(record: CareRecord): Table[] {
  const tables = [encountersTable(record, 3), activeProblems(record), majorInactiveProblems(record), currentAllergies(record), ...currentMedicationTables(record)];
  return tables.map((table) => ({ ...table, dateFilter: 'none' }));
}

/** Each section's tables, in the order the section shows them. */
export const SECTION_TABLES: Record<RecordSectionCode, (record: CareRecord, context: SectionContext) => Table[]> = {
  SUM: summaryTables,
  PRB: problemTables,
  ALL: allergyTables,
  MED: medicationTables,
  ENC: (record) => [encountersTable(record)],
  CLI: (record) => [clinicalItemsTable(record)],
  REF: (record, { practiceName }) => [referralsTable(record, practiceName)],
  OBS: (record) => [observationsTable(record)],
  IMM: (record) => [immunisationsTable(record)],
  ADM: (record) => [administrativeItemsTable(record)],
};
