import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EXTENSIONS } from '@gpconnect/fhir';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { bundleEntries, expectResource, startProvider, type ProviderUnderTest } from '../test-support.ts';

type Json = Record<string, unknown>;

const request = (nhsNumber: string, includeResolved: boolean) => ({
  resourceType: 'Parameters',
  parameter: [
    { name: 'patientNHSNumber', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber } },
    { name: 'includeAllergies', part: [{ name: 'includeResolvedAllergies', valueBoolean: includeResolved }] },
  ],
});
const listCode = (list: Json) => ((list['code'] as { coding: { code: string }[] }).coding[0]!.code);
const ACTIVE = '886921000000105';
const ENDED = '1103671000000101';

for (const backend of testStoreBackends()) {
  describe(`structured.md §5.1 allergies, for the roster's patients (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    async function record(nhsNumber: string, includeResolved = true) {
      const bundle = expectResource(await provider.send('getStructuredRecord', { body: request(nhsNumber, includeResolved) }), 'Bundle');
      const resources = bundleEntries(bundle as { entry: { resource: Json }[] });
      const list = (code: string) => resources.find((r) => r['resourceType'] === 'List' && listCode(r) === code);
      return { resources, active: list(ACTIVE), ended: list(ENDED), allergies: resources.filter((r) => r['resourceType'] === 'AllergyIntolerance') };
    }
    const display = (r: Json) => (r['code'] as { coding: { display: string }[] }).coding[0]!.display;
    const warningCodes = (list: Json | undefined) => ((list?.['extension'] as Json[] | undefined) ?? []).filter((e) => e['url'] === EXTENSIONS.listWarningCode).map((e) => e['valueCode']);
    const note = (list: Json | undefined) => ((list?.['note'] as { text: string }[] | undefined) ?? [])[0]?.text;

    test('patient2: the active allergies referenced from their List, the ended one contained in its own, the recorder included once', async () => {
      const { resources, active, ended, allergies } = await record('9690937286');
      assert.equal(active?.['title'], 'Allergies and adverse reactions');
      assert.deepEqual((active?.['entry'] as { item: { reference: string } }[]).map((e) => e.item.reference), allergies.map((a) => `AllergyIntolerance/${a['id'] as string}`));
      assert.deepEqual(allergies.map((a) => [display(a), a['clinicalStatus']]).sort(), [['Amoxicillin 250mg capsules', 'active'], ['Peanut - dietary', 'active']]);
      assert.equal(ended?.['title'], 'Ended allergies');
      const contained = ended?.['contained'] as Json[];
      assert.deepEqual(contained.map((a) => [display(a), a['clinicalStatus']]), [['Aspirin 75mg dispersible tablet', 'resolved']]);
      assert.deepEqual((ended?.['entry'] as { item: { reference: string } }[]).map((e) => e.item.reference), [`#${contained[0]!['id'] as string}`]);
      assert.equal(allergies.some((a) => a['clinicalStatus'] === 'resolved'), false, 'ended allergies are not Bundle entries');
      assert.equal(resources.filter((r) => r['resourceType'] === 'Practitioner').length, 1);
      assert.deepEqual([warningCodes(active), note(active)], [[], undefined]);
    });

    test('without includeResolvedAllergies: no ended allergies anywhere', async () => {
      const { resources, ended } = await record('9690937286', false);
      assert.equal(ended, undefined);
      assert.equal(JSON.stringify(resources).includes('"resolved"'), false);
    });

    test('nothing recorded (patient1): empty Lists saying so; patient5: the coded "no known allergy"', async () => {
      const { active, ended, allergies } = await record('9690937278');
      for (const list of [active, ended]) {
        assert.equal(list?.['entry'], undefined);
        assert.equal((list?.['emptyReason'] as { coding: { code: string }[] }).coding[0]!.code, 'no-content-recorded');
        assert.equal(note(list), 'Information not available');
      }
      assert.deepEqual(allergies, []);
      const nka = await record('9690937375');
      assert.deepEqual(nka.allergies.map((a) => (a['code'] as { coding: { code: string }[] }).coding[0]!.code), ['716186003']);
    });

    test('patient16: the confidential allergy is withheld and the List says so; legacy ended allergies say no reason was recorded', async () => {
      const { active, ended, allergies } = await record('9690938118');
      assert.deepEqual(allergies, []);
      assert.deepEqual([warningCodes(active), note(active)], [['confidential-items'], 'Items excluded due to confidentiality and/or patient preferences.']);
      assert.ok(active?.['emptyReason'], 'an only-confidential List is empty, with its reason');
      const reasons = (ended?.['contained'] as Json[]).map((a) => ((a['extension'] as Json[])[0]!['extension'] as Json[]).find((e) => e['url'] === 'reasonEnded')?.['valueString']);
      assert.deepEqual(reasons, ['No reason recorded', 'No reason recorded']);
      assert.deepEqual(warningCodes(ended), []);
    });

    test('patient13, record in transit: every List carries data-in-transit with the registration date', async () => {
      const { active, ended } = await record('9690938096');
      for (const list of [active, ended]) {
        assert.deepEqual(warningCodes(list), ['data-in-transit']);
        assert.match(note(list) ?? '', /^Patient record transfer from previous GP practice not yet complete; information recorded before \d{2}-[A-Z][a-z]{2}-\d{4} may be missing\.$/);
      }
    });
  });
}
