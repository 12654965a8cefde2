import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { findPdsPerson, type Store } from '@gpconnect/store';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { loadNationalRoster } from '../load-national-roster.ts';
import { generateRecords, type GenerateRecordsOptions } from './generate-records.ts';

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T10:00:00Z`);
const OPTIONS: GenerateRecordsOptions = { patients: 12, items: 40, seed: 5, today: TODAY, now: NOW, batchSize: 5 };

for (const backend of testStoreBackends()) {
  describe(`gpconnect testdata generate into the store (${backend.name})`, () => {
    let store: Store;
    before(async () => {
      store = await backend.open();
      await loadNationalRoster(store.db, { today: TODAY, now: NOW });
    });
    after(async () => store.close());

    const generated = () =>
      store.db.selectFrom('clinical_item').select(['id', 'patient_id', 'resource', 'area', 'effective_at', 'status', 'confidential']).where('fixture', '=', 'generated-records').orderBy('id').execute();
    const generatedPatients = () => store.db.selectFrom('patient').selectAll().where('fixture', '=', 'generated-records').orderBy('id').execute();
    const generatedDocuments = () => store.db.selectFrom('document').selectAll().where('fixture', '=', 'generated-records').orderBy('id').execute();
    /** Each generated document's file, put together from its stored chunks. */
    const files = async () => {
      const chunks = await store.db
        .selectFrom('document_content')
        .innerJoin('document', (join) => join.onRef('document.practice_ods', '=', 'document_content.practice_ods').onRef('document.binary_id', '=', 'document_content.binary_id'))
        .select(['document.id', 'document_content.chunk'])
        .where('document.fixture', '=', 'generated-records')
        .orderBy('document.id')
        .orderBy('document_content.seq')
        .execute();
      const byId = new Map<string, Buffer[]>();
      for (const { id, chunk } of chunks) byId.set(id, [...(byId.get(id) ?? []), Buffer.from(chunk)]);
      return new Map([...byId].map(([id, parts]) => [id, Buffer.concat(parts)]));
    };
    /** One hash of every generated document row and file. */
    const documentsHash = async () => {
      const hash = createHash('sha256');
      for (const row of await generatedDocuments()) hash.update(JSON.stringify(row));
      for (const [id, file] of await files()) hash.update(id).update(file);
      return hash.digest('hex');
    };

    test('writes the patients, their records and their PDS records in batches, reporting progress', async () => {
      const progress: [number, number][] = [];
      const summary = await generateRecords(store.db, { ...OPTIONS, onProgress: (done, total) => progress.push([done, total]) });
      const documents = await generatedDocuments();
      assert.deepEqual(summary, { practiceOds: 'B82617', patients: 12, clinicalItems: 12 * 40, documents: documents.length, documentBytes: documents.reduce((sum, d) => sum + Number(d.size_bytes), 0), replacedPatients: 0 });
      assert.deepEqual(progress.map(([, total]) => total), [12, 12, 12]);
      assert.deepEqual(progress.at(-1), [12, 12]);
      assert.ok(progress.every(([done], k) => k === 0 || done > progress[k - 1]![0]), 'progress only goes forward');
      const patients = await generatedPatients();
      assert.equal(patients.length, 12);
      assert.equal((await generated()).length, 480);
      for (const patient of patients) {
        const person = await findPdsPerson(store.db, patient.nhs_number);
        const resource = JSON.parse(patient.resource) as { name: { family: string }[]; birthDate: string };
        assert.deepEqual([person?.gpOds, person?.demographics.name.family, person?.demographics.birthDate], ['B82617', resource.name[0]!.family, resource.birthDate], `PDS agrees for ${patient.nhs_number}`);
      }
    });

    test('documents: letters and photographs of several formats, each file whole in its chunks, the first patient\'s over 5 MB', async () => {
      const documents = await generatedDocuments();
      const stored = await files();
      assert.ok(new Set(documents.map((d) => d.content_type)).size >= 3, documents.map((d) => d.content_type).join(', '));
      for (const d of documents) assert.equal(stored.get(d.id)?.length ?? 0, Number(d.size_bytes), d.id);
      const large = documents.filter((d) => Number(d.size_bytes) > 5 * 1024 * 1024);
      assert.deepEqual(large.map((d) => [d.patient_id, d.content_type]), [['gen-1', 'image/png']]);
      assert.equal(stored.get(large[0]!.id)!.subarray(1, 4).toString('latin1'), 'PNG');
      assert.ok(documents.every((d) => d.patient_id.startsWith('gen-') && d.id.startsWith(`${d.patient_id}-document-`)));
    });

    test('generating again with the same seed replaces the generation with byte-identical rows and files', async () => {
      const [patients, items, documents] = [await generatedPatients(), await generated(), await documentsHash()];
      const summary = await generateRecords(store.db, OPTIONS);
      assert.equal(summary.replacedPatients, 12);
      assert.deepEqual(await generatedPatients(), patients);
      assert.deepEqual(await generated(), items);
      assert.equal(await documentsHash(), documents);
    });

    test('a smaller generation replaces a larger one, documents and files too; the roster reset leaves the generation alone', async () => {
      const rosterDocuments = await store.db.selectFrom('document').select('id').where('fixture', '=', 'national-roster').orderBy('id').execute();
      await generateRecords(store.db, { ...OPTIONS, patients: 3, seed: 9 });
      assert.equal((await generatedPatients()).length, 3);
      assert.equal(await store.db.selectFrom('pds_person').select('nhs_number').where('fixture', '=', 'generated-records').execute().then((r) => r.length), 3);
      const documents = await generatedDocuments();
      assert.ok(documents.every((d) => ['gen-1', 'gen-2', 'gen-3'].includes(d.patient_id)));
      // No file is left of the first generation: every chunk belongs to a document of this one or the roster's.
      const binaries = await store.db.selectFrom('document_content').select('binary_id').distinct().orderBy('binary_id').execute();
      const rosterBinaries = await store.db.selectFrom('document').select('binary_id').where('fixture', '=', 'national-roster').execute();
      assert.deepEqual(binaries.map((b) => b.binary_id), [...documents, ...rosterBinaries].map((d) => d.binary_id).sort());
      const before = [await generated(), await documentsHash()];
      await loadNationalRoster(store.db, { today: TODAY, now: NOW });
      assert.deepEqual([await generated(), await documentsHash()], before);
      assert.equal((await generatedPatients()).length, 3);
      assert.deepEqual(await store.db.selectFrom('document').select('id').where('fixture', '=', 'national-roster').orderBy('id').execute(), rosterDocuments);
    });

    test('without documents, or without the large ones', async () => {
      const summary = await generateRecords(store.db, { ...OPTIONS, patients: 3, documents: false });
      assert.deepEqual([summary.documents, summary.documentBytes, (await generatedDocuments()).length], [0, 0, 0]);
      await generateRecords(store.db, { ...OPTIONS, patients: 3, largeDocuments: 0 });
      assert.ok((await generatedDocuments()).every((d) => Number(d.size_bytes) < 1024 * 1024));
      await assert.rejects(generateRecords(store.db, { ...OPTIONS, largeDocuments: -1 }), /largeDocuments must be/);
    });

    test('a practice that does not exist is refused, and sizes outside 10 to 3,000 items', async () => {
      await assert.rejects(generateRecords(store.db, { ...OPTIONS, practiceOds: 'Z99999' }), /practice Z99999 does not exist/);
      await assert.rejects(generateRecords(store.db, { ...OPTIONS, items: 9 }), /items must be/);
      await assert.rejects(generateRecords(store.db, { ...OPTIONS, items: 3001 }), /items must be/);
    });
  });
}
