import { EXTENSIONS } from '@gpconnect/fhir';
import type { ClinicalItemRow } from '@gpconnect/store';
import { clinicalList, withinPeriod, type AreaContent, type Served } from './record-lists.ts';
import { SecondaryLists, type LinkContext } from './linked-content.ts';
import { referencesOf } from './patient-record.ts';
import type { DatePeriod } from './structured-parameters.ts';

/**
 * Consultations (structured.md §5.3): the "List of consultations" of the Encounters within the search
 * period (or the N most recent), each with the Lists of its structure — consultation, topics,
 * headings (§5.3.1) — and every item inside, whatever area it belongs to, grouped into the
 * "Consultations - ..." secondary Lists, with the problems its topics were linked to, and the free
 * text typed into it (Observation narrative, an item of this area). A confidential item is left out of
 * the structure without trace; a heading or topic left empty is suppressed.
 */

type Json = Record<string, unknown>;

const LIST = { code: '1149501000000101', display: 'List of consultations', title: 'List of consultations' };
const CONSULTATION_LIST_CODE = '325851000000107';

export interface ConsultationOptions {
  period: DatePeriod | undefined;
  mostRecent: number | undefined;
}

const listCode = (list: Json) => ((list['code'] as { coding?: { code?: string }[] } | undefined)?.coding ?? [])[0]?.code;

/** Whether the consultation falls in the period: it started on or after its start and ended on or before its end (§5.3). Read only when there is a period. */
function inPeriod(encounter: ClinicalItemRow, resource: () => Json, period: DatePeriod | undefined): boolean {
  if (!period) return true;
  const end = (resource()['period'] as { end?: string } | undefined)?.end;
  return withinPeriod(encounter.effective_at, { ...(period.start ? { start: period.start } : {}) }) && withinPeriod(end ?? null, { ...(period.end ? { end: period.end } : {}) });
}

export function consultationsArea(context: LinkContext, options: ConsultationOptions): AreaContent {
  const { record, patientId, recordWarnings } = context;
  const rows = record.itemsOf('consultations');
  const structure = new Map(rows.filter((row) => row.resource_type === 'List').map((row) => [`List/${row.id}`, record.resource(`List/${row.id}`)!]));
  let encounters = rows.filter((row) => row.resource_type === 'Encounter' && inPeriod(row, () => record.resource(`Encounter/${row.id}`)!, options.period));
  if (options.mostRecent !== undefined) {
    const newestFirst = [...encounters].sort((a, b) => (b.effective_at?.getTime() ?? 0) - (a.effective_at?.getTime() ?? 0) || b.id.localeCompare(a.id));
    const kept = new Set(newestFirst.slice(0, options.mostRecent));
    encounters = encounters.filter((row) => kept.has(row));
  }
  const shown = encounters.filter((row) => !row.confidential).map((row) => `Encounter/${row.id}`);
  const secondary = new SecondaryLists('Consultations');
  const servedLists: Served[] = [];
  const narratives: Served[] = [];

  /**
   * Serves a structure List and, first, the Lists it holds; false when nothing in it may be shared
   * (suppressed, §5.3.1). A List nothing was taken from goes out as stored.
   */
  const serve = (reference: string): boolean => {
    const list = structure.get(reference);
    if (!list) return false;
    const original = (list['entry'] as { item: { reference?: string } }[] | undefined) ?? [];
    const entry = original.flatMap((e): { item: { reference?: string; display?: string } }[] => {
      const item = e.item.reference;
      if (!item) return [];
      if (item.startsWith('List/')) return serve(item) ? [e] : [];
      // The consultation's own free text (Observation narrative) travels with it, in no secondary List.
      const row = record.row(item);
      if (row?.area === 'consultations') {
        if (row.confidential) return [];
        narratives.push(record.stored(item)!);
        return [e];
      }
      const state = secondary.follow(context, item);
      if (state === undefined || state === 'withheld') return [];
      if (state === 'disabled') return [{ item: context.placeholderFor(item) }];
      // An item served in another form (a completed diary entry's comment note) is named as that.
      return [state.servedAs ? { item: { reference: state.entry } } : e];
    });
    if (entry.length === 0) return false;
    let changed = entry.length !== original.length || entry.some((e, i) => e !== original[i]);
    const extensions = (list['extension'] as Json[] | undefined) ?? [];
    const kept = extensions.filter((e) => {
      if (e['url'] !== EXTENSIONS.relatedProblemHeader) return true;
      const problem = referencesOf(((e['extension'] as Json[] | undefined) ?? []).find((part) => part['url'] === 'target')?.['valueReference'])[0];
      const state = problem ? context.follow(problem) : undefined;
      if (state === undefined || state === 'withheld' || state === 'disabled') return false;
      secondary.add({ ...state, resources: [context.servedProblem(problem!)] });
      return true;
    });
    if (kept.length !== extensions.length) changed = true;
    const { extension: _all, ...rest } = list;
    servedLists.push(changed ? { ...rest, ...(kept.length > 0 ? { extension: kept } : {}), entry } : record.stored(reference)!);
    return true;
  };

  for (const encounter of shown) {
    const top = [...structure.entries()].find(([, list]) => listCode(list) === CONSULTATION_LIST_CODE && referencesOf(list['encounter'])[0] === encounter);
    if (top) serve(top[0]);
  }
  const consultations = shown.map((reference) => record.stored(reference)!);
  const resources = [clinicalList(LIST, patientId, shown.map((reference) => ({ reference })), shown.length < encounters.length, recordWarnings), ...consultations, ...servedLists, ...narratives, ...secondary.build(patientId, recordWarnings)];
  return { resources };
}
