import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CODE_SYSTEMS, EXTENSIONS, formatUkDateTime, PROFILES, ukLocalInstant, ukOffsetMinutes, validateResource } from '@gpconnect/fhir';
import { servedSlotJson, type SlotStatus } from '@gpconnect/store';
import { addDays } from './dates.ts';
import { HISTORICAL_SLOTS, ORG2_SLOTS, ROLLING_DAYS } from './plan-appointment-capacity.ts';
import { planNationalRoster, type NationalRosterPlan } from './plan-national-roster.ts';

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T10:00:00Z`);
const plan = planNationalRoster({ today: TODAY, now: NOW });

type Json = Record<string, any>;
/** The resource as served: a slot row's JSON gains its status column (servedSlotJson). */
const parse = (row: { resource: string; status?: SlotStatus }) => JSON.parse(row.status ? servedSlotJson({ resource: row.resource, status: row.status }) : row.resource) as Json;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The organisation (ORG1 "1", ORG2 "2") whose location each schedule is at. */
function organisationOfSchedule(p: NationalRosterPlan): Map<string, string> {
  const organisationOfLocation = new Map(p.locations.map((l) => [l.id, l.organisation_id]));
  return new Map(p.schedules.map((s) => [s.id, organisationOfLocation.get(s.location_id)!]));
}

/** Free slots starting in [from, to), by organisation id. */
function freeSlotsByOrganisation(p: NationalRosterPlan, from: Date, to: Date): Record<string, number> {
  const organisationOf = organisationOfSchedule(p);
  const counts: Record<string, number> = {};
  for (const s of p.slots) {
    if (s.status !== 'free' || s.start_at < from || s.start_at >= to) continue;
    const org = organisationOf.get(s.schedule_id)!;
    counts[org] = (counts[org] ?? 0) + 1;
  }
  return counts;
}

/** Slots of the rolling window: after the historical ones (2017). */
const rolling = (p: NationalRosterPlan) => p.slots.filter((s) => s.start_at.getUTCFullYear() > 2020);

describe('UK local time', () => {
  test('GMT in winter, BST in summer, changing on the last Sundays of March and October', () => {
    assert.equal(formatUkDateTime(new Date('2026-01-15T09:00:00Z')), '2026-01-15T09:00:00+00:00');
    assert.equal(formatUkDateTime(new Date('2026-07-15T08:00:00Z')), '2026-07-15T09:00:00+01:00');
    // 2026-03-29 01:00 GMT the clocks go forward; 2026-10-25 02:00 BST they go back.
    assert.equal(ukOffsetMinutes(Date.parse('2026-03-29T00:59:59Z')), 0);
    assert.equal(ukOffsetMinutes(Date.parse('2026-03-29T01:00:00Z')), 60);
    assert.equal(ukOffsetMinutes(Date.parse('2026-10-25T00:59:59Z')), 60);
    assert.equal(ukOffsetMinutes(Date.parse('2026-10-25T01:00:00Z')), 0);
    assert.equal(ukLocalInstant('2026-03-28', '09:00').toISOString(), '2026-03-28T09:00:00.000Z');
    assert.equal(ukLocalInstant('2026-03-29', '09:00').toISOString(), '2026-03-29T08:00:00.000Z');
    assert.equal(ukLocalInstant('2026-10-24', '09:00').toISOString(), '2026-10-24T08:00:00.000Z');
    assert.equal(ukLocalInstant('2026-10-25', '09:00').toISOString(), '2026-10-25T09:00:00.000Z');
    assert.equal(formatUkDateTime(ukLocalInstant('2026-03-29', '00:00')), '2026-03-29T00:00:00+00:00');
    assert.equal(formatUkDateTime(ukLocalInstant('2026-03-30', '00:00')), '2026-03-30T00:00:00+01:00');
  });

  test('does not depend on the machine time zone', () => {
    const saved = process.env['TZ'];
    try {
      // Node re-reads TZ when it is assigned; Intl with an explicit Europe/London zone must not care.
      process.env['TZ'] = 'America/New_York';
      assert.equal(new Date(Date.UTC(2026, 5, 1)).getTimezoneOffset(), 240, 'the machine zone did change');
      assert.equal(formatUkDateTime(new Date('2026-06-01T23:30:00Z')), '2026-06-02T00:30:00+01:00');
      assert.deepEqual(planNationalRoster({ today: TODAY, now: NOW }), plan);
    } finally {
      if (saved === undefined) delete process.env['TZ'];
      else process.env['TZ'] = saved;
    }
  });
});

describe('planning the national roster appointment capacity', () => {
  test('four schedules: SIT1 and SIT3 for ORG1, SIT2 for ORG2, and the historical SIT1 one', () => {
    assert.deepEqual(
      plan.schedules.map((s) => [s.id, s.location_id, s.practitioner_id]),
      [
        ['1', '1', '1'],
        ['2', '3', '3'],
        ['3', '8', '2'],
        ['4', '1', '1'],
      ],
    );
    assert.deepEqual([...organisationOfSchedule(plan)], [
      ['1', '1'],
      ['2', '1'],
      ['3', '2'],
      ['4', '1'],
    ]);
  });

  test('schedules name their Location and Practitioner, a practitioner role from the value set, a planning horizon and a service category, and nothing forbidden', () => {
    for (const row of plan.schedules) {
      const schedule = parse(row);
      assert.deepEqual(schedule['meta'], { versionId: '1', lastUpdated: NOW.toISOString(), profile: [PROFILES.schedule] });
      assert.deepEqual(schedule['actor'], [{ reference: `Location/${row.location_id}` }, { reference: `Practitioner/${row.practitioner_id}` }]);
      // practitioner1-3 hold R0050/R0042 in the roster, outside GPConnect-PractitionerRole-1.
      assert.deepEqual(schedule['extension'], [
        { url: EXTENSIONS.practitionerRole, valueCodeableConcept: { coding: [{ system: CODE_SYSTEMS.sdsJobRoleName, code: 'R0260', display: 'General Medical Practitioner' }] } },
      ]);
      assert.deepEqual(schedule['serviceCategory'], { text: 'General practice' });
      assert.deepEqual(schedule['planningHorizon'], { start: formatUkDateTime(row.planning_start), end: formatUkDateTime(row.planning_end) });
      for (const absent of ['comment', 'active', 'serviceType', 'specialty']) assert.equal(absent in schedule, false, absent);
    }
    assert.deepEqual(parse(plan.schedules[0]!)['planningHorizon'], { start: `${TODAY}T00:00:00+00:00`, end: `${addDays(TODAY, ROLLING_DAYS + 1)}T00:00:00+00:00` });
    assert.deepEqual(parse(plan.schedules[3]!)['planningHorizon'], { start: '2017-01-03T00:00:00+00:00', end: '2017-12-30T00:00:00+00:00' });
  });

  test('every Schedule and Slot conforms to GPConnect-Schedule-1 / GPConnect-Slot-1', () => {
    for (const row of [...plan.schedules, ...plan.slots]) {
      const { issues } = validateResource(parse(row));
      assert.deepEqual(issues, [], row.id);
    }
  });

  test('the validator does check these profiles (a forbidden element is an error)', () => {
    const slot = { ...parse(plan.slots[0]!), serviceCategory: { text: 'not allowed' } };
    assert.ok(validateResource(slot).issues.some((i) => i.severity === 'error'));
  });

  test('at least 100 free ORG1 slots and exactly 20 ORG2 slots between now and 14 days ahead; none outside the window', () => {
    const end = ukLocalInstant(addDays(TODAY, ROLLING_DAYS + 1), '00:00');
    const counts = freeSlotsByOrganisation(plan, NOW, end);
    assert.ok(counts['1']! >= 100, `ORG1 has ${counts['1']}`);
    assert.equal(counts['2'], ORG2_SLOTS);
    assert.deepEqual(Object.keys(counts).sort(), ['1', '2']);
    assert.equal(rolling(plan).length, counts['1']! + counts['2']!);
  });

  test('at least 10 ORG1 slots within the next two days, whatever day and hour the roster is loaded', () => {
    for (let day = 0; day < 7; day += 1) {
      const today = addDays(TODAY, day);
      for (const hour of ['00:00', '10:00', '23:50']) {
        const now = ukLocalInstant(today, hour);
        const p = planNationalRoster({ today, now });
        const counts = freeSlotsByOrganisation(p, now, new Date(now.getTime() + 2 * DAY_MS));
        assert.ok((counts['1'] ?? 0) >= 10, `${today} ${hour}: ${counts['1']}`);
        assert.ok(freeSlotsByOrganisation(p, now, new Date(now.getTime() + 15 * DAY_MS))['1']! >= 100, `${today} ${hour}`);
        assert.equal(freeSlotsByOrganisation(p, now, new Date(now.getTime() + 15 * DAY_MS))['2'], ORG2_SLOTS, `${today} ${hour}`);
      }
    }
  });

  test('no rolling slot starts at or before now; the first one is the next 10-minute slot', () => {
    const starts = rolling(plan).map((s) => s.start_at.getTime());
    assert.ok(starts.every((t) => t > NOW.getTime()));
    assert.equal(Math.min(...starts), Date.parse(`${TODAY}T10:10:00Z`));
    assert.ok(rolling(plan).every((s) => s.start_at < ukLocalInstant(addDays(TODAY, ROLLING_DAYS + 1), '00:00')));
  });

  test('slots: free, at least 5 minutes, In-person, unrestricted, served as UK local times matching the columns', () => {
    for (const row of plan.slots) {
      const slot = parse(row);
      assert.ok(row.end_at.getTime() - row.start_at.getTime() >= 5 * 60_000, row.id);
      assert.deepEqual(slot['meta'], { versionId: '1', lastUpdated: NOW.toISOString(), profile: [PROFILES.slot] });
      assert.deepEqual(slot['extension'], [{ url: EXTENSIONS.deliveryChannel, valueCode: 'In-person' }]);
      assert.deepEqual(slot['serviceType'], [{ text: 'General medical practice' }]);
      assert.deepEqual(slot['schedule'], { reference: `Schedule/${row.schedule_id}` });
      assert.equal(slot['status'], row.status);
      assert.equal(slot['start'], formatUkDateTime(row.start_at));
      assert.equal(slot['end'], formatUkDateTime(row.end_at));
      assert.match(slot['start'], /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[01]:00$/);
      assert.equal(Date.parse(slot['start']), row.start_at.getTime());
      for (const absent of ['comment', 'identifier', 'serviceCategory', 'specialty', 'appointmentType']) assert.equal(absent in slot, false, absent);
      assert.deepEqual([row.delivery_channels, row.booking_org_ods, row.booking_org_types], [['In-person'], null, null]);
    }
    assert.ok(rolling(plan).every((s) => s.status === 'free'));
  });

  test('slot ids are unique and name their schedule and UK local start', () => {
    const ids = plan.slots.map((s) => s.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const row of plan.slots) assert.equal(row.id, `${row.schedule_id}-${formatUkDateTime(row.start_at).slice(0, 16).replace(/\D/g, '')}`);
  });

  test('the historical ORG1 slots of 2017, the 29 December one alone on its day', () => {
    const historical = plan.slots.filter((s) => s.start_at.getUTCFullYear() === 2017);
    assert.deepEqual(
      historical.map((s) => [s.id, s.schedule_id, s.status, parse(s)['start'], parse(s)['end']]),
      [
        ['4-201701031240', '4', 'free', '2017-01-03T12:40:00+00:00', '2017-01-03T12:50:00+00:00'],
        ['4-201702251035', '4', 'free', '2017-02-25T10:35:00+00:00', '2017-02-25T10:45:00+00:00'],
        ['4-201712291240', '4', 'free', '2017-12-29T12:40:00+00:00', '2017-12-29T12:50:00+00:00'],
      ],
    );
    assert.equal(historical.length, HISTORICAL_SLOTS.length);
    assert.equal(organisationOfSchedule(plan).get('4'), '1');
    assert.equal(plan.slots.filter((s) => formatUkDateTime(s.start_at).startsWith('2017-12-29')).length, 1);
  });

  test('the same day gives the same plan; another day moves the rolling slots only', () => {
    assert.deepEqual(planNationalRoster({ today: TODAY, now: NOW }), plan);
    const tomorrow = planNationalRoster({ today: addDays(TODAY, 1), now: new Date(NOW.getTime() + DAY_MS) });
    assert.deepEqual(tomorrow.slots.filter((s) => s.schedule_id === '4').map((s) => s.id), plan.slots.filter((s) => s.schedule_id === '4').map((s) => s.id));
    // Slots both plans hold keep their ids.
    const ids = new Set(plan.slots.map((s) => s.id));
    const shared = tomorrow.slots.filter((s) => ids.has(s.id));
    assert.ok(shared.length > 100);
    for (const s of shared) assert.equal(s.start_at.getTime(), plan.slots.find((p) => p.id === s.id)!.start_at.getTime());
  });

  for (const [what, today, before, after] of [
    ['March (clocks go forward on Sunday 29th)', '2026-03-27', '2026-03-28', '2026-03-30'],
    ['October (clocks go back on Sunday 25th)', '2026-10-23', '2026-10-24', '2026-10-26'],
  ] as const) {
    test(`UK offsets across the last Sunday of ${what}`, () => {
      const p = planNationalRoster({ today, now: ukLocalInstant(today, '08:00') });
      const at = (date: string) => p.slots.find((s) => s.id === `1-${date.replace(/-/g, '')}0900`)!;
      const [early, late] = [at(before), at(after)];
      const summerFirst = today.startsWith('2026-10');
      assert.equal(parse(early)['start'], `${before}T09:00:00${summerFirst ? '+01:00' : '+00:00'}`);
      assert.equal(parse(late)['start'], `${after}T09:00:00${summerFirst ? '+00:00' : '+01:00'}`);
      assert.equal(early.start_at.toISOString(), `${before}T${summerFirst ? '08' : '09'}:00:00.000Z`);
      assert.equal(late.start_at.toISOString(), `${after}T${summerFirst ? '09' : '08'}:00:00.000Z`);
      // Every slot is served with the offset in force at its own start, and sessions keep their wall-clock times.
      for (const s of p.slots) {
        const offset = ukOffsetMinutes(s.start_at.getTime()) === 60 ? '+01:00' : '+00:00';
        assert.ok((parse(s)['start'] as string).endsWith(offset), s.id);
        if (s.schedule_id === '1') assert.match(parse(s)['start'], /T(09|10|11):[0-5]0:00/);
      }
      assert.equal(new Set(p.slots.map((s) => parse(s)['start'].slice(19))).size, 2, 'both offsets occur');
    });
  }
});
