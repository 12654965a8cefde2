import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, SspHopTable } from '../schema.ts';

export type SspHopRow = Selectable<SspHopTable>;

export async function insertSspHop(db: Kysely<Database>, hop: Insertable<SspHopTable>): Promise<void> {
  await db.insertInto('ssp_hop').values(hop).execute();
}

/** The hops of one trace, in the order they happened. */
export async function findSspHops(db: Kysely<Database>, traceId: string): Promise<SspHopRow[]> {
  return db.selectFrom('ssp_hop').selectAll().where('trace_id', '=', traceId).orderBy('seq').execute();
}
