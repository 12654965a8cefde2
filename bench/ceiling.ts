import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { Database, Kysely } from '@gpconnect/store';

/**
 * The ceiling the provider is measured against: a bare fastify app that returns the same stored
 * Patient row, selected by key through the same connection pool, with nothing else on the path (no
 * header or JWT checks, no audit, no hooks). What the provider spends beyond this is the pipeline.
 */
export interface Ceiling {
  origin: string;
  /** Where a practice's ceiling routes live; `Patient/{id}` and `Patient?identifier=...` follow, as on the provider. */
  rootPath(ods: string): string;
  close(): Promise<void>;
}

const FHIR_JSON = 'application/fhir+json;charset=utf-8';

export async function startCeiling(db: Kysely<Database>): Promise<Ceiling> {
  const app = Fastify({ logger: false });

  // Primary key (practice_ods, id), as the provider's Patient read.
  app.get<{ Params: { ods: string; id: string } }>('/ceiling/:ods/Patient/:id', async (request, reply) => {
    const row = await db
      .selectFrom('patient')
      .select('resource')
      .where('practice_ods', '=', request.params.ods)
      .where('id', '=', request.params.id)
      .executeTakeFirst();
    if (!row) return reply.code(404).send();
    return reply.type(FHIR_JSON).send(row.resource);
  });

  // The unique (practice_ods, nhs_number) index, as the provider's Patient search; the row wrapped in
  // the smallest searchset Bundle.
  app.get<{ Params: { ods: string }; Querystring: { identifier?: string } }>('/ceiling/:ods/Patient', async (request, reply) => {
    const nhsNumber = request.query.identifier?.split('|')[1] ?? '';
    const row = await db
      .selectFrom('patient')
      .select('resource')
      .where('practice_ods', '=', request.params.ods)
      .where('nhs_number', '=', nhsNumber)
      .executeTakeFirst();
    const entries = row ? `,"entry":[{"resource":${row.resource}}]` : '';
    return reply.type(FHIR_JSON).send(`{"resourceType":"Bundle","type":"searchset"${entries}}`);
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    rootPath: (ods) => `/ceiling/${ods}`,
    close: () => app.close(),
  };
}
