import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { IDENTIFIER_SYSTEMS } from '@gpconnect/fhir';
import { readDocumentContent, type DocumentRow } from '@gpconnect/store';
import { GENERATED_FIXTURE, generateRecords } from '@gpconnect/testdata';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { bundleEntries, expectOperationOutcome, expectResource, NOW, PRACTICE, startProvider, TODAY, type ProviderUnderTest } from '../test-support.ts';
import { MANDATORY_INCLUDES, MANDATORY_REVINCLUDE } from './search-parameters.ts';
import { RETRIEVE_LIMIT_BYTES, TOO_LARGE_TITLE } from './served-document-reference.ts';

/**
 * Access Document over the generator's patients (`gpconnect testdata generate`): each is found,
 * their documents searched and retrieved as a consumer would, the file over 5 MB as its placeholder,
 * and a referral's letter reached from the structured record (structured.md §5.10).
 */

type Json = Record<string, unknown>;

const BASE = `http://localhost:80/${PRACTICE.ods}/STU3/1/gpconnect/documents`;
const MANDATORY = [...MANDATORY_INCLUDES.map((i) => `_include=${encodeURIComponent(i)}`), `_revinclude%3Arecurse=${encodeURIComponent(MANDATORY_REVINCLUDE)}`];
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const attachmentOf = (reference: Json) => (reference['content'] as { attachment: Json }[])[0]!.attachment;
/** Newest first by created, or indexed where there is no created date (documents.md §3), then by id. */
const when = (row: DocumentRow) => (row.created_at ?? row.indexed_at).getTime();

for (const backend of testStoreBackends()) {
  describe(`Access Document for generated patients (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    let patients: { id: string; nhs_number: string }[];
    let documents: DocumentRow[];
    before(async () => {
      provider = await startProvider(backend);
      await generateRecords(provider.store.db, { patients: 8, items: 80, seed: 18, today: TODAY, now: NOW });
      patients = await provider.store.db.selectFrom('patient').select(['id', 'nhs_number']).where('fixture', '=', GENERATED_FIXTURE).orderBy('id').execute();
      documents = await provider.store.db.selectFrom('document').selectAll().where('fixture', '=', GENERATED_FIXTURE).orderBy('id').execute();
    });
    after(async () => provider.close());

    const search = async (patientId: string, ...parameters: string[]) =>
      bundleEntries(expectResource(await provider.send('searchDocuments', { path: `Patient/${patientId}/DocumentReference?${[...MANDATORY, ...parameters].join('&')}` }), 'Bundle') as { entry?: { resource: Json }[] });
    const ofType = (resources: Json[], type: string) => resources.filter((r) => r['resourceType'] === type);

    test('each patient is found, and their documents searched: those not confidential, newest first, each with its Binary URL or the 5 MB placeholder', async () => {
      assert.ok(documents.length >= 4, `${documents.length} documents`);
      for (const patient of patients) {
        const found = bundleEntries(expectResource(await provider.send('documentsSearchPatients', { path: `Patient?identifier=${encodeURIComponent(`${IDENTIFIER_SYSTEMS.nhsNumber}|${patient.nhs_number}`)}` }), 'Bundle') as { entry?: { resource: Json }[] });
        assert.deepEqual(found.map((r) => r['id']), [patient.id]);
        const resources = await search(patient.id);
        const expected = documents.filter((d) => d.patient_id === patient.id && !d.confidential).sort((a, b) => when(b) - when(a) || (a.id < b.id ? -1 : 1));
        const references = ofType(resources, 'DocumentReference');
        assert.deepEqual(references.map((r) => r['id']), expected.map((d) => d.id), patient.id);
        for (const [k, reference] of references.entries()) {
          const row = expected[k]!;
          const size = Number(row.size_bytes);
          const served = size > RETRIEVE_LIMIT_BYTES ? { title: TOO_LARGE_TITLE } : { url: `${BASE}/Binary/${row.binary_id}` };
          assert.deepEqual(attachmentOf(reference), { contentType: row.content_type, size, ...served }, row.id);
        }
        // Every author is in the Bundle: the hospital, the practice, the usual GP.
        const present = new Set(resources.map((r) => `${r['resourceType'] as string}/${r['id'] as string}`));
        for (const reference of references) for (const author of reference['author'] as { reference: string }[]) assert.ok(present.has(author.reference), `${author.reference} included`);
      }
    });

    test('the first patient\'s photograph over 5 MB: a placeholder in the search, NO_RECORD_FOUND from Retrieve a document', async () => {
      const large = documents.filter((d) => Number(d.size_bytes) > RETRIEVE_LIMIT_BYTES);
      assert.deepEqual(large.map((d) => [d.patient_id, d.content_type]), [['gen-1', 'image/png']]);
      const [reference] = ofType(await search('gen-1', 'description=photograph'), 'DocumentReference').filter((r) => r['id'] === large[0]!.id);
      assert.deepEqual(attachmentOf(reference!), { contentType: 'image/png', size: Number(large[0]!.size_bytes), title: TOO_LARGE_TITLE });
      assert.match(expectOperationOutcome(await provider.send('retrieveDocument', { path: `Binary/${large[0]!.binary_id}` }), 'NO_RECORD_FOUND') ?? '', /larger than 5 MB/);
    });

    test('every other shareable file comes back byte for byte; a confidential one is NO_RECORD_FOUND', async () => {
      let [retrieved, refused] = [0, 0];
      for (const row of documents.filter((d) => Number(d.size_bytes) <= RETRIEVE_LIMIT_BYTES)) {
        const response = await provider.send('retrieveDocument', { path: `Binary/${row.binary_id}` });
        if (row.confidential) {
          expectOperationOutcome(response, 'NO_RECORD_FOUND');
          refused += 1;
          continue;
        }
        const binary = expectResource<{ id: string; contentType: string; content: string }>(response, 'Binary');
        const stored: Uint8Array[] = [];
        for await (const chunk of readDocumentContent(provider.store.db, row)) stored.push(chunk);
        assert.deepEqual([binary.id, binary.contentType], [row.binary_id, row.content_type]);
        assert.equal(sha256(Buffer.from(binary.content, 'base64')), sha256(Buffer.concat(stored)), row.id);
        retrieved += 1;
      }
      assert.ok(new Set(documents.map((d) => d.content_type)).size >= 4 && retrieved >= 4 && refused >= 1, `${retrieved} retrieved, ${refused} refused`);
    });

    test('searches by author and description find the generated letters', async () => {
      const byHospital = documents.filter((d) => d.author_ods === 'R1A14' && !d.confidential);
      assert.ok(byHospital.length > 0, 'some letter is by the hospital');
      for (const patientId of new Set(byHospital.map((d) => d.patient_id))) {
        const ids = ofType(await search(patientId, `author=${encodeURIComponent(`${IDENTIFIER_SYSTEMS.odsOrganisationCode}|R1A14`)}`), 'DocumentReference').map((r) => r['id']);
        assert.deepEqual(ids.sort(), byHospital.filter((d) => d.patient_id === patientId).map((d) => d.id).sort());
        assert.ok(ofType(await search(patientId, 'description=letter'), 'DocumentReference').length > 0);
      }
    });

    test('a referral\'s letter comes with it in the structured record, pointing at its Binary', async () => {
      const referrals = await provider.store.db
        .selectFrom('clinical_item')
        .select(['id', 'patient_id', 'resource'])
        .where('fixture', '=', GENERATED_FIXTURE)
        .where('resource_type', '=', 'ReferralRequest')
        .where('confidential', '=', false)
        .where('resource', 'like', '%"supportingInfo"%')
        .execute();
      assert.ok(referrals.length > 0, 'some shared referral has a letter');
      for (const referral of referrals) {
        const letterId = (JSON.parse(referral.resource) as { supportingInfo: { reference: string }[] }).supportingInfo[0]!.reference.split('/')[1]!;
        const letter = documents.find((d) => d.id === letterId)!;
        const nhsNumber = patients.find((p) => p.id === referral.patient_id)!.nhs_number;
        const body = { resourceType: 'Parameters', parameter: [{ name: 'patientNHSNumber', valueIdentifier: { system: IDENTIFIER_SYSTEMS.nhsNumber, value: nhsNumber } }, { name: 'includeReferrals' }] };
        const resources = bundleEntries(expectResource(await provider.send('getStructuredRecord', { body }), 'Bundle') as { entry: { resource: Json }[] });
        const served = resources.find((r) => r['resourceType'] === 'DocumentReference' && r['id'] === letterId);
        if (letter.confidential) assert.equal(served, undefined);
        else assert.equal(attachmentOf(served!)['url'], `${BASE}/Binary/${letter.binary_id}`);
      }
    });
  });
}
