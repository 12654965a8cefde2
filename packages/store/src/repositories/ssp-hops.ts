import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, SspHopTable } from '../schema.ts';
import { preparedBatchInsert } from '../prepared.ts';

export type SspHopRow = Selectable<SspHopTable>;

const HOP_COLUMNS = ['occurred_at', 'trace_id', 'from_asid', 'to_asid', 'interaction_id', 'method', 'target_url', 'http_status', 'outcome', 'duration_ms'] as const satisfies readonly (keyof Insertable<SspHopTable>)[];
/** Writes hops in one statement (one round trip), in the order given, as the audit trail. */
export const insertSspHops = preparedBatchInsert<Insertable<SspHopTable>>('insert_ssp_hops', 'ssp_hop', HOP_COLUMNS);

/** The hops of one trace, in the order they happened. */
export async function findSspHops(db: Kysely<Database>, traceId: string): Promise<SspHopRow[]> {
  return db.selectFrom('ssp_hop').selectAll().where('trace_id', '=', traceId).orderBy('seq').execute();
}
