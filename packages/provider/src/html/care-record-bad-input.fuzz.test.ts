import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SPINE_ERRORS } from '@gpconnect/fhir';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { fhirBody, startProvider, type ProviderUnderTest } from '../test-support.ts';
import { careRecordParameters, checkCareRecordBundle } from './html-test-support.ts';

/**
 * Bad input to $gpc.getcarerecord: valid requests with parameters replaced, added, renamed or
 * broken. Whatever arrives, the answer is below 500 and is either a care record passing every check
 * of html-test-support, or a catalogued 0.7.x OperationOutcome.
 */

const SEED = 20261201;
const RUNS = 300;
const KNOWN_CODES = new Set(Object.values(SPINE_ERRORS).map((e) => e.code));
const DSTU2_ERROR_SYSTEM = 'http://fhir.nhs.net/ValueSet/gpconnect-error-or-warning-code-1';

type Json = Record<string, unknown>;

const dateJunk = fc.oneof(fc.constantFrom('2016', '2015-02', '2016-07-01', '2016-02-30', '2016-01-01T10:00:00+00:00', '2016-01-01T10:00:00', 'abcd', ''), fc.string({ maxLength: 12 }));
const parameterJunk: fc.Arbitrary<Json> = fc.oneof(
  fc.record({ name: fc.constantFrom('timePeriod', 'TimePeriod', 'time'), valuePeriod: fc.record({ start: dateJunk, end: dateJunk }, { requiredKeys: [] }) }),
  fc.record({ name: fc.constantFrom('recordSection', 'patientNHSNumber'), valueString: fc.string({ maxLength: 12 }) }),
  fc.record({ name: fc.constantFrom('recordSection'), valueCodeableConcept: fc.record({ coding: fc.array(fc.record({ system: fc.constantFrom('http://fhir.nhs.net/ValueSet/gpconnect-record-section-1', 'x'), code: fc.constantFrom('SUM', 'MED', 'sum', 'INV', 'ZZZ') }), { maxLength: 2 }) }) }),
  fc.record({ name: fc.string({ maxLength: 16 }), value: fc.jsonValue({ maxDepth: 2 }) }).map(({ name, value }) => ({ name, valueString: typeof value === 'string' ? value : JSON.stringify(value) })),
  fc.jsonValue({ maxDepth: 2 }).map((value) => ({ junk: value }) as Json),
);

const body = fc.tuple(fc.constantFrom('SUM', 'PRB', 'ALL', 'MED', 'ENC', 'CLI', 'REF', 'OBS', 'IMM', 'ADM'), fc.nat(3), fc.array(parameterJunk, { maxLength: 3 }), fc.boolean()).map(([section, drop, extra, wrongType]) => {
  const parameters = careRecordParameters({ nhsNumber: '9690937286', section });
  const kept = (parameters['parameter'] as Json[]).filter((_p, i) => i !== drop);
  return { resourceType: wrongType ? 'Bundle' : 'Parameters', parameter: [...kept, ...extra] };
});

for (const backend of testStoreBackends()) {
  describe(`bad input to Access Record HTML (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    test(`${RUNS} mangled requests: no 5xx, a care record or a catalogued 0.7.x OperationOutcome`, async () => {
      await fc.assert(
        fc.asyncProperty(body, async (parameters) => {
          const response = await provider.send('getCareRecord', { body: parameters, requestedRecord: { nhsNumber: '9690937286' } });
          assert.ok(response.statusCode < 500, `${response.statusCode}: ${response.body.slice(0, 300)}`);
          const answer = fhirBody(response);
          if (response.statusCode === 200) {
            const section = (answer['entry'] as { resource: { section: { code: { coding: { code: string }[] } }[] } }[])[0]!.resource.section[0]!.code.coding[0]!.code;
            checkCareRecordBundle(answer, section);
            return;
          }
          const coding = (answer as { issue: { details: { coding: { system: string; code: string }[] } }[] }).issue[0]!.details.coding[0]!;
          assert.equal(coding.system, DSTU2_ERROR_SYSTEM);
          assert.ok(KNOWN_CODES.has(coding.code), coding.code);
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });
  });
}
