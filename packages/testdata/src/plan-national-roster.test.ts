import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { checkConformance, checkStructure, isValidNhsNumber } from '@gpconnect/fhir';
import { addDays } from './dates.ts';
import { ROSTER_SUPPLEMENT } from './logical-ids.ts';
import { recordInTransitRegistrationStart } from './plan-html-cohort.ts';
import { NATIONAL_ROSTER_FIXTURE, planNationalRoster, type NationalRosterPlan } from './plan-national-roster.ts';
import { patientCircumstances } from './patient-circumstances.ts';
import { replacementNhsNumber } from './replacement-nhs-number.ts';
import { NATIONAL_ROSTER, NATIONAL_ROSTER_FILE } from './roster.ts';

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T10:00:00Z`);
const plan = planNationalRoster({ today: TODAY, now: NOW });

const parse = (row: { resource: string }) => JSON.parse(row.resource) as Record<string, unknown>;
const everyResourceRow = (p: NationalRosterPlan) => [...p.organisations, ...p.locations, ...p.practitioners, ...p.practitionerRoles, ...p.patients];

/** The suite's Data/NHSNoMap.csv (feature/1.6.0) with our logical ids. */
const HELD_1X_PATIENTS: [id: string, nhsNumber: string][] = [
  ['1', '9690937278'],
  ['2', '9690937286'],
  ['3', '9690937294'],
  ['4', '9690937308'],
  ['5', '9690937375'],
  ['6', '9690937383'],
  ['7', '9690937391'],
  ['8', '9690937405'],
  ['9', '9690938533'],
  ['10', '9690938541'],
  ['11', '9690938622'],
  ['12', '9690938614'],
  ['13', '9690938096'],
  ['14', '9476718943'],
  ['15', '9690938576'],
  ['16', '9690938118'],
  ['17', '9690938126'],
  ['18', '9690938681'],
  ['19', '9690938134'],
  ['21', '9690938142'],
];

describe('the national roster file', () => {
  const shared = new URL('../../../../shared/testdata/roster.json', import.meta.url);
  test('is a byte-identical copy of the shared national roster', { skip: !existsSync(shared) && 'no ../shared checkout next to the repository' }, () => {
    assert.equal(readFileSync(NATIONAL_ROSTER_FILE, 'utf8'), readFileSync(shared, 'utf8'));
  });

  test('is frozen once parsed', () => {
    assert.throws(() => {
      (NATIONAL_ROSTER.patients as unknown as unknown[]).push({});
    }, TypeError);
  });

  test('still says in prose what the loader makes explicit (second R1A14 record, practitioner5 role profiles)', () => {
    assert.match(NATIONAL_ROSTER.organisations.find((o) => o.key === 'ORG2')!.role, new RegExp(ROSTER_SUPPLEMENT.secondOrganisationOfOrg2.name));
    const note = NATIONAL_ROSTER.practitioners.find((p) => p.key === 'practitioner5')!.note!;
    for (const id of ['PT3333', 'PT2222', 'PT4444']) assert.ok(note.includes(id), id);
  });

  test('every NHS number in it passes the Modulus 11 check', () => {
    const numbers = [
      ...NATIONAL_ROSTER.patients.map((p) => p.nhsNumber),
      ...NATIONAL_ROSTER.accessRecordHtmlPatients.people.map((p) => p.nhsNumber),
      ...NATIONAL_ROSTER.pdsOnlyPatients.people.map((p) => p.nhsNumber),
      ...NATIONAL_ROSTER.reservedNumbers.neverOnPds,
    ];
    assert.deepEqual(numbers.filter((n) => !isValidNhsNumber(n)), []);
  });
});

describe('planning a load of the national roster', () => {
  test('1.x patients keep the national ids: patientN -> N, patientNoAppointments -> 19, patientNotInSystem not held', () => {
    const held = plan.patients.filter((p) => !p.id.startsWith('html-')).map((p) => [p.id, p.nhs_number]);
    assert.deepEqual(held, HELD_1X_PATIENTS);
    assert.equal(plan.patients.some((p) => p.nhs_number === '9999999999' || p.nhs_number === '9000000009'), false);
  });

  test('the Access Record HTML cohort is held as html-N, sharing patient14 with the 1.x cohort', () => {
    const html = plan.patients.filter((p) => p.id.startsWith('html-')).map((p) => [p.id, p.nhs_number]);
    assert.deepEqual(html, [
      ['html-1', '9658218865'],
      ['html-2', '9658218873'],
      ['html-3', '9658218881'],
      ['html-4', '9658218903'],
      ['html-5', '9658218989'],
      ['html-6', '9658218997'],
      ['html-7', '9658219004'],
      ['html-8', '9658219012'],
      ['html-9', '9658220142'],
      ['html-10', '9658220150'],
      ['html-11', '9658220223'],
      ['html-12', '9658220215'],
      ['html-13', '9658219691'],
      ['html-15', '9658220169'],
      ['html-18', '9658220290'],
    ]);
  });

  test('patient flags follow the roster', () => {
    const flagged = (pick: (p: NationalRosterPlan['patients'][number]) => unknown) =>
      plan.patients.filter((p) => pick(p)).map((p) => p.id);
    assert.deepEqual(flagged((p) => p.sensitive), ['9', '10', 'html-9', 'html-10']);
    assert.deepEqual(flagged((p) => p.dissent), ['15', 'html-15']);
    assert.deepEqual(flagged((p) => p.record_in_transit), ['13', 'html-13']);
    assert.deepEqual(flagged((p) => p.registration_status === 'inactive'), ['21']);
    assert.deepEqual(
      plan.patients.filter((p) => p.deceased_at).map((p) => [p.id, p.deceased_at]),
      [
        ['18', '1993-02-17'],
        ['html-18', addDays(TODAY, -7)],
      ],
    );
    for (const p of plan.patients) {
      assert.deepEqual(
        [p.registration_type, p.nhs_number_verification, p.usual_gp_id, p.preferred_branch_id, p.version, p.fixture],
        ['R', '01', '1', '1', 1, NATIONAL_ROSTER_FIXTURE],
        p.id,
      );
    }
    assert.equal(plan.patients.find((p) => p.id === '14')?.registration_start, '1935-11-05');
    assert.equal(plan.patients.find((p) => p.id === '2')?.registration_start, '1962-07-13');
    assert.equal(plan.patients.find((p) => p.id === 'html-2')?.registration_start, null);
    // The record in transit's transfer banner quotes its registration here (plan-html-cohort.ts).
    assert.equal(plan.patients.find((p) => p.id === 'html-13')?.registration_start, recordInTransitRegistrationStart(TODAY));
  });

  test("the 1.x cohort's property notes say what its flags say", () => {
    for (const patient of NATIONAL_ROSTER.patients) {
      const fromFlags = patientCircumstances(patient, TODAY);
      const fromNotes = patientCircumstances({ ...patient, flags: {} }, TODAY);
      for (const key of ['sensitive', 'onPds', 'heldByProvider', 'registrationActive', 'dissent', 'nhsNumberSuperseded', 'merged', 'recordInTransit', 'multipleBirth'] as const) {
        assert.equal(fromNotes[key], fromFlags[key], `${patient.key}.${key}`);
      }
    }
  });

  test('directory: organisations, locations, practitioners and their roles', () => {
    assert.deepEqual(
      plan.organisations.map((o) => [o.id, o.ods_code, parse(o)['name']]),
      [
        ['1', 'B82617', 'COXWOLD SURGERY'],
        ['2', 'R1A14', 'Test GP Care Trust'],
        ['3', 'R1A14', 'The Hockey Surgery'],
      ],
    );
    assert.deepEqual(
      plan.locations.map((l) => [l.id, l.ods_site_code, l.organisation_id, parse(l)['name']]),
      [
        ['1', 'Z26556', '1', 'Building A'],
        ['8', 'Z33432', '2', 'Building 8'],
        ['3', 'Z33433', '1', 'Building C'],
      ],
    );
    const identifiers = (row: { resource: string }) => (parse(row)['identifier'] as { value: string }[]).map((i) => i.value);
    assert.deepEqual(
      plan.practitioners.map((p) => [p.id, p.sds_user_id, identifiers(p)]),
      [
        ['1', 'G13579135', ['G13579135']],
        ['2', 'G11111116', ['G11111116', 'PT1234']],
        ['3', 'G22345655', ['G22345655', 'PT1122', 'PT1234']],
        ['4', 'G22222226', ['G22222226', 'PT3333']],
        ['5', 'G22222226', ['G22222226', 'PT2222', 'PT4444']],
      ],
    );
    assert.equal(plan.practitioners.some((p) => p.sds_user_id === 'G99999999'), false);
    assert.deepEqual(
      plan.practitionerRoles.map((r) => {
        const role = parse(r) as { practitioner: { reference: string }; organization: { reference: string }; code: { coding: { code: string }[] }[] };
        return [r.id, r.practitioner_id, r.organisation_id, role.practitioner.reference, role.organization.reference, role.code[0]?.coding[0]?.code];
      }),
      [
        ['1', '1', '1', 'Practitioner/1', 'Organization/1', 'R0050'],
        ['2', '2', '1', 'Practitioner/2', 'Organization/1', 'R0042'],
        ['3', '3', '1', 'Practitioner/3', 'Organization/1', 'R0050'],
      ],
    );
    const languages = (parse(plan.practitioners[0]!)['extension'] as { extension: { valueCodeableConcept: { coding: { code: string }[] } }[] }[]).map(
      (e) => e.extension[0]?.valueCodeableConcept.coding[0]?.code,
    );
    assert.deepEqual(languages, ['de', 'en']);
  });

  test('every rendered resource is well-formed STU3 and conforms to the profile it claims', () => {
    const rows = everyResourceRow(plan);
    assert.equal(rows.length, 3 + 3 + 5 + 3 + 35);
    for (const row of rows) {
      const resource = parse(row);
      assert.equal(resource['id'], row.id);
      assert.deepEqual(checkStructure(resource, { expectedType: resource['resourceType'] as string, release: 'stu3' }), [], `${resource['resourceType']}/${row.id}`);
      assert.deepEqual(checkConformance(resource), [], `${resource['resourceType']}/${row.id}`);
      assert.deepEqual(resource['meta'], { versionId: '1', lastUpdated: NOW.toISOString(), profile: (resource['meta'] as { profile: string[] }).profile });
      assert.equal((resource['meta'] as { profile: string[] }).profile.length, 1);
    }
  });

  test('PDS: every held 1.x and HTML patient except those not on PDS, and the PDS-only pool, with the roster flags', () => {
    const byNumber = new Map(plan.pdsPeople.map((p) => [p.nhsNumber, p]));
    assert.equal(plan.pdsPeople.length, 19 + 15 + 158);
    for (const absent of ['9476718943', '9999999999', '9000000009']) assert.equal(byNumber.has(absent), false, absent);
    const held = plan.patients.filter((p) => p.nhs_number !== '9476718943');
    for (const patient of held) assert.equal(byNumber.get(patient.nhs_number)?.gpOds, 'B82617', patient.id);
    assert.deepEqual(
      plan.pdsPeople.filter((p) => p.sensitive).map((p) => p.nhsNumber),
      ['9690938533', '9690938541', '9658220142', '9658220150'],
    );
    assert.deepEqual(
      plan.pdsPeople.filter((p) => p.deceasedAt).map((p) => [p.nhsNumber, p.deceasedAt]),
      [
        ['9690938681', '1993-02-17'],
        ['9658220290', '2026-11-17'],
      ],
    );
    const superseded = plan.pdsPeople.filter((p) => p.supersededBy);
    assert.deepEqual(superseded.map((p) => p.nhsNumber), ['9690938622', '9658220223']);
    const rosterNumbers = new Set([...byNumber.keys(), '9476718943', '9999999999', '9000000009']);
    for (const p of superseded) {
      assert.ok(isValidNhsNumber(p.supersededBy!), p.supersededBy!);
      assert.equal(rosterNumbers.has(p.supersededBy!), false, 'the replacement is no roster or reserved number');
    }
    assert.equal(plan.pdsPeople.some((p) => p.invalidated), false);

    assert.deepEqual(byNumber.get('9690938681')?.demographics, {
      name: { family: 'ROONEY', given: ['James'], prefix: ['Mr'] },
      gender: 'male',
      birthDate: '1968-02-03',
      address: { line: ['8 AUSTEN CLOSE', 'BILLINGHAM', 'CLEVELAND'], postalCode: 'TS23 3GT' },
      telecom: [{ system: 'phone', value: '01454587554', use: 'home' }],
      multipleBirth: true,
    });
    // The inactive registration is still on PDS (registered at the practice, as the roster says).
    assert.equal(byNumber.get('9690938142')?.gpOds, 'B82617');

    const pool = plan.pdsPeople.slice(-158);
    assert.deepEqual(pool.map((p) => p.nhsNumber), NATIONAL_ROSTER.pdsOnlyPatients.people.map((p) => p.nhsNumber));
    assert.deepEqual(pool[0], {
      nhsNumber: '9651258500',
      demographics: { name: { family: 'REA', given: ['Clive'] }, gender: 'male', birthDate: '1951-03-10' },
      gpOds: 'A20047',
      sensitive: false,
      deceasedAt: null,
      supersededBy: null,
      invalidated: false,
    });
    assert.ok(pool.every((p) => p.gpOds === 'A20047'));
  });

  test('replacement NHS numbers are the next valid numbers not taken', () => {
    const taken = new Set(['9690938630']);
    // 9690938630, the next valid number above 9690938622, is taken: the one after it is used.
    const first = replacementNhsNumber('9690938622', taken);
    assert.ok(isValidNhsNumber(first));
    assert.notEqual(first, '9690938630');
    assert.ok(taken.has(first));
    const second = replacementNhsNumber('9690938622', taken);
    assert.notEqual(second, first);
    assert.ok(Number(second) > Number(first));
    assert.equal(replacementNhsNumber('9690938622', new Set()), '9690938630');
  });

  test('relative dates move with today and nothing else does', () => {
    const later = planNationalRoster({ today: addDays(TODAY, 40), now: NOW });
    assert.equal(later.loadedOn, addDays(TODAY, 40));
    assert.equal(later.patients.find((p) => p.id === 'html-18')?.deceased_at, addDays(TODAY, 33));
    assert.equal(JSON.parse(later.patients.find((p) => p.id === 'html-18')!.resource).deceasedDateTime, addDays(TODAY, 33));
    assert.equal(later.pdsPeople.find((p) => p.nhsNumber === '9658220290')?.deceasedAt, addDays(TODAY, 33));
    assert.equal(later.patients.find((p) => p.id === 'html-13')?.registration_start, addDays(recordInTransitRegistrationStart(TODAY), 40));
    const without = (p: NationalRosterPlan) => ({
      ...p,
      loadedOn: undefined,
      patients: p.patients.filter((r) => r.id !== 'html-18' && r.id !== 'html-13'),
      pdsPeople: p.pdsPeople.filter((r) => r.nhsNumber !== '9658220290'),
      // The rolling appointment capacity follows today (plan-appointment-capacity.test.ts); the 2017 schedule does not.
      schedules: p.schedules.filter((r) => r.id === '4'),
      slots: p.slots.filter((r) => r.schedule_id === '4'),
      // Clinical dates are relative to the load day too: compared below.
      clinicalItems: undefined,
      documents: undefined,
    });
    assert.deepEqual(without(later), without(plan));
    // Documents' created and indexed dates are 40 days later (a document without a created date stays without); their files do not change.
    const shift = (moved: unknown, original: unknown) => (moved === null || moved === undefined ? null : (Date.parse(String(moved)) - Date.parse(String(original))) / 86_400_000);
    assert.deepEqual(
      later.documents.map((d, i) => [d.row.id, shift(d.row.created_at, plan.documents[i]!.row.created_at), shift(d.row.indexed_at, plan.documents[i]!.row.indexed_at)]),
      plan.documents.map((d) => [d.row.id, d.row.created_at === null || d.row.created_at === undefined ? null : 40, 40]),
    );
    assert.deepEqual(later.documents.map((d) => d.content), plan.documents.map((d) => d.content));
    // Every clinical date is exactly 40 days later, but html-2's record, fixed between 2015-05-01 and
    // 2016-07-01 but for its recent acute course; undated items (a Medication) stay undated.
    const fixed = (r: { id: string; patient_id: string }) => r.patient_id === 'html-2' && !r.id.startsWith('html-2-med-4-');
    assert.deepEqual(
      later.clinicalItems.map((r, i) => [r.id, r.effective_at === null ? null : (Date.parse(String(r.effective_at)) - Date.parse(String(plan.clinicalItems[i]!.effective_at))) / 86_400_000]),
      plan.clinicalItems.map((r) => [r.id, r.effective_at === null ? null : fixed(r) ? 0 : 40]),
    );
    assert.equal(JSON.parse(later.schedules[0]!.resource).planningHorizon.start, `${addDays(TODAY, 40)}T00:00:00+00:00`);
  });

  test('the plan is the same in every time zone and on every run', () => {
    const original = process.env['TZ'];
    try {
      for (const zone of ['Pacific/Kiritimati', 'America/Adak', 'UTC']) {
        process.env['TZ'] = zone;
        assert.deepEqual(planNationalRoster({ today: TODAY, now: NOW }), plan, zone);
      }
    } finally {
      if (original === undefined) delete process.env['TZ'];
      else process.env['TZ'] = original;
    }
  });

  test('loading into another practice: the practice is ORG1 under its own ODS code, and PDS registers the roster there', () => {
    const other = planNationalRoster({ practiceOds: 'A20047', practiceName: 'Other Surgery', today: TODAY, now: NOW });
    assert.equal(other.practice.asid, undefined, 'no ASID is invented for another practice');
    assert.deepEqual(JSON.parse(other.organisations[0]!.resource).identifier, [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'A20047' }]);
    assert.equal(JSON.parse(other.organisations[0]!.resource).name, 'Other Surgery');
    assert.ok(other.patients.every((p) => p.practice_ods === 'A20047'));
    assert.equal(other.pdsPeople.find((p) => p.nhsNumber === '9690937278')?.gpOds, 'A20047');
    // The pool is registered elsewhere: never at the practice being loaded.
    assert.ok(other.pdsPeople.slice(-158).every((p) => p.gpOds === 'B81016'));
    assert.equal(planNationalRoster({ practiceOds: 'A20047', asid: '123', today: TODAY, now: NOW }).practice.asid, '123');
  });

  test('today must be an ISO calendar date and now a valid Date', () => {
    for (const today of ['2026-02-30', '24/11/2026', '2026-11-24T00:00:00Z', '']) {
      assert.throws(() => planNationalRoster({ today, now: NOW }), RangeError, today);
    }
    assert.throws(() => planNationalRoster({ today: TODAY, now: new Date('nope') }), RangeError);
  });
});
