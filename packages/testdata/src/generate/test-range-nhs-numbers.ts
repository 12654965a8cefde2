import { nhsNumberCheckDigit } from '@gpconnect/fhir';

/** The test range NHS England keeps for synthetic patients: 999 000 0000 to 999 999 9999. */
const FIRST_PREFIX = 999_000_000;
const PREFIXES = 1_000_000;
/** Odd and not a multiple of 5, so stepping by it visits every prefix once before repeating. */
const STRIDE = 387_403;

/**
 * `count` distinct valid (Modulus 11) NHS numbers from the test range, in a seeded order, skipping
 * every number in `taken`. The nine leading digits walk the range by a fixed stride from a seeded
 * start — a permutation of the million prefixes — and prefixes with no valid check digit are passed over.
 */
export function testRangeNhsNumbers(count: number, seed: number, taken: ReadonlySet<string>): string[] {
  const numbers: string[] = [];
  const start = Math.abs(Math.imul(seed | 0, 2_654_435_761)) % PREFIXES;
  for (let step = 0; step < PREFIXES && numbers.length < count; step++) {
    const prefix = String(FIRST_PREFIX + ((start + step * STRIDE) % PREFIXES));
    const check = nhsNumberCheckDigit(prefix);
    if (check === undefined) continue;
    const candidate = `${prefix}${check}`;
    if (!taken.has(candidate)) numbers.push(candidate);
  }
  if (numbers.length < count) throw new RangeError(`only ${numbers.length} free NHS numbers are left in the test range, ${count} asked for`);
  return numbers;
}
