import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { AppointmentTable, Database, SlotStatus, SlotTable } from '../schema.ts';

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

/** Changes to an appointment's row when it is amended or cancelled. */
export interface AppointmentChanges {
  resource: string;
  version: number;
  last_updated: Date;
  provenance: string | null;
}

/**
 * Rewrites a booked appointment (amend), inside the caller's transaction, only if it is still at
 * `expectedVersion` and booked: false when another write got there first.
 */
export async function amendAppointment(trx: Transaction<Database>, practiceOds: string, appointmentId: string, expectedVersion: number, changes: AppointmentChanges): Promise<boolean> {
  const updated = await trx
    .updateTable('appointment')
    .set(changes)
    .where('practice_ods', '=', practiceOds)
    .where('id', '=', appointmentId)
    .where('version', '=', expectedVersion)
    .where('status', '=', 'booked')
    .executeTakeFirst();
  return updated.numUpdatedRows === 1n;
}

/**
 * Cancels a booked appointment inside the caller's transaction, only if it is still at
 * `expectedVersion` (false otherwise), releasing its slots: they are free again.
 */
export async function cancelAppointment(trx: Transaction<Database>, practiceOds: string, appointmentId: string, expectedVersion: number, changes: AppointmentChanges): Promise<boolean> {
  const updated = await trx
    .updateTable('appointment')
    .set({ ...changes, status: 'cancelled' })
    .where('practice_ods', '=', practiceOds)
    .where('id', '=', appointmentId)
    .where('version', '=', expectedVersion)
    .where('status', '=', 'booked')
    .executeTakeFirst();
  if (updated.numUpdatedRows !== 1n) return false;
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
  return true;
}

/** The Slot resource as served: the stored JSON (everything but status) with the slot's current status. */
export function servedSlotJson(slot: { resource: string; status: SlotStatus }): string {
  return `${slot.resource.slice(0, -1)},"status":${JSON.stringify(slot.status)}}`;
}

/** A slot with what booking and search need of its schedule. */
export type SlotWithSchedule = Selectable<SlotTable> & { location_id: string; practitioner_id: string | null; schedule_resource: string };

function slotsWithSchedules(db: Kysely<Database>, practiceOds: string) {
  return db
    .selectFrom('slot')
    .innerJoin('schedule', (join) => join.onRef('schedule.practice_ods', '=', 'slot.practice_ods').onRef('schedule.id', '=', 'slot.schedule_id'))
    .selectAll('slot')
    .select(['schedule.location_id', 'schedule.practitioner_id', 'schedule.resource as schedule_resource'])
    .where('slot.practice_ods', '=', practiceOds);
}

/** Free slots of the practice lying wholly within [from, to], earliest first, with their schedules. */
export async function findFreeSlots(db: Kysely<Database>, practiceOds: string, from: Date, to: Date): Promise<SlotWithSchedule[]> {
  return slotsWithSchedules(db, practiceOds)
    .where('slot.status', '=', 'free')
    .where('slot.start_at', '>=', from)
    // Implied by end_at <= to, but it bounds the index range: without it the scan runs to the end of the book.
    .where('slot.start_at', '<', to)
    .where('slot.end_at', '<=', to)
    .orderBy('slot.start_at')
    .orderBy('slot.id')
    .execute();
}

/** The practice's slots with these ids (those that exist), with their schedules. */
export async function findSlotsById(db: Kysely<Database>, practiceOds: string, ids: readonly string[]): Promise<SlotWithSchedule[]> {
  if (ids.length === 0) return [];
  return slotsWithSchedules(db, practiceOds).where('slot.id', 'in', [...ids]).orderBy('slot.start_at').execute();
}

export type AppointmentRow = Selectable<AppointmentTable>;

export async function findAppointment(db: Kysely<Database>, practiceOds: string, id: string): Promise<AppointmentRow | undefined> {
  return db.selectFrom('appointment').selectAll().where('practice_ods', '=', practiceOds).where('id', '=', id).executeTakeFirst();
}

/** A patient's appointments (every status) starting within [from, to), earliest first. */
export async function findPatientAppointments(db: Kysely<Database>, practiceOds: string, patientId: string, from: Date, to: Date): Promise<AppointmentRow[]> {
  return db
    .selectFrom('appointment')
    .selectAll()
    .where('practice_ods', '=', practiceOds)
    .where('patient_id', '=', patientId)
    .where('start_at', '>=', from)
    .where('start_at', '<', to)
    .orderBy('start_at')
    .orderBy('id')
    .execute();
}
