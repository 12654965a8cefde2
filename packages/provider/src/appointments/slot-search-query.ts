import { CODE_SYSTEMS, fail, IDENTIFIER_SYSTEMS } from '@gpconnect/fhir';
import { allValues, readSearchDate, singleParameter } from './search-dates.ts';
import type { BookingOrganisationFilter } from './slot-availability.ts';

/** What a free-slot search asks for (appointments.md §3), once every rule about its parameters holds. */
export interface SlotSearch {
  /** Slots must lie wholly within [from, to]. */
  from: Date;
  to: Date;
  bookingOrganisation: BookingOrganisationFilter;
  includePractitioners: boolean;
  includeLocations: boolean;
}

/** The longest window a search may cover, in calendar days. */
export const MAX_SEARCH_DAYS = 14;
const DAY_MS = 86_400_000;

const ORGANISATION_TYPES = new Set(['gp-practice', 'urgent-care']);
const INCLUDE = 'Slot:schedule';
const RECURSIVE_INCLUDES = new Set(['Schedule:actor:Practitioner', 'Schedule:actor:Location', 'Location:managingOrganization']);

/**
 * The booking organisation's filters. Only the ODS code and organisation type systems mean
 * anything here; other systems (urgent care dispositions, service ids) are ignored, as the spec says.
 */
function readSearchFilters(values: readonly string[]): BookingOrganisationFilter {
  const filter: BookingOrganisationFilter = { odsCode: null, type: null };
  for (const value of values) {
    const bar = value.indexOf('|');
    if (bar <= 0 || bar === value.length - 1) fail('INVALID_PARAMETER', `searchFilter=${JSON.stringify(value)}: expected system|code`);
    const system = value.slice(0, bar);
    const code = value.slice(bar + 1);
    const key = system === IDENTIFIER_SYSTEMS.odsOrganisationCode ? 'odsCode' : system === CODE_SYSTEMS.organisationType ? 'type' : undefined;
    if (!key) continue;
    if (filter[key] !== null && filter[key] !== code) fail('INVALID_PARAMETER', `searchFilter: only one ${system} value may be sent`);
    if (key === 'type' && !ORGANISATION_TYPES.has(code)) fail('INVALID_PARAMETER', `searchFilter: ${JSON.stringify(code)} is not a ${system} code`);
    filter[key] = code;
  }
  return filter;
}

function readIncludes(query: Readonly<Record<string, string | string[] | undefined>>): { practitioners: boolean; locations: boolean } {
  const includes = allValues(query, '_include');
  if (!includes.includes(INCLUDE)) fail('BAD_REQUEST', `_include=${INCLUDE} is required`);
  const unknown = includes.find((i) => i !== INCLUDE);
  if (unknown) fail('INVALID_PARAMETER', `_include=${JSON.stringify(unknown)} is not supported; only ${INCLUDE}`);
  const recursive = allValues(query, '_include:recurse');
  const unsupported = recursive.find((i) => !RECURSIVE_INCLUDES.has(i));
  if (unsupported) fail('INVALID_PARAMETER', `_include:recurse=${JSON.stringify(unsupported)} is not supported`);
  return { practitioners: recursive.includes('Schedule:actor:Practitioner'), locations: recursive.includes('Schedule:actor:Location') };
}

/**
 * Reads and checks a free-slot search. Missing required parameters are BAD_REQUEST; present but
 * wrong ones (prefix, format, status other than free, a window over 14 days or ending before it
 * starts) are INVALID_PARAMETER, as the national suite expects.
 */
export function readSlotSearch(query: Readonly<Record<string, string | string[] | undefined>>): SlotSearch {
  const rawStart = singleParameter(query, 'start');
  const rawEnd = singleParameter(query, 'end');
  const status = singleParameter(query, 'status');
  const include = readIncludes(query);
  if (status !== 'free') fail('INVALID_PARAMETER', `status=${JSON.stringify(status)}: only free slots can be searched for`);
  const start = readSearchDate('start', rawStart, ['ge'], true);
  const end = readSearchDate('end', rawEnd, ['le'], true);
  // The search runs from the start's first instant to the end's last (a date-only end is the whole day).
  if (end.end < start.start || end.date < start.date) fail('INVALID_PARAMETER', 'The end of the search window is before its start');
  // The window is measured as written, in calendar time: ge D to le D+14 is 14 days, across clock changes too.
  if (end.wallClock - start.wallClock > MAX_SEARCH_DAYS * DAY_MS) fail('INVALID_PARAMETER', `The search window is longer than ${MAX_SEARCH_DAYS} days`);
  return {
    from: start.start,
    to: end.end,
    bookingOrganisation: readSearchFilters(allValues(query, 'searchFilter')),
    includePractitioners: include.practitioners,
    includeLocations: include.locations,
  };
}
