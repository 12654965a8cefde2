import { sql, type Kysely } from 'kysely';

/**
 * Whether the practice has marked a slot "GP Connect bookable" (appointments.md §4). Slots the
 * practice keeps for its own use stay in the book, busy or free, but are never offered to or booked
 * by consumers. Existing slots were all offered, so they default to bookable.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table slot add column gpconnect_bookable boolean not null default true`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table slot drop column gpconnect_bookable`.execute(db);
}
