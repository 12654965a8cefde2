import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EXTENSIONS } from '@gpconnect/fhir';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { bundleEntries, expectResource, startProvider, TODAY, type ProviderUnderTest } from '../test-support.ts';

type Json = Record<string, unknown>;

const daysBefore = (days: number) => new Date(Date.parse(`${TODAY}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
const request = (nhsNumber: string, parts: Json[] = []) => ({
  resourceType: 'Parameters',
  parameter: [
    { name: 'patientNHSNumber', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber } },
    parts.length > 0 ? { name: 'includeMedication', part: parts } : { name: 'includeMedication' },
  ],
});

for (const backend of testStoreBackends()) {
  describe(`structured.md §5.2 medications, for the roster's patients (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    async function record(nhsNumber: string, parts: Json[] = []) {
      const bundle = expectResource(await provider.send('getStructuredRecord', { body: request(nhsNumber, parts) }), 'Bundle');
      const resources = bundleEntries(bundle as { entry: { resource: Json }[] });
      const of = (type: string) => resources.filter((r) => r['resourceType'] === type);
      const list = resources.find((r) => r['resourceType'] === 'List')!;
      const medicationName = (statement: Json) => {
        const medication = of('Medication').find((m) => `Medication/${m['id'] as string}` === (statement['medicationReference'] as { reference: string }).reference);
        return (medication?.['code'] as { coding: { display: string }[] } | undefined)?.coding[0]?.display;
      };
      return { list, statements: of('MedicationStatement'), plans: of('MedicationRequest').filter((r) => r['intent'] === 'plan'), orders: of('MedicationRequest').filter((r) => r['intent'] === 'order'), medicationName };
    }
    const warningCodes = (list: Json) => ((list['extension'] as Json[] | undefined) ?? []).filter((e) => e['url'] === EXTENSIONS.listWarningCode).map((e) => e['valueCode']);

    test('patient2: each course with its authorisation, medication and issues; the confidential one withheld and the List says so', async () => {
      const { list, statements, plans, orders, medicationName } = await record('9690937286');
      assert.equal(list['title'], 'Medications and medical devices');
      assert.deepEqual(statements.map(medicationName), ['Aspirin 75mg dispersible tablets', 'Metformin 500mg tablets', 'Amoxicillin 250mg capsules']);
      assert.deepEqual((list['entry'] as { item: { reference: string } }[]).map((e) => e.item.reference), statements.map((s) => `MedicationStatement/${s['id'] as string}`));
      for (const statement of statements) {
        const plan = plans.find((p) => `MedicationRequest/${p['id'] as string}` === (statement['basedOn'] as { reference: string }[])[0]!.reference);
        assert.ok(plan, 'every statement is based on an authorisation that is in the Bundle');
      }
      assert.equal(orders.length, 7);
      assert.ok(orders.every((o) => plans.some((p) => `MedicationRequest/${p['id'] as string}` === (o['basedOn'] as { reference: string }[])[0]!.reference)));
      assert.deepEqual(warningCodes(list), ['confidential-items']);
      assert.equal(JSON.stringify(statements).includes('Amitriptyline') || JSON.stringify(orders).includes('-med-4-'), false);
    });

    test('includePrescriptionIssues false: no issues; medicationSearchFromDate: only courses active since', async () => {
      assert.deepEqual((await record('9690937286', [{ name: 'includePrescriptionIssues', valueBoolean: false }])).orders, []);
      const sinceAYearAgo = await record('9690937286', [{ name: 'medicationSearchFromDate', valueDate: daysBefore(365) }]);
      assert.deepEqual(sinceAYearAgo.statements.map(sinceAYearAgo.medicationName), ['Aspirin 75mg dispersible tablets', 'Metformin 500mg tablets'], 'the acute course that ended 393 days ago is left out');
      // patient12: the stopped course ended two years ago; what another organisation prescribed is always returned.
      const elsewhere = await record('9690938614', [{ name: 'medicationSearchFromDate', valueDate: daysBefore(30) }]);
      assert.deepEqual(elsewhere.statements.map(elsewhere.medicationName), ['Metformin 500mg tablets']);
      const all = await record('9690938614');
      const stopped = all.statements.find((s) => s['status'] === 'stopped')!;
      const plan = all.plans.find((p) => `MedicationRequest/${p['id'] as string}` === (stopped['basedOn'] as { reference: string }[])[0]!.reference)!;
      const reason = (plan['extension'] as Json[]).find((e) => String(e['url']).endsWith('MedicationStatusReason-1'))!;
      assert.deepEqual((reason['extension'] as Json[]).map((e) => e['url']), ['statusChangeDate', 'statusReason']);
    });

    test('nothing prescribed (patient1): an empty List saying so', async () => {
      const { list, statements } = await record('9690937278');
      assert.deepEqual(statements, []);
      assert.equal((list['emptyReason'] as { coding: { code: string }[] }).coding[0]!.code, 'no-content-recorded');
    });
  });
}
