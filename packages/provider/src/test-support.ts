import assert from 'node:assert/strict';
import { checkConformance, fhirXmlToJson, interaction, SPINE_ERRORS, type InteractionName, type SpineErrorName } from '@gpconnect/fhir';
import type { Store } from '@gpconnect/store';
import type { TestStoreBackend } from '../../store/src/testing.ts';
import { loadNationalRoster } from '@gpconnect/testdata';
import type { LightMyRequestResponse } from 'fastify';
import { buildProvider, type Provider, type ProviderOptions } from './build.ts';
import type { ProviderConfig } from './config.ts';
import { SERVICE_ROOTS } from './http/service-roots.ts';
import { gpconnectHeaders } from './testing/consumer-request.ts';
import type { RequestedRecord } from '@gpconnect/sdk';

/** The day the roster is loaded and the clock the provider runs on in tests. */
export const TODAY = '2026-11-24';
export const NOW = new Date(`${TODAY}T10:00:00Z`);
export const NOW_SECONDS = NOW.getTime() / 1000;
export const PRACTICE = { ods: 'B82617', asid: '918999198738' } as const;

export interface RequestInit {
  /** Path below the interaction's service root, with query string; defaults to the interaction's own path. */
  path?: string;
  method?: string;
  body?: unknown;
  /** Header changes; a header set to undefined is removed. */
  headers?: Record<string, string | undefined>;
  /** JWT claim changes; a claim set to undefined is removed. */
  claims?: Record<string, unknown>;
  ods?: string;
  toAsid?: string;
  /** The record a 0.7.x token names (a care record request names its patient). */
  requestedRecord?: RequestedRecord;
}

export interface ProviderUnderTest {
  app: Provider;
  store: Store;
  /** Sends a request for `name` as a conforming consumer would, with the changes in `init`. */
  send(name: InteractionName, init?: RequestInit): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

let idCounter = 0;

/** A provider over a fresh store of `backend`, seeded with the national roster, on a fixed clock. */
export async function startProvider(backend: TestStoreBackend, options: Pick<ProviderOptions, 'logger'> & { config?: Partial<ProviderConfig> } = {}): Promise<ProviderUnderTest> {
  const store = await backend.open();
  await loadNationalRoster(store.db, { today: TODAY, now: NOW });
  const app = await buildProvider({
    store,
    clock: () => NOW,
    ids: () => `test-${++idCounter}`,
    // Every response any test receives is validated against the official profiles (general.md §14);
    // a violation fails the request that caused it and, whatever sent it, the suite at close.
    ...options,
    config: { practiceCacheTtlMs: 0, validateResponses: true, ...options.config },
  });
  const assertNoViolations = () => assert.deepEqual(app.responseValidation?.violations, [], 'every response conforms to its profiles');
  return {
    app,
    store,
    send: (name, init = {}) => {
      const definition = interaction(name);
      const headers: Record<string, string> = gpconnectHeaders(name, {
        toAsid: init.toAsid ?? PRACTICE.asid,
        now: NOW_SECONDS,
        ...(init.claims ? { claims: init.claims } : {}),
        ...(init.requestedRecord ? { requestedRecord: init.requestedRecord } : {}),
      });
      for (const [key, value] of Object.entries(init.headers ?? {})) {
        if (value === undefined) delete headers[key.toLowerCase()];
        else headers[key.toLowerCase()] = value;
      }
      const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      if (body !== undefined && !('content-type' in headers)) headers['content-type'] = 'application/fhir+json';
      return app
        .inject({
          method: (init.method ?? definition.method) as 'GET',
          url: `/${init.ods ?? PRACTICE.ods}/${SERVICE_ROOTS[definition.serviceRoot].path}/${init.path ?? definition.path}`,
          headers,
          ...(body !== undefined ? { payload: body } : {}),
        })
        .then((response) => {
          assertNoViolations();
          return response;
        });
    },
    close: async () => {
      await app.close();
      await store.close();
      assertNoViolations();
    },
  };
}

/** The two encodings a response may come in (general.md §4). */
export type BodyFormat = 'json' | 'xml';

const MEDIA_TYPE: Record<'stu3' | 'dstu2', Record<BodyFormat, string>> = {
  stu3: { json: 'application/fhir+json', xml: 'application/fhir+xml' },
  dstu2: { json: 'application/json+fhir', xml: 'application/xml+fhir' },
};

/**
 * The body of a FHIR response as FHIR JSON, whichever format it came in: XML bodies are read with
 * the fhir package's XML reader (DSTU2 when the media type is the DSTU2 one), so the same checks
 * apply to both.
 */
export function fhirBody(response: LightMyRequestResponse): Record<string, unknown> {
  const contentType = String(response.headers['content-type'] ?? '');
  if (!/xml/.test(contentType)) return response.json() as Record<string, unknown>;
  return fhirXmlToJson(response.body, contentType.startsWith(MEDIA_TYPE.dstu2.xml) ? 'dstu2' : 'stu3');
}

function assertCommonHeaders(response: LightMyRequestResponse, mediaType = 'application/fhir+json'): void {
  assert.equal(response.headers['cache-control'], 'no-store', 'every response carries Cache-Control: no-store');
  assert.equal(response.headers['content-type'], `${mediaType};charset=utf-8`);
}

function assertConforms(resource: unknown): void {
  const issues = checkConformance(resource).filter((i) => i.severity === 'error');
  assert.deepEqual(issues, [], 'the response conforms to the profiles it claims');
}

/**
 * Asserts a successful FHIR response of `resourceType` in `format` (JSON unless stated), checked
 * against its profile, and returns it as FHIR JSON.
 */
export function expectResource<T = Record<string, unknown>>(response: LightMyRequestResponse, resourceType: string, status = 200, format: BodyFormat = 'json'): T {
  assert.equal(response.statusCode, status, `expected ${status}, got ${response.statusCode}: ${response.body.slice(0, 400)}`);
  assertCommonHeaders(response, MEDIA_TYPE.stu3[format]);
  const body = fhirBody(response);
  assert.equal(body['resourceType'], resourceType);
  assertConforms(body);
  return body as T;
}

/** Asserts the catalogued OperationOutcome for `error` (status, code, display, profile), in `format` (JSON unless stated). */
export function expectOperationOutcome(
  response: LightMyRequestResponse,
  error: SpineErrorName,
  options: { dialect?: 'stu3' | 'dstu2'; format?: BodyFormat } = {},
): string | undefined {
  const definition = SPINE_ERRORS[error];
  assert.equal(response.statusCode, definition.httpStatus, `expected ${definition.httpStatus} ${error}, got ${response.statusCode}: ${response.body.slice(0, 400)}`);
  assertCommonHeaders(response, MEDIA_TYPE[options.dialect ?? 'stu3'][options.format ?? 'json']);
  const outcome = fhirBody(response) as unknown as { resourceType: string; issue: { severity: string; code: string; details: { coding: { code: string; display: string }[] }; diagnostics?: string }[] };
  assert.equal(outcome.resourceType, 'OperationOutcome');
  if (options.dialect !== 'dstu2') assertConforms(outcome);
  assert.equal(outcome.issue.length, 1);
  const issue = outcome.issue[0]!;
  assert.equal(issue.severity, 'error');
  assert.equal(issue.code, definition.issueType);
  assert.deepEqual(issue.details.coding.map((c) => [c.code, c.display]), [[definition.code, definition.display]]);
  assert.ok(!/\n\s+at /.test(response.body), 'no stack trace in the body');
  return issue.diagnostics;
}

/** The patient resources of a searchset bundle. */
export function bundleEntries(bundle: { entry?: { resource: Record<string, unknown> }[] }): Record<string, unknown>[] {
  return (bundle.entry ?? []).map((e) => e.resource);
}
