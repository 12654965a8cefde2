import type { ClinicalItemRow } from '@gpconnect/store';
import type { DatePeriod } from './structured-parameters.ts';
import { itemListArea, withinPeriod, type AreaContent, type ListWarning } from './record-lists.ts';

/**
 * Uncategorised data (structured.md §5.6): the "Uncategorised data" List of Observations, blood
 * pressures as one Observation with their systolic and diastolic components. The search period
 * applies to when each was made, both ends inclusive; an observation without a date is always
 * returned (§8).
 */
const LIST = { code: '826501000000100', display: 'Miscellaneous record', title: 'Uncategorised data' };

export function uncategorisedArea(items: readonly ClinicalItemRow[], period: DatePeriod | undefined, patientId: string, recordWarnings: readonly ListWarning[]): AreaContent {
  return itemListArea(LIST, items.filter((item) => withinPeriod(item.effective_at, period)), patientId, recordWarnings);
}
