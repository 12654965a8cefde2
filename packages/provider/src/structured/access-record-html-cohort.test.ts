import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EXTENSIONS } from '@gpconnect/fhir';
import { NATIONAL_ROSTER } from '@gpconnect/testdata';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { bundleEntries, expectOperationOutcome, expectResource, startProvider, type ProviderUnderTest } from '../test-support.ts';

type Json = Record<string, unknown>;

/** Every area of the record, ended allergies included (structured.md §2). */
const everyArea = (nhsNumber: string) => ({
  resourceType: 'Parameters',
  parameter: [
    { name: 'patientNHSNumber', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber } },
    { name: 'includeAllergies', part: [{ name: 'includeResolvedAllergies', valueBoolean: true }] },
    ...['includeMedication', 'includeConsultations', 'includeProblems', 'includeImmunisations', 'includeUncategorisedData', 'includeInvestigations', 'includeReferrals', 'includeDiaryEntries'].map((name) => ({ name })),
  ],
});
const nhsNumberOf = (key: string) => NATIONAL_ROSTER.accessRecordHtmlPatients.people.find((p) => p.key === key)!.nhsNumber;

for (const backend of testStoreBackends()) {
  describe(`the Access Record HTML cohort's records through $gpc.getstructuredrecord, every response validated against the profiles (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    /**
     * The patient's stored items the structured record must hold: every one that is not confidential,
     * a completed diary entry as its comment note (structured.md §5.3).
     */
    async function storedItems(patientId: string): Promise<{ shared: string[]; confidential: string[] }> {
      const rows = await provider.store.db.selectFrom('clinical_item').select(['id', 'resource_type', 'confidential', 'area', 'status']).where('patient_id', '=', patientId).orderBy('id').execute();
      const named = (r: { id: string; resource_type: string; area: string; status: string | null }) =>
        r.area === 'diaryEntries' && r.status === 'completed' ? `Observation/${r.id}-comment-note` : `${r.resource_type}/${r.id}`;
      return { shared: rows.filter((r) => !r.confidential).map(named), confidential: rows.filter((r) => r.confidential).map(named) };
    }
    /** What the Bundle holds, ended allergies (contained in their List) included. */
    const served = (bundle: Json) =>
      bundleEntries(bundle as { entry: { resource: Json }[] }).flatMap((r) => [r, ...((r['contained'] as Json[] | undefined) ?? [])]).map((r) => `${r['resourceType'] as string}/${r['id'] as string}`);

    for (const key of ['patient1', 'patient2', 'patient3', 'patient4', 'patient5', 'patient6', 'patient7', 'patient8', 'patient12', 'patient13']) {
      const patientId = key.replace('patient', 'html-');
      test(`${patientId}: the whole record, every stored item that is not confidential, and nothing confidential`, async () => {
        const bundle = expectResource(await provider.send('getStructuredRecord', { body: everyArea(nhsNumberOf(key)) }), 'Bundle');
        const { shared, confidential } = await storedItems(patientId);
        const ids = served(bundle);
        assert.deepEqual(shared.filter((item) => !ids.includes(item)), [], 'every shared item is returned');
        assert.deepEqual(confidential.filter((item) => ids.includes(item)), [], 'confidential items are withheld');
        if (patientId === 'html-1') assert.deepEqual(shared, []);
        if (patientId === 'html-2') assert.deepEqual(confidential, ['ReferralRequest/html-2-referral-2']);
      });
    }

    test('html-13: every List says the record is in transit since the registration at the practice', async () => {
      const bundle = expectResource(await provider.send('getStructuredRecord', { body: everyArea(nhsNumberOf('patient13')) }), 'Bundle');
      const registered = (await provider.store.db.selectFrom('patient').select('registration_start').where('id', '=', 'html-13').executeTakeFirstOrThrow()).registration_start!;
      const [year, , day] = registered.split('-');
      const lists = bundleEntries(bundle as { entry: { resource: Json }[] }).filter((r) => r['resourceType'] === 'List' && r['encounter'] === undefined);
      assert.ok(lists.length >= 9);
      for (const list of lists) {
        const warnings = ((list['extension'] as Json[] | undefined) ?? []).filter((e) => e['url'] === EXTENSIONS.listWarningCode).map((e) => e['valueCode']);
        assert.ok(warnings.includes('data-in-transit'), list['title'] as string);
        assert.match(JSON.stringify(list['note']), new RegExp(`before ${day}-[A-Z][a-z]{2}-${year}`), `${list['title'] as string} quotes ${registered}`);
      }
    });

    test('the sensitive (html-9, html-10), the superseded (html-11), the recently deceased (html-18) and the dissenting (html-15) are not shared', async () => {
      for (const key of ['patient9', 'patient10', 'patient11', 'patient18']) expectOperationOutcome(await provider.send('getStructuredRecord', { body: everyArea(nhsNumberOf(key)) }), 'PATIENT_NOT_FOUND');
      expectOperationOutcome(await provider.send('getStructuredRecord', { body: everyArea(nhsNumberOf('patient15')) }), 'NO_PATIENT_CONSENT');
    });
  });
}
