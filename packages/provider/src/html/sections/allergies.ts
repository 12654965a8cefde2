import { EXTENSIONS } from '@gpconnect/fhir';
import { byDateDescending, conceptText, extension, noteLines, subExtensionValue, type CareRecord, type CareRecordItem, type Json } from '../care-record.ts';
import { isoDate } from '../html-dates.ts';
import { dateCell, textCell, type Row, type Table } from '../section-view.ts';

/** ALL: current and historical (ended) allergies, never filtered by date (access-record-html.md §5, §6). */

const startOf = (allergy: Json) => isoDate(allergy['onsetDateTime']) ?? isoDate(allergy['assertedDate']);
const endOf = (allergy: Json) => isoDate(subExtensionValue(extension(allergy, EXTENSIONS.allergyIntoleranceEnd), 'endDate'));

/** What a clinician needs beside the substance: each reaction with its severity, and the notes. */
function details(allergy: Json): string[] {
  const reactions = ((allergy['reaction'] as Json[] | undefined) ?? []).map((reaction) => {
    const manifestations = ((reaction['manifestation'] as unknown[] | undefined) ?? []).map(conceptText).join(', ');
    const severity = typeof reaction['severity'] === 'string' ? ` (${reaction['severity']})` : '';
    return `Reaction: ${manifestations}${severity}`;
  });
  return [conceptText(allergy['code']), ...reactions, ...noteLines(allergy)];
}

function currentRow({ resource, confidential }: CareRecordItem): Row {
  const start = startOf(resource);
  return { cells: [dateCell(start), textCell(...details(resource))], period: { start, end: undefined }, confidential };
}

function historicalRow({ resource, confidential }: CareRecordItem): Row {
  const start = startOf(resource);
  const end = endOf(resource);
  const reason = subExtensionValue(extension(resource, EXTENSIONS.allergyIntoleranceEnd), 'reasonEnded');
  return {
    cells: [dateCell(start), dateCell(end), textCell(...details(resource), typeof reason === 'string' ? `Ended: ${reason}` : undefined)],
    period: { start, end },
    confidential,
  };
}

export function currentAllergies(record: CareRecord): Table {
  const current = record.items('allergies', 'AllergyIntolerance').filter((a) => a.resource['clinicalStatus'] !== 'resolved');
  return {
    title: 'Current Allergies and Adverse Reactions',
    id: 'all-tab-curr',
    columns: ['Start Date', 'Details'],
    rows: current.sort(byDateDescending((a) => startOf(a.resource))).map(currentRow),
    dateFilter: 'none',
  };
}

export function allergyTables(record: CareRecord): Table[] {
  const ended = record.items('allergies', 'AllergyIntolerance').filter((a) => a.resource['clinicalStatus'] === 'resolved');
  return [
    currentAllergies(record),
    {
      title: 'Historical Allergies and Adverse Reactions',
      id: 'all-tab-hist',
      columns: ['Start Date', 'End Date', 'Details'],
      rows: ended.sort(byDateDescending((a) => endOf(a.resource))).map(historicalRow),
      dateFilter: 'none',
    },
  ];
}
