import { EXTENSIONS } from '@gpconnect/fhir';
import { referencesOf } from '../../structured/patient-record.ts';
import { byDateDescending, conceptText, extension, extensions, noteLines, subExtensionValue, type CareRecord, type CareRecordItem, type Json } from '../care-record.ts';
import { isoDate } from '../html-dates.ts';
import { dateCell, textCell, type Row, type Table } from '../section-view.ts';

/**
 * PRB: active problems, and inactive ones split by significance — major into "Major Inactive", minor
 * or unrecorded into "Other Inactive" (access-record-html.md §6).
 */

const startOf = (problem: Json) => isoDate(problem['onsetDateTime']) ?? isoDate(problem['assertedDate']);
const endOf = (problem: Json) => isoDate(problem['abatementDateTime']);
const significanceOf = (problem: Json) => (extension(problem, EXTENSIONS.problemSignificance)?.['valueCode'] === 'major' ? 'Major' : 'Minor');

/** Related problems by name, then the notes. */
function details(problem: Json, record: CareRecord): string[] {
  const related = extensions(problem, EXTENSIONS.relatedProblemHeader).flatMap((link) => {
    const [target] = referencesOf(subExtensionValue(link, 'target'));
    if (target === undefined || record.isConfidential(target)) return [];
    const other = record.resource(target);
    const type = subExtensionValue(link, 'type');
    return other ? [`${type === 'parent' ? 'Parent problem' : type === 'child' ? 'Child problem' : 'Related problem'}: ${conceptText(other['code'])}`] : [];
  });
  return [...related, ...noteLines(problem)];
}

function problemRow({ resource, confidential }: CareRecordItem, record: CareRecord, withEnd: boolean): Row {
  const start = startOf(resource);
  const end = endOf(resource);
  const entry = textCell(conceptText(resource['code']));
  const significance = textCell(significanceOf(resource));
  return {
    cells: withEnd ? [dateCell(start), dateCell(end), entry, significance, textCell(...details(resource, record))] : [dateCell(start), entry, significance, textCell(...details(resource, record))],
    period: { start, end },
    confidential,
  };
}

const problems = (record: CareRecord) => record.items('problems', 'Condition');

export function activeProblems(record: CareRecord): Table {
  const active = problems(record).filter((p) => p.resource['clinicalStatus'] === 'active');
  return {
    title: 'Active Problems and Issues',
    id: 'prb-tab-act',
    columns: ['Start Date', 'Entry', 'Significance', 'Details'],
    rows: active.sort(byDateDescending((p) => startOf(p.resource))).map((p) => problemRow(p, record, false)),
    dateFilter: 'all',
  };
}

function inactiveTable(record: CareRecord, major: boolean): Table {
  const inactive = problems(record).filter((p) => p.resource['clinicalStatus'] !== 'active' && (significanceOf(p.resource) === 'Major') === major);
  return {
    title: major ? 'Major Inactive Problems and Issues' : 'Other Inactive Problems and Issues',
    id: major ? 'prb-tab-majinact' : 'prb-tab-othinact',
    columns: ['Start Date', 'End Date', 'Entry', 'Significance', 'Details'],
    rows: inactive.sort(byDateDescending((p) => endOf(p.resource))).map((p) => problemRow(p, record, true)),
    dateFilter: 'consumer',
  };
}

export const majorInactiveProblems = (record: CareRecord) => inactiveTable(record, true);

export function problemTables(record: CareRecord): Table[] {
  return [activeProblems(record), majorInactiveProblems(record), inactiveTable(record, false)];
}
