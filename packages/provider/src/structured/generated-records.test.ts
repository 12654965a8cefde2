import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GENERATED_FIXTURE, generateRecords } from '@gpconnect/testdata';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { bundleEntries, expectResource, NOW, startProvider, TODAY, type ProviderUnderTest } from '../test-support.ts';
import { TEST_CONSUMER } from '../testing/consumer-request.ts';

/**
 * Access Record Structured over the generator's patients: the free text typed into consultations
 * (Observation narrative, §5.3) and the consent records filed with immunisations (`includeStatus`,
 * §5.5) reach a consumer where the specification puts them, and nowhere else. Every response is also
 * checked against the official profiles by the harness.
 */

type Json = Record<string, unknown>;

const COMMENT_NOTE = '37331000000100';
const TRANSFER_DEGRADED = '196411000000103';
const codeOf = (resource: Json) => ((resource['code'] as { coding?: { code?: string }[] } | undefined)?.coding ?? [])[0]?.code;
const keyOf = (resource: Json) => `${resource['resourceType'] as string}/${resource['id'] as string}`;
const entriesOf = (list: Json) => ((list['entry'] as { item: { reference?: string } }[] | undefined) ?? []).map((e) => e.item.reference);
const isList = (resource: Json, code?: string) => resource['resourceType'] === 'List' && (code === undefined || codeOf(resource) === code);
const HEADING = '24781000000107';

for (const backend of testStoreBackends()) {
  describe(`structured records of generated patients (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    let nhsNumbers: string[];
    before(async () => {
      provider = await startProvider(backend);
      await generateRecords(provider.store.db, { patients: 10, items: 150, seed: 5, today: TODAY, now: NOW, documents: false });
      nhsNumbers = (await provider.store.db.selectFrom('patient').select('nhs_number').where('fixture', '=', GENERATED_FIXTURE).orderBy('id').execute()).map((p) => p.nhs_number);
    });
    after(async () => provider.close());

    const record = async (nhsNumber: string, ...areas: Json[]) => {
      const body = { resourceType: 'Parameters', parameter: [{ name: 'patientNHSNumber', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber } }, ...areas] };
      return bundleEntries(expectResource(await provider.send('getStructuredRecord', { body }), 'Bundle') as { entry: { resource: Json }[] });
    };

    test('a consultation\'s free text comes with it: named by its heading, in the consultation\'s context, in no secondary List', async () => {
      let narratives = 0;
      for (const nhsNumber of nhsNumbers) {
        const resources = await record(nhsNumber, { name: 'includeConsultations' });
        const encounters = new Set(resources.filter((r) => r['resourceType'] === 'Encounter').map(keyOf));
        const headed = new Set(resources.filter((r) => isList(r, HEADING)).flatMap(entriesOf));
        const secondary = new Set(resources.filter((r) => isList(r) && String(r['title']).startsWith('Consultations - ')).flatMap(entriesOf));
        for (const note of resources.filter((r) => r['resourceType'] === 'Observation' && codeOf(r) === COMMENT_NOTE)) {
          narratives += 1;
          assert.ok(headed.has(keyOf(note)), `${keyOf(note)} is under a heading`);
          assert.ok(!secondary.has(keyOf(note)), `${keyOf(note)} is in no secondary List`);
          assert.ok(encounters.has((note['context'] as { reference: string }).reference), `${keyOf(note)}'s consultation is returned`);
          assert.match(note['comment'] as string, /for a few days/);
        }
      }
      assert.ok(narratives > 0, 'some consultation has free text');
    });

    test('consent records are immunisation data: returned with includeStatus (the default), never as uncategorised data', async () => {
      let consents = 0;
      for (const nhsNumber of nhsNumbers) {
        const status = (resources: Json[]) => resources.filter((r) => r['resourceType'] === 'Observation' && codeOf(r) === TRANSFER_DEGRADED);
        const withStatus = status(await record(nhsNumber, { name: 'includeImmunisations' }));
        consents += withStatus.length;
        for (const observation of withStatus) assert.match((observation['code'] as { text: string }).text, /hepatitis A/);
        assert.deepEqual(status(await record(nhsNumber, { name: 'includeImmunisations', part: [{ name: 'includeStatus', valueBoolean: false }] })), []);
        const uncategorised = (await record(nhsNumber, { name: 'includeUncategorisedData' })).filter((r) => r['resourceType'] === 'Observation');
        assert.deepEqual(uncategorised.filter((r) => codeOf(r) === TRANSFER_DEGRADED || codeOf(r) === COMMENT_NOTE).map(keyOf), []);
      }
      assert.ok(consents > 0, 'some patient has a consent record');
    });

    test('a migration carries the free text and the consent records too', async () => {
      // Only the practice PDS names may migrate: the patients have moved to the requesting one.
      await provider.store.db.updateTable('pds_person').set({ gp_ods: TEST_CONSUMER.organisation.odsCode }).where('nhs_number', 'in', nhsNumbers).execute();
      const migrated = await Promise.all(
        nhsNumbers.map(async (nhsNumber) => {
          const body = { resourceType: 'Parameters', parameter: [{ name: 'patientNHSNumber', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber } }, { name: 'includeFullRecord', part: [{ name: 'includeSensitiveInformation', valueBoolean: false }] }] };
          return bundleEntries(expectResource(await provider.send('migrateStructuredRecord', { body }), 'Bundle') as { entry: { resource: Json }[] });
        }),
      );
      const codes = migrated.flat().filter((r) => r['resourceType'] === 'Observation').map(codeOf);
      assert.ok(codes.includes(COMMENT_NOTE) && codes.includes(TRANSFER_DEGRADED));
    });
  });
}
