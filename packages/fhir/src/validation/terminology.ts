import { createRequire } from 'node:module';

/** Value set url -> code system url -> allowed codes, or null when only the system can be checked. */
const valueSets = createRequire(import.meta.url)('../generated/terminology.json') as Record<string, Record<string, string[] | null>>;
const codeSets = new Map<string, Map<string, Set<string> | null>>();

function allowedCodes(valueSetUrl: string): Map<string, Set<string> | null> | undefined {
  let codes = codeSets.get(valueSetUrl);
  if (!codes) {
    const raw = valueSets[valueSetUrl.replace(/\|.*$/, '')];
    if (!raw) return undefined;
    codes = new Map(Object.entries(raw).map(([system, list]) => [system, list && new Set(list)]));
    codeSets.set(valueSetUrl, codes);
  }
  return codes;
}

/** Whether we hold the content of this value set (core FHIR value sets are not shipped in the assets). */
export function isKnownValueSet(valueSetUrl: string): boolean {
  return allowedCodes(valueSetUrl) !== undefined;
}

/**
 * Whether a code (with its system, when the element is a Coding) is in the value set. A `code`
 * element carries no system, so any of the value set's systems will do.
 */
export function inValueSet(valueSetUrl: string, system: string | undefined, code: string | undefined): boolean {
  const codes = allowedCodes(valueSetUrl);
  if (!codes) return true;
  if (code === undefined) return false;
  if (system === undefined) {
    for (const list of codes.values()) if (list === null || list.has(code)) return true;
    return false;
  }
  if (!codes.has(system)) return false;
  const list = codes.get(system);
  return list === null || list!.has(code);
}
