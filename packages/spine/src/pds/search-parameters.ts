import type { PdsSearchCriteria } from '@gpconnect/store';
import { pdsFail } from './pds-errors.ts';

/** A PDS search as asked (spine-services.md §2.4), checked; `limit` is `_max-results`. */
export interface PdsSearch {
  criteria: PdsSearchCriteria;
  maxResults: number;
}

type Query = Readonly<Record<string, string | string[] | undefined>>;

const KNOWN = new Set(['family', 'given', 'gender', 'birthdate', 'address-postalcode', 'address-postcode', 'general-practitioner', 'email', 'phone', '_fuzzy-match', '_exact-match', '_history', '_max-results']);
const GENDERS = new Set(['male', 'female', 'other', 'unknown']);
const DATE = /^(eq|ge|le)?(\d{4}-\d{2}-\d{2})$/;
const MAX_RESULTS = 50;

const values = (query: Query, name: string): string[] => (query[name] === undefined ? [] : [query[name]!].flat());

function single(query: Query, name: string): string | undefined {
  const all = values(query, name);
  if (all.length > 1) pdsFail('INVALID_VALUE', `${name} may be given once`);
  return all[0];
}

function booleanParameter(query: Query, name: string): boolean {
  const value = single(query, name);
  if (value === undefined) return false;
  if (value !== 'true' && value !== 'false') pdsFail('INVALID_VALUE', `${name} must be true or false`);
  return value === 'true';
}

/** A name or postcode with `*` wildcards: at least two characters before any wildcard, none when fuzzy. */
function wildcardValue(name: string, value: string, fuzzy: boolean): string {
  if (!value.includes('*')) return value;
  if (fuzzy) pdsFail('INVALID_SEARCH_DATA', `${name}: wildcards cannot be used in a fuzzy search`);
  if (value.replace(/\*/g, '').length < 2 || value.startsWith('*')) pdsFail('INVALID_SEARCH_DATA', `${name}: a wildcard needs at least two characters before it`);
  return value;
}

function birthDateRange(query: Query): Pick<PdsSearchCriteria, 'birthDateFrom' | 'birthDateTo'> {
  const range: Pick<PdsSearchCriteria, 'birthDateFrom' | 'birthDateTo'> = {};
  const dates = values(query, 'birthdate');
  if (dates.length > 2) pdsFail('INVALID_VALUE', 'birthdate may be given at most twice (a range)');
  for (const raw of dates) {
    const match = DATE.exec(raw);
    if (!match || Number.isNaN(Date.parse(match[2]!))) pdsFail('INVALID_VALUE', `birthdate ${JSON.stringify(raw)} is not [eq|ge|le]YYYY-MM-DD`);
    const [prefix, date] = [match[1] ?? 'eq', match[2]!];
    if (prefix !== 'le') range.birthDateFrom = date;
    if (prefix !== 'ge') range.birthDateTo = date;
  }
  return range;
}

/**
 * Reads a PDS search. The simulator's minimum is the one the sandbox is built around: a date of
 * birth with a family or given name. Fuzzy matching is case-insensitive exact matching here (no
 * phonetic rules are simulated); `_history` is accepted and changes nothing.
 */
export function readPdsSearch(query: Query): PdsSearch {
  const names = Object.keys(query);
  if (names.length === 0) pdsFail('UNSUPPORTED_SERVICE', 'A search needs parameters');
  const unknown = names.find((n) => !KNOWN.has(n));
  if (unknown) pdsFail('ADDITIONAL_PROPERTIES', `Invalid search parameter ${unknown}`);

  const fuzzy = booleanParameter(query, '_fuzzy-match');
  booleanParameter(query, '_exact-match');
  booleanParameter(query, '_history');
  const maxRaw = single(query, '_max-results');
  const maxResults = maxRaw === undefined ? MAX_RESULTS : Number(maxRaw);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS) pdsFail('INVALID_VALUE', `_max-results must be a whole number from 1 to ${MAX_RESULTS}`);

  const family = single(query, 'family');
  const given = values(query, 'given');
  const gender = single(query, 'gender');
  if (gender !== undefined && !GENDERS.has(gender)) pdsFail('INVALID_VALUE', `gender must be one of ${[...GENDERS].join(', ')}`);
  const postcode = single(query, 'address-postalcode') ?? single(query, 'address-postcode');
  const gpOds = single(query, 'general-practitioner');
  const telecom = single(query, 'email') ?? single(query, 'phone');
  const range = birthDateRange(query);

  if (range.birthDateFrom === undefined && range.birthDateTo === undefined) pdsFail('INVALID_SEARCH_DATA', 'A search needs a date of birth');
  if (family === undefined && given.length === 0) pdsFail('INVALID_SEARCH_DATA', 'A search needs a family or given name');

  const criteria: PdsSearchCriteria = { ...range };
  if (family !== undefined) criteria.family = wildcardValue('family', family, fuzzy);
  if (given.length > 0) criteria.given = given.map((g) => wildcardValue('given', g, fuzzy));
  if (gender !== undefined) criteria.gender = gender;
  if (postcode !== undefined) criteria.postcode = wildcardValue('address-postalcode', postcode, fuzzy);
  if (gpOds !== undefined) criteria.gpOds = gpOds;
  if (telecom !== undefined) criteria.telecom = telecom;
  return { criteria, maxResults };
}
