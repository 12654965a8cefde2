import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addDays, formatUkDateTime, ukLocalDate, ukOffsetMinutes } from './uk-local-time.ts';

const ZONE_NAME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeZoneName: 'longOffset' });

/** The offset straight from the time zone database, minutes east of UTC, as the oracle. */
function intlOffset(instant: number): number {
  const name = ZONE_NAME.formatToParts(new Date(instant))
    .find((p) => p.type === 'timeZoneName')!.value;
  const match = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(name)!;
  if (!match[1]) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]) + Number(match[4] ?? 0) / 60;
  return Math.round((match[1] === '-' ? -1 : 1) * minutes);
}

test('the UK offset flips exactly at the clock changes of 2026 (01:00 UTC)', () => {
  assert.equal(ukOffsetMinutes(Date.parse('2026-03-29T00:59:59.999Z')), 0);
  assert.equal(ukOffsetMinutes(Date.parse('2026-03-29T01:00:00.000Z')), 60);
  assert.equal(ukOffsetMinutes(Date.parse('2026-10-25T00:59:59.999Z')), 60);
  assert.equal(ukOffsetMinutes(Date.parse('2026-10-25T01:00:00.000Z')), 0);
  assert.equal(formatUkDateTime(new Date('2026-10-25T00:30:00Z')), '2026-10-25T01:30:00+01:00');
  assert.equal(formatUkDateTime(new Date('2026-10-25T01:30:00Z')), '2026-10-25T01:30:00+00:00');
});

test('the remembered offsets agree with the time zone database, at any instant and asked twice', () => {
  fc.assert(
    fc.property(fc.integer({ min: Date.UTC(1800, 0, 1), max: Date.UTC(2100, 0, 1) }), (instant) => {
      const expected = intlOffset(instant);
      assert.equal(ukOffsetMinutes(instant), expected);
      assert.equal(ukOffsetMinutes(instant), expected, 'asked again, from what was remembered');
    }),
    { numRuns: 3000 },
  );
});

test('the remembered offsets agree with the time zone database in the minutes around every change since 1972', () => {
  // Changes fall between midnight and 03:00 UTC: look at those hours of every day.
  let changes = 0;
  for (let day = Date.UTC(1972, 0, 1); day < Date.UTC(2040, 0, 1); day += 86_400_000) {
    for (let start = day; start <= day + 3 * 3_600_000; start += 3_600_000) {
      if (intlOffset(start - 1) === intlOffset(start)) continue;
      changes++;
      for (const instant of [start - 60_000, start - 1, start, start + 59 * 60_000]) {
        assert.equal(ukOffsetMinutes(instant), intlOffset(instant), new Date(instant).toISOString());
      }
    }
  }
  assert.equal(changes, 2 * 68, 'two changes a year');
});

test('addDays counts calendar days, whatever the clock changes in between', () => {
  assert.deepEqual([addDays('2026-12-01', -45), addDays('2026-03-20', 14), addDays('2024-02-28', 1), addDays('2026-12-31', 1)], ['2026-10-17', '2026-04-03', '2024-02-29', '2027-01-01']);
  // What 24-hour steps get wrong: 45 x 24 hours before 23:30 on 1 December is 18 October in BST.
  const lateEvening = new Date('2026-12-01T23:30:00Z');
  assert.equal(ukLocalDate(new Date(lateEvening.getTime() - 45 * 86_400_000)), '2026-10-18');
  assert.equal(addDays(ukLocalDate(lateEvening), -45), '2026-10-17');
});
