import { fail } from '@gpconnect/fhir';

type Query = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Reads the one `identifier` token of a Foundations search (foundations.md §2.1, §3, §4): the
 * parameter must be present once, spelt exactly; `system|value` with neither part empty; and the
 * system must be the one this search supports. Other parameters are ignored (general.md §4).
 */
export function readSearchIdentifier(query: Query, supportedSystem: string): string {
  const raw = query['identifier'];
  if (raw === undefined) {
    const misspelt = Object.keys(query).find((name) => name.toLowerCase() === 'identifier');
    fail('BAD_REQUEST', misspelt ? `Unknown search parameter ${misspelt}: the parameter is "identifier"` : 'The identifier search parameter is required');
  }
  if (Array.isArray(raw)) fail('BAD_REQUEST', 'The identifier search parameter may be given only once');
  const bar = raw.indexOf('|');
  if (bar < 0) fail('INVALID_PARAMETER', 'identifier: a system is required (system|value)');
  const system = raw.slice(0, bar);
  const value = raw.slice(bar + 1);
  if (system.trim() === '') fail('INVALID_PARAMETER', 'identifier: the system is empty');
  if (value.trim() === '') fail('INVALID_PARAMETER', 'identifier: the value is empty');
  if (system !== supportedSystem) fail('INVALID_IDENTIFIER_SYSTEM', `identifier: the system must be ${supportedSystem}`);
  return value;
}

/** FHIR logical ids: 1-64 of A-Z a-z 0-9 - . (anything else cannot name a stored resource). */
export function isLogicalId(id: string | undefined): id is string {
  return id !== undefined && /^[A-Za-z0-9\-.]{1,64}$/.test(id);
}
