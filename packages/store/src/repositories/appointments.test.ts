import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testStoreBackends, type TestStoreBackend } from '../testing.ts';
import type { Store } from '../open-store.ts';
import { insertPractice } from './practices.ts';
import { bookAppointment, cancelAppointment, findFreeSlots, findSlotsById, SlotUnavailableError } from './appointments.ts';

const ODS = 'A1';
const NOW = new Date('2026-11-24T10:00:00Z');
const row = (id: string) => ({ practice_ods: ODS, id, version: 1, resource: '{}', last_updated: NOW, fixture: null });

/** A practice with one location, one schedule, slots s1..s3 on 25 November, and patient p1. */
async function practiceWithSlots(store: Store): Promise<void> {
  const db = store.db;
  await insertPractice(db, { odsCode: ODS, name: 'Practice', asid: '1', capabilities: ['appointments'], organisationId: 'o1' });
  await db.insertInto('organisation').values({ ...row('o1'), ods_code: ODS }).execute();
  await db.insertInto('location').values({ ...row('l1'), ods_site_code: null, organisation_id: 'o1' }).execute();
  await db.insertInto('schedule').values({ ...row('sc1'), location_id: 'l1', practitioner_id: null, planning_start: NOW, planning_end: null }).execute();
  await db
    .insertInto('slot')
    .values(['s1', 's2', 's3'].map((id, i) => ({ ...row(id), schedule_id: 'sc1', start_at: new Date(Date.UTC(2026, 10, 25, 9, 10 * i)), end_at: new Date(Date.UTC(2026, 10, 25, 9, 10 * i + 10)), status: 'free' as const, delivery_channels: ['In-person'], booking_org_ods: null, booking_org_types: null })))
    .execute();
  await db
    .insertInto('patient')
    .values({ ...row('p1'), nhs_number: '9690937278', registration_status: 'active', registration_type: 'R', registration_start: null, registration_end: null, nhs_number_verification: '01', sensitive: false, deceased_at: null, dissent: false, record_in_transit: false, usual_gp_id: null, preferred_branch_id: null })
    .execute();
}

const appointment = (id: string) => ({ ...row(id), patient_id: 'p1', status: 'booked' as const, start_at: NOW, end_at: NOW, created_at: NOW, booking_org_ods: 'X1' });

async function book(store: Store, id: string, slots: string[]): Promise<'booked' | 'unavailable'> {
  try {
    await store.db.transaction().execute((trx) => bookAppointment(trx, appointment(id), slots));
    return 'booked';
  } catch (error) {
    if (error instanceof SlotUnavailableError) return 'unavailable';
    throw error;
  }
}

const liveHolds = async (store: Store, slot: string) =>
  Number((await sql<{ n: string }>`select count(*) as n from appointment_slot where slot_id = ${slot} and live`.execute(store.db)).rows[0]!.n);

/** Runs `work` on a fresh store of `backend` holding practiceWithSlots, closing it afterwards. */
async function withSlots(backend: TestStoreBackend, work: (store: Store) => Promise<void>): Promise<void> {
  const store = await backend.open();
  try {
    await practiceWithSlots(store);
    await work(store);
  } finally {
    await store.close();
  }
}

for (const backend of testStoreBackends()) {
  describe(`appointment storage on ${backend.name}`, () => {
    test('no double booking: of 200 concurrent bookings of one slot exactly one holds it, and nothing of the others is left', () =>
      withSlots(backend, async (store) => {
        const outcomes = await Promise.all(Array.from({ length: 200 }, (_, i) => book(store, `a${i}`, ['s1'])));
        assert.equal(outcomes.filter((o) => o === 'booked').length, 1);
        assert.equal(outcomes.filter((o) => o === 'unavailable').length, 199);
        assert.equal(await liveHolds(store, 's1'), 1);
        const appointments = await store.db.selectFrom('appointment').select('id').execute();
        assert.equal(appointments.length, 1, 'the losers rolled back their appointment rows');
        assert.deepEqual((await findFreeSlots(store.db, ODS, NOW, new Date('2026-11-26T00:00:00Z'))).map((s) => s.id), ['s2', 's3']);
      }));

    test('the database itself refuses a second live hold on a slot, whatever the application does', () =>
      withSlots(backend, async (store) => {
        assert.equal(await book(store, 'a1', ['s2']), 'booked');
        await store.db.insertInto('appointment').values(appointment('a2')).execute();
        await assert.rejects(
          store.db.insertInto('appointment_slot').values({ practice_ods: ODS, appointment_id: 'a2', slot_id: 's2', live: true }).execute(),
          (error: { code?: string }) => error.code === '23505',
        );
      }));

    test('a booking over several slots is all or nothing, and cancelling frees its slots for the next booking', () =>
      withSlots(backend, async (store) => {
        assert.equal(await book(store, 'a1', ['s2']), 'booked');
        assert.equal(await book(store, 'a2', ['s1', 's2']), 'unavailable');
        assert.equal(await liveHolds(store, 's1'), 0, 's1 was not held by the failed booking');
        assert.equal((await store.db.selectFrom('slot').select('status').where('id', '=', 's1').executeTakeFirst())?.status, 'free');
        const changes = { resource: '{}', version: 2, last_updated: NOW, provenance: null };
        assert.equal(await store.db.transaction().execute((trx) => cancelAppointment(trx, ODS, 'a1', 2, changes)), false, 'a stale version changes nothing');
        assert.equal((await store.db.selectFrom('slot').select('status').where('id', '=', 's2').executeTakeFirst())?.status, 'busy');
        assert.equal(await store.db.transaction().execute((trx) => cancelAppointment(trx, ODS, 'a1', 1, changes)), true);
        assert.equal((await store.db.selectFrom('slot').select('status').where('id', '=', 's2').executeTakeFirst())?.status, 'free');
        assert.equal(await book(store, 'a3', ['s1', 's2']), 'booked');
        assert.equal(await liveHolds(store, 's2'), 1);
        assert.equal(await store.db.transaction().execute((trx) => cancelAppointment(trx, ODS, 'a1', 2, changes)), false, 'a cancelled appointment cannot be cancelled again');
        assert.equal(await liveHolds(store, 's2'), 1, 'and its old slots stay with the new booking');
      }));

    test("a booking's audit record is written with the appointment, and not when the booking is refused", () =>
      withSlots(backend, async (store) => {
        const audit = (trace: string) => ({ occurred_at: NOW, trace_id: trace, method: 'POST', path: '/A1/STU3/1/gpconnect/Appointment', outcome_code: 'OK', http_status: 201, duration_ms: 1.5 });
        await store.db.transaction().execute((trx) => bookAppointment(trx, appointment('a1'), ['s1'], audit('t-booked')));
        await assert.rejects(store.db.transaction().execute((trx) => bookAppointment(trx, appointment('a2'), ['s1', 's2'], audit('t-refused'))), SlotUnavailableError);
        const recorded = await store.db.selectFrom('audit_event').select(['trace_id', 'http_status', 'path', 'duration_ms']).execute();
        assert.deepEqual(recorded, [{ trace_id: 't-booked', http_status: 201, path: '/A1/STU3/1/gpconnect/Appointment', duration_ms: 1.5 }]);
      }));

    test('a slot that is not free (busy-unavailable) cannot be booked', () =>
      withSlots(backend, async (store) => {
        await store.db.updateTable('slot').set({ status: 'busy-unavailable' }).where('id', '=', 's3').execute();
        assert.equal(await book(store, 'a1', ['s3']), 'unavailable');
      }));

    if (backend.name === 'postgres') {
      test('slots are still found by id on a connection that prepared the lookup before a migration added a column', () =>
        withSlots(backend, async (store) => {
          const found = await store.db.connection().execute(async (connection) => {
            assert.deepEqual((await findSlotsById(connection, ODS, ['s1'])).map((s) => s.id), ['s1']);
            // What a later release's migration does while this process still runs.
            await sql`alter table slot add column later_release_note text`.execute(store.db);
            return findSlotsById(connection, ODS, ['s1', 's2']);
          });
          assert.deepEqual(found.map((s) => [s.id, s.location_id]), [['s1', 'l1'], ['s2', 'l1']]);
        }));

      test('the plan kept for booking finds slots by key even before the statistics know how many free slots there are', () =>
        withSlots(backend, async (store) => {
          // A book of 20,000 free slots loaded before autovacuum has gathered any statistics on them.
          await sql`alter table slot set (autovacuum_enabled = off)`.execute(store.db);
          await sql`insert into slot (practice_ods, id, version, resource, last_updated, schedule_id, start_at, end_at, status, delivery_channels)
            select ${ODS}, 'bulk-' || n, 1, '{}', now(), 'sc1', timestamptz '2030-01-01' + n * interval '10 minutes', timestamptz '2030-01-01' + (n + 1) * interval '10 minutes', 'free', '{In-person}'
            from generate_series(1, 20000) as n`.execute(store.db);
          const plan = await store.db.connection().execute(async (connection) => {
            await sql`set plan_cache_mode = force_generic_plan`.execute(connection);
            // Preparing the statement on this connection: a booking of a slot that does not exist.
            await assert.rejects(bookAppointment(connection, appointment('a-missing'), ['no-such-slot']), SlotUnavailableError);
            const explained = await sql<{ 'QUERY PLAN': string }>`explain execute book_appointment(${sql.lit(ODS)}, '{bulk-7}', 'a1', 1, '{}', now(), null, 'p1', 'booked', now(), now(), now(), null, null, null)`.execute(connection);
            await sql`reset plan_cache_mode`.execute(connection);
            return explained.rows.map((r) => r['QUERY PLAN']).join('\n');
          });
          assert.match(plan, /slot_pkey/);
          assert.doesNotMatch(plan, /slot_free_by_start|Seq Scan on slot/, plan);
          assert.equal(await book(store, 'a1', ['bulk-7']), 'booked');
        }));
    }
  });
}
