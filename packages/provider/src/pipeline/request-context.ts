import type { Capability, InteractionDefinition, ServiceRoot } from '@gpconnect/fhir';
import type { PracticeRow } from '@gpconnect/store';
import type { ResponseFormat } from './content-negotiation.ts';

/** Who made a request, as the JWT says (general.md §3); what the audit trail records of them. */
export interface Requester {
  organisationOds: string | null;
  organisationName: string | null;
  practitionerId: string | null;
  practitionerName: string | null;
  sdsUserId: string | null;
  roleProfileId: string | null;
  device: string | null;
  /** The JWT asked for sensitive information too (`conf/R` in requested_scope, migrations only: general.md §3). */
  sensitiveScope: boolean;
  /** The patient the 0.7.x token's requested_record names (access-record-html.md §8). */
  requestedNhsNumber?: string;
}

/**
 * Everything the pipeline learns about a request on its way to a handler. Filled stage by stage;
 * the audit record is written from it whether the request succeeded or was rejected at any stage.
 */
export interface GpConnectContext {
  startedAt: bigint;
  method: string;
  /** The request path without its query string (which can hold an NHS number). */
  path: string;
  practice?: PracticeRow;
  serviceRoot?: ServiceRoot;
  interaction?: InteractionDefinition;
  traceId: string | null;
  fromAsid: string | null;
  toAsid: string | null;
  interactionId: string | null;
  requester?: Requester;
  format: ResponseFormat;
  /** NHS number of the patient the request concerned, once known. */
  patientNhsNumber?: string;
  /** The Spine code of the error response, when there was one. */
  outcomeCode?: string;
  /** A write committed the request's audit record with itself, for a response of this status (audit-event.ts). */
  auditCommittedStatus?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    gpc: GpConnectContext;
  }
  interface FastifyContextConfig {
    /** Set on GP Connect routes: the service root and the interactions that share this method and path. */
    gpconnect?: { serviceRoot: ServiceRoot; capability: Capability; interactions: readonly InteractionDefinition[] };
  }
}
