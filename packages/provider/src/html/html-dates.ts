/**
 * Dates as Access Record HTML shows and filters them (access-record-html.md §5, §6): shown as
 * dd-Mmm-yyyy; filtered by whole days, so a period is a pair of ISO dates, both inclusive.
 */

export { formatHtmlDate } from '@gpconnect/fhir';

/** A consumer's period as whole days (ISO dates, inclusive); either end may be open. */
export interface DateRange {
  start: string | undefined;
  end: string | undefined;
}

/** The ISO date part of a FHIR date or dateTime, when there is one. */
export function isoDate(value: unknown): string | undefined {
  return typeof value === 'string' && value.length >= 4 ? value.slice(0, 10) : undefined;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The first day a partial date covers: `2014` is 2014-01-01, `2014-02` 2014-02-01. */
export function firstDayOf(value: string): string {
  const [year, month = '01', day = '01'] = value.slice(0, 10).split('-');
  return `${year}-${month}-${day}`;
}

/** The last day a partial date covers: `2014` is 2014-12-31, `2014-02` 2014-02-28. */
export function lastDayOf(value: string): string {
  const [year, month, day] = value.slice(0, 10).split('-');
  if (month === undefined) return `${year}-12-31`;
  return `${year}-${month}-${day ?? String(daysInMonth(Number(year), Number(month))).padStart(2, '0')}`;
}
