import type { ClinicalItemRow } from '@gpconnect/store';
import { itemListArea, type AreaContent, type ListWarning } from './record-lists.ts';

/**
 * Immunisations (structured.md §5.5): the "Immunisations" List of Immunization resources. Doses not
 * given (declined, contraindicated) only when `includeNotGiven` is true. The consent and dissent
 * records the practice files with immunisations (Observations) unless `includeStatus` is false; they
 * belong to this area alone, so an uncategorised data request never returns them.
 */
const LIST = { code: '1102181000000102', display: 'Immunisations', title: 'Immunisations' };

export interface ImmunisationOptions {
  includeNotGiven: boolean;
  includeStatus: boolean;
}

export function immunisationsArea(items: readonly ClinicalItemRow[], options: ImmunisationOptions, patientId: string, recordWarnings: readonly ListWarning[]): AreaContent {
  const wanted = items.filter((item) => (item.resource_type === 'Observation' ? options.includeStatus : options.includeNotGiven || item.status !== 'not-given'));
  return itemListArea(LIST, wanted, patientId, recordWarnings);
}
