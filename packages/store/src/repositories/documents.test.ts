import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { testStoreBackends } from '../testing.ts';
import type { Store } from '../open-store.ts';
import { insertPractice } from './practices.ts';
import { DOCUMENT_CHUNK_BYTES, findDocumentByBinaryId, insertDocument, insertDocuments, readDocumentContent, searchPatientDocuments, type NewDocumentRow } from './documents.ts';

const ODS = 'A1';
const NOW = new Date('2026-11-24T10:00:00Z');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function document(id: string, changes: Partial<NewDocumentRow> = {}): NewDocumentRow {
  return { practice_ods: ODS, id, version: 1, resource: '{}', last_updated: NOW, fixture: null, patient_id: 'p1', binary_id: `${id}-binary`, type_text: 'Letter', indexed_at: NOW, content_type: 'application/octet-stream', ...changes };
}

/** `total` bytes in pieces of awkward sizes, none a multiple of the chunk size. */
function* pieces(bytes: Buffer): Generator<Buffer> {
  for (let at = 0, size = 1; at < bytes.length; at += size, size = size * 7 + 13) yield bytes.subarray(at, at + size);
}

async function readAll(store: Store, binaryId: string): Promise<{ bytes: Buffer; chunkSizes: number[] }> {
  const row = (await findDocumentByBinaryId(store.db, ODS, binaryId))!;
  const chunks: Uint8Array[] = [];
  for await (const chunk of readDocumentContent(store.db, row)) chunks.push(chunk);
  return { bytes: Buffer.concat(chunks), chunkSizes: chunks.map((c) => c.length) };
}

for (const backend of testStoreBackends()) {
  describe(`document store (${backend.name})`, () => {
    let store: Store;
    before(async () => {
      store = await backend.open();
      await insertPractice(store.db, { odsCode: ODS, name: 'Practice', asid: '1', capabilities: ['documents'], organisationId: 'o1' });
      await store.db
        .insertInto('patient')
        .values({ practice_ods: ODS, id: 'p1', version: 1, resource: '{}', last_updated: NOW, fixture: null, nhs_number: '9690937278', registration_status: 'active', registration_type: 'R', registration_start: null, registration_end: null, nhs_number_verification: '01', sensitive: false, deceased_at: null, dissent: false, record_in_transit: false, usual_gp_id: null, preferred_branch_id: null })
        .execute();
    });
    after(async () => store?.close());

    test('a file written in pieces of any size is stored in fixed chunks (a multiple of 3 bytes) and read back whole', async () => {
      assert.equal(DOCUMENT_CHUNK_BYTES % 3, 0);
      const file = randomBytes(3 * DOCUMENT_CHUNK_BYTES + 1234);
      assert.equal(await insertDocument(store.db, document('d1'), pieces(file)), file.length);
      const { bytes, chunkSizes } = await readAll(store, 'd1-binary');
      assert.deepEqual(chunkSizes, [DOCUMENT_CHUNK_BYTES, DOCUMENT_CHUNK_BYTES, DOCUMENT_CHUNK_BYTES, 1234]);
      assert.equal(sha256(bytes), sha256(file));
      assert.equal((await findDocumentByBinaryId(store.db, ODS, 'd1-binary'))?.size_bytes, file.length);
    });

    test('documents in memory, many at once: each file in the same fixed chunks, whole; all or none', async () => {
      // Small ones and one of nine chunks, so the chunks of one file go in more than one statement.
      const files = [randomBytes(100), Buffer.alloc(0), randomBytes(9 * DOCUMENT_CHUNK_BYTES + 5), randomBytes(DOCUMENT_CHUNK_BYTES)];
      const documents = files.map((content, k) => ({ row: document(`m${k}`), content }));
      assert.equal(await insertDocuments(store.db, documents), files.reduce((sum, f) => sum + f.length, 0));
      for (const [k, file] of files.entries()) {
        const { bytes, chunkSizes } = await readAll(store, `m${k}-binary`);
        assert.equal(sha256(bytes), sha256(file), `m${k}`);
        assert.ok(chunkSizes.every((size, i) => size === DOCUMENT_CHUNK_BYTES || i === chunkSizes.length - 1));
        assert.equal((await findDocumentByBinaryId(store.db, ODS, `m${k}-binary`))?.size_bytes, file.length);
      }
      // A clash on the last document undoes the others.
      await assert.rejects(insertDocuments(store.db, [{ row: document('m9'), content: randomBytes(10) }, { row: document('m0'), content: randomBytes(10) }]));
      assert.equal(await findDocumentByBinaryId(store.db, ODS, 'm9-binary'), undefined);
    });

    test('an empty file has size 0 and no chunks', async () => {
      assert.equal(await insertDocument(store.db, document('empty'), []), 0);
      assert.deepEqual((await readAll(store, 'empty-binary')).chunkSizes, []);
    });

    test('a write that fails part-way leaves nothing behind', async () => {
      async function* failing() {
        yield randomBytes(DOCUMENT_CHUNK_BYTES * 9);
        throw new Error('source failed');
      }
      await assert.rejects(insertDocument(store.db, document('broken'), failing()), /source failed/);
      assert.equal(await findDocumentByBinaryId(store.db, ODS, 'broken-binary'), undefined);
      const left = await store.db.selectFrom('document_content').select('seq').where('binary_id', '=', 'broken-binary').execute();
      assert.deepEqual(left, []);
    });

    test('a file that changes under the reader is an error, not a short file', async () => {
      await insertDocument(store.db, document('d2'), [randomBytes(DOCUMENT_CHUNK_BYTES + 10)]);
      const row = (await findDocumentByBinaryId(store.db, ODS, 'd2-binary'))!;
      await store.db.deleteFrom('document_content').where('binary_id', '=', 'd2-binary').where('seq', '=', 1).execute();
      await assert.rejects(async () => {
        for await (const _chunk of readDocumentContent(store.db, row));
      }, /ended at 261120 of 261130 bytes/);
    });

    test('search: created falls back to indexed, author by ODS code, keyword in description or type, confidential never', async () => {
      const day = (d: number) => new Date(Date.UTC(2026, 0, d));
      await insertDocument(store.db, document('s1', { patient_id: 'p1', created_at: day(5), indexed_at: day(6), author_ods: 'R1', description: 'Discharge 100% summary', type_text: 'Inpatient final discharge letter' }), []);
      await insertDocument(store.db, document('s2', { patient_id: 'p1', created_at: null, indexed_at: day(10), author_ods: null, description: null, type_text: 'Clinic letter' }), []);
      await insertDocument(store.db, document('s3', { patient_id: 'p1', created_at: day(7), indexed_at: day(7), author_ods: 'R1', type_text: 'Letter', confidential: true }), []);
      const ids = async (search: Parameters<typeof searchPatientDocuments>[3]) => (await searchPatientDocuments(store.db, ODS, 'p1', search)).map((d) => d.id).filter((id) => id.startsWith('s'));
      assert.deepEqual(await ids({}), ['s2', 's1']);
      assert.deepEqual(await ids({ from: day(6) }), ['s2']);
      assert.deepEqual(await ids({ before: day(6) }), ['s1']);
      assert.deepEqual(await ids({ authorOds: 'R1' }), ['s1']);
      assert.deepEqual(await ids({ keyword: 'CLINIC' }), ['s2']);
      assert.deepEqual(await ids({ keyword: 'final discharge' }), ['s1']);
      assert.deepEqual(await ids({ keyword: '100%' }), ['s1']);
      assert.deepEqual(await ids({ keyword: '_' }), []);
    });
  });
}
