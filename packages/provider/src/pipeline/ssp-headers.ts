import { acceptsInteractionId, fail, interactionById, type InteractionDefinition } from '@gpconnect/fhir';
import type { IncomingHttpHeaders } from 'node:http';
import type { GpConnectContext } from './request-context.ts';

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads the Spine headers into the context first, so that even a rejected request is audited with them. */
export function readSspHeaders(headers: IncomingHttpHeaders, context: GpConnectContext): void {
  context.traceId = single(headers, 'ssp-traceid') ?? null;
  context.fromAsid = single(headers, 'ssp-from') ?? null;
  context.toAsid = single(headers, 'ssp-to') ?? null;
  context.interactionId = single(headers, 'ssp-interactionid') ?? null;
}

function required(value: string | null, header: string): string {
  if (value === null || value.trim() === '') fail('BAD_REQUEST', `The ${header} header is missing or empty`);
  return value;
}

/**
 * The SSP header rules of general.md §2: every header present, Ssp-To is this practice's ASID, and
 * Ssp-InteractionID names one of the interactions served at this method and path.
 */
export function checkSspHeaders(
  context: GpConnectContext,
  practiceAsid: string,
  candidates: readonly InteractionDefinition[],
): InteractionDefinition {
  required(context.traceId, 'Ssp-TraceID');
  required(context.fromAsid, 'Ssp-From');
  const to = required(context.toAsid, 'Ssp-To');
  const interactionId = required(context.interactionId, 'Ssp-InteractionID');
  if (to !== practiceAsid) fail('BAD_REQUEST', 'Ssp-To does not match the ASID of the addressed practice');
  const matched = candidates.find((candidate) => acceptsInteractionId(candidate, interactionId));
  if (matched) return matched;
  if (!interactionById(interactionId)) fail('BAD_REQUEST', `Ssp-InteractionID ${JSON.stringify(interactionId)} is not a GP Connect interaction`);
  fail('BAD_REQUEST', `Ssp-InteractionID ${interactionId} does not match the requested operation`);
}
