import type { DatePeriod } from './structured-parameters.ts';
import type { PatientRecord } from './patient-record.ts';
import { clinicalList, withinPeriod, type AreaContent, type ListWarning } from './record-lists.ts';

/**
 * Investigations (structured.md §5.7): the "Investigations and results" List of DiagnosticReports,
 * each returned with what it is made of — its test request, specimens, test groups, their results
 * and the filing comments — found by following the report's references. The search period applies
 * to when the report was issued. A confidential report is withheld whole, and the List says so.
 */

const LIST = { code: '887191000000108', display: 'Investigations and results', title: 'Investigations and results' };

export function investigationsArea(record: PatientRecord, period: DatePeriod | undefined, patientId: string, recordWarnings: readonly ListWarning[]): AreaContent {
  const reports = record.itemsOf('investigations').filter((item) => item.resource_type === 'DiagnosticReport' && withinPeriod(item.effective_at, period));
  const shown = reports.filter((item) => !item.confidential).map((item) => `DiagnosticReport/${item.id}`);
  const resources = shown.flatMap((reference) => [record.stored(reference)!, ...record.reportParts(record.resource(reference)!)]);
  const list = clinicalList(LIST, patientId, shown.map((reference) => ({ reference })), shown.length < reports.length, recordWarnings);
  return { resources: [list, ...resources] };
}
