import type { Insertable, Kysely, Transaction } from 'kysely';
import type { AppointmentTable, Database } from '../schema.ts';

export type NewAppointmentRow = Insertable<AppointmentTable>;

/** Why slots could not be held: taken by another live appointment, or not bookable (not free, or unknown). */
export class SlotUnavailableError extends Error {
  constructor(readonly slotIds: readonly string[]) {
    super(`slot ${slotIds.join(', ')} is not free`);
  }
}

const UNIQUE_VIOLATION = '23505';

/**
 * Creates an appointment holding `slotIds`, inside the caller's transaction. The slots must be free;
 * they become busy. If another transaction holds any of them first, the database's one-live-hold
 * index refuses this one (SlotUnavailableError), so a slot can never carry two live appointments.
 */
export async function bookAppointment(trx: Transaction<Database>, appointment: NewAppointmentRow, slotIds: readonly string[]): Promise<void> {
  await trx.insertInto('appointment').values(appointment).execute();
  try {
    await trx
      .insertInto('appointment_slot')
      .values(slotIds.map((slotId) => ({ practice_ods: appointment.practice_ods, appointment_id: appointment.id, slot_id: slotId, live: true })))
      .execute();
  } catch (error) {
    if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) throw new SlotUnavailableError(slotIds);
    throw error;
  }
  const taken = await trx
    .updateTable('slot')
    .set({ status: 'busy' })
    .where('practice_ods', '=', appointment.practice_ods)
    .where('id', 'in', [...slotIds])
    .where('status', '=', 'free')
    .returning('id')
    .execute();
  if (taken.length !== new Set(slotIds).size) {
    const took = new Set(taken.map((row) => row.id));
    throw new SlotUnavailableError(slotIds.filter((id) => !took.has(id)));
  }
}

/** Cancels an appointment inside the caller's transaction, releasing its slots (free again). */
export async function cancelAppointment(trx: Transaction<Database>, practiceOds: string, appointmentId: string, changes: { resource: string; version: number; last_updated: Date; provenance: string | null }): Promise<void> {
  await trx.updateTable('appointment').set({ ...changes, status: 'cancelled' }).where('practice_ods', '=', practiceOds).where('id', '=', appointmentId).execute();
  const released = await trx
    .updateTable('appointment_slot')
    .set({ live: false })
    .where('practice_ods', '=', practiceOds)
    .where('appointment_id', '=', appointmentId)
    .where('live', '=', true)
    .returning('slot_id')
    .execute();
  if (released.length > 0) {
    await trx.updateTable('slot').set({ status: 'free' }).where('practice_ods', '=', practiceOds).where('id', 'in', released.map((r) => r.slot_id)).execute();
  }
}

/** Slots of the practice that are free and start within [from, to). */
export async function findFreeSlots(db: Kysely<Database>, practiceOds: string, from: Date, to: Date) {
  return db
    .selectFrom('slot')
    .selectAll()
    .where('practice_ods', '=', practiceOds)
    .where('status', '=', 'free')
    .where('start_at', '>=', from)
    .where('start_at', '<', to)
    .orderBy('start_at')
    .execute();
}
