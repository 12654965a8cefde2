import type { ClinicalItemRow } from '@gpconnect/store';
import type { AreaContent } from './allergies.ts';
import type { DatePeriod } from './structured-parameters.ts';
import { clinicalList, referencedPractitionerIds, type ListWarning } from './record-lists.ts';

/**
 * Uncategorised data (structured.md §5.6): the "Uncategorised data" List of Observations, blood
 * pressures as one Observation with their systolic and diastolic components. The search period
 * applies to when each was made, both ends inclusive; an observation without a date is always
 * returned (§8). Confidential observations are withheld and the List says so.
 */

const LIST = { code: '826501000000100', display: 'Miscellaneous record', title: 'Uncategorised data' };

function within(effective: Date | string | null, period: DatePeriod | undefined): boolean {
  if (!period || effective === null) return true;
  const day = (effective instanceof Date ? effective.toISOString() : effective).slice(0, 10);
  return (period.start === undefined || day >= period.start) && (period.end === undefined || day <= period.end);
}

export function uncategorisedArea(items: readonly ClinicalItemRow[], period: DatePeriod | undefined, patientId: string, recordWarnings: readonly ListWarning[]): AreaContent {
  const matching = items.filter((item) => within(item.effective_at, period));
  const shown = matching.filter((item) => !item.confidential).map((item) => JSON.parse(item.resource) as Record<string, unknown>);
  const list = clinicalList(LIST, patientId, shown.map((o) => ({ reference: `Observation/${o['id'] as string}` })), shown.length < matching.length, recordWarnings);
  return { resources: [list, ...shown], practitionerIds: referencedPractitionerIds(shown) };
}
