import type { FastifyReply, FastifyRequest } from 'fastify';
import { fail, FhirXmlError, fhirXmlToJson, type FhirRelease, type InteractionDefinition } from '@gpconnect/fhir';
import type { Endpoint } from '../http/service-roots.ts';
import { SERVICE_ROOTS } from '../http/service-roots.ts';
import type { HandlerTable, ProviderDeps } from '../http/handler.ts';
import { sendFhir } from '../http/send.ts';
import { negotiateResponseFormat, requestBodyFormat, type ResponseFormat } from './content-negotiation.ts';
import { checkBearerToken } from './jwt.ts';
import type { PracticeDirectory } from './practice-directory.ts';
import { checkSspHeaders } from './ssp-headers.ts';

/** Raised for a method the URL does not serve: the error handler answers 405 with this Allow list. */
export class MethodNotAllowed extends Error {
  constructor(readonly allow: string[]) {
    super('method not allowed');
  }
}

function firstQueryValue(value: unknown): string | undefined {
  return Array.isArray(value) ? (value[0] as string | undefined) : (value as string | undefined);
}

/**
 * The request body as FHIR JSON, read as its Content-Type says. A body that is not well-formed (or,
 * in XML, declares a DTD) is 400; XML that is well-formed but holds elements FHIR does not define
 * comes through with them, for the same structure checks as JSON to reject.
 */
function parseBody(raw: unknown, format: ResponseFormat, release: FhirRelease): unknown {
  if (typeof raw !== 'string' || raw.trim() === '') fail('BAD_REQUEST', 'The request body is empty');
  if (format === 'xml') {
    try {
      return fhirXmlToJson(raw, release);
    } catch (error) {
      if (error instanceof FhirXmlError) fail('BAD_REQUEST', `The request body is not well-formed FHIR XML: ${error.message}`);
      throw error;
    }
  }
  try {
    return JSON.parse(raw);
  } catch {
    fail('BAD_REQUEST', 'The request body is not well-formed JSON');
  }
}

/**
 * Whether a create or update asked for no body back (`Prefer: return=minimal`, FHIR http): the
 * status, ETag and Location then say everything.
 */
function prefersMinimal(request: FastifyRequest): boolean {
  if (request.method !== 'POST' && request.method !== 'PUT') return false;
  const prefer = request.headers.prefer;
  return typeof prefer === 'string' && prefer.split(/[;,]/).some((p) => p.trim().toLowerCase() === 'return=minimal');
}

/**
 * The GP Connect request pipeline (general.md), the same for every interaction: practice routing ->
 * method -> SSP headers and interaction ID -> JWT and scope -> capability switch -> content
 * negotiation -> body -> the capability's handler. Each stage throws a catalogued error; the error
 * handler renders it, and the audit hook records the request whatever happened.
 */
export function gpconnectRoute(endpoint: Endpoint, practices: PracticeDirectory, handlers: HandlerTable, deps: ProviderDeps) {
  const release = SERVICE_ROOTS[endpoint.serviceRoot].release;
  const allow = [...new Set(endpoint.interactions.map((i) => i.method))];

  return async function handle(request: FastifyRequest, reply: FastifyReply) {
    const context = request.gpc;
    context.serviceRoot = endpoint.serviceRoot;
    const { ods, ...params } = request.params as Record<string, string>;

    const practice = await practices.find(ods!);
    if (!practice) fail('NO_RECORD_FOUND', `No practice with ODS code ${ods} is served here`);
    context.practice = practice;

    const candidates = endpoint.interactions.filter((i) => i.method === request.method);
    if (candidates.length === 0) throw new MethodNotAllowed(allow);

    const interaction: InteractionDefinition = checkSspHeaders(context, practice.asid, candidates);
    context.interaction = interaction;
    const nowSeconds = Math.floor(deps.clock().getTime() / 1000);
    context.requester = checkBearerToken(request.headers.authorization, interaction, release, nowSeconds);

    if (!practice.capabilities.includes(interaction.capability)) {
      fail('ACCESS_DENIED', `The ${interaction.capability} capability is not enabled at practice ${practice.ods_code}`);
    }

    const query = request.query as Record<string, string | string[] | undefined>;
    context.format = negotiateResponseFormat(firstQueryValue(query['_format']), request.headers.accept, request.headers['content-type']);

    let body: unknown;
    if (request.method === 'POST' || request.method === 'PUT') {
      body = parseBody(request.body, requestBodyFormat(request.headers['content-type']), release);
    }

    const handler = handlers[interaction.name];
    if (!handler) fail('NOT_IMPLEMENTED', `${interaction.interactionId} is not implemented by this provider yet`);
    const serviceBaseUrl = `${request.protocol}://${request.host}/${practice.ods_code}/${SERVICE_ROOTS[endpoint.serviceRoot].path}`;
    const response = await handler({ practice, params, query, body, path: context.path, serviceBaseUrl, headers: request.headers, context }, deps);
    return sendFhir(reply, endpoint.serviceRoot, response, prefersMinimal(request));
  };
}
