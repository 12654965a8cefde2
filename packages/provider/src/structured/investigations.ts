import type { ClinicalItemRow } from '@gpconnect/store';
import type { DatePeriod } from './structured-parameters.ts';
import { clinicalList, referencedPractitionerIds, withinPeriod, type AreaContent, type ListWarning } from './record-lists.ts';

/**
 * Investigations (structured.md §5.7): the "Investigations and results" List of DiagnosticReports,
 * each returned with what it is made of — its test request, specimens, test groups, their results
 * and the filing comments — found by following the report's references. The search period applies
 * to when the report was issued. A confidential report is withheld whole, and the List says so.
 */

type Json = Record<string, unknown>;

const LIST = { code: '887191000000108', display: 'Investigations and results', title: 'Investigations and results' };

const referencesOf = (value: unknown): string[] =>
  [value].flat().flatMap((v) => {
    const reference = (v as { reference?: unknown } | undefined)?.reference;
    return typeof reference === 'string' ? [reference] : [];
  });

/** The report's parts: request, specimens and results, and the members of its test groups. */
function partsOf(report: Json, byReference: ReadonlyMap<string, Json>): Json[] {
  const found = new Map<string, Json>();
  const queue = [...referencesOf(report['basedOn']), ...referencesOf(report['specimen']), ...referencesOf(report['result'])];
  while (queue.length > 0) {
    const reference = queue.shift()!;
    const part = byReference.get(reference);
    if (!part || found.has(reference)) continue;
    found.set(reference, part);
    const members = ((part['related'] as { type?: string; target?: unknown }[] | undefined) ?? []).filter((r) => r.type === 'has-member');
    queue.push(...members.flatMap((m) => referencesOf(m.target)));
  }
  return [...found.values()];
}

export function investigationsArea(items: readonly ClinicalItemRow[], period: DatePeriod | undefined, patientId: string, recordWarnings: readonly ListWarning[]): AreaContent {
  const parsed = items.map((item) => ({ item, resource: JSON.parse(item.resource) as Json }));
  const byReference = new Map(parsed.map((p) => [`${p.item.resource_type}/${p.item.id}`, p.resource]));
  const reports = parsed.filter((p) => p.item.resource_type === 'DiagnosticReport' && withinPeriod(p.item.effective_at, period));
  const shown = reports.filter((p) => !p.item.confidential);
  const resources = shown.flatMap((p) => [p.resource, ...partsOf(p.resource, byReference)]);
  const list = clinicalList(LIST, patientId, shown.map((p) => ({ reference: `DiagnosticReport/${p.item.id}` })), shown.length < reports.length, recordWarnings);
  return { resources: [list, ...resources], practitionerIds: referencedPractitionerIds(resources) };
}
