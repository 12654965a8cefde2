import { formatUkDateTime, PROFILES, EXTENSIONS } from '@gpconnect/fhir';
import type { Database, Kysely } from '@gpconnect/store';
import type { BookableSlot } from '@gpconnect/provider/testing';

/**
 * Slots the booking benchmark books, one per request, never the same twice: ten-minute slots of the
 * roster's schedule 1 (Location 1, Practitioner 1) from 2030 on, far outside the roster's two weeks.
 * Slot n is `bench-n`; the orchestrator and the load process compute the same slot from n.
 */

const FIRST_START = Date.parse('2030-01-07T09:00:00Z');
const SLOT_MS = 10 * 60_000;
export const BENCH_SCHEDULE = { id: '1', locationId: '1', practitionerId: '1' } as const;

export function benchSlot(n: number): BookableSlot {
  const start = new Date(FIRST_START + n * SLOT_MS);
  const end = new Date(start.getTime() + SLOT_MS);
  return { id: `bench-${n}`, start: formatUkDateTime(start), end: formatUkDateTime(end) };
}

/** Inserts bench slots [0, count) as free, GP Connect bookable, in-person slots. */
export async function insertBenchSlots(db: Kysely<Database>, count: number): Promise<void> {
  const now = new Date();
  const BATCH = 2000;
  for (let first = 0; first < count; first += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, count - first) }, (_, i) => {
      const slot = benchSlot(first + i);
      const resource = {
        resourceType: 'Slot',
        id: slot.id,
        meta: { versionId: '1', lastUpdated: now.toISOString(), profile: [PROFILES.slot] },
        extension: [{ url: EXTENSIONS.deliveryChannel, valueCode: 'In-person' }],
        serviceType: [{ text: 'General medical practice' }],
        schedule: { reference: `Schedule/${BENCH_SCHEDULE.id}` },
        start: slot.start,
        end: slot.end,
      };
      return {
        practice_ods: 'B82617',
        id: slot.id,
        version: 1,
        resource: JSON.stringify(resource),
        last_updated: now,
        fixture: 'bench',
        schedule_id: BENCH_SCHEDULE.id,
        start_at: new Date(Date.parse(slot.start)),
        end_at: new Date(Date.parse(slot.end)),
        status: 'free' as const,
        delivery_channels: ['In-person'],
        booking_org_ods: null,
        booking_org_types: null,
      };
    });
    await db.insertInto('slot').values(rows).execute();
  }
}
