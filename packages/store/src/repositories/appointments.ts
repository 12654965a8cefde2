import { type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AppointmentTable, Database, SlotStatus, SlotTable } from '../schema.ts';
import { preparedStatement } from '../prepared.ts';
import { AUDIT_COLUMNS, type NewAuditEvent } from './audit.ts';

export type NewAppointmentRow = Insertable<AppointmentTable>;

/** Why slots could not be held: taken by another live appointment, or not bookable (not free, or unknown). */
export class SlotUnavailableError extends Error {
  constructor(readonly slotIds: readonly string[]) {
    super(`slot ${slotIds.join(', ')} is not free`);
  }
}

const UNIQUE_VIOLATION = '23505';

// The slots are found by key alone and their status read from the locked rows: a plan kept for a
// prepared statement must not depend on how many free slots the statistics last counted (with a
// status condition it could scan the practice's free slots for two of them). The request's audit
// record ($15, JSON; null for none) is written only with the appointment.
const BOOK_APPOINTMENT = preparedStatement<{ taken: number }>('book_appointment', `
  with wanted as (
    select id, status = 'free' as free from slot where practice_ods = $1 and id = any($2::text[]) for update
  ),
  complete as (select count(*) filter (where free) = cardinality($2::text[]) as ok from wanted),
  booked as (
    insert into appointment (practice_ods, id, version, resource, last_updated, fixture, patient_id, status, start_at, end_at, created_at, booking_org_ods, provenance)
    select $1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14
    where (select ok from complete)
    returning id
  ),
  held as (
    insert into appointment_slot (practice_ods, appointment_id, slot_id, live)
    select $1, booked.id, wanted.id, true from booked, wanted
    returning slot_id
  ),
  busy as (
    update slot set status = 'busy' where practice_ods = $1 and id in (select slot_id from held) returning id
  ),
  audited as (
    insert into audit_event (${AUDIT_COLUMNS.join(', ')})
    select ${AUDIT_COLUMNS.join(', ')} from json_populate_record(null::audit_event, $15::json)
    where $15::json is not null and (select ok from complete)
  )
  select count(*)::int as taken from busy`);

/**
 * Creates an appointment holding `slotIds` in one statement, so in one transaction of its own (or of
 * the caller's): the slots, locked, must all still be free; then the appointment, its slot holds,
 * the slots' new status (busy) and the booking's audit record are written together, or nothing is.
 * Of concurrent bookings of a slot the first to lock it wins; the others see it busy once it commits
 * and write nothing. Whatever the
 * application does, the one-live-hold index refuses a second live hold on a slot. Both ways the loser
 * gets SlotUnavailableError.
 */
export async function bookAppointment(db: Kysely<Database>, appointment: NewAppointmentRow, slotIds: readonly string[], audit?: NewAuditEvent): Promise<void> {
  const a = appointment;
  const ids = [...new Set(slotIds)];
  let taken: number;
  try {
    const rows = await BOOK_APPOINTMENT.run(db, [
      a.practice_ods, ids, a.id, a.version, a.resource, a.last_updated, a.fixture ?? null, a.patient_id, a.status, a.start_at, a.end_at, a.created_at,
      a.booking_org_ods ?? null, a.provenance ?? null, audit ? JSON.stringify(audit) : null,
    ]);
    taken = rows[0]!.taken;
  } catch (error) {
    if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) throw new SlotUnavailableError(slotIds);
    throw error;
  }
  if (taken !== ids.length) throw new SlotUnavailableError(slotIds);
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
export type SlotWithSchedule = Pick<Selectable<SlotTable>, (typeof SLOT_COLUMNS)[number]> & { location_id: string; practitioner_id: string | null; schedule_resource: string };

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

// Columns by name, never slot.*: a prepared statement whose result would change shape when a later
// migration adds a column fails ("cached plan must not change result type") in every process still
// running the old code.
const SLOT_COLUMNS = [
  'practice_ods', 'id', 'version', 'resource', 'last_updated', 'fixture', 'schedule_id', 'start_at', 'end_at', 'status',
  'delivery_channels', 'booking_org_ods', 'booking_org_types', 'gpconnect_bookable',
] as const satisfies readonly (keyof SlotTable)[];
const SLOTS_BY_ID = preparedStatement<SlotWithSchedule>('slots_by_id', `
  select ${SLOT_COLUMNS.map((column) => `slot.${column}`).join(', ')}, schedule.location_id, schedule.practitioner_id, schedule.resource as schedule_resource
  from slot join schedule on schedule.practice_ods = slot.practice_ods and schedule.id = slot.schedule_id
  where slot.practice_ods = $1 and slot.id = any($2::text[])
  order by slot.start_at`);

/** The practice's slots with these ids (those that exist), with their schedules. */
export async function findSlotsById(db: Kysely<Database>, practiceOds: string, ids: readonly string[]): Promise<SlotWithSchedule[]> {
  if (ids.length === 0) return [];
  return SLOTS_BY_ID.run(db, [practiceOds, [...ids]]);
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
