import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { buildOperationOutcome, fhirJsonTextToXml, type SpineErrorDefinition, type ServiceRoot } from '@gpconnect/fhir';
import { responseContentType, type ResponseFormat } from '../pipeline/content-negotiation.ts';
import type { FhirResponse } from './fhir-response.ts';
import type { JsonText } from './json-text.ts';
import { SERVICE_ROOTS } from './service-roots.ts';
import type { Provider } from '../build.ts';

/**
 * A FHIR JSON body in the negotiated format. JSON is sent as built (stored resources are never
 * re-serialised); XML is written from the parsed JSON, in the service root's FHIR release.
 */
export function renderBody(json: string, format: ResponseFormat, serviceRoot: ServiceRoot | undefined): string {
  if (format === 'json') return json;
  return fhirJsonTextToXml(json, serviceRoot ? SERVICE_ROOTS[serviceRoot].release : 'stu3');
}

/** The body to send: pieces of JSON go out as one buffer encoded from them; anything else as text. */
function bodyOf(json: string | JsonText, format: ResponseFormat, serviceRoot: ServiceRoot | undefined): string | Buffer {
  if (typeof json !== 'string' && format === 'json') return json.toBuffer();
  return renderBody(String(json), format, serviceRoot);
}

/**
 * The one place a FHIR response becomes bytes: status, Content-Type and ETag, in the format the
 * request negotiated (request.gpc.format). `minimal` (Prefer: return=minimal) drops the body of a
 * single versioned resource, which is still validated. (Cache-Control and the audit record are added
 * for every response, errors included, in the app's onSend hook.)
 */
export function sendFhir(reply: FastifyReply, serviceRoot: ServiceRoot | undefined, response: FhirResponse, minimal = false): FastifyReply {
  const format = reply.request.gpc?.format ?? 'json';
  (reply.server as Provider).responseValidation?.check(String(response.json), serviceRoot, {
    method: reply.request.method,
    url: reply.request.url,
    interaction: reply.request.gpc?.interaction?.name ?? null,
  });
  reply.code(response.status);
  if (response.version !== undefined) reply.header('etag', `W/"${response.version}"`);
  if (response.location !== undefined) reply.header('location', response.location);
  if (minimal && response.version !== undefined) return reply.send();
  reply.type(responseContentType(serviceRoot, format));
  if (!response.streamedBase64) return reply.send(bodyOf(response.json, format, serviceRoot));
  const body = renderBody(String(response.json), format, serviceRoot);
  const { placeholder, chunks } = response.streamedBase64;
  const at = body.indexOf(placeholder);
  if (at < 0 || body.indexOf(placeholder, at + 1) >= 0) throw new Error('a streamed body must hold its placeholder exactly once');
  return reply.send(Readable.from(bodyAroundBase64(body.slice(0, at), chunks, body.slice(at + placeholder.length)), { objectMode: false }));
}

/**
 * `before`, the base64 of the bytes of `chunks`, then `after`. Bytes that do not make a whole 3-byte
 * group are carried to the next chunk, so chunks of any size give the base64 of the whole.
 */
async function* bodyAroundBase64(before: string, chunks: AsyncIterable<Uint8Array>, after: string): AsyncGenerator<string> {
  yield before;
  let carried: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    const bytes = carried.length > 0 ? Buffer.concat([carried, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const whole = bytes.length - (bytes.length % 3);
    if (whole > 0) yield bytes.subarray(0, whole).toString('base64');
    carried = bytes.subarray(whole);
  }
  yield `${carried.toString('base64')}${after}`;
}

/** Sends the catalogued OperationOutcome for an error, in the dialect of the service root. */
export function sendOperationOutcome(
  reply: FastifyReply,
  serviceRoot: ServiceRoot | undefined,
  definition: SpineErrorDefinition,
  diagnostics: string | undefined,
): FastifyReply {
  // Diagnostics can quote what the request sent, control characters included, which XML cannot
  // carry: an error must always be writable, so those become U+FFFD.
  const xml = reply.request.gpc?.format === 'xml';
  const writable = xml ? diagnostics?.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd') : diagnostics;
  const outcome = buildOperationOutcome(definition, writable, serviceRoot === 'html' ? 'dstu2' : 'stu3');
  return sendFhir(reply, serviceRoot, { status: definition.httpStatus, json: JSON.stringify(outcome) });
}
