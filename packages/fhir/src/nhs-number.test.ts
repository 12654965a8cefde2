import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isValidNhsNumber, nhsNumberCheckDigit } from './nhs-number.ts';

test('accepts the worked example and the national roster numbers', () => {
  for (const n of ['9434765919', '9690937278', '9690937286', '9476718943', '9999999999', '9000000009']) {
    assert.equal(isValidNhsNumber(n), true, n);
  }
});

test('rejects the suite invalid numbers (PatientRegister "invalid NHS number")', () => {
  for (const n of ['34555##4', 'hello', '999999999', '9000000008', '90000000090', '', ' 9434765919']) {
    assert.equal(isValidNhsNumber(n), false, n);
  }
});

test('a check remainder of 10 is never valid', () => {
  // 000000001: sum = 2, 11 - 2 = 9 ... find one with check 10 by search to avoid hand arithmetic
  const prefix = Array.from({ length: 1000 }, (_, i) => String(100000000 + i)).find(
    (p) => nhsNumberCheckDigit(p) === undefined,
  );
  assert.ok(prefix);
  for (let d = 0; d <= 9; d++) assert.equal(isValidNhsNumber(`${prefix}${d}`), false);
});

test('exactly one check digit validates any nine digits that can be valid', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^\d{9}$/), (prefix) => {
      const valid = [...'0123456789'].filter((d) => isValidNhsNumber(prefix + d));
      const expected = nhsNumberCheckDigit(prefix);
      assert.deepEqual(valid, expected === undefined ? [] : [String(expected)]);
    }),
    { seed: 20261124, numRuns: 2000 },
  );
});
