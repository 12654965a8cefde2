import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { ALL_CAPABILITIES, IDENTIFIER_SYSTEMS, PROFILES } from '@gpconnect/fhir';
import { queryAuditEvents, setPracticeCapabilities } from '@gpconnect/store';
import { planNationalRoster } from '@gpconnect/testdata';
import type { LightMyRequestResponse } from 'fastify';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { addDays } from '../../../testdata/src/dates.ts';
import { bundleEntries, expectOperationOutcome, expectResource, fhirBody, NOW, PRACTICE, startProvider, TODAY, type ProviderUnderTest } from '../test-support.ts';
import { MANDATORY_INCLUDES, MANDATORY_REVINCLUDE } from './search-parameters.ts';
import { RETRIEVE_LIMIT_BYTES, TOO_LARGE_TITLE } from './served-document-reference.ts';

type Json = Record<string, unknown>;
interface Attachment {
  contentType: string;
  size: number;
  url?: string;
  title?: string;
}

const TRACE_ID = '5e9b2f4a-3d2c-4b7e-9a61-0c8d7f1e2a34';
/** The service root as inject() addresses it: absolute URLs in responses start here. */
const BASE = `http://localhost:80/${PRACTICE.ods}/STU3/1/gpconnect/documents`;
const SKELLY = '9690937286';
const CRANK = '9690937308';
const MANDATORY = [...MANDATORY_INCLUDES.map((i) => `_include=${encodeURIComponent(i)}`), `_revinclude%3Arecurse=${encodeURIComponent(MANDATORY_REVINCLUDE)}`];
const ods = (code: string) => encodeURIComponent(`${IDENTIFIER_SYSTEMS.odsOrganisationCode}|${code}`);

/** The roster's files, as planned: what retrieval must give back byte for byte. */
const FILES = new Map(planNationalRoster({ today: TODAY, now: NOW }).documents.map((d) => [d.row.binary_id, d.content]));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

for (const backend of testStoreBackends()) {
  describe(`documents.md Access Document (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    const search = (patientId: string, ...parameters: string[]) => provider.send('searchDocuments', { path: `Patient/${patientId}/DocumentReference?${[...MANDATORY, ...parameters].join('&')}` });
    const documentIds = async (patientId: string, ...parameters: string[]) =>
      bundleEntries(expectResource(await search(patientId, ...parameters), 'Bundle') as { entry?: { resource: Json }[] })
        .filter((r) => r['resourceType'] === 'DocumentReference')
        .map((r) => r['id']);
    const setPdsPractice = (nhsNumber: string, gpOds: string) => provider.store.db.updateTable('pds_person').set({ gp_ods: gpOds }).where('nhs_number', '=', nhsNumber).execute();
    /** The Binary's file, decoded, after checking the Binary against the spec (§5). */
    const binaryContent = (response: LightMyRequestResponse, binaryId: string, contentType: string, format: 'json' | 'xml' = 'json') => {
      const binary = expectResource<{ id: string; meta: { versionId: string }; contentType: string; content: string }>(response, 'Binary', 200, format);
      assert.deepEqual([binary.id, binary.meta.versionId, binary.contentType, response.headers['etag']], [binaryId, '1', contentType, 'W/"1"']);
      return Buffer.from(binary.content, 'base64');
    };

    test('metadata: the documents CapabilityStatement declares every search parameter and include', async () => {
      const statement = expectResource<{ rest: { resource: { type: string; searchParam?: { name: string }[]; searchInclude?: string[]; searchRevInclude?: string[] }[] }[] }>(
        await provider.send('documentsMetadata'),
        'CapabilityStatement',
      );
      const documentReference = statement.rest[0]!.resource.find((r) => r.type === 'DocumentReference')!;
      assert.deepEqual(documentReference.searchParam?.map((p) => p.name), ['created', 'author', 'description']);
      assert.deepEqual(documentReference.searchInclude, [...MANDATORY_INCLUDES]);
      assert.deepEqual(documentReference.searchRevInclude, [MANDATORY_REVINCLUDE]);
    });

    describe('find a patient (§2)', () => {
      const find = (identifier: string) => provider.send('documentsSearchPatients', { path: `Patient?identifier=${encodeURIComponent(identifier)}` });

      test('a GMS patient of the practice: one Patient, its absolute fullUrl, the Bundle id the trace id', async () => {
        const bundle = expectResource<{ id: string; type: string; entry: { fullUrl: string; resource: Json }[] }>(await find(`${IDENTIFIER_SYSTEMS.nhsNumber}|${SKELLY}`), 'Bundle');
        assert.deepEqual([bundle.id, bundle.type], [TRACE_ID, 'searchset']);
        assert.deepEqual(bundle.entry.map((e) => [e.fullUrl, e.resource['resourceType'], e.resource['id']]), [[`${BASE}/Patient/2`, 'Patient', '2']]);
      });

      test('no match is an empty searchset: unknown, sensitive and deceased patients alike', async () => {
        for (const nhsNumber of ['9999999999', '9690938533', '9690938681']) {
          const bundle = expectResource(await find(`${IDENTIFIER_SYSTEMS.nhsNumber}|${nhsNumber}`), 'Bundle');
          assert.deepEqual(bundleEntries(bundle as { entry?: { resource: Json }[] }), [], nhsNumber);
        }
      });

      test('a patient who died within the 28-day access period is still found (§7); one who died long ago is not', async () => {
        const bundle = expectResource(await find(`${IDENTIFIER_SYSTEMS.nhsNumber}|9658220290`), 'Bundle');
        assert.deepEqual(bundleEntries(bundle as { entry?: { resource: Json }[] }).map((r) => [r['id'], r['deceasedDateTime']]), [['html-18', addDays(TODAY, -7)]]);
        const documents = bundleEntries(expectResource(await search('html-18'), 'Bundle') as { entry?: { resource: Json }[] });
        assert.deepEqual(documents.map((r) => `${r['resourceType'] as string}/${r['id'] as string}`), ['Patient/html-18', 'Organization/1', 'Practitioner/1', 'PractitionerRole/1']);
        expectOperationOutcome(await search('18'), 'PATIENT_NOT_FOUND');
      });

      test('identifier problems are INVALID_PARAMETER; a bad check digit is INVALID_NHS_NUMBER', async () => {
        expectOperationOutcome(await provider.send('documentsSearchPatients', { path: 'Patient' }), 'INVALID_PARAMETER');
        expectOperationOutcome(await find(SKELLY), 'INVALID_PARAMETER');
        expectOperationOutcome(await find(`https://fhir.nhs.uk/Id/local|${SKELLY}`), 'INVALID_PARAMETER');
        expectOperationOutcome(await find(`${IDENTIFIER_SYSTEMS.nhsNumber}|9690937287`), 'INVALID_NHS_NUMBER');
      });
    });

    describe('search for a patient\'s documents (§3, §4)', () => {
      test('patient2: shareable documents newest first with absolute Binary URLs and sizes, the includes, no confidential document', async () => {
        const bundle = expectResource<{ id: string; meta: { profile: string[] }; entry: { fullUrl: string; resource: Json }[] }>(await search('2'), 'Bundle');
        assert.deepEqual([bundle.id, bundle.meta.profile], [TRACE_ID, [PROFILES.searchsetBundle]]);
        assert.deepEqual(bundle.entry.map((e) => e.fullUrl), bundle.entry.map((e) => `${BASE}/${e.resource['resourceType'] as string}/${e.resource['id'] as string}`));
        assert.deepEqual(
          bundle.entry.map((e) => `${e.resource['resourceType'] as string}/${e.resource['id'] as string}`),
          ['Patient/2', 'DocumentReference/2-document-2', 'DocumentReference/2-document-1', 'DocumentReference/2-document-5', 'DocumentReference/2-document-3', 'Organization/1', 'Organization/2', 'Practitioner/1', 'PractitionerRole/1'],
        );
        for (const { resource } of bundle.entry) assert.equal('versionId' in (resource['meta'] as Json) || 'lastUpdated' in (resource['meta'] as Json), false);
        const references = bundle.entry.map((e) => e.resource).filter((r) => r['resourceType'] === 'DocumentReference');
        for (const reference of references) {
          const binaryId = (reference['id'] as string).replace('document', 'binary');
          const attachment = (reference['content'] as { attachment: Attachment }[])[0]!.attachment;
          assert.deepEqual(attachment, { contentType: attachment.contentType, url: `${BASE}/Binary/${binaryId}`, size: FILES.get(binaryId)!.length });
          assert.equal(reference['status'], 'current');
        }
        const discharge = references[1]!;
        assert.deepEqual(discharge['type'], { coding: [{ system: 'http://snomed.info/sct', code: '824331000000106', display: 'Inpatient final discharge letter' }] });
        assert.deepEqual([discharge['author'], discharge['custodian'], discharge['created'], discharge['indexed']], [
          [{ reference: 'Organization/2' }],
          { reference: 'Organization/1' },
          `${addDays(TODAY, -60)}T09:35:00+00:00`,
          `${addDays(TODAY, -58)}T14:10:00+00:00`,
        ]);
        const [audit] = await queryAuditEvents(provider.store.db, { patientNhsNumber: SKELLY, interactionId: 'urn:nhs:names:services:gpconnect:documents:fhir:rest:search:documentreference-1' });
        assert.equal(audit?.outcome_code, 'OK');
      });

      test('the same search in XML: the same entries, in the official element order', async () => {
        const response = await provider.send('searchDocuments', { path: `Patient/2/DocumentReference?${MANDATORY.join('&')}`, headers: { accept: 'application/fhir+xml' } });
        const xml = bundleEntries(expectResource(response, 'Bundle', 200, 'xml') as { entry: { resource: Json }[] });
        const json = bundleEntries(expectResource(await search('2'), 'Bundle') as { entry: { resource: Json }[] });
        assert.deepEqual(xml, json);
      });

      test('patient2 holds a document authored by the practice, filed within the last year and more than two days ago', async () => {
        const references = bundleEntries(expectResource(await search('2', `author=${ods(PRACTICE.ods)}`), 'Bundle') as { entry: { resource: Json }[] }).filter((r) => r['resourceType'] === 'DocumentReference');
        const indexed = references.map((r) => Date.parse(r['indexed'] as string));
        assert.ok(indexed.some((t) => t < NOW.getTime() - 2 * 86_400_000 && t > NOW.getTime() - 365 * 86_400_000));
      });

      test('created: ge, le and both; a date is the whole day; no created date falls back to indexed', async () => {
        assert.deepEqual(await documentIds('2', `created=ge${addDays(TODAY, -45)}`), ['2-document-2']);
        assert.deepEqual(await documentIds('2', `created=le${addDays(TODAY, -45)}`), ['2-document-1', '2-document-5', '2-document-3']);
        assert.deepEqual(await documentIds('2', `created=ge${addDays(TODAY, -100)}`, `created=le${addDays(TODAY, -45)}`), ['2-document-1']);
        assert.deepEqual(await documentIds('2', `created=le${addDays(TODAY, -30)}`), ['2-document-2', '2-document-1', '2-document-5', '2-document-3']);
        assert.deepEqual(await documentIds('2', `created=ge${addDays(TODAY, -30)}T09:35:01%2B00:00`), []);
        assert.deepEqual(await documentIds('2', `created=le${addDays(TODAY, -30)}T09:35:00%2B00:00`), ['2-document-2', '2-document-1', '2-document-5', '2-document-3']);
        assert.deepEqual(await documentIds('2', `created=le${addDays(TODAY, -399)}`), ['2-document-3']);
      });

      test('author: organisations by ODS code only', async () => {
        assert.deepEqual(await documentIds('2', `author=${ods('R1A14')}`), ['2-document-1']);
        assert.deepEqual(await documentIds('2', `author=${ods(PRACTICE.ods)}`), ['2-document-2', '2-document-5']);
        assert.deepEqual(await documentIds('2', `author=${ods('X12345')}`), []);
      });

      test('description: a keyword found in the description or the type, whatever its case', async () => {
        assert.deepEqual(await documentIds('2', 'description=discharge'), ['2-document-1']);
        assert.deepEqual(await documentIds('2', 'description=FINAL%20DISCHARGE'), ['2-document-1']);
        assert.deepEqual(await documentIds('2', 'description=clinic'), ['2-document-3']);
        assert.deepEqual(await documentIds('2', 'description=letter%20to%20patient'), ['2-document-2']);
        assert.deepEqual(await documentIds('2', 'description=100%25'), []);
      });

      test('patient4: the file over 5 MB is a placeholder with its size and the reason, and no URL', async () => {
        const [reference] = bundleEntries(expectResource(await search('4'), 'Bundle') as { entry: { resource: Json }[] }).filter((r) => r['resourceType'] === 'DocumentReference');
        const attachment = (reference!['content'] as { attachment: Attachment }[])[0]!.attachment;
        assert.deepEqual(attachment, { contentType: 'image/png', size: FILES.get('4-binary-1')!.length, title: TOO_LARGE_TITLE });
        assert.ok(attachment.size > RETRIEVE_LIMIT_BYTES);
      });

      test('patient3: no documents, still the patient, the practice and the usual GP', async () => {
        const resources = bundleEntries(expectResource(await search('3'), 'Bundle') as { entry: { resource: Json }[] });
        assert.deepEqual(resources.map((r) => `${r['resourceType'] as string}/${r['id'] as string}`), ['Patient/3', 'Organization/1', 'Practitioner/1', 'PractitionerRole/1']);
      });

      test('each mandatory include and the revinclude, when missing, is INVALID_PARAMETER naming it', async () => {
        for (const left of MANDATORY) {
          const response = await provider.send('searchDocuments', { path: `Patient/2/DocumentReference?${MANDATORY.filter((p) => p !== left).join('&')}` });
          const diagnostics = expectOperationOutcome(response, 'INVALID_PARAMETER');
          assert.ok(diagnostics?.includes(decodeURIComponent(left.split('=')[1]!)), diagnostics);
        }
        expectOperationOutcome(await search('2', '_include=DocumentReference%3Aencounter'), 'INVALID_PARAMETER');
      });

      test('malformed created, author and description values are INVALID_PARAMETER naming the parameter', async () => {
        const cases: [string, string][] = [
          ['created=gt2026-01-01', 'created'],
          ['created=ge2026-13-01', 'created'],
          ['created=2026-01-01', 'created'],
          ['created=ge2026-01', 'created'],
          ['created=ge2026-01-01&created=ge2026-02-01', 'created'],
          [`created=ge${TODAY}&created=le${addDays(TODAY, -1)}`, 'created'],
          [`author=${encodeURIComponent(`${IDENTIFIER_SYSTEMS.sdsUserId}|G13579135`)}`, 'author'],
          ['author=B82617', 'author'],
          [`author=${ods('')}`, 'author'],
          [`author=${ods('B82617')}&author=${ods('R1A14')}`, 'author'],
          ['description=', 'description'],
        ];
        for (const [parameter, name] of cases) {
          const diagnostics = expectOperationOutcome(await search('2', parameter), 'INVALID_PARAMETER');
          assert.ok(diagnostics?.startsWith(name), `${parameter}: ${diagnostics}`);
        }
      });

      test('patients whose documents cannot be shared: PATIENT_NOT_FOUND, or NO_PATIENT_CONSENT on dissent', async () => {
        // Unknown, malformed id, sensitive, deceased, registration ended.
        for (const id of ['999', 'no%20such', '9', '18', '21']) expectOperationOutcome(await search(id), 'PATIENT_NOT_FOUND');
        expectOperationOutcome(await search('15'), 'NO_PATIENT_CONSENT');
      });
    });

    describe('retrieve a document (§5)', () => {
      const retrieve = (binaryId: string, accept?: string) => provider.send('retrieveDocument', { path: `Binary/${binaryId}`, ...(accept ? { headers: { accept } } : {}) });

      test('each file of patient2 comes back byte for byte, in JSON and in XML', async () => {
        for (const [binaryId, contentType] of [['2-binary-1', 'application/pdf'], ['2-binary-2', 'text/plain'], ['2-binary-3', 'application/rtf'], ['2-binary-5', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']] as const) {
          const content = binaryContent(await retrieve(binaryId), binaryId, contentType);
          assert.equal(sha256(content), sha256(FILES.get(binaryId)!), binaryId);
        }
        const pdf = binaryContent(await retrieve('2-binary-1', 'application/fhir+xml'), '2-binary-1', 'application/pdf', 'xml');
        assert.equal(pdf.subarray(0, 8).toString('latin1'), '%PDF-1.4');
        assert.equal(sha256(pdf), sha256(FILES.get('2-binary-1')!));
        const [audit] = await queryAuditEvents(provider.store.db, { patientNhsNumber: SKELLY, interactionId: 'urn:nhs:names:services:gpconnect:documents:fhir:rest:read:binary-1' });
        assert.equal(audit?.outcome_code, 'OK');
      });

      test('over 5 MB, confidential, unknown or malformed: NO_RECORD_FOUND', async () => {
        assert.match(expectOperationOutcome(await retrieve('4-binary-1'), 'NO_RECORD_FOUND') ?? '', /larger than 5 MB/);
        for (const id of ['2-binary-4', '2-document-1', 'nope', 'bad%20id']) expectOperationOutcome(await retrieve(id), 'NO_RECORD_FOUND');
      });
    });

    describe('migrate a document (§6)', () => {
      const migrate = (binaryId: string, claims: Json = {}) => provider.send('migrateDocument', { path: `Binary/${binaryId}`, claims });

      test('the practice the patient moved to gets the 5.9 MB file whole, streamed from its chunks', async () => {
        await setPdsPractice(CRANK, 'A20047');
        try {
          const content = binaryContent(await migrate('4-binary-1'), '4-binary-1', 'image/png');
          assert.equal(content.length, FILES.get('4-binary-1')!.length);
          assert.equal(sha256(content), sha256(FILES.get('4-binary-1')!));
          // Compressed on the way, as consumers ask for it: the same file comes out.
          const gzipped = await provider.send('migrateDocument', { path: 'Binary/4-binary-1', headers: { 'accept-encoding': 'gzip' } });
          assert.deepEqual([gzipped.statusCode, gzipped.headers['content-encoding']], [200, 'gzip']);
          const binary = JSON.parse(gunzipSync(gzipped.rawPayload).toString('utf8')) as { content: string };
          assert.equal(sha256(Buffer.from(binary.content, 'base64')), sha256(FILES.get('4-binary-1')!));
        } finally {
          await setPdsPractice(CRANK, PRACTICE.ods);
        }
      });

      test('a confidential document only with conf/R; an organisation that is not the patient\'s practice on PDS never', async () => {
        expectOperationOutcome(await migrate('2-binary-1'), 'ACCESS_DENIED');
        await setPdsPractice(SKELLY, 'A20047');
        try {
          assert.match(expectOperationOutcome(await migrate('2-binary-4'), 'ACCESS_DENIED') ?? '', /conf\/R/);
          expectOperationOutcome(await migrate('2-binary-4', { requested_scope: 'patient/*.read conf/N' }), 'ACCESS_DENIED');
          const content = binaryContent(await migrate('2-binary-4', { requested_scope: 'patient/*.read conf/R' }), '2-binary-4', 'text/plain');
          assert.equal(sha256(content), sha256(FILES.get('2-binary-4')!));
          expectOperationOutcome(await migrate('2-binary-9'), 'NO_RECORD_FOUND');
        } finally {
          await setPdsPractice(SKELLY, PRACTICE.ods);
        }
      });

      test('a JWT that is not a migration one is refused', async () => {
        expectOperationOutcome(await migrate('4-binary-1', { reason_for_request: 'directcare' }), 'BAD_REQUEST');
      });
    });

    test('Access Document switched off at the practice: ACCESS DENIED on every interaction', async () => {
      await setPracticeCapabilities(provider.store.db, PRACTICE.ods, ALL_CAPABILITIES.filter((c) => c !== 'documents'));
      try {
        expectOperationOutcome(await search('2'), 'ACCESS_DENIED');
        expectOperationOutcome(await provider.send('retrieveDocument', { path: 'Binary/2-binary-1' }), 'ACCESS_DENIED');
        expectOperationOutcome(await provider.send('documentsSearchPatients', { path: `Patient?identifier=${encodeURIComponent(`${IDENTIFIER_SYSTEMS.nhsNumber}|${SKELLY}`)}` }), 'ACCESS_DENIED');
      } finally {
        await setPracticeCapabilities(provider.store.db, PRACTICE.ods, ALL_CAPABILITIES);
      }
      assert.equal(fhirBody(await search('2'))['resourceType'], 'Bundle');
    });
  });
}
