import { formatHtmlDate, type DateRange } from './html-dates.ts';
import { element, lines, narrative, type Content, type Xhtml } from './xhtml.ts';

/**
 * What one care record section shows, before it is markup (access-record-html.md §5): its tables,
 * their rows, and what filters and exclusions applied. Section builders fill this from the record;
 * `renderSection` lays it out exactly as the specification prescribes, the same way for every section.
 */

/** A cell: a date (`class="date-column"`, dd-Mmm-yyyy) or lines of text. */
export type Cell = { date: string | undefined } | { lines: readonly string[] };

export const dateCell = (date: string | undefined): Cell => ({ date });
export const textCell = (...values: readonly (string | undefined | false)[]): Cell => ({
  lines: values.filter((v): v is string => v !== undefined && v !== false && v !== ''),
});

export interface Row {
  cells: readonly Cell[];
  /** The dates the row covers, inclusive (ISO dates): a consumer's period keeps rows that overlap it. */
  period: { start: string | undefined; end: string | undefined };
  /** Withheld from the view; the table then shows the exclusion banner. */
  confidential: boolean;
  /** Rows of a grouped table (All Medication) sit under a row naming their group. */
  group?: string;
}

/**
 * How a table treats a consumer's period (§5 table "date filter"): `consumer` filters by it,
 * `all` always shows everything (and says so when a period was sent), `none` has no date banner.
 */
export type DateFilter = 'consumer' | 'all' | 'none';

export interface Table {
  /** The `<h2>` of a subsection; absent for a single-table section. */
  title?: string;
  id: string;
  columns: readonly string[];
  rows: readonly Row[];
  dateFilter: DateFilter;
  /** Provider notes shown in the subsection's content banner. */
  notes?: readonly string[];
}

export interface SectionView {
  code: string;
  title: string;
  tables: readonly Table[];
  /** Registered on this date while the record is still arriving from the previous practice (GP transfer banner). */
  recordInTransitSince?: string | undefined;
}

const GP_TRANSFER = (since: string) =>
  `Patient record transfer from previous GP practice not yet complete; information recorded before ${formatHtmlDate(since)} may be missing`;
export const EXCLUSION_BANNER = 'Items excluded due to confidentiality and/or patient preferences';

function dateBanner(filter: DateFilter, period: DateRange | undefined): string | undefined {
  if (filter === 'none') return undefined;
  if (!period) return 'All relevant items';
  if (filter === 'all') return 'Date filter not applied';
  const from = period.start && `'${formatHtmlDate(period.start)}'`;
  const to = period.end && `'${formatHtmlDate(period.end)}'`;
  if (from && to) return `For the period ${from} to ${to}`;
  return from ? `Data items from ${from}` : `Data items until ${to}`;
}

const overlaps = (row: Row, period: DateRange) =>
  (row.period.end === undefined || period.start === undefined || row.period.end >= period.start) &&
  (row.period.start === undefined || period.end === undefined || row.period.start <= period.end);

function cell(value: Cell): Xhtml {
  if ('date' in value) return element('td', { class: 'date-column' }, value.date ? formatHtmlDate(value.date) : '');
  return element('td', null, lines(...value.lines));
}

function tableMarkup(table: Table, rows: readonly Row[]): Xhtml {
  const body: Xhtml[] = [];
  let group: string | undefined;
  for (const row of rows) {
    if (row.group !== undefined && row.group !== group) {
      group = row.group;
      body.push(element('tr', null, element('td', { class: 'med-item-column' }, group), table.columns.slice(1).map(() => element('td', null))));
    }
    body.push(element('tr', null, row.cells.map(cell)));
  }
  return element(
    'table',
    { id: table.id },
    element('thead', null, element('tr', null, table.columns.map((c) => element('th', null, c)))),
    element('tbody', null, body),
  );
}

function banner(kind: string, message: string | undefined): Content {
  return message !== undefined && element('div', { class: kind }, element('p', null, message));
}

/** A table's banners and body: its rows in the period (when it filters), confidential rows withheld. */
function tableContent(table: Table, period: DateRange | undefined, nameInFragments: string): Content[] {
  const inPeriod = table.dateFilter === 'consumer' && period ? table.rows.filter((row) => overlaps(row, period)) : table.rows;
  const shown = inPeriod.filter((row) => !row.confidential);
  return [
    table.notes?.length ? banner('content-banner', table.notes.join(' ')) : undefined,
    banner('date-banner', dateBanner(table.dateFilter, period)),
    shown.length < inPeriod.length && banner('exclusion-banner', EXCLUSION_BANNER),
    shown.length > 0 ? tableMarkup(table, shown) : element('div', null, element('p', null, `No '${nameInFragments}' data is recorded for this patient.`)),
  ];
}

/** The section's XHTML (the Composition section's `text.div`), laid out as §5 prescribes. */
export function renderSection(view: SectionView, period: DateRange | undefined): string {
  const transfer = view.recordInTransitSince && banner('gptransfer-banner', GP_TRANSFER(view.recordInTransitSince));
  const tables = view.tables.map((table) =>
    table.title === undefined ? tableContent(table, period, view.title) : element('div', null, element('h2', null, table.title), tableContent(table, period, table.title)),
  );
  return narrative(element('h1', null, view.title), transfer, tables);
}
