import type { ClinicalItemRow } from '@gpconnect/store';
import { itemListArea, type AreaContent, type ListWarning } from './record-lists.ts';

/**
 * Immunisations (structured.md §5.5): the "Immunisations" List of Immunization resources. Doses not
 * given (declined, contraindicated) only when `includeNotGiven` is true. Consent and dissent status
 * observations (`includeStatus`) are not held by this practice system, so none are returned.
 */
const LIST = { code: '1102181000000102', display: 'Immunisations', title: 'Immunisations' };

export function immunisationsArea(items: readonly ClinicalItemRow[], includeNotGiven: boolean, patientId: string, recordWarnings: readonly ListWarning[]): AreaContent {
  return itemListArea(LIST, items.filter((item) => includeNotGiven || item.status !== 'not-given'), patientId, recordWarnings);
}
