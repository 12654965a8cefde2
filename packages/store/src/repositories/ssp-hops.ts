import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, SspHopTable } from '../schema.ts';

export type SspHopRow = Selectable<SspHopTable>;

/** Writes hops in one statement, in the order given. */
export async function insertSspHops(db: Kysely<Database>, hops: readonly Insertable<SspHopTable>[]): Promise<void> {
  if (hops.length > 0) await db.insertInto('ssp_hop').values([...hops]).execute();
}

/** The hops of one trace, in the order they happened. */
export async function findSspHops(db: Kysely<Database>, traceId: string): Promise<SspHopRow[]> {
  return db.selectFrom('ssp_hop').selectAll().where('trace_id', '=', traceId).orderBy('seq').execute();
}
