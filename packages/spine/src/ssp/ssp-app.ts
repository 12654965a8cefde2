import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Database, Kysely } from '@gpconnect/store';
import { loadDirectory, type ConsumerSystem, type Directory, type MhsRecord } from '../sds/directory.ts';
import { SspError, sspErrors, sspOperationOutcome } from './ssp-errors.ts';
import { HopRecorder } from './hop-recorder.ts';
import { spineServer } from '../spine-server.ts';

export interface SspOptions {
  db: Kysely<Database>;
  /** Where the provider listens, as SDS publishes it: the proxy only forwards to published endpoints. */
  providerBaseUrl: string;
  consumers: readonly ConsumerSystem[];
  /** Whether a data-sharing agreement lets `fromAsid` call `toAsid` (the "FoT" check); everyone by default. */
  mayShare?: (fromAsid: string, toAsid: string) => boolean;
  /** How long the provider has to answer. */
  timeoutMs?: number;
  /** The proxy's client certificate and trusted CA for HTTPS providers (mutual TLS on the second leg). */
  upstreamTls?: SecureContextOptions;
  /** How long the directory (practices, capabilities) may be served from cache. */
  directoryTtlMs?: number;
  logger?: FastifyBaseLogger | boolean;
  /** Serve HTTPS with these TLS settings; plain HTTP when absent. */
  https?: TlsOptions;
}

const FORWARDED_METHODS = new Set(['GET', 'POST', 'PUT']);
const FHIR_MEDIA_TYPES = ['application/fhir+json', 'application/fhir+xml', 'application/json+fhir', 'application/xml+fhir'];
/**
 * Hop-by-hop headers (bodies are relayed as bytes, so content encodings pass through untouched). The
 * provider's Content-Length goes back with its body, which is relayed exactly as it arrives.
 */
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'proxy-connection']);
const NOT_RETURNED = new Set(['connection', 'keep-alive', 'transfer-encoding']);

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The published endpoint a target URL falls under: the service root must match byte for byte. */
function belongsTo(target: string, address: string): boolean {
  return target === address || target.startsWith(`${address}/`) || target.startsWith(`${address}?`);
}

interface Hop {
  traceId: string | null;
  fromAsid: string | null;
  toAsid: string | null;
  interactionId: string | null;
  target: string | null;
}

/**
 * Runs the proxy's checks in the order the spec suggests (spine-services.md §4.2) and returns the
 * provider URL to forward to; each failed check is its SspError.
 */
function authorise(request: FastifyRequest, directory: Directory, hop: Hop, mayShare: (from: string, to: string) => boolean): string {
  if (!FORWARDED_METHODS.has(request.method)) throw sspErrors.methodNotAllowed();
  const target = request.url.slice(1);
  if (!/^https?:\/\/[^/]+\//.test(target)) throw sspErrors.badRequest(`INVALID_TARGET_URL_${target}`);
  hop.target = target;
  const contentType = header(request, 'content-type');
  if (contentType !== undefined && !FHIR_MEDIA_TYPES.some((type) => contentType.toLowerCase().startsWith(type))) throw sspErrors.unsupportedMediaType();
  const [traceId, fromAsid, toAsid, interactionId] = ['ssp-traceid', 'ssp-from', 'ssp-to', 'ssp-interactionid'].map((name) => header(request, name));
  Object.assign(hop, { traceId: traceId ?? null, fromAsid: fromAsid ?? null, toAsid: toAsid ?? null, interactionId: interactionId ?? null });
  const missing = [['Ssp-TraceID', traceId], ['Ssp-From', fromAsid], ['Ssp-To', toAsid], ['Ssp-InteractionID', interactionId]].find(([, value]) => value === undefined);
  if (missing) throw sspErrors.badRequest(`MISSING_HEADER_${missing[0]!.toUpperCase().replace(/-/g, '_')}`);

  const sender = directory.devices.find((d) => d.asid === fromAsid && d.interactionIds.includes(interactionId!));
  if (!sender) throw sspErrors.senderNotAuthorised(fromAsid!);
  const receiver = directory.devices.find((d) => d.asid === toAsid && d.partyKey !== null);
  const endpoint: MhsRecord | undefined = receiver && directory.endpoints.find((e) => e.partyKey === receiver.partyKey && e.interactionId === interactionId);
  if (!endpoint) throw sspErrors.receiverNotAuthorised(toAsid!);
  if (!mayShare(fromAsid!, toAsid!)) throw sspErrors.noSharingAgreement(fromAsid!, toAsid!);
  if (!belongsTo(target, endpoint.address)) throw sspErrors.endpointMismatch(endpoint.address, endpoint.cpaId, target);
  return target;
}

/**
 * Sends the request on to `target` with its method, headers and body; resolves with the provider's
 * answer as soon as its status and headers arrive, the body still to be read (a document runs to
 * megabytes, which the proxy passes on without holding).
 */
function send(request: FastifyRequest, target: string, timeoutMs: number, agent: HttpsAgent | undefined): Promise<IncomingMessage> {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(request.headers)) if (!NOT_FORWARDED.has(name) && value !== undefined) headers[name] = value;
  const body = request.body as Buffer | undefined;
  if (body && body.length > 0) headers['content-length'] = body.length;
  const url = new URL(target);
  const client = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = client(url, { method: request.method, headers, ...(url.protocol === 'https:' && agent ? { agent } : {}) }, resolve);
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(sspErrors.timedOut(target)));
    outgoing.on('error', (error) => reject(error instanceof SspError ? error : sspErrors.unreachable(target)));
    outgoing.end(body && body.length > 0 ? body : undefined);
  });
}

/** Answers up to this size are read whole and relayed in one write; larger ones stream through. */
const WHOLE_ANSWER_BYTES = 64 * 1024;

async function readWhole(answer: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of answer) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function forward(request: FastifyRequest, reply: FastifyReply, target: string, timeoutMs: number, agent: HttpsAgent | undefined): Promise<FastifyReply> {
  const answer = await send(request, target, timeoutMs, agent);
  const length = Number(answer.headers['content-length']);
  const body =
    length <= WHOLE_ANSWER_BYTES
      ? await readWhole(answer).catch(() => {
          throw sspErrors.unreachable(target);
        })
      : answer;
  reply.code(answer.statusCode ?? 502);
  for (const [name, value] of Object.entries(answer.headers)) if (!NOT_RETURNED.has(name) && value !== undefined) reply.header(name, value);
  return reply.send(body);
}

/**
 * The Spine Secure Proxy simulator (spine-services.md §4): `{ssp}/{provider service root URL}/{FHIR
 * request}` is checked against SDS (the sender may send the interaction, the receiver serves it at
 * exactly that service root, a data-sharing agreement allows it) and forwarded with its method,
 * headers and body; the provider's answer is relayed unchanged. Every request, forwarded or refused,
 * is recorded against its trace ID (ssp_hop).
 */
/** The proxy app; `flushHops()` waits until every hop recorded so far is in the store. */
export type SspApp = FastifyInstance & { flushHops(): Promise<void> };

export async function buildSsp(options: SspOptions): Promise<SspApp> {
  const logger = options.logger ?? false;
  const app = spineServer(logger, options.https);
  const mayShare = options.mayShare ?? (() => true);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const ttl = options.directoryTtlMs ?? 2000;
  const hops = new HopRecorder(options.db, app.log);
  app.addHook('onClose', () => hops.flush());
  const agent = options.upstreamTls ? new HttpsAgent({ ...options.upstreamTls, keepAlive: true, minVersion: 'TLSv1.2' }) : undefined;
  app.addHook('onClose', async () => agent?.destroy());
  let cached: { at: number; directory: Promise<Directory> } | undefined;
  const directory = () => {
    if (!cached || Date.now() - cached.at > ttl) cached = { at: Date.now(), directory: loadDirectory(options.db, options.providerBaseUrl, options.consumers) };
    return cached.directory;
  };

  app.setErrorHandler((error, request, reply) => {
    request.log.error({ err: { type: (error as Error).name } }, 'unexpected error');
    return reply.code(500).type('application/fhir+json').send(sspOperationOutcome(new SspError(500, 'exception', 'INTERNAL_SERVER_ERROR')));
  });

  // Bodies pass through untouched, whatever their type (the provider judges them).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.all('/*', async (request, reply) => {
    const started = process.hrtime.bigint();
    const hop: Hop = { traceId: null, fromAsid: null, toAsid: null, interactionId: null, target: null };
    let outcome = 'FORWARDED';
    try {
      const target = authorise(request, await directory(), hop, mayShare);
      return await forward(request, reply, target, timeoutMs, agent);
    } catch (error) {
      if (!(error instanceof SspError)) throw error;
      outcome = error.diagnostics;
      return reply.code(error.status).type('application/fhir+json').send(sspOperationOutcome(error));
    } finally {
      hops.record({
        occurred_at: new Date(),
        trace_id: hop.traceId,
        from_asid: hop.fromAsid,
        to_asid: hop.toAsid,
        interaction_id: hop.interactionId,
        method: request.method,
        target_url: hop.target?.split('?')[0]?.slice(0, 2000) ?? null,
        http_status: reply.statusCode,
        outcome,
        duration_ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    }
  });

  return Object.assign(app, { flushHops: () => hops.flush() });
}
