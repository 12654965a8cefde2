import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { buildPds, PDS_BASE_PATH } from '@gpconnect/spine';
import { openStore } from '@gpconnect/store';
import { GENERATED_FIXTURE, generateRecords } from '@gpconnect/testdata';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { bundleEntries, expectResource, startProvider, TODAY, NOW, type ProviderUnderTest } from '../../../provider/src/test-support.ts';
import { runCli } from '../test-support.ts';

type Json = Record<string, unknown>;

/** Every area but problems and consultations, as a consumer asks for them (the parts they exclude included). */
const EVERY_AREA = [
  { name: 'includeAllergies', part: [{ name: 'includeResolvedAllergies', valueBoolean: true }] },
  { name: 'includeMedication' },
  { name: 'includeImmunisations', part: [{ name: 'includeNotGiven', valueBoolean: true }] },
  { name: 'includeUncategorisedData' },
  { name: 'includeInvestigations' },
  { name: 'includeReferrals' },
  { name: 'includeDiaryEntries' },
];
/** The item each area's List is made of. */
const LISTED: Record<string, string> = {
  allergies: 'AllergyIntolerance',
  medications: 'MedicationStatement',
  immunisations: 'Immunization',
  uncategorised: 'Observation',
  investigations: 'DiagnosticReport',
  referrals: 'ReferralRequest',
  diaryEntries: 'ProcedureRequest',
};

for (const backend of testStoreBackends()) {
  describe(`a generated patient's structured record through $gpc.getstructuredrecord (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
      await generateRecords(provider.store.db, { patients: 4, items: 300, seed: 11, today: TODAY, now: NOW });
    });
    after(async () => provider.close());

    test('every served area lists exactly the patient\'s items that are not confidential, and every response conforms', async () => {
      const patients = await provider.store.db.selectFrom('patient').select(['id', 'nhs_number']).where('fixture', '=', GENERATED_FIXTURE).orderBy('id').execute();
      assert.equal(patients.length, 4);
      for (const patient of patients) {
        const body = { resourceType: 'Parameters', parameter: [{ name: 'patientNHSNumber', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: patient.nhs_number } }, ...EVERY_AREA] };
        const bundle = expectResource(await provider.send('getStructuredRecord', { body }), 'Bundle');
        const resources = bundleEntries(bundle as { entry: { resource: Json }[] });
        assert.equal(resources[0]!['id'], patient.id);
        // The related-problems List (§6.3) names problems, which this test does not ask for.
        const primaryLists = resources.filter((r) => r['resourceType'] === 'List' && !String(r['title']).startsWith('Problems - '));
        const listed = new Set(primaryLists.flatMap((l) => ((l['entry'] as { item: { reference: string } }[] | undefined) ?? []).map((e) => e.item.reference)));
        const items = await provider.store.db.selectFrom('clinical_item').select(['id', 'area', 'resource_type', 'confidential']).where('patient_id', '=', patient.id).execute();
        const expected = items.filter((i) => LISTED[i.area] === i.resource_type && !i.confidential && !(i.area === 'investigations' && i.resource_type !== 'DiagnosticReport')).map((i) => `${i.resource_type}/${i.id}`);
        const listedItems = [...listed].filter((reference) => !reference.startsWith('List/'));
        assert.deepEqual(listedItems.sort(), expected.sort(), `${patient.id}'s Lists`);
      }
    });

    test('problems and consultations: exactly the patient\'s non-confidential ones, every reference in the Bundle resolving', async () => {
      const patients = await provider.store.db.selectFrom('patient').select(['id', 'nhs_number']).where('fixture', '=', GENERATED_FIXTURE).orderBy('id').execute();
      let linked = 0;
      for (const patient of patients) {
        const body = { resourceType: 'Parameters', parameter: [{ name: 'patientNHSNumber', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: patient.nhs_number } }, { name: 'includeProblems' }, { name: 'includeConsultations' }] };
        const resources = bundleEntries(expectResource(await provider.send('getStructuredRecord', { body }), 'Bundle') as { entry: { resource: Json }[] });
        const present = new Set(resources.map((r) => `${r['resourceType'] as string}/${r['id'] as string}`));
        const primary = (title: string) => ((resources.find((r) => r['title'] === title)!['entry'] as { item: { reference: string } }[] | undefined) ?? []).map((e) => e.item.reference).sort();
        const items = await provider.store.db.selectFrom('clinical_item').select(['id', 'resource_type', 'confidential']).where('patient_id', '=', patient.id).where('confidential', '=', false).execute();
        const ofType = (type: string) => items.filter((i) => i.resource_type === type).map((i) => `${type}/${i.id}`).sort();
        assert.deepEqual(primary('Problems'), ofType('Condition'), `${patient.id}'s problems`);
        assert.deepEqual(primary('List of consultations'), ofType('Encounter'), `${patient.id}'s consultations`);
        for (const list of resources.filter((r) => r['resourceType'] === 'List')) {
          for (const entry of (list['entry'] as { item: { reference?: string } }[] | undefined) ?? []) {
            if (entry.item.reference) assert.ok(present.has(entry.item.reference), `${entry.item.reference} of ${String(list['title'])} is in the Bundle`);
          }
        }
        linked += resources.filter((r) => typeof r['title'] === 'string' && (r['title'] as string).startsWith('Problems - ')).length;
      }
      assert.ok(linked > 0, 'generated problems link to items of other areas');
    });

    test('PDS traces each generated patient, by NHS number and by demographics, to the practice', async () => {
      const pds = await buildPds({ db: provider.store.db });
      try {
        const get = (path: string) => pds.inject({ method: 'GET', url: `${PDS_BASE_PATH}/${path}`, headers: { 'x-request-id': randomUUID() } });
        for (const row of await provider.store.db.selectFrom('patient').select(['nhs_number', 'resource']).where('fixture', '=', GENERATED_FIXTURE).execute()) {
          const patient = JSON.parse(row.resource) as { name: { family: string; given: string[] }[]; birthDate: string; gender: string };
          const read = (await get(`Patient/${row.nhs_number}`)).json() as { name: { family: string }[]; birthDate: string; generalPractitioner: { identifier: { value: string } }[] };
          assert.deepEqual([read.name[0]!.family, read.birthDate, read.generalPractitioner[0]!.identifier.value], [patient.name[0]!.family, patient.birthDate, 'B82617']);
          const found = (await get(`Patient?family=${patient.name[0]!.family}&given=${patient.name[0]!.given[0]}&gender=${patient.gender}&birthdate=eq${patient.birthDate}`)).json() as { entry?: { resource: { id: string } }[] };
          assert.ok(found.entry?.some((e) => e.resource.id === row.nhs_number), `found ${row.nhs_number} by demographics`);
        }
      } finally {
        await pds.close();
      }
    });
  });
}

describe('gpconnect testdata generate (the command, on the embedded store)', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gpconnect-generate-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('seeds the roster into an empty store, generates, prints the rate and shows progress on stderr', async () => {
    const env = { GPCONNECT_DATA_DIR: dataDir };
    const result = await runCli(['testdata', 'generate', '--patients', '3', '--items', '25', '--seed', '4'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Generated 3 patients with 75 record items and \d+ documents \([\d.]+ MB\) at B82617 in [\d.]+ s: \d+ patients\/s, \d+ items\/s\n$/);
    assert.match(result.stderr, /\[#{30}\] 3\/3 patients/);
    const again = await runCli(['testdata', 'generate', '--patients', '2', '--items', '10', '--seed', '4', '--no-documents'], env);
    assert.match(again.stdout, /Generated 2 patients with 20 record items at B82617 \(replacing 3\)/);
    const refused = await runCli(['testdata', 'generate', '--items', '5'], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /must be a whole number from 10 to 3000/);
    const negative = await runCli(['testdata', 'generate', '--large-documents', '-1'], env);
    assert.match(negative.stderr, /must be a whole number of at least 0/);
    const store = await openStore({ dataDir: join(dataDir, 'pglite') });
    try {
      const rows = await store.db.selectFrom('clinical_item').select('id').where('fixture', '=', GENERATED_FIXTURE).execute();
      assert.equal(rows.length, 20);
      assert.deepEqual(await store.db.selectFrom('document').select('id').where('fixture', '=', GENERATED_FIXTURE).execute(), []);
    } finally {
      await store.close();
    }
  });
});
