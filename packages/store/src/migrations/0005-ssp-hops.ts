import { sql, type Kysely } from 'kysely';

/**
 * The Spine Secure Proxy simulator's record of every request it handled (spine-services.md §4),
 * forwarded or refused, keyed by the consumer's trace ID so that one call can be followed from the
 * consumer through the proxy to the provider's own audit trail.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table ssp_hop (
    seq bigint generated always as identity primary key,
    occurred_at timestamptz not null,
    trace_id text,
    from_asid text,
    to_asid text,
    interaction_id text,
    method text not null,
    target_url text,
    http_status integer not null,
    outcome text not null,
    duration_ms double precision not null
  )`.execute(db);
  await sql`create index ssp_hop_by_trace on ssp_hop (trace_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table ssp_hop`.execute(db);
}
