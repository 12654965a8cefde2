import { readdirSync, readFileSync } from 'node:fs';

/**
 * Test support: the clinical codes test data may use, and the codings and references inside a
 * resource. Every SNOMED CT, dm+d and CTV3 code of the allowed sources: the code lists in
 * ../../fixtures/codelists (verbatim copies of ../shared/terminology), the specification's examples,
 * and the codes its guidance prescribes by number (SPEC_PRESCRIBED_CODES).
 */
export function allowedCodes(): Set<string> {
  const codes = new Set<string>();
  const lists = new URL('../../fixtures/codelists/', import.meta.url);
  for (const file of readdirSync(lists).filter((name) => name.endsWith('.csv'))) {
    for (const line of readFileSync(new URL(file, lists), 'utf8').split('\n').slice(1)) for (const cell of line.split(',')) codes.add(cell.trim());
  }
  const examples = new URL('../../../fhir/src/__fixtures__/spec-examples/', import.meta.url);
  for (const file of readdirSync(examples)) for (const coding of codingsOf(JSON.parse(readFileSync(new URL(file, examples), 'utf8')))) codes.add(coding.code.trim()); // one example writes " 86290005"
  for (const code of SPEC_PRESCRIBED_CODES) codes.add(code);
  return codes;
}

/**
 * Codes the specification's guidance names outright rather than in an example: "Transfer-degraded
 * record entry", which the Access Record Structured immunisation guidance (Degraded records) requires
 * for a consent or dissent no SNOMED CT concept describes, and "Comment note", the fixed code of its
 * Observation - narrative (free text).
 */
const SPEC_PRESCRIBED_CODES = ['196411000000103', '37331000000100'];

/** The code systems whose codes must come from an allowed source (List codes name structure, not content). */
export const CLINICAL_CODE_SYSTEMS: ReadonlySet<string> = new Set(['http://snomed.info/sct', 'http://read.info/ctv3']);

/** Every coding (anything with a system and a code) anywhere in `value`. */
export function codingsOf(value: unknown): { system: string; code: string }[] {
  if (Array.isArray(value)) return value.flatMap(codingsOf);
  if (typeof value !== 'object' || value === null) return [];
  const object = value as Record<string, unknown>;
  const own = typeof object['system'] === 'string' && typeof object['code'] === 'string' ? [{ system: object['system'], code: object['code'] }] : [];
  return [...own, ...Object.values(object).flatMap(codingsOf)];
}

/** Every `reference` anywhere in `value`. */
export function referencesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencesOf);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => (key === 'reference' && typeof child === 'string' ? [child] : referencesOf(child)));
}
