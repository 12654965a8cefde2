import type { IncomingHttpHeaders } from 'node:http';
import type { InteractionName } from '@gpconnect/fhir';
import type { Database, Kysely, PracticeRow } from '@gpconnect/store';
import type { ProviderConfig } from '../config.ts';
import type { GpConnectContext } from '../pipeline/request-context.ts';
import type { FhirResponse } from './fhir-response.ts';
import type { AssemblyLimit } from '../structured/assembly-limit.ts';

/** What the pipeline hands a capability handler once a request has passed every check. */
export interface HandlerRequest {
  practice: PracticeRow;
  /** Path parameters below the service root (`id`). */
  params: Readonly<Record<string, string>>;
  /** Query parameters as sent: names keep their case, repeated names are arrays. */
  query: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body of a POST or PUT. */
  body: unknown;
  /** The request path without its query string (a created resource's Location is built on it). */
  path: string;
  /** Absolute URL of the service root the request came to (no trailing `/`): full URLs in responses start with it. */
  serviceBaseUrl: string;
  /** Request headers (If-Match for versioned updates). */
  headers: IncomingHttpHeaders;
  /** Handlers record what the audit trail needs (the patient's NHS number) here. */
  context: GpConnectContext;
}

/** The provider's collaborators, injected so tests control time, identifiers and storage. */
export interface ProviderDeps {
  db: Kysely<Database>;
  clock: () => Date;
  ids: () => string;
  config: ProviderConfig;
  /** The cap on structured records assembled at once, shared by every request to this provider. */
  assemblies: AssemblyLimit;
}

/** A capability handler: plain code over the store; knows nothing of HTTP beyond FhirResponse. */
export type Handler = (request: HandlerRequest, deps: ProviderDeps) => Promise<FhirResponse>;

export type HandlerTable = Partial<Record<InteractionName, Handler>>;
