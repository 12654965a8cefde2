import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, SspHopTable } from '../schema.ts';
import { preparedStatement } from '../prepared.ts';

export type SspHopRow = Selectable<SspHopTable>;

const HOP_COLUMNS = ['occurred_at', 'trace_id', 'from_asid', 'to_asid', 'interaction_id', 'method', 'target_url', 'http_status', 'outcome', 'duration_ms'] as const satisfies readonly (keyof Insertable<SspHopTable>)[];
const INSERT_SSP_HOPS = preparedStatement<never>('insert_ssp_hops', `insert into ssp_hop (${HOP_COLUMNS.join(', ')})
  select ${HOP_COLUMNS.join(', ')} from json_populate_recordset(null::ssp_hop, $1::json) with ordinality as h
  order by h.ordinality`);

/** Writes hops in one statement, in the order given: one JSON parameter under a fixed, prepared text, as the audit trail. */
export async function insertSspHops(db: Kysely<Database>, hops: readonly Insertable<SspHopTable>[]): Promise<void> {
  if (hops.length === 0) return;
  await INSERT_SSP_HOPS.run(db, [JSON.stringify(hops)]);
}

/** The hops of one trace, in the order they happened. */
export async function findSspHops(db: Kysely<Database>, traceId: string): Promise<SspHopRow[]> {
  return db.selectFrom('ssp_hop').selectAll().where('trace_id', '=', traceId).orderBy('seq').execute();
}
