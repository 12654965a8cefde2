import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkConformance, IDENTIFIER_SYSTEMS, INTERACTIONS, SPINE_ERRORS, type InteractionName } from '@gpconnect/fhir';
import { sql, type Kysely, type Database } from '@gpconnect/store';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { fhirBody, NOW_SECONDS, PRACTICE, startProvider, type ProviderUnderTest } from '../test-support.ts';
import { base64url, jwtClaims, registrationParameters, registrationPatient } from '../testing/consumer-request.ts';
import { SERVICE_ROOTS } from '../http/service-roots.ts';

/**
 * "Bad input" (issue 2): thousands of random and mutated requests through the real pipeline. Whatever
 * arrives, the provider answers with no 5xx, every error is a valid GP Connect OperationOutcome with a
 * catalogued code, and nothing but audit rows is written.
 */

const SEED = 20261124;
const RUNS = 1500;

/** Tables other than the audit trail; their content must not change. */
const DATA_TABLES = ['practice', 'organisation', 'location', 'practitioner', 'practitioner_role', 'patient', 'pds_person', 'clinical_item', 'schedule', 'slot', 'appointment', 'appointment_slot', 'fixture_load'];

async function fingerprint(db: Kysely<Database>): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of DATA_TABLES) {
    const { rows } = await sql<{ h: string }>`select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from ${sql.table(table)} t`.execute(db);
    result[table] = rows[0]!.h;
  }
  return result;
}

const KNOWN_CODES = new Set(Object.values(SPINE_ERRORS).map((e) => e.code));

/** Requests that would succeed as sent; the register body names a patient who is already registered, so it can never write. */
const BASE_REQUESTS: { name: InteractionName; path: string; body?: unknown }[] = [
  { name: 'metadata', path: 'metadata' },
  { name: 'readPatient', path: 'Patient/1' },
  { name: 'searchPatients', path: `Patient?identifier=${IDENTIFIER_SYSTEMS.nhsNumber}|9690937278` },
  { name: 'readPractitioner', path: 'Practitioner/1' },
  { name: 'searchPractitioners', path: `Practitioner?identifier=${IDENTIFIER_SYSTEMS.sdsUserId}|G13579135` },
  { name: 'readOrganization', path: 'Organization/1' },
  { name: 'searchOrganizations', path: `Organization?identifier=${IDENTIFIER_SYSTEMS.odsOrganisationCode}|B82617` },
  { name: 'readLocation', path: 'Location/1' },
  {
    name: 'registerPatient',
    path: 'Patient/$gpc.registerpatient',
    body: registrationParameters(registrationPatient({ nhsNumber: '9690937278', family: 'SAMUAL', given: 'Lucien', gender: 'male', birthDate: '1938-12-11' })),
  },
];

const FOUNDATIONS_IDS = INTERACTIONS.filter((i) => i.capability === 'foundations').map((i) => i.interactionId);
const junk = fc.oneof(fc.string(), fc.constantFrom('', ' ', '%', '..', '\u0000', 'Patient', '$gpc.registerpatient', '9690937278'));
const jsonJunk = fc.jsonValue({ maxDepth: 3 });

type Request = { method: string; url: string; headers: Record<string, string>; payload?: string };
type Mutation = (request: Request, claims: Record<string, unknown>) => void;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom('ssp-traceid', 'ssp-from', 'ssp-to', 'ssp-interactionid', 'authorization', 'accept', 'content-type').chain((header) =>
    fc.oneof(
      fc.constant<Mutation>((r) => void delete r.headers[header]),
      junk.map<Mutation>((value) => (r) => void (r.headers[header] = value.replace(/[\r\n\u0000]/g, ''))),
    ),
  ),
  fc.constantFrom(...FOUNDATIONS_IDS).map<Mutation>((id) => (r) => void (r.headers['ssp-interactionid'] = id)),
  fc.constantFrom('iss', 'sub', 'aud', 'exp', 'iat', 'reason_for_request', 'requested_scope', 'requesting_device', 'requesting_organization', 'requesting_practitioner').chain((claim) =>
    fc.oneof(
      fc.constant<Mutation>((_r, claims) => void delete claims[claim]),
      jsonJunk.map<Mutation>((value) => (_r, claims) => void (claims[claim] = value)),
    ),
  ),
  fc.constantFrom('requesting_device', 'requesting_organization', 'requesting_practitioner').chain((claim) =>
    fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), jsonJunk).map<Mutation>(([key, value]) => (_r, claims) => {
      claims[claim] = { ...(claims[claim] as object), [key]: value };
    }),
  ),
  fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD').map<Mutation>((method) => (r) => void (r.method = method)),
  fc.oneof(junk, fc.webSegment()).map<Mutation>((segment) => (r) => void (r.url = `${r.url.split('?')[0]}/${encodeURIComponent(segment)}`)),
  fc.tuple(fc.constantFrom('identifier', 'Identifier', '_format', '_count', 'x'), junk).map<Mutation>(([name, value]) => (r) => {
    r.url += `${r.url.includes('?') ? '&' : '?'}${name}=${encodeURIComponent(value)}`;
  }),
  // XML responses and bodies: asked for by header or _format, and XML bodies good, broken or hostile.
  fc.tuple(fc.constantFrom('accept', 'content-type'), fc.constantFrom('application/fhir+xml', 'application/xml+fhir', 'text/xml', 'xml')).map<Mutation>(
    ([header, value]) => (r) => void (r.headers[header] = value),
  ),
  fc.constantFrom('xml', 'application/fhir+xml').map<Mutation>((value) => (r) => void (r.url += `${r.url.includes('?') ? '&' : '?'}_format=${encodeURIComponent(value)}`)),
  fc
    .oneof(
      fc.constantFrom(
        '<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="registerPatient"/></parameter></Parameters>',
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Parameters xmlns="http://hl7.org/fhir"/>',
        '<Parameters xmlns="http://hl7.org/fhir"><parameter>',
        '<Patient xmlns="http://hl7.org/fhir"><colour value="blue"/></Patient>',
      ),
      fc.string().map((text) => `<Parameters xmlns="http://hl7.org/fhir">${text}</Parameters>`),
    )
    .map<Mutation>((payload) => (r) => {
      r.payload = payload;
      r.headers['content-type'] = 'application/fhir+xml';
    }),
  fc.oneof(jsonJunk.map((v) => JSON.stringify(v)), fc.string()).map<Mutation>((payload) => (r) => {
    r.payload = payload;
    r.headers['content-type'] ??= 'application/fhir+json';
  }),
  fc.constantFrom('Z99999', 'b82617', '', 'B82617/STU3').map<Mutation>((ods) => (r) => void (r.url = r.url.replace(`/${PRACTICE.ods}/`, `/${ods}/`))),
  fc.constant<Mutation>((r) => void (r.headers['authorization'] = `Bearer ${base64url({ alg: 'none' })}.${base64url('[1,2]')}.`)),
);

const TOKEN_FROM_CLAIMS = '<token from claims>';

function buildRequest(base: (typeof BASE_REQUESTS)[number], mutations: Mutation[]): Request {
  const claims = jwtClaims(base.name, NOW_SECONDS);
  const definition = INTERACTIONS.find((i) => i.name === base.name)!;
  const request: Request = {
    method: definition.method,
    url: `/${PRACTICE.ods}/${SERVICE_ROOTS[definition.serviceRoot].path}/${base.path}`,
    headers: {
      'ssp-traceid': 'fuzz',
      'ssp-from': '200000000359',
      'ssp-to': PRACTICE.asid,
      'ssp-interactionid': definition.interactionId,
      accept: 'application/fhir+json',
      ...(base.body ? { 'content-type': 'application/fhir+json' } : {}),
    },
    ...(base.body ? { payload: JSON.stringify(base.body) } : {}),
  };
  request.headers['authorization'] = TOKEN_FROM_CLAIMS;
  for (const mutate of mutations) mutate(request, claims);
  // Unless a mutation replaced or removed the header, it carries the (possibly mutated) claims.
  if (request.headers['authorization'] === TOKEN_FROM_CLAIMS) {
    request.headers['authorization'] = `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
  }
  return request;
}

for (const backend of testStoreBackends()) {
  describe(`bad input through the whole pipeline (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    test(`${RUNS} random and mutated requests: no 5xx, always a catalogued OperationOutcome, only audit rows written`, async () => {
      const before = await fingerprint(provider.store.db);
      const auditBefore = Number((await sql<{ n: string }>`select count(*) as n from audit_event`.execute(provider.store.db)).rows[0]!.n);
      let sent = 0;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...BASE_REQUESTS), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (base, mutations) => {
          const request = buildRequest(base, mutations);
          const response = await provider.app.inject({ method: request.method as 'GET', url: request.url, headers: request.headers, ...(request.payload !== undefined ? { payload: request.payload } : {}) });
          sent++;
          assert.ok(response.statusCode < 500, `${response.statusCode} for ${request.method} ${request.url}: ${response.body.slice(0, 300)}`);
          assert.equal(response.headers['cache-control'], 'no-store');
          if (request.method === 'HEAD') {
            // A HEAD response carries no body (RFC 9110 §9.3.2); its status still has to be an error.
            assert.ok(response.statusCode >= 400 && response.body === '', `HEAD answered ${response.statusCode}`);
          } else if (response.statusCode >= 400) {
            // Mutated Accept/_format/Content-Type may ask for XML: read either format the same way.
            const outcome = fhirBody(response) as unknown as { resourceType: string; issue: { details: { coding: { code: string }[] } }[] };
            assert.equal(outcome.resourceType, 'OperationOutcome');
            if (!request.url.includes('/DSTU2/')) assert.deepEqual(checkConformance(outcome), []);
            assert.ok(KNOWN_CODES.has(outcome.issue[0]!.details.coding[0]!.code));
          }
        }),
        { seed: SEED, numRuns: RUNS },
      );
      assert.deepEqual(await fingerprint(provider.store.db), before, 'no data table changed');
      const auditAfter = Number((await sql<{ n: string }>`select count(*) as n from audit_event`.execute(provider.store.db)).rows[0]!.n);
      assert.equal(auditAfter - auditBefore, sent, 'every request was audited');
    });
  });
}
