import { randomUUID } from 'node:crypto';
import type { TlsOptions } from 'node:tls';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import compress from '@fastify/compress';
import { buildOperationOutcome, GpConnectError, SPINE_ERRORS, type SpineErrorDefinition } from '@gpconnect/fhir';
import type { Store } from '@gpconnect/store';
import { resolveConfig, type ProviderConfig } from './config.ts';
import type { HandlerTable, ProviderDeps } from './http/handler.ts';
import { endpoints, serviceRootOfUrl } from './http/service-roots.ts';
import { renderBody, sendOperationOutcome } from './http/send.ts';
import { ResponseValidation } from './http/response-validation.ts';
import { requestedFormatOrJson } from './pipeline/content-negotiation.ts';
import { auditEventOf } from './pipeline/audit-event.ts';
import { AuditWriter } from './pipeline/audit-writer.ts';
import { gpconnectRoute, MethodNotAllowed } from './pipeline/gpconnect-pipeline.ts';
import { PracticeDirectory } from './pipeline/practice-directory.ts';
import { readSspHeaders } from './pipeline/ssp-headers.ts';
import { foundationsHandlers } from './foundations/index.ts';
import { metadataHandlers } from './metadata/index.ts';
import { appointmentHandlers } from './appointments/index.ts';
import { structuredHandlers } from './structured/index.ts';
import { AssemblyLimit } from './structured/assembly-limit.ts';
import { documentsHandlers } from './documents/index.ts';
import { htmlHandlers } from './html/index.ts';

export interface ProviderOptions {
  store: Store;
  /** Current time; injected so tests can fix it (JWT expiry, registration dates, audit times). */
  clock?: () => Date;
  /** Source of new logical ids. */
  ids?: () => string;
  /** A pino logger, `true` for the default one, `false` (default) for none. */
  logger?: FastifyBaseLogger | boolean;
  config?: Partial<ProviderConfig>;
  /** Serve HTTPS with these TLS settings (mutual TLS in a Spine deployment); plain HTTP when absent. */
  https?: TlsOptions;
}

export interface Provider extends FastifyInstance {
  /** Practices served, cached briefly; invalidate after changing one in this process. */
  practices: PracticeDirectory;
  /** Present when `config.validateResponses` is on: what was checked and what violated a profile. */
  responseValidation: ResponseValidation | undefined;
}

const HANDLERS: HandlerTable = { ...metadataHandlers, ...foundationsHandlers, ...appointmentHandlers, ...structuredHandlers, ...documentsHandlers, ...htmlHandlers };

/** Every method a FHIR client might send; each URL answers all of them so that a wrong one is 405, not 404. */
const ALL_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const;

/** Request logs carry the path only: query strings hold NHS numbers, and process logs hold no patient data. */
const requestSerializer = (request: FastifyRequest) => ({ method: request.method, path: request.url.split('?')[0] });

function loggerOptions(logger: ProviderOptions['logger']) {
  if (logger === undefined || logger === false) return { logger: false as const };
  if (logger === true) return { logger: { serializers: { req: requestSerializer } } };
  // fastify would add its own request serializer (full URL) to a logger it is given; ours wins.
  return { loggerInstance: logger.child({}, { serializers: { req: requestSerializer } }) };
}

/** Maps what escapes the pipeline to the catalogue: our errors as they are, fastify's by status, the rest 500. */
function classify(error: unknown): { definition: SpineErrorDefinition; diagnostics: string | undefined; unexpected: boolean } {
  if (error instanceof GpConnectError) return { definition: error.definition, diagnostics: error.diagnostics, unexpected: false };
  const status = (error as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // fastify's own request errors (malformed URL, body too large...): the request is at fault.
    return { definition: SPINE_ERRORS.BAD_REQUEST, diagnostics: (error as Error).message, unexpected: false };
  }
  return { definition: SPINE_ERRORS.INTERNAL_SERVER_ERROR, diagnostics: 'An unexpected error occurred; it has been logged', unexpected: true };
}

/**
 * Builds the provider: a fastify app serving every service root of every practice in the store. It
 * does not listen; the caller does (`app.listen`), or tests `inject()`. Closing the app waits for the
 * audit trail to be written.
 */
export async function buildProvider(options: ProviderOptions): Promise<Provider> {
  const config = resolveConfig(options.config);
  const deps: ProviderDeps = {
    db: options.store.db,
    clock: options.clock ?? (() => new Date()),
    ids: options.ids ?? randomUUID,
    config,
    assemblies: new AssemblyLimit(config.structuredAssemblies.concurrent, config.structuredAssemblies.queued, config.structuredAssemblies.maxWaitMs),
  };
  const app = Fastify({
    ...loggerOptions(options.logger),
    bodyLimit: config.bodyLimit,
    exposeHeadRoutes: false,
    // Logical ids are at most 64 characters, but an over-long one must reach the handler to be a FHIR 404.
    routerOptions: { maxParamLength: 1000 },
    return503OnClosing: false,
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as Provider;
  const practices = new PracticeDirectory(deps.db, config.practiceCacheTtlMs);
  app.decorate('practices', practices);
  app.decorate('responseValidation', config.validateResponses ? new ResponseValidation(app.log) : undefined);
  const audit = new AuditWriter(options.store.auditDb);

  app.decorateRequest('gpc', null as never);
  app.addHook('onRequest', async (request) => {
    // Errors raised before the pipeline negotiates are still written in the format asked for, when
    // it is one we write; the pipeline settles the format (or answers 415) once the request passes.
    const formatParam = [(request.query as Record<string, unknown> | undefined)?.['_format']].flat()[0];
    const format = requestedFormatOrJson(typeof formatParam === 'string' ? formatParam : undefined, request.headers.accept, request.headers['content-type']);
    request.gpc = { startedAt: process.hrtime.bigint(), method: request.method, path: request.url.split('?')[0]!, traceId: null, fromAsid: null, toAsid: null, interactionId: null, format };
    readSspHeaders(request.headers, request.gpc);
  });

  // Every response, errors included, is uncacheable (general.md §5) and is audited before it leaves
  // (general.md §12). This hook is added before compression so that a failed audit write can still
  // replace the body before it is encoded.
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    const context = request.gpc;
    // A write that committed its audit record with itself (audit-event.ts) is recorded already,
    // unless what leaves is not the response it recorded.
    if (context.auditCommittedStatus === reply.statusCode) return payload;
    try {
      await audit.write(auditEventOf(context, reply.statusCode, deps.clock()));
      return payload;
    } catch (error) {
      // No audit record, no data: the response is replaced by an error (general.md §12: audit cannot be skipped).
      request.log.error({ err: { type: (error as Error).name } }, 'audit write failed');
      const definition = SPINE_ERRORS.INTERNAL_SERVER_ERROR;
      reply.code(definition.httpStatus).removeHeader('etag').removeHeader('location');
      const outcome = JSON.stringify(buildOperationOutcome(definition, 'The request could not be audited', context.serviceRoot === 'html' ? 'dstu2' : 'stu3'));
      return renderBody(outcome, context.format, context.serviceRoot);
    }
  });

  // Level 1: a structured record runs to megabytes of JSON, which the fastest level still shrinks
  // several-fold at a fraction of the default level's CPU; small responses barely differ.
  await app.register(compress, { global: true, encodings: ['gzip', 'deflate'], zlibOptions: { level: 1 } });

  // Bodies are read as text and parsed by the pipeline, which knows which media types an interaction
  // accepts and answers a malformed body with the spec's error rather than fastify's.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error, request, reply) => {
    const serviceRoot = request.gpc?.serviceRoot ?? serviceRootOfUrl(request.url);
    if (error instanceof MethodNotAllowed) {
      reply.header('allow', error.allow.join(', '));
      if (request.gpc) request.gpc.outcomeCode = SPINE_ERRORS.METHOD_NOT_ALLOWED.code;
      return sendOperationOutcome(reply, serviceRoot, SPINE_ERRORS.METHOD_NOT_ALLOWED, `${request.method} is not allowed here; use ${error.allow.join(' or ')}`);
    }
    const { definition, diagnostics, unexpected } = classify(error);
    if (unexpected) {
      // The message may quote data (a database error can); log where it came from, not what it said.
      request.log.error({ err: { type: (error as Error).name, code: (error as { code?: unknown }).code, stack: (error as Error).stack?.split('\n').slice(1).join('\n') } }, 'unexpected error');
    }
    if (request.gpc) request.gpc.outcomeCode = definition.code;
    // A refused burst says when to come back (RFC 6585); an assembly takes well under a second.
    if (definition.httpStatus === 429) reply.header('retry-after', '1');
    return sendOperationOutcome(reply, serviceRoot, definition, diagnostics);
  });

  app.setNotFoundHandler((request, reply) => {
    const serviceRoot = serviceRootOfUrl(request.url);
    request.gpc.outcomeCode = SPINE_ERRORS.NO_RECORD_FOUND.code;
    return sendOperationOutcome(reply, serviceRoot, SPINE_ERRORS.NO_RECORD_FOUND, `No GP Connect resource at ${request.method} ${request.url.split('?')[0]}`);
  });

  for (const endpoint of endpoints()) {
    app.route({ method: [...ALL_METHODS], url: endpoint.url, handler: gpconnectRoute(endpoint, practices, HANDLERS, deps) });
  }

  app.addHook('onClose', async () => {
    await audit.flush();
  });
  return app;
}
