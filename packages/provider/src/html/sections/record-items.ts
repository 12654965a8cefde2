import { byDateDescending, conceptText, extension, noteLines, quantityText, rangeText, type CareRecord, type CareRecordItem, type Json } from '../care-record.ts';
import { formatHtmlDate, isoDate } from '../html-dates.ts';
import { dateCell, textCell, type Cell, type Row, type Table } from '../section-view.ts';
import { isCommentNote, observationValue } from './item-summary.ts';

/**
 * The single-table sections (access-record-html.md §5): clinical items (CLI: coded entries with no
 * value), observations (OBS: values and results, with their ranges), administrative items (ADM:
 * diary entries and recalls), referrals (REF) and immunisations (IMM). Each is one table, most
 * recent first.
 */

const observationDate = (o: Json) => isoDate(o['effectiveDateTime']) ?? isoDate((o['effectivePeriod'] as Json | undefined)?.['start']) ?? isoDate(o['issued']);
const hasValue = (o: Json) => Object.keys(o).some((key) => key.startsWith('value')) || Array.isArray(o['component']);
/** Filing comments travel with their report; they are not observations of the patient. */
const isFilingComment = (o: Json) => o['status'] === 'unknown' && isCommentNote(o);

function pointRow(date: string | undefined, cells: readonly Cell[], confidential: boolean): Row {
  return { cells: [dateCell(date), ...cells], period: { start: date, end: date }, confidential };
}

function sortedTable(id: string, columns: readonly string[], dated: { date: string | undefined; row: Row }[]): Table {
  return { id, columns, rows: dated.sort(byDateDescending((d) => d.date)).map((d) => d.row), dateFilter: 'consumer' };
}

function observationDetails(o: Json, record: CareRecord): (string | undefined)[] {
  const performer = ((o['performer'] as unknown[] | undefined) ?? []).map((p) => record.practitionerName(p)).find(Boolean);
  const interpretation = o['interpretation'] ? `Interpretation: ${conceptText(o['interpretation'])}` : undefined;
  return [typeof o['comment'] === 'string' ? o['comment'] : undefined, interpretation, performer && `Recorded by: ${performer}`];
}

export function clinicalItemsTable(record: CareRecord): Table {
  const entries = record.items('uncategorised', 'Observation').filter((o) => !hasValue(o.resource));
  return sortedTable(
    'cli-tab',
    ['Date', 'Entry', 'Details'],
    entries.map(({ resource, confidential }) => {
      const date = observationDate(resource);
      return { date, row: pointRow(date, [textCell(conceptText(resource['code'])), textCell(...observationDetails(resource, record))], confidential) };
    }),
  );
}

/** Observations with a value: the uncategorised ones and the results of investigations (0.7.x has no investigations section). */
export function observationsTable(record: CareRecord): Table {
  const results = record.items('investigations', 'Observation').filter((o) => hasValue(o.resource) && !isFilingComment(o.resource));
  const measured = [...record.items('uncategorised', 'Observation').filter((o) => hasValue(o.resource)), ...results];
  return sortedTable(
    'obs-tab',
    ['Date', 'Entry', 'Value', 'Range', 'Details'],
    measured.map(({ resource, confidential }) => {
      const date = observationDate(resource);
      const cells = [textCell(conceptText(resource['code'])), textCell(observationValue(resource)), textCell(rangeText(resource['referenceRange'])), textCell(...observationDetails(resource, record))];
      return { date, row: pointRow(date, cells, confidential) };
    }),
  );
}

/** Diary entries: recalls and reviews, dated when they are due. */
export function administrativeItemsTable(record: CareRecord): Table {
  return sortedTable(
    'adm-tab',
    ['Date', 'Entry', 'Details'],
    record.items('diaryEntries', 'ProcedureRequest').map(({ resource, confidential }) => {
      const date = isoDate(resource['occurrenceDateTime']) ?? isoDate((resource['occurrencePeriod'] as Json | undefined)?.['start']) ?? isoDate(resource['authoredOn']);
      const recorded = isoDate(resource['authoredOn']);
      const details = [resource['status'] === 'completed' ? 'Completed' : 'Due', ...noteLines(resource), recorded && `Recorded: ${formatHtmlDate(recorded)}`];
      return { date, row: pointRow(date, [textCell(conceptText(resource['code'])), textCell(...details)], confidential) };
    }),
  );
}

function referralParty(reference: unknown, record: CareRecord, fallback: string): string {
  const target = reference as { display?: unknown } | undefined;
  return record.practitionerName(reference) ?? (typeof target?.display === 'string' ? target.display : fallback);
}

export function referralsTable(record: CareRecord, practiceName: string): Table {
  return sortedTable(
    'ref-tab',
    ['Date', 'From', 'To', 'Priority', 'Details'],
    record.items('referrals', 'ReferralRequest').map(({ resource, confidential }) => {
      const date = isoDate(resource['authoredOn']);
      const requester = (resource['requester'] as Json | undefined)?.['agent'];
      const recipients = ((resource['recipient'] as unknown[] | undefined) ?? []).map((r) => referralParty(r, record, ''));
      const priority = typeof resource['priority'] === 'string' ? resource['priority'].charAt(0).toUpperCase() + resource['priority'].slice(1) : '';
      // The original term first, then the extra text, each on its own line (§6).
      const details = [((resource['reasonCode'] as unknown[] | undefined) ?? []).map(conceptText).join(', '), typeof resource['description'] === 'string' ? resource['description'] : undefined, ...noteLines(resource)];
      const cells = [textCell(referralParty(requester, record, practiceName)), textCell(...recipients.filter(Boolean)), textCell(priority), textCell(...details)];
      return { date, row: pointRow(date, cells, confidential) };
    }),
  );
}

const VACCINATION_PROCEDURE = 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-VaccinationProcedure-1';

export function immunisationsTable(record: CareRecord): Table {
  const table = sortedTable(
    'imm-tab',
    ['Date', 'Vaccination', 'Part', 'Contents', 'Details'],
    record.items('immunisations', 'Immunization').map(({ resource, confidential }: CareRecordItem) => {
      const date = isoDate(resource['date']);
      const procedure = extension(resource, VACCINATION_PROCEDURE)?.['valueCodeableConcept'];
      const product = resource['vaccineCode'] as { coding?: { code?: unknown }[] } | undefined;
      const productKnown = !product?.coding?.some((c) => c.code === 'UNK');
      const protocol = (resource['vaccinationProtocol'] as Json[] | undefined)?.[0];
      const part = protocol?.['doseSequence'] !== undefined ? `${String(protocol['doseSequence'])}${protocol['seriesDoses'] !== undefined ? ` of ${String(protocol['seriesDoses'])}` : ''}` : '';
      const notGiven = resource['notGiven'] === true;
      const reasons = (resource['explanation'] as Json | undefined)?.[notGiven ? 'reasonNotGiven' : 'reason'] as unknown[] | undefined;
      const details = [
        notGiven ? 'Not given' : undefined,
        reasons?.length ? `${notGiven ? 'Reason not given' : 'Reason'}: ${reasons.map(conceptText).join(', ')}` : undefined,
        resource['site'] ? `Site: ${conceptText(resource['site'])}` : undefined,
        resource['route'] ? `Route: ${conceptText(resource['route'])}` : undefined,
        resource['doseQuantity'] ? `Dose: ${quantityText(resource['doseQuantity'])}` : undefined,
        ...noteLines(resource),
      ];
      const vaccination = conceptText(procedure) || conceptText(resource['vaccineCode']);
      const cells = [textCell(vaccination), textCell(part), textCell(productKnown ? conceptText(resource['vaccineCode']) : ''), textCell(...details)];
      return { date, row: pointRow(date, cells, confidential) };
    }),
  );
  // Immunisations are never filtered by date (§2).
  return { ...table, dateFilter: 'none' };
}
