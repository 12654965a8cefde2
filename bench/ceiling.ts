import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import Fastify from 'fastify';
import { findDocumentByBinaryId, findFreeSlots, readDocumentContent, servedSlotJson, type Database, type DocumentRow, type Kysely } from '@gpconnect/store';

/**
 * The ceilings the provider is measured against: a bare fastify app doing the same storage work
 * through the same connection pool with nothing else on the path (no header or JWT checks, no
 * validation, no audit, no hooks): the same Patient row by key, the same free slots as one Bundle,
 * a slot taken by one conditional UPDATE, a document's stored chunks streamed as a Binary. What the provider spends beyond this is the pipeline.
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
  // Bodies as text, as the provider reads them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

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

  // The same free slots of the same window with their schedules, and the practice's organisations, as
  // one searchset Bundle of the same entries the provider returns: one join and one lookup.
  app.get<{ Params: { ods: string }; Querystring: { start: string; end: string } }>('/ceiling/:ods/Slot', async (request, reply) => {
    const from = new Date(`${request.query.start.slice(2)}T00:00:00Z`);
    const to = new Date(Date.parse(`${request.query.end.slice(2)}T00:00:00Z`) + 86_400_000);
    const slots = await findFreeSlots(db, request.params.ods, from, to);
    const organisations = await db.selectFrom('organisation').select('resource').where('practice_ods', '=', request.params.ods).where('id', 'in', ['1', '2']).execute();
    const schedules = new Map(slots.map((s) => [s.schedule_id, s.schedule_resource]));
    const entries = [...slots.map(servedSlotJson), ...schedules.values(), ...organisations.map((o) => o.resource)].map((json) => `{"resource":${json}}`);
    return reply.type(FHIR_JSON).send(`{"resourceType":"Bundle","type":"searchset","entry":[${entries.join(',')}]}`);
  });

  // A structured record's floor: the patient by NHS number and every stored item of theirs, as one
  // collection Bundle of the stored JSON text — no parameters, filters, Lists, links or warnings.
  app.post<{ Params: { ods: string } }>('/ceiling/:ods/Patient/$gpc.getstructuredrecord', async (request, reply) => {
    const nhsNumber = /"value":"(\d{10})"/.exec(request.body as string)?.[1] ?? '';
    const patient = await db.selectFrom('patient').select(['id', 'resource']).where('practice_ods', '=', request.params.ods).where('nhs_number', '=', nhsNumber).executeTakeFirst();
    if (!patient) return reply.code(404).send();
    const items = await db.selectFrom('clinical_item').select('resource').where('practice_ods', '=', request.params.ods).where('patient_id', '=', patient.id).execute();
    const entries = [patient.resource, ...items.map((i) => i.resource)].map((json) => `{"resource":${json}}`);
    return reply.type(FHIR_JSON).send(`{"resourceType":"Bundle","type":"collection","entry":[${entries.join(',')}]}`);
  });

  // Booking's floor: read the slot named in the body and take it with one conditional UPDATE.
  app.post<{ Params: { ods: string } }>('/ceiling/:ods/Appointment', async (request, reply) => {
    const body = JSON.parse(request.body as string) as { slot: { reference: string }[] };
    const slotId = body.slot[0]!.reference.slice('Slot/'.length);
    const taken = await db
      .updateTable('slot')
      .set({ status: 'busy' })
      .where('practice_ods', '=', request.params.ods)
      .where('id', '=', slotId)
      .where('status', '=', 'free')
      .returning('id')
      .executeTakeFirst();
    return reply.code(taken ? 201 : 409).type(FHIR_JSON).send(request.body as string);
  });

  // Retrieving a document's floor: the document by Binary id and its stored chunks, each base64-encoded
  // as it is read into one Binary-shaped JSON body (the chunks are multiples of 3 bytes, so their
  // base64 texts joined are the file's) — no patient, size, confidentiality or audit rules.
  app.get<{ Params: { ods: string; id: string } }>('/ceiling/:ods/Binary/:id', async (request, reply) => {
    const document = await findDocumentByBinaryId(db, request.params.ods, request.params.id);
    if (!document) return reply.code(404).send();
    return reply.type(FHIR_JSON).send(Readable.from(binaryJson(db, document), { objectMode: false }));
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    rootPath: (ods) => `/ceiling/${ods}`,
    close: () => app.close(),
  };
}

async function* binaryJson(db: Kysely<Database>, document: DocumentRow): AsyncGenerator<string> {
  yield `{"resourceType":"Binary","id":${JSON.stringify(document.binary_id)},"contentType":${JSON.stringify(document.content_type)},"content":"`;
  for await (const chunk of readDocumentContent(db, document)) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64');
  yield '"}';
}
