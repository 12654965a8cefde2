import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_CAPABILITIES, checkConformance, checkStructure, CODE_SYSTEMS, EXTENSIONS, IDENTIFIER_SYSTEMS, PROFILES, validateResource } from '@gpconnect/fhir';
import { bookAppointment, findFreeSlots, servedSlotJson, findPdsPerson, findPractice, insertDocument, insertPatient, listFixtureLoads, openStore, sql, type Database, type Kysely, type Store } from '@gpconnect/store';
import { testStoreBackends } from '../../store/src/testing.ts';
import { addDays } from './dates.ts';
import { isRosterLoaded, loadNationalRoster, resetNationalRoster } from './load-national-roster.ts';
import { topUpAppointmentCapacity } from './top-up-appointment-capacity.ts';
import { NATIONAL_ROSTER_FIXTURE, planNationalRoster } from './plan-national-roster.ts';

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T10:00:00Z`);
const ROSTER = { today: TODAY, now: NOW };
const OTHER = { practiceOds: 'A99999', asid: '200000000999', today: TODAY, now: NOW };
/** The plan for TODAY/NOW, and its rolling (future) slots, which a free-slot search from NOW must find. */
const PLAN = planNationalRoster(ROSTER);
const ROLLING_SLOT_IDS = PLAN.slots.filter((s) => s.start_at > NOW).map((s) => s.id);
const DAY_MS = 86_400_000;

/** Every table with the columns that order it completely; practice-owned tables first name practice_ods. */
const TABLES: Record<keyof Database, string[]> = {
  practice: ['ods_code'],
  organisation: ['practice_ods', 'id'],
  location: ['practice_ods', 'id'],
  practitioner: ['practice_ods', 'id'],
  practitioner_role: ['practice_ods', 'id'],
  patient: ['practice_ods', 'id'],
  clinical_item: ['practice_ods', 'id'],
  document: ['practice_ods', 'id'],
  document_content: ['practice_ods', 'binary_id', 'seq'],
  schedule: ['practice_ods', 'id'],
  slot: ['practice_ods', 'id'],
  appointment: ['practice_ods', 'id'],
  appointment_slot: ['practice_ods', 'appointment_id', 'slot_id'],
  fixture_load: ['practice_ods', 'fixture'],
  pds_person: ['nhs_number'],
  audit_event: ['seq'],
  ssp_hop: ['seq'],
};

/** The full content of every table (or, for one practice, of the tables that practice owns). */
async function dump(db: Kysely<Database>, practiceOds?: string): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const [table, keys] of Object.entries(TABLES)) {
    const owned = keys[0] === 'practice_ods' || table === 'practice';
    if (practiceOds && !owned) continue;
    const column = table === 'practice' ? 'ods_code' : 'practice_ods';
    const where = practiceOds ? sql`where ${sql.ref(column)} = ${practiceOds}` : sql``;
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)} ${where} order by ${sql.join(keys.map((k) => sql.ref(k)))}`.execute(db);
    result[table] = rows.rows;
  }
  return result;
}

async function count(db: Kysely<Database>, query: { execute(db: Kysely<Database>): Promise<{ rows: { n: unknown }[] }> }): Promise<number> {
  return Number((await query.execute(db)).rows[0]!.n);
}

/** Data the API would create or change between resets, in `practiceOds`. */
async function mutate(db: Kysely<Database>, practiceOds: string): Promise<void> {
  await insertPatient(db, {
    practice_ods: practiceOds,
    id: 'api-1',
    version: 1,
    resource: '{"resourceType":"Patient","id":"api-1"}',
    last_updated: NOW,
    fixture: null,
    nhs_number: '9651258500',
    registration_status: 'active',
    registration_type: 'T',
    registration_start: NOW.toISOString(),
    registration_end: null,
    nhs_number_verification: '01',
    sensitive: false,
    deceased_at: null,
    dissent: false,
    record_in_transit: false,
    usual_gp_id: null,
    preferred_branch_id: '1',
  });
  await sql`insert into clinical_item (practice_ods, id, version, resource, last_updated, fixture, patient_id, resource_type, area)
    values (${practiceOds}, 'api-item', 1, '{}', ${NOW}, null, '2', 'AllergyIntolerance', 'allergies')`.execute(db);
  await insertDocument(db, { practice_ods: practiceOds, id: 'api-document', version: 1, resource: '{}', last_updated: NOW, fixture: null, patient_id: '2', binary_id: 'api-binary', type_text: 'Letter', indexed_at: NOW, content_type: 'text/plain' }, [Buffer.from('hello')]);
  await sql`update document_content set chunk = ${Buffer.from([0])} where practice_ods = ${practiceOds} and binary_id = '4-binary-1' and seq = 3`.execute(db);
  await sql`update patient set version = version + 1, resource = '{"changed":true}', registration_status = 'inactive' where practice_ods = ${practiceOds} and id = '2'`.execute(db);
  await sql`update practitioner set sds_user_id = 'G00000000' where practice_ods = ${practiceOds} and id = '1'`.execute(db);
  await sql`delete from practitioner_role where practice_ods = ${practiceOds} and id = '3'`.execute(db);
  await sql`update pds_person set gp_ods = 'X12345', version = 2 where nhs_number = '9690937286'`.execute(db);
  await sql`delete from pds_person where nhs_number = '9690937278'`.execute(db);
  await sql`delete from fixture_load where practice_ods = ${practiceOds}`.execute(db);
  // Appointment Management: a booking holding a roster slot, an edited schedule, a removed slot and one the API added.
  const [first, second] = ROLLING_SLOT_IDS;
  await db.transaction().execute((trx) =>
    bookAppointment(
      trx,
      { practice_ods: practiceOds, id: 'api-appointment', version: 1, resource: '{}', last_updated: NOW, fixture: null, patient_id: '2', status: 'booked', start_at: NOW, end_at: NOW, created_at: NOW, booking_org_ods: 'A20047' },
      [first!],
    ),
  );
  await sql`update schedule set version = 2, resource = '{"changed":true}' where practice_ods = ${practiceOds} and id = '1'`.execute(db);
  await sql`delete from slot where practice_ods = ${practiceOds} and id = ${second!}`.execute(db);
  await sql`insert into slot (practice_ods, id, version, resource, last_updated, fixture, schedule_id, start_at, end_at, status)
    values (${practiceOds}, 'api-slot', 1, '{}', ${NOW}, null, '1', ${NOW}, ${new Date(NOW.getTime() + 600_000)}, 'free')`.execute(db);
}

/**
 * A handle for concurrent work on the test store. On PostgreSQL it is a pool of its own on the same
 * scratch database, closed long before the store is: the scratch store's close() drops the database
 * WITH (FORCE) as soon as pg's Pool.end() resolves, which is before its idle connections have
 * finished closing, so a store whose pool grew past one connection can fail at close with an
 * unhandled "terminating connection due to administrator command" (reported to the store package).
 */
async function openConcurrentHandle(store: Store): Promise<{ db: Kysely<Database>; close(): Promise<void> }> {
  const serverUrl = process.env['GPC_TEST_POSTGRES_URL'];
  if (store.kind !== 'postgres' || !serverUrl) return { db: store.db, close: async () => {} };
  const { name } = (await sql<{ name: string }>`select current_database() as name`.execute(store.db)).rows[0]!;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const own = await openStore({ databaseUrl: url.toString(), poolSize: 4 });
  return { db: own.db, close: () => own.close() };
}

for (const backend of testStoreBackends()) {
  describe(`loading and resetting the national roster (${backend.name})`, () => {
    let store: Store;
    let db: Kysely<Database>;
    /** Every table right after the first load: the starting state a reset must restore. */
    let start: Record<string, unknown[]>;

    before(async () => {
      store = await backend.open();
      db = store.db;
      assert.equal(await isRosterLoaded(db), false);
      const summary = await loadNationalRoster(db, ROSTER);
      assert.deepEqual(summary, {
        practiceOds: 'B82617',
        practiceCreated: true,
        organisations: 3,
        locations: 3,
        practitioners: 5,
        practitionerRoles: 3,
        patients: 35,
        clinicalItems: PLAN.clinicalItems.length,
        documents: 6,
        schedules: 4,
        slots: PLAN.slots.length,
        pdsPeople: 192,
      });
      assert.ok(PLAN.slots.length > 120);
      start = await dump(db);
    });
    after(async () => store?.close());

    test('creates the practice with the roster ASID, every capability and Organization/1, and records the load', async () => {
      const practice = await findPractice(db, 'B82617');
      assert.deepEqual(
        [practice?.name, practice?.asid, practice?.capabilities, practice?.organisation_id],
        ['COXWOLD SURGERY', '918999198738', [...ALL_CAPABILITIES], '1'],
      );
      assert.equal(await isRosterLoaded(db, 'B82617'), true);
      assert.equal(await isRosterLoaded(db), true);
      const loads = await listFixtureLoads(db, 'B82617');
      assert.deepEqual(
        loads.map((l) => [l.fixture, l.loaded_on, l.loaded_at.toISOString()]),
        [[NATIONAL_ROSTER_FIXTURE, TODAY, NOW.toISOString()]],
      );
    });

    test('patients: national ids and NHS numbers, flags in the columns, version 1', async () => {
      const rows = await db
        .selectFrom('patient')
        .select(['id', 'nhs_number', 'registration_status', 'sensitive', 'deceased_at', 'dissent', 'record_in_transit', 'version', 'fixture'])
        .where('practice_ods', '=', 'B82617')
        .where('id', 'in', ['1', '2', '9', '13', '14', '15', '18', '19', '21', 'html-18'])
        .execute();
      const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
      const expect = (id: string, nhs: string, status: string, sensitive: boolean, deceased: string | null, dissent: boolean, transit: boolean) =>
        assert.deepEqual(byId[id], {
          id,
          nhs_number: nhs,
          registration_status: status,
          sensitive,
          deceased_at: deceased,
          dissent,
          record_in_transit: transit,
          version: 1,
          fixture: NATIONAL_ROSTER_FIXTURE,
        });
      expect('1', '9690937278', 'active', false, null, false, false);
      expect('2', '9690937286', 'active', false, null, false, false);
      expect('9', '9690938533', 'active', true, null, false, false);
      expect('13', '9690938096', 'active', false, null, false, true);
      expect('14', '9476718943', 'active', false, null, false, false);
      expect('15', '9690938576', 'active', false, null, true, false);
      expect('18', '9690938681', 'active', false, '1993-02-17', false, false);
      expect('19', '9690938134', 'active', false, null, false, false);
      expect('21', '9690938142', 'inactive', false, null, false, false);
      expect('html-18', '9658220290', 'active', false, addDays(TODAY, -7), false, false);
      assert.equal(await count(db, sql<{ n: number }>`select count(*) as n from patient where practice_ods = 'B82617'`), 35);
      assert.equal(await count(db, sql<{ n: number }>`select count(*) as n from patient where nhs_number in ('9999999999', '9000000009')`), 0);
    });

    test('Patient/2 is stored exactly as it is to be served', async () => {
      const row = await db.selectFrom('patient').selectAll().where('practice_ods', '=', 'B82617').where('id', '=', '2').executeTakeFirstOrThrow();
      assert.equal(row.last_updated.toISOString(), NOW.toISOString());
      assert.deepEqual([row.registration_type, row.registration_start, row.registration_end, row.nhs_number_verification, row.usual_gp_id, row.preferred_branch_id], [
        'R',
        '1962-07-13',
        null,
        '01',
        '1',
        '1',
      ]);
      assert.deepEqual(JSON.parse(row.resource), {
        resourceType: 'Patient',
        id: '2',
        meta: { versionId: '1', lastUpdated: NOW.toISOString(), profile: [PROFILES.patient] },
        extension: [
          {
            url: EXTENSIONS.registrationDetails,
            extension: [
              { url: 'registrationPeriod', valuePeriod: { start: '1962-07-13' } },
              { url: 'registrationType', valueCodeableConcept: { coding: [{ system: CODE_SYSTEMS.registrationType, code: 'R', display: 'Regular' }] } },
              { url: 'preferredBranchSurgery', valueReference: { reference: 'Location/1' } },
            ],
          },
        ],
        identifier: [
          {
            extension: [
              {
                url: EXTENSIONS.nhsNumberVerificationStatus,
                valueCodeableConcept: { coding: [{ system: CODE_SYSTEMS.nhsNumberVerificationStatus, code: '01', display: 'Number present and verified' }] },
              },
            ],
            system: IDENTIFIER_SYSTEMS.nhsNumber,
            value: '9690937286',
          },
        ],
        active: true,
        name: [{ use: 'official', family: 'SKELLY', given: ['Horace'], prefix: ['Mr'] }],
        telecom: [
          { system: 'phone', value: '01454587554', use: 'home' },
          { system: 'phone', value: '+447401254880', use: 'mobile' },
        ],
        gender: 'male',
        birthDate: '1925-04-21',
        address: [{ use: 'home', line: ['3 BOWESFIELD CRESCENT', 'STOCKTON-ON-TEES'], postalCode: 'TS18 3BL' }],
        generalPractitioner: [{ reference: 'Practitioner/1' }],
        managingOrganization: { reference: 'Organization/1' },
      });
      const deceased = await db.selectFrom('patient').select('resource').where('practice_ods', '=', 'B82617').where('id', '=', '18').executeTakeFirstOrThrow();
      assert.equal(JSON.parse(deceased.resource).deceasedDateTime, '1993-02-17');
      const inactive = await db.selectFrom('patient').select('resource').where('practice_ods', '=', 'B82617').where('id', '=', '21').executeTakeFirstOrThrow();
      assert.equal(JSON.parse(inactive.resource).active, false);
    });

    test('directory: organisations by ODS code, locations, practitioners by SDS user id and their roles', async () => {
      const organisations = await db.selectFrom('organisation').select(['id', 'ods_code']).where('practice_ods', '=', 'B82617').orderBy('id').execute();
      assert.deepEqual(organisations.map((o) => [o.id, o.ods_code]), [
        ['1', 'B82617'],
        ['2', 'R1A14'],
        ['3', 'R1A14'],
      ]);
      const locations = await db.selectFrom('location').select(['id', 'ods_site_code', 'organisation_id']).where('practice_ods', '=', 'B82617').orderBy('id').execute();
      assert.deepEqual(locations.map((l) => [l.id, l.ods_site_code, l.organisation_id]), [
        ['1', 'Z26556', '1'],
        ['3', 'Z33433', '1'],
        ['8', 'Z33432', '2'],
      ]);
      const practitioners = await db.selectFrom('practitioner').select(['id', 'sds_user_id']).where('practice_ods', '=', 'B82617').orderBy('id').execute();
      assert.deepEqual(practitioners.map((p) => [p.id, p.sds_user_id]), [
        ['1', 'G13579135'],
        ['2', 'G11111116'],
        ['3', 'G22345655'],
        ['4', 'G22222226'],
        ['5', 'G22222226'],
      ]);
      const roles = await db.selectFrom('practitioner_role').select(['id', 'practitioner_id', 'organisation_id']).where('practice_ods', '=', 'B82617').orderBy('id').execute();
      assert.deepEqual(roles.map((r) => [r.id, r.practitioner_id, r.organisation_id]), [
        ['1', '1', '1'],
        ['2', '2', '1'],
        ['3', '3', '1'],
      ]);
    });

    test('PDS holds the roster with its flags, owned by the fixture', async () => {
      assert.equal(await count(db, sql<{ n: number }>`select count(*) as n from pds_person where fixture = ${NATIONAL_ROSTER_FIXTURE}`), 192);
      assert.equal(await findPdsPerson(db, '9476718943'), undefined, 'patient14 is not on PDS');
      assert.equal(await findPdsPerson(db, '9999999999'), undefined);
      assert.equal(await findPdsPerson(db, '9000000009'), undefined);
      const skelly = await findPdsPerson(db, '9690937286');
      assert.deepEqual([skelly?.gpOds, skelly?.sensitive, skelly?.deceasedAt, skelly?.supersededBy, skelly?.version], ['B82617', false, null, null, 1]);
      assert.equal(skelly?.demographics.name.family, 'SKELLY');
      assert.equal((await findPdsPerson(db, '9690938533'))?.sensitive, true);
      assert.equal((await findPdsPerson(db, '9690938681'))?.deceasedAt, '1993-02-17');
      assert.equal((await findPdsPerson(db, '9658220290'))?.deceasedAt, addDays(TODAY, -7));
      assert.match((await findPdsPerson(db, '9690938622'))?.supersededBy ?? '', /^\d{10}$/);
      assert.equal((await findPdsPerson(db, '9651258500'))?.gpOds, 'A20047');
    });

    test('every stored resource is well-formed STU3 and conforms to its profile', async () => {
      let checked = 0;
      for (const table of ['organisation', 'location', 'practitioner', 'practitioner_role', 'patient'] as const) {
        const rows = await db.selectFrom(table).select(['id', 'version', 'resource']).where('practice_ods', '=', 'B82617').execute();
        for (const row of rows) {
          const resource = JSON.parse(row.resource) as { resourceType: string; id: string; meta: { versionId: string } };
          assert.equal(resource.id, row.id);
          assert.equal(resource.meta.versionId, String(row.version));
          assert.deepEqual(checkStructure(resource, { expectedType: resource.resourceType, release: 'stu3' }), [], `${table}/${row.id}`);
          assert.deepEqual(checkConformance(resource), [], `${table}/${row.id}`);
          checked += 1;
        }
      }
      assert.equal(checked, 49);
    });

    test('clinical items: the 1.x records, and the Access Record HTML cohort\'s in the areas its descriptions name', async () => {
      assert.equal(PLAN.clinicalItems.filter((r) => !r.patient_id.startsWith('html-')).length, 149, 'the 1.x records are unchanged');
      const rows = await db.selectFrom('clinical_item').selectAll().where('practice_ods', '=', 'B82617').where('patient_id', 'like', 'html-%').orderBy('id').execute();
      const planned = PLAN.clinicalItems.filter((r) => r.patient_id.startsWith('html-')).sort((a, b) => (a.id < b.id ? -1 : 1));
      assert.deepEqual(rows.map((r) => [r.id, r.patient_id, r.area, r.status, r.confidential, r.resource]), planned.map((r) => [r.id, r.patient_id, r.area, r.status, r.confidential, r.resource]));
      const areas = new Map<string, Set<string>>();
      for (const row of rows) (areas.get(row.patient_id) ?? areas.set(row.patient_id, new Set()).get(row.patient_id)!).add(row.area);
      const every = ['allergies', 'consultations', 'diaryEntries', 'immunisations', 'medications', 'problems', 'referrals', 'uncategorised'];
      assert.deepEqual(Object.fromEntries([...areas].map(([patient, set]) => [patient, [...set].sort()])), {
        'html-2': every,
        'html-3': ['allergies', 'medications', 'problems'],
        'html-4': ['allergies', 'medications', 'problems'],
        'html-5': ['medications'],
        'html-6': ['medications'],
        'html-7': ['medications'],
        'html-8': ['medications'],
        'html-9': every,
        'html-10': ['allergies', 'immunisations', 'medications', 'problems', 'uncategorised'],
        'html-11': every,
        'html-12': every,
        'html-13': every,
        'html-15': every,
        'html-18': ['allergies', 'problems', 'uncategorised'],
      });
      assert.deepEqual(rows.filter((r) => r.confidential).map((r) => r.id), ['html-2-referral-2']);
    });

    test('schedules and slots: stored as planned, every resource conforms to GPConnect-Schedule-1 / GPConnect-Slot-1', async () => {
      const schedules = await db.selectFrom('schedule').selectAll().where('practice_ods', '=', 'B82617').orderBy('id').execute();
      assert.deepEqual(schedules.map((s) => [s.id, s.location_id, s.practitioner_id]), [
        ['1', '1', '1'],
        ['2', '3', '3'],
        ['3', '8', '2'],
        ['4', '1', '1'],
      ]);
      const slots = await db.selectFrom('slot').selectAll().where('practice_ods', '=', 'B82617').execute();
      assert.equal(slots.length, PLAN.slots.length);
      for (const row of [...schedules.map((s) => s.resource), ...slots.map(servedSlotJson)]) {
        const resource = JSON.parse(row) as { id: string };
        assert.deepEqual(validateResource(resource).issues, [], resource.id);
      }
      for (const row of slots) {
        assert.equal(Date.parse(JSON.parse(row.resource).start), row.start_at.getTime(), row.id);
        assert.equal(JSON.parse(row.resource).id, row.id);
        assert.deepEqual([row.status, row.delivery_channels, row.booking_org_ods, row.booking_org_types, row.gpconnect_bookable], ['free', ['In-person'], null, null, true]);
      }
    });

    test('findFreeSlots returns the rolling slots of the next two weeks, and the historical ones for 2017', async () => {
      const free = await findFreeSlots(db, 'B82617', NOW, new Date(NOW.getTime() + 15 * DAY_MS));
      assert.deepEqual(free.map((s) => s.id).sort(), [...ROLLING_SLOT_IDS].sort());
      assert.ok(free.length >= 120);
      const inTwoDays = await findFreeSlots(db, 'B82617', NOW, new Date(NOW.getTime() + 2 * DAY_MS));
      assert.ok(inTwoDays.filter((s) => s.schedule_id !== '3').length >= 10);
      const historical = await findFreeSlots(db, 'B82617', new Date('2017-01-01T00:00:00Z'), new Date('2018-01-01T00:00:00Z'));
      assert.deepEqual(historical.map((s) => s.id), ['4-201701031240', '4-201702251035', '4-201712291240']);
    });

    test('a reset after API writes and edits restores the exact starting state', async () => {
      await mutate(db, 'B82617');
      const changed = await dump(db);
      assert.notDeepEqual(changed, start);
      for (const table of ['schedule', 'slot', 'appointment', 'appointment_slot']) assert.notDeepEqual(changed[table], start[table], table);
      assert.equal(await isRosterLoaded(db), false);
      const summary = await resetNationalRoster(db, ROSTER);
      assert.equal(summary.practiceCreated, false);
      assert.deepEqual(await dump(db), start);
    });

    test('a load that fails part-way changes nothing', async () => {
      await mutate(db, 'B82617');
      // A row of another fixture set that depends on the roster's Organization/1 makes deleting it fail.
      await sql`insert into location (practice_ods, id, version, resource, last_updated, fixture, organisation_id)
        values ('B82617', 'other-1', 1, '{}', ${NOW}, 'another-fixture', '1')`.execute(db);
      const before = await dump(db);
      await assert.rejects(loadNationalRoster(db, ROSTER));
      assert.deepEqual(await dump(db), before);
      await sql`delete from location where practice_ods = 'B82617' and id = 'other-1'`.execute(db);
      await resetNationalRoster(db, ROSTER);
      assert.deepEqual(await dump(db), start);
    });

    test('concurrent resets all succeed and leave the starting state', async () => {
      await mutate(db, 'B82617');
      const concurrent = await openConcurrentHandle(store);
      try {
        await Promise.all(Array.from({ length: 4 }, () => resetNationalRoster(concurrent.db, ROSTER)));
      } finally {
        await concurrent.close();
      }
      assert.deepEqual(await dump(db), start);
    });

    test('dates relative to today move with the day the roster is loaded', async () => {
      const later = addDays(TODAY, 100);
      await resetNationalRoster(db, { today: later, now: NOW });
      const html18 = await db.selectFrom('patient').select(['deceased_at', 'resource']).where('practice_ods', '=', 'B82617').where('id', '=', 'html-18').executeTakeFirstOrThrow();
      assert.equal(html18.deceased_at, addDays(later, -7));
      assert.equal(JSON.parse(html18.resource).deceasedDateTime, addDays(later, -7));
      assert.equal((await findPdsPerson(db, '9658220290'))?.deceasedAt, addDays(later, -7));
      assert.equal((await findPdsPerson(db, '9690938681'))?.deceasedAt, '1993-02-17', 'absolute dates stay');
      assert.deepEqual((await listFixtureLoads(db, 'B82617')).map((l) => l.loaded_on), [later]);
      await resetNationalRoster(db, ROSTER);
      assert.deepEqual(await dump(db), start);
    });

    test('a top-up days later adds the new rolling slots and moves the horizons, keeping bookings; a second top-up adds nothing', async () => {
      const later = addDays(TODAY, 3);
      const laterNow = new Date(`${later}T08:00:00Z`);
      // A booked slot must survive the top-up untouched.
      const [first] = await findFreeSlots(db, 'B82617', NOW, new Date(`${addDays(TODAY, 2)}T00:00:00Z`));
      await db.transaction().execute((trx) =>
        bookAppointment(trx, { practice_ods: 'B82617', id: 'top-up-booking', version: 1, resource: '{}', last_updated: NOW, fixture: null, patient_id: '2', status: 'booked', start_at: first!.start_at, end_at: first!.end_at, created_at: NOW, booking_org_ods: 'A20047' }, [first!.id]),
      );
      const beforeIds = new Set((await db.selectFrom('slot').select('id').execute()).map((r) => r.id));
      const summary = await topUpAppointmentCapacity(db, { today: later, now: laterNow });
      const laterPlan = planNationalRoster({ today: later, now: laterNow });
      const expectedNew = laterPlan.slots.filter((slot) => !beforeIds.has(slot.id));
      assert.ok(expectedNew.length > 0);
      assert.equal(summary.slotsAdded, expectedNew.length);
      assert.equal(summary.schedulesMoved, 3, 'the three rolling schedules, not the 2017 one');
      const horizonEnd = new Date(`${addDays(later, 14)}T00:00:00Z`);
      assert.ok((await findFreeSlots(db, 'B82617', horizonEnd, new Date(`${addDays(later, 16)}T00:00:00Z`))).length > 0, 'slots reach the new horizon');
      assert.equal((await db.selectFrom('slot').select('status').where('id', '=', first!.id).executeTakeFirstOrThrow()).status, 'busy');
      const schedule = await db.selectFrom('schedule').select(['version', 'resource']).where('id', '=', '1').executeTakeFirstOrThrow();
      assert.equal(schedule.version, 2);
      assert.equal(JSON.parse(schedule.resource).meta.versionId, '2');
      assert.deepEqual(validateResource(JSON.parse(schedule.resource)).issues.filter((i) => i.severity === 'error'), []);
      assert.deepEqual(await topUpAppointmentCapacity(db, { today: later, now: laterNow }), { slotsAdded: 0, schedulesMoved: 0 });
      await resetNationalRoster(db, ROSTER);
      assert.deepEqual(await dump(db), start);
    });

    test('a practice that does not exist needs an ASID, and nothing is written without one', async () => {
      await assert.rejects(loadNationalRoster(db, { practiceOds: 'Q00001', today: TODAY, now: NOW }), /ASID/);
      assert.equal(await findPractice(db, 'Q00001'), undefined);
      assert.deepEqual(await dump(db), start);
    });

    test("the roster loads into a second practice with the same ids, and resetting one practice leaves the other's data alone", async () => {
      const created = await loadNationalRoster(db, OTHER);
      assert.equal(created.practiceCreated, true);
      const ids = async (ods: string) => (await db.selectFrom('patient').select('id').where('practice_ods', '=', ods).orderBy('id').execute()).map((r) => r.id);
      assert.deepEqual(await ids('A99999'), await ids('B82617'));
      const organisation = await db.selectFrom('organisation').select('resource').where('practice_ods', '=', 'A99999').where('id', '=', '1').executeTakeFirstOrThrow();
      assert.equal(JSON.parse(organisation.resource).identifier[0].value, 'A99999');
      assert.equal(await isRosterLoaded(db, 'A99999'), true);

      const coxwold = await dump(db, 'B82617');
      await mutate(db, 'A99999');
      await resetNationalRoster(db, OTHER);
      assert.deepEqual(await dump(db, 'B82617'), coxwold, "the reset of A99999 leaves B82617's rows as they were");
      assert.equal(await count(db, sql<{ n: number }>`select count(*) as n from patient where practice_ods = 'A99999' and fixture is null`), 0);

      await mutate(db, 'B82617');
      const other = await dump(db, 'A99999');
      await resetNationalRoster(db, ROSTER);
      assert.deepEqual(await dump(db, 'A99999'), other, "the reset of B82617 leaves A99999's rows as they were");
      // PDS is national: after B82617's reset the roster patients are registered at B82617 again.
      assert.equal((await findPdsPerson(db, '9690937286'))?.gpOds, 'B82617');
      const everything = await dump(db);
      for (const table of Object.keys(start)) {
        if (table === 'practice') continue;
        const ownRows = (everything[table] ?? []).filter((r) => (r as { practice_ods?: string }).practice_ods !== 'A99999');
        assert.deepEqual(ownRows, start[table], table);
      }
    });
  });
}
