import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkConformance, SPINE_ERRORS, type InteractionName } from '@gpconnect/fhir';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { fhirBody, startProvider, type ProviderUnderTest } from '../test-support.ts';
import { MANDATORY_INCLUDES, MANDATORY_REVINCLUDE } from './search-parameters.ts';

/**
 * Bad input to Access Document: random search parameters, patient ids and Binary ids. Whatever
 * arrives, the answer is below 500 and is either the resource asked for or a catalogued
 * OperationOutcome, each conforming to its profile.
 */

const SEED = 20261201;
const RUNS = 300;
const KNOWN_CODES = new Set(Object.values(SPINE_ERRORS).map((e) => e.code));

const junk = fc.oneof(fc.string(), fc.constantFrom('', '|', 'ge', 'le2026-02-30', 'ge2026-01-01T25:00:00+00:00', '%', '\u0000', 'https://fhir.nhs.uk/Id/ods-organization-code|', '2-binary-1', '4-binary-1'));
const parameter = fc.tuple(fc.constantFrom('created', 'author', 'description', '_include', '_revinclude:recurse', '_revinclude', 'type', '_format'), junk);
const MANDATORY = [...MANDATORY_INCLUDES.map((i) => ['_include', i] as const), ['_revinclude:recurse', MANDATORY_REVINCLUDE] as const];

const request = fc.oneof(
  fc.tuple(fc.oneof(fc.constantFrom('2', '3', '4', '9', '15', 'html-18'), junk), fc.subarray(MANDATORY), fc.array(parameter, { maxLength: 4 })).map(([patient, includes, extra]) => ({
    name: 'searchDocuments' as InteractionName,
    path: `Patient/${encodeURIComponent(patient)}/DocumentReference?${[...includes, ...extra].map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&')}`,
  })),
  fc.tuple(fc.constantFrom<InteractionName>('retrieveDocument', 'migrateDocument'), junk).map(([name, id]) => ({ name, path: `Binary/${encodeURIComponent(id)}` })),
  fc.array(parameter, { maxLength: 3 }).map((extra) => ({
    name: 'documentsSearchPatients' as InteractionName,
    path: `Patient?${extra.map(([n, v]) => `${encodeURIComponent(n === 'created' ? 'identifier' : n)}=${encodeURIComponent(v)}`).join('&')}`,
  })),
);

for (const backend of testStoreBackends()) {
  describe(`bad input to Access Document (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    test(`${RUNS} random searches and Binary ids: no 5xx, a conforming resource or a catalogued OperationOutcome`, async () => {
      await fc.assert(
        fc.asyncProperty(request, async ({ name, path }) => {
          const response = await provider.send(name, { path });
          assert.ok(response.statusCode < 500, `${response.statusCode} for ${name} ${path}: ${response.body.slice(0, 300)}`);
          const body = fhirBody(response);
          assert.deepEqual(checkConformance(body).filter((i) => i.severity === 'error'), [], `${name} ${path}`);
          if (response.statusCode >= 400) {
            const outcome = body as unknown as { resourceType: string; issue: { details: { coding: { code: string }[] } }[] };
            assert.equal(outcome.resourceType, 'OperationOutcome');
            assert.ok(KNOWN_CODES.has(outcome.issue[0]!.details.coding[0]!.code));
          }
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });
  });
}
