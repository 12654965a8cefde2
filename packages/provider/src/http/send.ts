import type { FastifyReply } from 'fastify';
import { buildOperationOutcome, type SpineErrorDefinition, type ServiceRoot } from '@gpconnect/fhir';
import { responseContentType } from '../pipeline/content-negotiation.ts';
import type { FhirResponse } from './fhir-response.ts';

/**
 * The one place a FHIR response becomes bytes: status, Content-Type and ETag. (Cache-Control and
 * the audit record are added for every response, errors included, in the app's onSend hook.)
 */
export function sendFhir(reply: FastifyReply, serviceRoot: ServiceRoot | undefined, response: FhirResponse): FastifyReply {
  reply.code(response.status).type(responseContentType(serviceRoot));
  if (response.version !== undefined) reply.header('etag', `W/"${response.version}"`);
  if (response.location !== undefined) reply.header('location', response.location);
  return reply.send(response.json);
}

/** Sends the catalogued OperationOutcome for an error, in the dialect of the service root. */
export function sendOperationOutcome(
  reply: FastifyReply,
  serviceRoot: ServiceRoot | undefined,
  definition: SpineErrorDefinition,
  diagnostics: string | undefined,
): FastifyReply {
  const outcome = buildOperationOutcome(definition, diagnostics, serviceRoot === 'html' ? 'dstu2' : 'stu3');
  return sendFhir(reply, serviceRoot, { status: definition.httpStatus, json: JSON.stringify(outcome) });
}
