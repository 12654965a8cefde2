import { sql, type Database, type Kysely } from '@gpconnect/store';
import { NATIONAL_ROSTER_FIXTURE, planNationalRoster, type NationalRosterOptions } from './plan-national-roster.ts';

export interface TopUpSummary {
  slotsAdded: number;
  schedulesMoved: number;
}

/**
 * Keeps the roster's rolling appointment capacity ahead of the calendar without a reset: adds the
 * slots the plan for `today` has and the store lacks, and moves the roster's schedules' planning
 * horizons to the plan's. Nothing else changes: booked slots, appointments, slots created through
 * the API and every other row stay as they are; running it twice on a day adds nothing.
 */
export async function topUpAppointmentCapacity(db: Kysely<Database>, options: NationalRosterOptions): Promise<TopUpSummary> {
  const plan = planNationalRoster(options);
  const ods = plan.practice.odsCode;
  return db.transaction().execute(async (trx) => {
    // The same lock as a roster load, so a top-up and a reset cannot interleave.
    await sql`select pg_advisory_xact_lock(hashtext(${`gpconnect fixture ${plan.fixture}`}))`.execute(trx);
    let schedulesMoved = 0;
    for (const planned of plan.schedules) {
      const stored = await trx
        .selectFrom('schedule')
        .select(['version', 'planning_start', 'planning_end'])
        .where('practice_ods', '=', ods)
        .where('id', '=', planned.id)
        .where('fixture', '=', NATIONAL_ROSTER_FIXTURE)
        .executeTakeFirst();
      if (!stored || (stored.planning_start.getTime() === planned.planning_start.getTime() && stored.planning_end?.getTime() === planned.planning_end.getTime())) continue;
      const version = stored.version + 1;
      const resource = JSON.parse(planned.resource) as { meta: Record<string, unknown> };
      resource.meta = { ...resource.meta, versionId: String(version) };
      await trx
        .updateTable('schedule')
        .set({ version, resource: JSON.stringify(resource), planning_start: planned.planning_start, planning_end: planned.planning_end, last_updated: planned.last_updated })
        .where('practice_ods', '=', ods)
        .where('id', '=', planned.id)
        .execute();
      schedulesMoved++;
    }
    let slotsAdded = 0;
    const chunk = 250;
    for (let i = 0; i < plan.slots.length; i += chunk) {
      const inserted = await trx
        .insertInto('slot')
        .values(plan.slots.slice(i, i + chunk))
        .onConflict((conflict) => conflict.columns(['practice_ods', 'id']).doNothing())
        .returning('id')
        .execute();
      slotsAdded += inserted.length;
    }
    return { slotsAdded, schedulesMoved };
  });
}
