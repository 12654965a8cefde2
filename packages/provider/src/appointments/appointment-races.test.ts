import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EXTENSIONS, interaction, type InteractionName } from '@gpconnect/fhir';
import { sql } from '@gpconnect/store';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { bookingRequest, gpconnectHeaders, type BookableSlot } from '../testing/consumer-request.ts';
import { NOW_SECONDS, PRACTICE, startProvider, type ProviderUnderTest } from '../test-support.ts';

type Json = Record<string, unknown>;

/** Six adjacent free slots of schedule 1 (Location 1, Practitioner 1) on 2 December 2026, 09:00-10:00 GMT. */
const POOL: BookableSlot[] = Array.from({ length: 6 }, (_, i) => {
  const at = (minute: number) => `2026-12-02T${String(9 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  return { id: `1-20261202${at(i * 10).slice(11).replace(':', '')}`, start: `${at(i * 10)}:00+00:00`, end: `${at(i * 10 + 10)}:00+00:00` };
});

interface HttpResult {
  status: number;
  body: Json | undefined;
  etag: string | null;
}

for (const backend of testStoreBackends()) {
  describe(`no double booking, ever (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    let base: string;
    before(async () => {
      provider = await startProvider(backend);
      const address = await provider.app.listen({ port: 0, host: '127.0.0.1' });
      base = `${address}/${PRACTICE.ods}/STU3/1/gpconnect`;
    });
    after(async () => provider.close());

    /** A request over real HTTP, as a consumer sends it. */
    async function http(name: InteractionName, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
      const response = await fetch(`${base}/${path}`, {
        method: interaction(name).method,
        headers: { ...gpconnectHeaders(name, { toAsid: PRACTICE.asid, now: NOW_SECONDS }), ...(body ? { 'content-type': 'application/fhir+json' } : {}), ...headers },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Json) : undefined, etag: response.headers.get('etag') };
    }
    const spineCode = (result: HttpResult) => ((result.body?.['issue'] as { details: { coding: { code: string }[] } }[] | undefined)?.[0]?.details.coding[0]?.code);
    const book = (slots: BookableSlot[], patientId = '2') => http('bookAppointment', 'Appointment', bookingRequest({ patientId, slots, locationId: '1', practitionerId: '1' }));

    async function liveHolders(): Promise<Map<string, string>> {
      const rows = await sql<{ slot_id: string; appointment_id: string }>`select slot_id, appointment_id from appointment_slot where live`.execute(provider.store.db);
      return new Map(rows.rows.map((r) => [r.slot_id, r.appointment_id]));
    }

    test('200 concurrent HTTP bookings of one slot: exactly one 201, 199 × 409 DUPLICATE_REJECTED, one appointment', async () => {
      const target = POOL[0]!;
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => book([target], String((i % 8) + 1))));
      assert.equal(results.filter((r) => r.status === 201).length, 1);
      const losers = results.filter((r) => r.status !== 201);
      assert.equal(losers.length, 199);
      assert.ok(losers.every((r) => r.status === 409 && spineCode(r) === 'DUPLICATE_REJECTED'), JSON.stringify(losers.find((r) => r.status !== 409)?.body));
      const rows = await provider.store.db.selectFrom('appointment').select('id').where('start_at', '=', new Date('2026-12-02T09:00:00Z')).execute();
      assert.equal(rows.length, 1);
      assert.deepEqual([...(await liveHolders())].filter(([slot]) => slot === target.id), [[target.id, rows[0]!.id]]);
    });

    test('property: random concurrent book / amend / cancel / search keep the book consistent (fast-check, seed 20261125)', async () => {
      const command = fc.oneof(
        fc.record({ kind: fc.constant('book' as const), slot: fc.nat(POOL.length - 1), length: fc.integer({ min: 1, max: 2 }) }),
        fc.record({ kind: fc.constant('amend' as const), appointment: fc.nat(20) }),
        fc.record({ kind: fc.constant('cancel' as const), appointment: fc.nat(20) }),
        fc.record({ kind: fc.constant('search' as const) }),
      );
      type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;

      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(command, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }), async (batches) => {
          await sql`delete from appointment`.execute(provider.store.db);
          await provider.store.db.updateTable('slot').set({ status: 'free' }).where('id', 'in', POOL.map((s) => s.id)).execute();
          /** The latest version of each appointment a response showed us, in booking order. */
          const known: Json[] = [];
          const versionsWritten = new Map<string, number[]>();
          const wrote = (resource: Json) => {
            const id = resource['id'] as string;
            versionsWritten.set(id, [...(versionsWritten.get(id) ?? []), Number((resource['meta'] as Json)['versionId'])]);
          };

          for (const batch of batches) {
            const heldBefore = await liveHolders();
            const run = async (c: Command): Promise<{ c: Command; result: HttpResult; target?: Json }> => {
              if (c.kind === 'book') {
                const slots = POOL.slice(c.slot, Math.min(c.slot + c.length, POOL.length));
                return { c, result: await book(slots) };
              }
              if (c.kind === 'search') {
                return { c, result: await http('searchFreeSlots', 'Slot?status=free&start=ge2026-12-02&end=le2026-12-02&_include=Slot:schedule') };
              }
              const target = known[c.appointment % Math.max(known.length, 1)];
              if (!target) return { c, result: await http('searchFreeSlots', 'Slot?status=free&start=ge2026-12-02&end=le2026-12-02&_include=Slot:schedule') };
              const version = (target['meta'] as Json)['versionId'] as string;
              const body =
                c.kind === 'amend'
                  ? { ...target, comment: `amended from version ${version}` }
                  : { ...target, status: 'cancelled', extension: [...(target['extension'] as Json[]), { url: EXTENSIONS.appointmentCancellationReason, valueString: 'Property test' }] };
              const name = c.kind === 'amend' ? 'amendAppointment' : 'cancelAppointment';
              return { c, target, result: await http(name, `Appointment/${target['id'] as string}`, body, { 'if-match': `W/"${version}"` }) };
            };
            const outcomes = await Promise.all(batch.map(run));
            const heldAfter = await liveHolders();

            for (const { c, result, target } of outcomes) {
              if (c.kind === 'search' || (c.kind !== 'book' && !target)) {
                assert.equal(result.status, 200);
                const slotIds = ((result.body?.['entry'] as { resource: Json }[] | undefined) ?? []).map((e) => e.resource).filter((r) => r['resourceType'] === 'Slot').map((r) => r['id'] as string);
                // Search never returns a slot taken throughout the batch.
                for (const id of slotIds) assert.ok(!(heldBefore.has(id) && heldAfter.get(id) === heldBefore.get(id)), `search returned taken slot ${id}`);
              } else if (c.kind === 'book') {
                assert.ok(result.status === 201 || (result.status === 409 && spineCode(result) === 'DUPLICATE_REJECTED'), `book: ${result.status} ${spineCode(result)}`);
                if (result.status === 201) {
                  known.push(result.body!);
                  wrote(result.body!);
                }
              } else {
                // A stale version (another change won) is 409; a cancelled appointment cannot change (422).
                assert.ok([200, 409, 422].includes(result.status), `${c.kind}: ${result.status} ${JSON.stringify(result.body)}`);
                if (result.status === 200) {
                  const index = known.findIndex((k) => k['id'] === result.body!['id']);
                  if (Number((known[index]!['meta'] as Json)['versionId']) < Number((result.body!['meta'] as Json)['versionId'])) known[index] = result.body!;
                  wrote(result.body!);
                }
              }
            }

            // A slot is free iff no live appointment holds it; a booked appointment holds its slots, a cancelled one none.
            const slots = await provider.store.db.selectFrom('slot').select(['id', 'status']).where('id', 'in', POOL.map((s) => s.id)).execute();
            for (const slot of slots) assert.equal(slot.status === 'free', !heldAfter.has(slot.id), `slot ${slot.id} is ${slot.status}`);
            const appointments = await provider.store.db.selectFrom('appointment').select(['id', 'status', 'version', 'resource']).execute();
            for (const appointment of appointments) {
              const holds = [...heldAfter.values()].filter((a) => a === appointment.id).length;
              const slotCount = (JSON.parse(appointment.resource) as { slot: unknown[] }).slot.length;
              assert.equal(holds, appointment.status === 'booked' ? slotCount : 0, `${appointment.id} (${appointment.status}) holds ${holds}`);
              // Versions only increase: every successful write produced a new, higher version, ending at the stored one.
              const versions = versionsWritten.get(appointment.id) ?? [];
              assert.deepEqual([...versions].sort((a, b) => a - b), versions.map((_, i) => i + 1), `${appointment.id} versions ${versions}`);
              assert.equal(appointment.version, versions.length);
            }
          }
        }),
        { seed: 20261125, numRuns: 25 },
      );
    });
  });
}
