import { referencesOf } from '../../structured/patient-record.ts';
import { byDateDescending, conceptText, type CareRecord, type CareRecordItem, type Json } from '../care-record.ts';
import { isoDate } from '../html-dates.ts';
import { dateCell, textCell, type Row, type Table } from '../section-view.ts';
import { itemSummary } from './item-summary.ts';

/**
 * ENC: one row per consultation, most recent first; Details walks the consultation's topics and
 * headings (its structure Lists) and names each item recorded under them, as a clinician reads a
 * consultation (access-record-html.md §5). Confidential items inside are left out.
 */

const startOf = (encounter: Json) => isoDate((encounter['period'] as Json | undefined)?.['start']);

/** Each line: where in the consultation (topic, heading) and the items recorded there. */
function consultationLines(encounter: string, record: CareRecord, lists: readonly CareRecordItem[]): string[] {
  const consultation = lists.find((l) => referencesOf(l.resource['encounter'])[0] === encounter && conceptText(l.resource['code']) === 'Consultation');
  if (!consultation) return [];
  const lines: string[] = [];
  const walk = (list: Json, path: readonly string[]) => {
    const items: string[] = [];
    for (const target of ((list['entry'] as Json[] | undefined) ?? []).flatMap((e) => referencesOf(e['item']))) {
      const child = record.resource(target);
      if (!child || record.isConfidential(target)) continue;
      if (child['resourceType'] === 'List') walk(child, [...path, typeof child['title'] === 'string' ? child['title'] : ''].filter(Boolean));
      else items.push(itemSummary(child, record));
    }
    if (items.length > 0) lines.push(`${path.length > 0 ? `${path.join(' - ')}: ` : ''}${items.join('; ')}`);
  };
  walk(consultation.resource, []);
  return lines;
}

function encounterRow({ reference, resource, confidential }: CareRecordItem, record: CareRecord, lists: readonly CareRecordItem[]): Row {
  const start = startOf(resource);
  const performer = ((resource['participant'] as Json[] | undefined) ?? []).map((p) => record.practitionerName(p['individual'])).find((name) => name !== undefined);
  const title = ((resource['type'] as unknown[] | undefined) ?? []).map(conceptText).find(Boolean) ?? 'Consultation';
  return {
    cells: [dateCell(start), textCell(title), textCell(...consultationLines(reference, record, lists), performer && `Clinician: ${performer}`, resource['status'] === 'unknown' && 'Consultation not yet finalised')],
    period: { start, end: start },
    confidential,
  };
}

/** Consultations, most recent first; `mostRecent` keeps only that many (the summary's "Last 3 Encounters"). */
export function encountersTable(record: CareRecord, mostRecent?: number): Table {
  const lists = record.items('consultations', 'List');
  const encounters = record.items('consultations', 'Encounter').sort(byDateDescending((e) => startOf(e.resource)));
  // The summary's last three are the last three it may show: a confidential one does not take a place.
  const shown = mostRecent === undefined ? encounters : encounters.filter((e) => !e.confidential).slice(0, mostRecent);
  return {
    ...(mostRecent !== undefined ? { title: `Last ${mostRecent} Encounters` } : {}),
    id: 'enc-tab',
    columns: ['Date', 'Title', 'Details'],
    rows: shown.map((e) => encounterRow(e, record, lists)),
    dateFilter: mostRecent === undefined ? 'consumer' : 'none',
  };
}
