import { sql, type Kysely } from 'kysely';

/**
 * Provenance of API writes (general.md §12): who wrote a row through GP Connect, for whom, when and
 * by which interaction, so that API-originated data is distinguishable from the practice's own.
 * JSON text (see WriteProvenance); null on rows the practice or a fixture created.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table patient add column provenance text`.execute(db);
  await sql`alter table clinical_item add column provenance text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table clinical_item drop column provenance`.execute(db);
  await sql`alter table patient drop column provenance`.execute(db);
}
