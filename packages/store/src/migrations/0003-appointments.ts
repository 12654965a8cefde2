import { sql, type Kysely } from 'kysely';

/**
 * Appointment Management storage (appointments.md): schedules, their slots, appointments and which
 * slots each appointment holds. Double booking is made impossible by the database, not by a check in
 * TypeScript: `appointment_slot_one_live` lets a slot be held by at most one live (not cancelled)
 * appointment, so of two transactions racing for a slot exactly one commits its hold; the other gets
 * a unique violation, whatever the isolation level.
 */
/**
 * The columns every practice-owned resource table starts with (see ResourceColumns in schema.ts).
 * Written out here rather than shared, so that this migration never changes once released.
 */
const RESOURCE_COLUMNS = sql.raw(`practice_ods text not null references practice (ods_code) on delete cascade,
    id text not null,
    version integer not null,
    resource text not null,
    last_updated timestamptz not null,
    fixture text`);

const STATEMENTS = [
  sql`create table schedule (
    ${RESOURCE_COLUMNS},
    location_id text not null,
    practitioner_id text,
    planning_start timestamptz not null,
    planning_end timestamptz,
    primary key (practice_ods, id),
    foreign key (practice_ods, location_id) references location (practice_ods, id),
    foreign key (practice_ods, practitioner_id) references practitioner (practice_ods, id)
  )`,
  sql`create table slot (
    ${RESOURCE_COLUMNS},
    schedule_id text not null,
    start_at timestamptz not null,
    end_at timestamptz not null,
    status text not null check (status in ('free', 'busy', 'busy-unavailable', 'busy-tentative', 'entered-in-error')),
    delivery_channels text[] not null default '{}',
    booking_org_ods text[],
    booking_org_types text[],
    primary key (practice_ods, id),
    foreign key (practice_ods, schedule_id) references schedule (practice_ods, id) on delete cascade,
    check (end_at > start_at)
  )`,
  sql`create index slot_free_by_start on slot (practice_ods, start_at) where status = 'free'`,
  sql`create table appointment (
    ${RESOURCE_COLUMNS},
    patient_id text not null,
    status text not null check (status in ('booked', 'cancelled')),
    start_at timestamptz not null,
    end_at timestamptz not null,
    created_at timestamptz not null,
    booking_org_ods text,
    provenance text,
    primary key (practice_ods, id),
    foreign key (practice_ods, patient_id) references patient (practice_ods, id)
  )`,
  sql`create index appointment_by_patient on appointment (practice_ods, patient_id, start_at)`,
  sql`create table appointment_slot (
    practice_ods text not null,
    appointment_id text not null,
    slot_id text not null,
    live boolean not null,
    primary key (practice_ods, appointment_id, slot_id),
    foreign key (practice_ods, appointment_id) references appointment (practice_ods, id) on delete cascade,
    foreign key (practice_ods, slot_id) references slot (practice_ods, id) on delete cascade
  )`,
  sql`create unique index appointment_slot_one_live on appointment_slot (practice_ods, slot_id) where live`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['appointment_slot', 'appointment', 'slot', 'schedule']) await sql`drop table ${sql.table(table)}`.execute(db);
}
