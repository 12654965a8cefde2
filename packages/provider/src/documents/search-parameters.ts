import { fail, IDENTIFIER_SYSTEMS } from '@gpconnect/fhir';
import type { DocumentSearch } from '@gpconnect/store';
import { allValues, readSearchDate } from '../appointments/search-dates.ts';

type Query = Readonly<Record<string, string | string[] | undefined>>;

/** The includes every search must send (documents.md §3: missing any is INVALID_PARAMETER). */
export const MANDATORY_INCLUDES = [
  'DocumentReference:subject:Patient',
  'DocumentReference:custodian:Organization',
  'DocumentReference:author:Organization',
  'DocumentReference:author:Practitioner',
] as const;
export const MANDATORY_REVINCLUDE = 'PractitionerRole:practitioner';
const REVINCLUDE_PARAMETER = '_revinclude:recurse';

function checkIncludes(query: Query): void {
  const includes = allValues(query, '_include');
  for (const include of MANDATORY_INCLUDES) {
    if (!includes.includes(include)) fail('INVALID_PARAMETER', `_include=${include} is required`);
  }
  const unknown = includes.find((include) => !(MANDATORY_INCLUDES as readonly string[]).includes(include));
  if (unknown !== undefined) fail('INVALID_PARAMETER', `_include=${unknown} is not supported`);
  const revincludes = allValues(query, REVINCLUDE_PARAMETER);
  if (!revincludes.includes(MANDATORY_REVINCLUDE)) fail('INVALID_PARAMETER', `${REVINCLUDE_PARAMETER}=${MANDATORY_REVINCLUDE} is required`);
  const unknownRev = revincludes.find((revinclude) => revinclude !== MANDATORY_REVINCLUDE);
  if (unknownRev !== undefined) fail('INVALID_PARAMETER', `${REVINCLUDE_PARAMETER}=${unknownRev} is not supported`);
}

/** `created`: one `ge` (lower bound), one `le` (upper bound), or both; a date is the whole UK day. */
function readCreated(query: Query): Pick<DocumentSearch, 'from' | 'before'> {
  const bounds = allValues(query, 'created').map((raw) => readSearchDate('created', raw, ['ge', 'le'], true));
  const lower = bounds.filter((b) => b.prefix === 'ge');
  const upper = bounds.filter((b) => b.prefix === 'le');
  if (lower.length > 1 || upper.length > 1) fail('INVALID_PARAMETER', 'created: at most one ge and one le value');
  const from = lower[0]?.start;
  // le includes the instant (or the whole day) it names.
  const before = upper[0] ? new Date(upper[0].dateOnly ? upper[0].end.getTime() : upper[0].end.getTime() + 1) : undefined;
  if (from && before && from.getTime() >= before.getTime()) fail('INVALID_PARAMETER', 'created: the ge bound is after the le bound');
  return { ...(from ? { from } : {}), ...(before ? { before } : {}) };
}

function singleValue(query: Query, name: string): string | undefined {
  const values = allValues(query, name);
  if (values.length > 1) fail('INVALID_PARAMETER', `${name}: send it once, not ${values.length} times`);
  return values[0];
}

/** `author`: an organisation's ODS code as a token; practitioner authors are not searchable. */
function readAuthor(query: Query): string | undefined {
  const raw = singleValue(query, 'author');
  if (raw === undefined) return undefined;
  const bar = raw.indexOf('|');
  const [system, code] = bar < 0 ? ['', raw] : [raw.slice(0, bar), raw.slice(bar + 1)];
  if (system !== IDENTIFIER_SYSTEMS.odsOrganisationCode) fail('INVALID_PARAMETER', `author=${JSON.stringify(raw)}: must be ${IDENTIFIER_SYSTEMS.odsOrganisationCode}|<ODS code>`);
  if (code.trim() === '') fail('INVALID_PARAMETER', 'author: the ODS code is empty');
  return code;
}

function readDescription(query: Query): string | undefined {
  const raw = singleValue(query, 'description');
  if (raw !== undefined && raw.trim() === '') fail('INVALID_PARAMETER', 'description: the keyword is empty');
  return raw?.trim();
}

/**
 * The parameters of Search for a patient's documents (documents.md §3), every problem as
 * INVALID_PARAMETER naming the parameter. Other parameters (the removed `type` and `facility`
 * among them) are ignored, as FHIR servers ignore parameters they do not support.
 */
export function readDocumentSearch(query: Query): DocumentSearch {
  checkIncludes(query);
  const authorOds = readAuthor(query);
  const keyword = readDescription(query);
  return { ...readCreated(query), ...(authorOds !== undefined ? { authorOds } : {}), ...(keyword !== undefined ? { keyword } : {}) };
}
