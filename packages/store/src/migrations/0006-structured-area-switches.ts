import { sql, type Kysely } from 'kysely';

/**
 * Access Record Structured's per-practice clinical area switches (structured.md §7: each area can be
 * switched off per site without a release). The column lists the areas switched off; none by default.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table practice add column structured_areas_disabled text[] not null default '{}'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table practice drop column structured_areas_disabled`.execute(db);
}
