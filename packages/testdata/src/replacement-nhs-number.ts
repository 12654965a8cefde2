import { nhsNumberCheckDigit } from '@gpconnect/fhir';

/**
 * The number that replaced a superseded one on PDS: the roster gives none, so the next valid NHS
 * number above it (nine leading digits counted up, Modulus 11 check digit) that no roster list and
 * no earlier replacement uses. `taken` is updated.
 */
export function replacementNhsNumber(superseded: string, taken: Set<string>): string {
  let prefix = Number(superseded.slice(0, 9));
  for (;;) {
    prefix += 1;
    if (prefix > 999_999_999) throw new Error(`no replacement NHS number above ${superseded}`);
    const nine = String(prefix).padStart(9, '0');
    const check = nhsNumberCheckDigit(nine);
    if (check === undefined) continue;
    const candidate = `${nine}${check}`;
    if (taken.has(candidate)) continue;
    taken.add(candidate);
    return candidate;
  }
}
