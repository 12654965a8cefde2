import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
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

    test('writes the patients, their records and their PDS records in batches, reporting progress', async () => {
      const progress: [number, number][] = [];
      const summary = await generateRecords(store.db, { ...OPTIONS, onProgress: (done, total) => progress.push([done, total]) });
      assert.deepEqual(summary, { practiceOds: 'B82617', patients: 12, clinicalItems: 12 * 40, replacedPatients: 0 });
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

    test('generating again with the same seed replaces the generation with byte-identical rows', async () => {
      const [patients, items] = [await generatedPatients(), await generated()];
      const summary = await generateRecords(store.db, OPTIONS);
      assert.equal(summary.replacedPatients, 12);
      assert.deepEqual(await generatedPatients(), patients);
      assert.deepEqual(await generated(), items);
    });

    test('a smaller generation replaces a larger one; the roster reset leaves the generation alone', async () => {
      await generateRecords(store.db, { ...OPTIONS, patients: 3, seed: 9 });
      assert.equal((await generatedPatients()).length, 3);
      assert.equal(await store.db.selectFrom('pds_person').select('nhs_number').where('fixture', '=', 'generated-records').execute().then((r) => r.length), 3);
      const before = await generated();
      await loadNationalRoster(store.db, { today: TODAY, now: NOW });
      assert.deepEqual(await generated(), before);
      assert.equal((await generatedPatients()).length, 3);
    });

    test('a practice that does not exist is refused, and sizes outside 10 to 3,000 items', async () => {
      await assert.rejects(generateRecords(store.db, { ...OPTIONS, practiceOds: 'Z99999' }), /practice Z99999 does not exist/);
      await assert.rejects(generateRecords(store.db, { ...OPTIONS, items: 9 }), /items must be/);
      await assert.rejects(generateRecords(store.db, { ...OPTIONS, items: 3001 }), /items must be/);
    });
  });
}
