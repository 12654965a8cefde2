import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setStructuredAreasDisabled } from '@gpconnect/store';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { TEST_CONSUMER } from '../testing/consumer-request.ts';
import { bundleEntries, expectResource, PRACTICE, startProvider, type ProviderUnderTest } from '../test-support.ts';
import { linksDocuments } from './linked-documents.ts';

type Json = Record<string, unknown>;

const SKELLY = '9690937286';
const nhs = (value: string) => ({ name: 'patientNHSNumber', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value } });
const parameters = (...parameter: Json[]) => ({ resourceType: 'Parameters', parameter });
const DOCUMENTS_ROOT = `http://localhost:80/${PRACTICE.ods}/STU3/1/gpconnect/documents`;

const attachment = (document: Json | undefined) => (document?.['content'] as { attachment: Json }[] | undefined)?.[0]?.attachment;
const listTitled = (resources: Json[], title: string) => resources.find((r) => r['resourceType'] === 'List' && r['title'] === title);
const entriesOf = (list: Json | undefined) => ((list?.['entry'] as { item: { reference?: string; display?: string } }[] | undefined) ?? []).map((e) => e.item.reference ?? e.item.display);

test('a record links documents when a problem, a consultation structure or a referral names one, and only then', () => {
  const naming = '{"resourceType":"X","supportingInfo":[{"reference":"DocumentReference/d1"}]}';
  const other = { resource_type: 'Observation', resource: '{"resourceType":"Observation","id":"o1"}' };
  for (const resourceType of ['Condition', 'List', 'ReferralRequest']) {
    assert.equal(linksDocuments([other, { resource_type: resourceType, resource: naming }]), true, resourceType);
    assert.equal(linksDocuments([other, { resource_type: resourceType, resource: '{"resourceType":"X","note":"DocumentReference/d1"}' }]), false, `${resourceType} naming none`);
  }
  // Nothing else is followed to documents, so a reference elsewhere fetches none.
  assert.equal(linksDocuments([{ resource_type: 'Observation', resource: naming }]), false);
});

for (const backend of testStoreBackends()) {
  describe(`structured.md §5.10 documents inside structured records (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    const record = async (...areas: Json[]) => bundleEntries(expectResource(await provider.send('getStructuredRecord', { body: parameters(nhs(SKELLY), ...areas) }), 'Bundle') as { entry: { resource: Json }[] });
    const byId = (resources: Json[], id: string) => resources.find((r) => r['id'] === id);

    test('a problem brings the letter linked to it: metadata only, its attachment the Binary on the Access Document root', async () => {
      const resources = await record({ name: 'includeProblems' });
      const letter = byId(resources, '2-document-2');
      assert.equal(letter?.['resourceType'], 'DocumentReference');
      assert.deepEqual(attachment(letter), { contentType: 'text/plain', size: attachment(letter)!['size'], url: `${DOCUMENTS_ROOT}/Binary/2-binary-2` });
      assert.ok((attachment(letter)!['size'] as number) > 0);
      assert.deepEqual(entriesOf(listTitled(resources, 'Problems - documents related to problems')), ['DocumentReference/2-document-2']);
      // Documents nothing links to stay out; so do Binaries.
      assert.equal(byId(resources, '2-document-1'), undefined);
      assert.equal(resources.some((r) => r['resourceType'] === 'Binary'), false);
    });

    test('a referral brings its letter; a confidential letter is dropped from its referral without trace', async () => {
      const resources = await record({ name: 'includeReferrals' });
      const physio = byId(resources, '2-referral-1');
      assert.deepEqual(physio?.['supportingInfo'], [{ reference: 'DocumentReference/2-document-5' }]);
      assert.equal(attachment(byId(resources, '2-document-5'))?.['url'], `${DOCUMENTS_ROOT}/Binary/2-binary-5`);
      assert.equal(byId(resources, '2-referral-2')?.['supportingInfo'], undefined);
      assert.equal(JSON.stringify(resources).includes('2-document-4'), false);
    });

    test('documents switched off at the practice: placeholders where the links were, and the DocumentReferences warning', async () => {
      await setStructuredAreasDisabled(provider.store.db, PRACTICE.ods, ['documents']);
      try {
        const resources = await record({ name: 'includeReferrals' }, { name: 'includeProblems' });
        assert.equal(resources.some((r) => r['resourceType'] === 'DocumentReference'), false);
        assert.deepEqual(byId(resources, '2-referral-1')?.['supportingInfo'], [{ display: 'Document items have been disabled' }]);
        const related = (byId(resources, '2-problem-1')?.['extension'] as Json[]).map((e) => (e['valueReference'] as Json | undefined)?.['display']).filter(Boolean);
        assert.deepEqual(related, ['Document items have been disabled']);
        const outcome = resources.find((r) => r['resourceType'] === 'OperationOutcome');
        assert.deepEqual((outcome?.['issue'] as Json[]).map((i) => i['diagnostics']), ['DocumentReferences']);
      } finally {
        await setStructuredAreasDisabled(provider.store.db, PRACTICE.ods, []);
      }
    });

    describe('a migration', () => {
      const reRegister = (nhsNumber: string, ods: string) => provider.store.db.updateTable('pds_person').set({ gp_ods: ods }).where('nhs_number', '=', nhsNumber).execute();
      const migrate = async (nhsNumber: string, sensitive: boolean) => {
        const body = parameters(nhs(nhsNumber), { name: 'includeFullRecord', part: [{ name: 'includeSensitiveInformation', valueBoolean: sensitive }] });
        const response = await provider.send('migrateStructuredRecord', { body, ...(sensitive ? { claims: { requested_scope: 'patient/*.read conf/R' } } : {}) });
        return bundleEntries(expectResource(response, 'Bundle') as { entry: { resource: Json }[] });
      };
      before(async () => {
        await reRegister(SKELLY, TEST_CONSUMER.organisation.odsCode);
        await reRegister('9690937308', TEST_CONSUMER.organisation.odsCode);
      });
      after(async () => {
        await reRegister(SKELLY, PRACTICE.ods);
        await reRegister('9690937308', PRACTICE.ods);
      });

      test('carries every document, linked or not; the confidential one only with sensitive information, labelled NOPAT', async () => {
        const documents = (resources: Json[]) => resources.filter((r) => r['resourceType'] === 'DocumentReference').map((r) => r['id']).sort();
        assert.deepEqual(documents(await migrate(SKELLY, false)), ['2-document-1', '2-document-2', '2-document-3', '2-document-5']);
        const disclosed = await migrate(SKELLY, true);
        assert.deepEqual(documents(disclosed), ['2-document-1', '2-document-2', '2-document-3', '2-document-4', '2-document-5']);
        assert.deepEqual(((byId(disclosed, '2-document-4')?.['meta'] as Json)['security'] as Json[])[0]?.['code'], 'NOPAT');
        // A document's authoring organisation travels with it.
        const hospital = (byId(disclosed, '2-document-1')?.['author'] as { reference: string }[])[0]!.reference;
        assert.ok(disclosed.some((r) => `Organization/${r['id'] as string}` === hospital), `${hospital} is in the Bundle`);
      });

      test('a file over 5 MB keeps its Binary URL: Migrate a document has no size limit', async () => {
        const resources = await migrate('9690937308', false);
        const photo = resources.find((r) => r['resourceType'] === 'DocumentReference');
        assert.equal(attachment(photo)?.['url'], `${DOCUMENTS_ROOT}/Binary/4-binary-1`);
        assert.equal(attachment(photo)?.['title'], undefined);
      });
    });
  });
}
