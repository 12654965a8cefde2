import type { TlsOptions } from 'node:tls';
import { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { isValidNhsNumber } from '@gpconnect/fhir';
import { findPdsPerson, searchPdsPeople, type Database, type Kysely, type PdsPerson } from '@gpconnect/store';
import { PDS_ERRORS, PdsError, pdsFail, pdsOperationOutcome } from './pds-errors.ts';
import { renderPdsPatient } from './render-patient.ts';
import { readPdsSearch } from './search-parameters.ts';
import { spineServer } from '../spine-server.ts';

/** Where the API lives, as on the real service (…/personal-demographics/FHIR/R4). */
export const PDS_BASE_PATH = '/personal-demographics/FHIR/R4';

export interface PdsOptions {
  /** The store the provider uses: PDS is served from the same people, so tracing and registering agree. */
  db: Kysely<Database>;
  logger?: FastifyBaseLogger | boolean;
  /** Serve HTTPS with these TLS settings; plain HTTP when absent. */
  https?: TlsOptions;
}

const FHIR_JSON = 'application/fhir+json';
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** Merges can chain; a loop in bad data must not hang a request. */
const MAX_SUPERSESSIONS = 5;

/** X-Request-ID is required and must be a UUID (spine-services.md §2.1); both ids are echoed. */
function checkRequestHeaders(request: FastifyRequest, reply: FastifyReply): void {
  const requestId = request.headers['x-request-id'];
  const correlationId = request.headers['x-correlation-id'];
  if (typeof requestId === 'string') reply.header('x-request-id', requestId);
  if (typeof correlationId === 'string') reply.header('x-correlation-id', correlationId);
  if (requestId === undefined) pdsFail('MISSING_VALUE', 'Invalid request with error - X-Request-ID header must be supplied to access this resource');
  if (typeof requestId !== 'string' || !UUID.test(requestId)) pdsFail('INVALID_VALUE', 'Invalid value - X-Request-ID header must be a UUID');
}

/** The record to serve for `nhsNumber`, following supersession to the number now in use. */
async function currentRecord(db: Kysely<Database>, nhsNumber: string): Promise<{ person: PdsPerson; nhsNumber: string }> {
  let person = await findPdsPerson(db, nhsNumber);
  if (!person) pdsFail('RESOURCE_NOT_FOUND', `Patient ${nhsNumber} not found`);
  let current = nhsNumber;
  for (let hops = 0; person.supersededBy && hops < MAX_SUPERSESSIONS; hops += 1) {
    current = person.supersededBy;
    // The record merged into one PDS may not hold separately here: it is the same person under the new number.
    person = (await findPdsPerson(db, current)) ?? person;
  }
  if (person.invalidated) pdsFail('INVALIDATED_RESOURCE', `Patient ${nhsNumber} has been invalidated`);
  return { person, nhsNumber: current };
}

/**
 * The PDS FHIR R4 simulator (spine-services.md §2): Patient read by NHS number and search by
 * demographics over the store's PDS people, with the real service's headers, errors, restricted-record
 * redaction, supersession and invalidation.
 */
export async function buildPds(options: PdsOptions): Promise<FastifyInstance> {
  const logger = options.logger ?? false;
  const app = spineServer(logger, options.https);
  const { db } = options;

  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof PdsError) return reply.code(PDS_ERRORS[error.code].status).type(FHIR_JSON).send(pdsOperationOutcome(error.code, error.diagnostics));
    const status = (error as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) return reply.code(400).type(FHIR_JSON).send(pdsOperationOutcome('INVALID_VALUE', (error as Error).message));
    request.log.error({ err: { type: (error as Error).name } }, 'unexpected error');
    return reply.code(500).type(FHIR_JSON).send({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: 'An unexpected error occurred' }] });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).type(FHIR_JSON).send({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', diagnostics: `No PDS endpoint at ${request.method} ${request.url.split('?')[0]}` }] }),
  );

  app.get<{ Params: { id: string } }>(`${PDS_BASE_PATH}/Patient/:id`, async (request, reply) => {
    checkRequestHeaders(request, reply);
    const { id } = request.params;
    if (!isValidNhsNumber(id)) pdsFail('INVALID_RESOURCE_ID', `Invalid resource ID - NHS number ${JSON.stringify(id)} is not valid`);
    const { person, nhsNumber } = await currentRecord(db, id);
    return reply.type(FHIR_JSON).header('etag', `W/"${person.version}"`).send(renderPdsPatient(person, nhsNumber));
  });

  app.get(`${PDS_BASE_PATH}/Patient`, async (request, reply) => {
    checkRequestHeaders(request, reply);
    const search = readPdsSearch(request.query as Record<string, string | string[]>);
    // One more than allowed tells "too many" from "exactly enough".
    const people = await searchPdsPeople(db, search.criteria, search.maxResults + 1);
    if (people.length > search.maxResults) return reply.type(FHIR_JSON).send(pdsOperationOutcome('TOO_MANY_MATCHES', 'Too Many Matches'));
    const base = `${request.protocol}://${request.host}${PDS_BASE_PATH}`;
    return reply.type(FHIR_JSON).send({
      resourceType: 'Bundle',
      type: 'searchset',
      timestamp: new Date().toISOString(),
      total: people.length,
      entry: people.map((person) => ({ fullUrl: `${base}/Patient/${person.nhsNumber}`, search: { score: 1 }, resource: renderPdsPatient(person) })),
    });
  });

  return app;
}
