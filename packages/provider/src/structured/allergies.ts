import type { ClinicalItemRow } from '@gpconnect/store';
import { clinicalList, stored, type AreaContent, type ListWarning } from './record-lists.ts';

/**
 * The allergies area (structured.md §5.1): the "Allergies and adverse reactions" List referencing the
 * active allergies, and — only when resolved allergies are asked for — the "Ended allergies" List
 * holding the resolved ones as contained resources. Confidential items are withheld and their Lists
 * say so; an area with nothing recorded is an empty List saying so, never a missing one.
 */

type Json = Record<string, unknown>;

const ACTIVE = { code: '886921000000105', display: 'Allergies and adverse reaction', title: 'Allergies and adverse reactions' };
const ENDED = { code: '1103671000000101', display: 'Ended allergies', title: 'Ended allergies' };

export function allergiesArea(items: readonly ClinicalItemRow[], includeResolved: boolean, patientId: string, recordWarnings: readonly ListWarning[]): AreaContent {
  const active = items.filter((item) => item.status === 'active');
  const resolved = items.filter((item) => item.status === 'resolved');
  const shownActive = active.filter((item) => !item.confidential);
  const activeResources = shownActive.map(stored);
  const lists: Json[] = [clinicalList(ACTIVE, patientId, activeResources.map((r) => ({ reference: r.key })), active.length > shownActive.length, recordWarnings)];
  const endedResources: Json[] = [];
  if (includeResolved) {
    const shownResolved = resolved.filter((item) => !item.confidential);
    endedResources.push(...shownResolved.map((item) => JSON.parse(item.resource) as Json));
    const ended = clinicalList(ENDED, patientId, endedResources.map((r) => ({ reference: `#${r['id'] as string}` })), resolved.length > shownResolved.length, recordWarnings);
    // Ended allergies travel inside their List (§5.1), not as entries of their own.
    if (endedResources.length > 0) ended['contained'] = endedResources;
    lists.push(ended);
  }
  return { resources: [...lists, ...activeResources] };
}
