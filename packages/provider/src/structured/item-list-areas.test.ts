import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EXTENSIONS } from '@gpconnect/fhir';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { bundleEntries, expectResource, NOW, PRACTICE, startProvider, TODAY, type ProviderUnderTest } from '../test-support.ts';
import { immunisationStatusItem } from '../../../testdata/src/plan-immunisations.ts';
import { clinicalItemRow } from '../../../testdata/src/record-item.ts';

type Json = Record<string, unknown>;

const daysBefore = (days: number) => new Date(Date.parse(`${TODAY}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
const request = (nhsNumber: string, period?: { start?: string; end?: string }) => ({
  resourceType: 'Parameters',
  parameter: [
    { name: 'patientNHSNumber', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber } },
    period ? { name: 'includeUncategorisedData', part: [{ name: 'uncategorisedDataSearchPeriod', valuePeriod: period }] } : { name: 'includeUncategorisedData' },
  ],
});

for (const backend of testStoreBackends()) {
  describe(`structured.md §5.6 uncategorised data, for the roster's patients (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    async function record(nhsNumber: string, period?: { start?: string; end?: string }) {
      const bundle = expectResource(await provider.send('getStructuredRecord', { body: request(nhsNumber, period) }), 'Bundle');
      const resources = bundleEntries(bundle as { entry: { resource: Json }[] });
      return { list: resources.find((r) => r['resourceType'] === 'List')!, observations: resources.filter((r) => r['resourceType'] === 'Observation') };
    }
    const name = (o: Json) => (o['code'] as { coding: { display: string }[] }).coding[0]!.display;

    test('patient2: observations oldest first, the blood pressure with its two components, the confidential one withheld', async () => {
      const { list, observations } = await record('9690937286');
      assert.equal(list['title'], 'Uncategorised data');
      assert.deepEqual(observations.map(name), ['Temperature', 'Respiratory rate', 'Body mass index', 'On examination - blood pressure reading']);
      const bp = observations[3]!;
      assert.deepEqual((bp['component'] as { code: { coding: { display: string }[] }; valueQuantity: { value: number; code: string } }[]).map((c) => [c.code.coding[0]!.display, c.valueQuantity.value, c.valueQuantity.code]), [
        ['Systolic arterial pressure', 138, 'mm[Hg]'],
        ['Diastolic arterial pressure', 86, 'mm[Hg]'],
      ]);
      assert.deepEqual(((list['extension'] as Json[] | undefined) ?? []).filter((e) => e['url'] === EXTENSIONS.listWarningCode).map((e) => e['valueCode']), ['confidential-items']);
    });

    test('the search period keeps observations made within it, both ends inclusive', async () => {
      assert.deepEqual((await record('9690937286', { start: daysBefore(400), end: daysBefore(200) })).observations.map(name), ['Respiratory rate', 'Body mass index']);
      assert.deepEqual((await record('9690937286', { start: daysBefore(100) })).observations.map(name), ['On examination - blood pressure reading']);
      const none = await record('9690937286', { end: daysBefore(1000) });
      assert.deepEqual(none.observations, []);
      assert.ok(none.list['emptyReason']);
    });
  });
}

for (const backend of testStoreBackends()) {
  describe(`structured.md §5.5 immunisations, for the roster's patients (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    const immunisations = async (nhsNumber: string, includeNotGiven?: boolean) => {
      const body = {
        resourceType: 'Parameters',
        parameter: [
          { name: 'patientNHSNumber', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber } },
          includeNotGiven === undefined ? { name: 'includeImmunisations' } : { name: 'includeImmunisations', part: [{ name: 'includeNotGiven', valueBoolean: includeNotGiven }] },
        ],
      };
      const resources = bundleEntries(expectResource(await provider.send('getStructuredRecord', { body }), 'Bundle') as { entry: { resource: Json }[] });
      return { list: resources.find((r) => r['resourceType'] === 'List')!, given: resources.filter((r) => r['resourceType'] === 'Immunization').map((r) => r['notGiven']) };
    };

    test('doses given by default; declined doses only with includeNotGiven', async () => {
      assert.deepEqual((await immunisations('9690937294')).given, [false]);
      assert.deepEqual((await immunisations('9690937294', true)).given, [false, true]);
      const patient2 = await immunisations('9690937286');
      assert.equal(patient2.list['title'], 'Immunisations');
      assert.deepEqual(patient2.given, [false]);
      assert.ok((await immunisations('9690937278')).list['emptyReason'], 'patient1 has none: an empty List saying so');
    });

    describe('includeStatus: the consent and dissent records filed with immunisations (§5.5)', () => {
      const consent = immunisationStatusItem('3-immunisation-status-1', '3', '1', { recorded: daysBefore(910), text: 'Consent given for hepatitis A vaccination' });
      const dissent = immunisationStatusItem('3-immunisation-status-2', '3', '1', { recorded: daysBefore(710), text: 'Declined hepatitis A vaccination', ended: daysBefore(400) });
      before(async () => {
        const row = { practice_ods: PRACTICE.ods, version: 1, last_updated: NOW, fixture: 'test' };
        await provider.store.db.insertInto('clinical_item').values([consent, dissent].map((item) => clinicalItemRow(row, '3', item))).execute();
      });
      const statusOf = (resources: Json[]) => resources.filter((r) => r['resourceType'] === 'Observation').map((o) => [(o['code'] as { text: string }).text, o['effectiveDateTime'] ?? o['effectivePeriod']]);
      const send = async (part: Json | undefined, area = 'includeImmunisations') => {
        const body = {
          resourceType: 'Parameters',
          parameter: [{ name: 'patientNHSNumber', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9690937294' } }, part ? { name: area, part: [part] } : { name: area }],
        };
        return bundleEntries(expectResource(await provider.send('getStructuredRecord', { body }), 'Bundle') as { entry: { resource: Json }[] });
      };

      test('returned by default and with includeStatus true, listed in the Immunisations List, the ended dissent with its period', async () => {
        for (const part of [undefined, { name: 'includeStatus', valueBoolean: true }]) {
          const resources = await send(part);
          assert.deepEqual(statusOf(resources), [
            ['Consent given for hepatitis A vaccination', daysBefore(910)],
            ['Declined hepatitis A vaccination', { start: daysBefore(710), end: daysBefore(400) }],
          ]);
          const coding = (resources.find((r) => r['resourceType'] === 'Observation')!['code'] as { coding: Json[] }).coding;
          assert.deepEqual(coding, [{ system: 'http://snomed.info/sct', code: '196411000000103', display: 'Transfer-degraded record entry' }]);
          const list = resources.find((r) => r['resourceType'] === 'List')!;
          assert.deepEqual((list['entry'] as { item: { reference: string } }[]).map((e) => e.item.reference), ['Observation/3-immunisation-status-1', 'Immunization/3-immunisation-1', 'Observation/3-immunisation-status-2']);
        }
      });

      test('includeStatus false: the Immunization resources alone', async () => {
        const resources = await send({ name: 'includeStatus', valueBoolean: false });
        assert.deepEqual(statusOf(resources), []);
        assert.deepEqual((resources.find((r) => r['resourceType'] === 'List')!['entry'] as unknown[]).length, 1);
      });

      test('never returned as uncategorised data', async () => {
        const texts = (await send(undefined, 'includeUncategorisedData')).filter((r) => r['resourceType'] === 'Observation').map((o) => (o['code'] as { text?: string }).text);
        assert.ok(texts.length > 0);
        assert.deepEqual(texts.filter((t) => t !== undefined && /hepatitis A/.test(t)), []);
      });
    });
  });
}

for (const backend of testStoreBackends()) {
  describe(`structured.md §5.8-§5.9 referrals and diary entries, for the roster's patients (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    const area = async (nhsNumber: string, name: string, part?: Json) => {
      const body = {
        resourceType: 'Parameters',
        parameter: [{ name: 'patientNHSNumber', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber } }, part ? { name, part: [part] } : { name }],
      };
      const resources = bundleEntries(expectResource(await provider.send('getStructuredRecord', { body }), 'Bundle') as { entry: { resource: Json }[] });
      return { list: resources.find((r) => r['resourceType'] === 'List')!, items: resources.filter((r) => r['resourceType'] === 'ReferralRequest' || r['resourceType'] === 'ProcedureRequest') };
    };
    const reason = (r: Json) => (r['reasonCode'] as { coding: { display: string }[] }[])[0]!.coding[0]!.display;
    const daysFrom = (days: number) => new Date(Date.parse(`${TODAY}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

    test('referrals: all, or those made within the period; the confidential one withheld', async () => {
      const all = await area('9690937294', 'includeReferrals');
      assert.equal(all.list['title'], 'Outbound referral');
      assert.deepEqual(all.items.map(reason), ['Referral to physiotherapist', 'Referral to counselor']);
      assert.deepEqual((await area('9690937294', 'includeReferrals', { name: 'referralSearchPeriod', valuePeriod: { start: daysFrom(-200) } })).items.map(reason), ['Referral to counselor']);
      const withheld = await area('9690938118', 'includeReferrals');
      assert.deepEqual(withheld.items.map(reason), ['Referral to physiotherapist']);
      assert.deepEqual(((withheld.list['extension'] as Json[] | undefined) ?? []).map((e) => e['valueCode']), ['confidential-items']);
    });

    test('diary entries: every open recall, or those due on or before the search date', async () => {
      const all = await area('9690937294', 'includeDiaryEntries');
      assert.equal(all.list['title'], 'Patient recall administration');
      assert.deepEqual(all.items.map((r) => r['occurrenceDateTime']), [daysFrom(30), daysFrom(2000)]);
      assert.deepEqual((await area('9690937294', 'includeDiaryEntries', { name: 'diaryEntriesSearchDate', valueDate: daysFrom(100) })).items.map((r) => r['occurrenceDateTime']), [daysFrom(30)]);
      assert.deepEqual((await area('9690937286', 'includeDiaryEntries')).items.length, 1, 'patient2 has a recall within ten years');
    });
  });
}

for (const backend of testStoreBackends()) {
  describe(`structured.md §5.7 investigations, for the roster's patients (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    const investigations = async (nhsNumber: string, period?: { start?: string; end?: string }) => {
      const body = {
        resourceType: 'Parameters',
        parameter: [
          { name: 'patientNHSNumber', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber } },
          period ? { name: 'includeInvestigations', part: [{ name: 'investigationSearchPeriod', valuePeriod: period }] } : { name: 'includeInvestigations' },
        ],
      };
      return bundleEntries(expectResource(await provider.send('getStructuredRecord', { body }), 'Bundle') as { entry: { resource: Json }[] });
    };
    const daysFrom = (days: number) => new Date(Date.parse(`${TODAY}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

    test('a report with its test request, specimen, test group, results with reference ranges and filing comment', async () => {
      const resources = await investigations('9690937294');
      const list = resources.find((r) => r['resourceType'] === 'List')!;
      assert.equal(list['title'], 'Investigations and results');
      const counts = resources.reduce<Record<string, number>>((c, r) => ({ ...c, [r['resourceType'] as string]: (c[r['resourceType'] as string] ?? 0) + 1 }), {});
      assert.deepEqual([counts['DiagnosticReport'], counts['ProcedureRequest'], counts['Specimen'], counts['Observation']], [1, 1, 1, 6], 'group, four results and the filing comment');
      const haemoglobin = resources.find((r) => (r['code'] as { coding?: { display?: string }[] } | undefined)?.coding?.[0]?.display === 'Haemoglobin estimation')!;
      assert.deepEqual([(haemoglobin['valueQuantity'] as { value: number; unit: string }).value, (haemoglobin['valueQuantity'] as { unit: string }).unit, (haemoglobin['interpretation'] as { text: string }).text], [109, 'g/L', 'Abnormal']);
      assert.ok(resources.some((r) => r['comment'] === 'Low haemoglobin - repeat in 3 months'));
    });

    test('the search period applies to when the report was issued', async () => {
      assert.equal((await investigations('9690937294', { start: daysFrom(-365) })).filter((r) => r['resourceType'] === 'DiagnosticReport').length, 0);
      assert.equal((await investigations('9690937286', { start: daysFrom(-365) })).filter((r) => r['resourceType'] === 'DiagnosticReport').length, 1);
    });
  });
}
