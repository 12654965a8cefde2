import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isValidNhsNumber, validateResource } from '@gpconnect/fhir';
import { addDays } from '../dates.ts';
import { DEFAULT_LARGE_DOCUMENTS, planGeneratedPatient, type GeneratedPatient, type GeneratedPatientOptions } from './plan-generated-patient.ts';
import { testRangeNhsNumbers } from './test-range-nhs-numbers.ts';
import { allowedCodes, CLINICAL_CODE_SYSTEMS, codingsOf, referencesOf } from '../testing/allowed-codes.ts';

type Json = Record<string, unknown>;

const TODAY = '2026-11-24';
const OPTIONS: GeneratedPatientOptions = {
  target: { practiceOds: 'B82617', practiceName: 'COXWOLD SURGERY', organisationId: '1', hospital: { id: '2', odsCode: 'R1A14' }, practitionerIds: ['1', '2', '3'], locationIds: ['1', '3', '8'] },
  seed: 20261124,
  items: 300,
  today: TODAY,
  now: new Date(`${TODAY}T10:00:00Z`),
};
const plan = (count: number, options: Partial<GeneratedPatientOptions> = {}): GeneratedPatient[] => {
  const numbers = testRangeNhsNumbers(count, options.seed ?? OPTIONS.seed, new Set());
  return numbers.map((nhs, k) => planGeneratedPatient({ ...OPTIONS, ...options }, k + 1, nhs));
};
const FIVE_MB = 5 * 1024 * 1024;
const resources = (patient: GeneratedPatient) => patient.clinicalItems.map((row) => JSON.parse(row.resource) as Json);

const codeOf = (resource: Json) => ((resource['code'] as { coding?: { code: string }[] } | undefined)?.coding ?? [])[0]?.code;

describe('generated records (testdata generate)', () => {
  const patients = plan(100);

  test('the same seed gives byte-identical rows; another seed another population', () => {
    const again = plan(100);
    assert.deepEqual(again, patients);
    assert.equal(JSON.stringify(again), JSON.stringify(patients));
    assert.notEqual(JSON.stringify(plan(5, { seed: 7 }).map((p) => p.clinicalItems)), JSON.stringify(patients.slice(0, 5).map((p) => p.clinicalItems)));
  });

  test('NHS numbers: valid Modulus 11, in the 999 test range, distinct, never one already taken', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 3000 }), (seed, count) => {
        const taken = new Set(testRangeNhsNumbers(50, seed + 1, new Set()));
        const numbers = testRangeNhsNumbers(count, seed, taken);
        assert.equal(numbers.length, count);
        assert.equal(new Set(numbers).size, count);
        for (const n of numbers) {
          assert.ok(isValidNhsNumber(n) && n >= '9990000000' && n <= '9999999999', n);
          assert.ok(!taken.has(n), n);
        }
      }),
      { numRuns: 30 },
    );
  });

  test('the record has exactly the number of items asked for, from 10 to 3,000', () => {
    for (const items of [10, 11, 37, 300, 3000]) {
      for (const patient of plan(items === 3000 ? 3 : 15, { items })) assert.equal(patient.clinicalItems.length, items, `${patient.patient.id} with ${items} items`);
    }
  });

  test('every code comes from the allowed code lists or the spec examples; quantities are UCUM', () => {
    const allowed = allowedCodes();
    for (const patient of patients) {
      // List codes name the record's structure (structured.md §5.3.1, §6.2), not clinical content.
      for (const coding of resources(patient).filter((r) => r['resourceType'] !== 'List').flatMap(codingsOf)) {
        if (CLINICAL_CODE_SYSTEMS.has(coding.system)) assert.ok(allowed.has(coding.code), `${coding.system}|${coding.code} is in no allowed source`);
      }
      for (const quantity of resources(patient).flatMap(function quantities(value: unknown): Json[] {
        if (Array.isArray(value)) return value.flatMap(quantities);
        if (typeof value !== 'object' || value === null) return [];
        return Object.entries(value as Json).flatMap(([key, child]) => (key === 'valueQuantity' || key === 'doseQuantity' || key === 'low' || key === 'high' ? [child as Json] : quantities(child)));
      })) {
        assert.equal(quantity['system'], 'http://unitsofmeasure.org', JSON.stringify(quantity));
      }
    }
  });

  test('every resource conforms to its official profile', () => {
    for (const patient of patients.slice(0, 25)) {
      for (const resource of [JSON.parse(patient.patient.resource) as Json, ...resources(patient)]) {
        const issues = validateResource(resource).issues.filter((i) => i.severity === 'error');
        assert.deepEqual(issues, [], `${resource['resourceType'] as string}/${resource['id'] as string}`);
      }
    }
  });

  test('every reference between record items resolves within the record (its documents included), to an item of that type', () => {
    for (const patient of patients) {
      const ids = new Set([...patient.clinicalItems.map((row) => `${row.resource_type}/${row.id}`), ...patient.documents.map((d) => `DocumentReference/${d.row.id}`)]);
      for (const reference of resources(patient).flatMap(referencesOf)) {
        if (/^(Patient|Practitioner|Organization|Location)\//.test(reference)) continue;
        assert.ok(ids.has(reference), `${patient.patient.id}: ${reference} is held`);
      }
    }
  });

  test('coherence: each long-term condition brings its medicines, monitoring, reviews and recall, all linked to its problem', () => {
    let checked = 0;
    for (const patient of patients) {
      const all = resources(patient);
      const byRef = new Map(all.map((r) => [`${r['resourceType'] as string}/${r['id'] as string}`, r]));
      for (const problem of all.filter((r) => r['resourceType'] === 'Condition' && r['clinicalStatus'] === 'active')) {
        const linked = ((problem['extension'] as { url: string; valueReference?: { reference: string } }[]).filter((e) => e.url.endsWith('RelatedClinicalContent-1')).map((e) => byRef.get(e.valueReference!.reference)!));
        const linkedMedicines = linked.filter((r) => r['resourceType'] === 'MedicationRequest').map((plan) => codeOf(byRef.get((plan['medicationReference'] as { reference: string }).reference)!));
        const linkedTests = linked.filter((r) => r['resourceType'] === 'DiagnosticReport').map((report) => codeOf(byRef.get(((report['basedOn'] as { reference: string }[])[0]!).reference)!));
        const linkedCodes = linked.map(codeOf);
        const onset = problem['onsetDateTime'] as string;
        const yearsSince = (Date.parse(TODAY) - Date.parse(onset)) / (365.25 * 86_400_000);
        assert.ok(linked.some((r) => r['resourceType'] === 'Encounter'), 'discussed in a consultation');
        assert.ok(linked.some((r) => r['resourceType'] === 'ProcedureRequest'), 'a recall for review');
        switch (codeOf(problem)) {
          case 'X40J5': // type 2 diabetes: metformin and HbA1c
            assert.deepEqual(linkedMedicines, ['325278007']);
            if (yearsSince > 0.1) assert.ok(linkedTests.includes('43396009'), 'HbA1c tests');
            break;
          case '59621000': // hypertension: blood pressures at its reviews
            if (yearsSince > 1.1) assert.ok(all.some((r) => codeOf(r) === '163020007'), 'blood pressures');
            break;
          case '195967001': // asthma: reliever and preventer inhalers, annual reviews
            assert.deepEqual(linkedMedicines, ['35936511000001108', '42292311000001106']);
            if (yearsSince > 1.1) assert.ok(linkedCodes.includes('394700004'), 'asthma annual review');
            break;
          case '13645005': // COPD: reliever and tiotropium
            assert.deepEqual(linkedMedicines, ['35936511000001108', '9479011000001103']);
            break;
          case '414545008': // coronary heart disease: aspirin, cholesterol
            assert.deepEqual(linkedMedicines, ['319773006']);
            break;
          case '433144002': // CKD: eGFR
            if (yearsSince > 0.1) assert.ok(linkedTests.includes('80274001'), 'eGFR tests');
            break;
        }
        checked += 1;
      }
    }
    assert.ok(checked > 10, `${checked} long-term problems checked`);
  });

  test('a confidential problem keeps its diagnosis, consultations, reviews, tests and medicines confidential', () => {
    let checked = 0;
    // Confidential problems are rare: look further than the shared sample.
    for (const patient of plan(400, { items: 60 })) {
      const rowOf = new Map(patient.clinicalItems.map((row) => [`${row.resource_type}/${row.id}`, row]));
      for (const row of patient.clinicalItems.filter((r) => r.resource_type === 'Condition' && r.confidential)) {
        const related = (JSON.parse(row.resource).extension as { url: string; valueReference?: { reference: string } }[]).filter((e) => e.url.endsWith('RelatedClinicalContent-1') || e.url.endsWith('ActualProblem-1'));
        for (const link of related) {
          const reference = link.valueReference!.reference;
          if (reference.startsWith('ProcedureRequest/')) continue; // the recall says only "medication review due"
          const target = reference.startsWith('MedicationRequest/') ? rowOf.get(reference.replace(/-plan$/, '-statement').replace('MedicationRequest/', 'MedicationStatement/')) : rowOf.get(reference);
          assert.equal(target?.confidential, true, `${row.id} -> ${reference}`);
        }
        checked += 1;
      }
    }
    assert.ok(checked > 0, 'some problem is confidential');
  });

  test('dates make sense: within the patient\'s life, issues on or after their authorisation, recalls due ahead', () => {
    for (const patient of patients) {
      const birth = JSON.parse(patient.patient.resource)['birthDate'] as string;
      const byRef = new Map(resources(patient).map((r) => [`${r['resourceType'] as string}/${r['id'] as string}`, r]));
      for (const row of patient.clinicalItems) {
        const day = row.effective_at === null ? null : String(row.effective_at).slice(0, 10);
        if (day === null) continue;
        if (row.area === 'diaryEntries') {
          assert.ok(day > TODAY, `${row.id} is due after today`);
          assert.ok((JSON.parse(row.resource)['authoredOn'] as string) >= birth, row.id);
          continue;
        }
        assert.ok(day >= birth && day <= TODAY, `${row.id} on ${day}: born ${birth}`);
      }
      for (const order of [...byRef.values()].filter((r) => r['resourceType'] === 'MedicationRequest' && r['intent'] === 'order')) {
        const plan = byRef.get((order['basedOn'] as { reference: string }[])[0]!.reference)!;
        assert.ok((order['authoredOn'] as string) >= (plan['authoredOn'] as string), `${order['id'] as string} issued after its authorisation`);
      }
    }
  });

  test('a realistic mix: children, adults and older people with several conditions, every clinical area, a few confidential items', () => {
    const ages = patients.map((p) => (Date.parse(TODAY) - Date.parse(JSON.parse(p.patient.resource)['birthDate'] as string)) / (365.25 * 86_400_000));
    assert.ok(ages.some((a) => a < 18) && ages.some((a) => a >= 18 && a < 65) && ages.some((a) => a >= 65));
    const longTerm = (p: GeneratedPatient) => resources(p).filter((r) => r['resourceType'] === 'Condition' && r['clinicalStatus'] === 'active').length;
    assert.ok(patients.some((p, k) => ages[k]! >= 65 && longTerm(p) >= 2), 'an older patient with several long-term conditions');
    assert.ok(patients.some((p) => longTerm(p) === 0), 'a patient with no long-term condition');
    const areas = new Set(patients.flatMap((p) => p.clinicalItems.map((row) => row.area)));
    assert.deepEqual([...areas].sort(), ['allergies', 'consultations', 'diaryEntries', 'immunisations', 'investigations', 'medications', 'problems', 'referrals', 'uncategorised']);
    const items = patients.flatMap((p) => p.clinicalItems);
    const confidential = items.filter((row) => row.confidential).length / items.length;
    assert.ok(confidential > 0 && confidential < 0.05, `confidential fraction ${confidential}`);
    assert.ok(items.some((row) => row.resource_type === 'Condition' && JSON.parse(row.resource).extension.some((e: { url: string }) => e.url.endsWith('RelatedProblemHeader-1'))), 'related problems');
  });

  test('an acute illness\'s consultation has the GP\'s free text under History; each hepatitis A dose has the consent or refusal of that day', () => {
    const items = patients.flatMap((p) => p.clinicalItems);
    const narratives = items.filter((row) => row.area === 'consultations' && row.resource_type === 'Observation');
    assert.ok(narratives.length > 0);
    const lists = new Map(items.filter((row) => row.resource_type === 'List').map((row) => [`List/${row.id}`, JSON.parse(row.resource) as Json]));
    for (const row of narratives) {
      const note = JSON.parse(row.resource) as Json;
      assert.equal(codeOf(note), '37331000000100');
      const heading = [...lists.values()].find((list) => (list['entry'] as { item: { reference: string } }[]).some((e) => e.item.reference === `Observation/${row.id}`));
      assert.equal(heading?.['title'], 'History', row.id);
      assert.equal((heading!['encounter'] as { reference: string }).reference, (note['context'] as { reference: string }).reference);
    }
    const doses = items.filter((row) => row.resource_type === 'Immunization');
    const statuses = items.filter((row) => row.area === 'immunisations' && row.resource_type === 'Observation');
    assert.ok(doses.length > 0);
    for (const dose of doses) {
      const status = statuses.find((s) => s.patient_id === dose.patient_id && String(s.effective_at) === String(dose.effective_at));
      const text = (JSON.parse(status!.resource) as { code: { text: string } }).code.text;
      assert.equal(text, dose.status === 'not-given' ? 'Declined hepatitis A vaccination' : 'Consent given for hepatitis A vaccination', dose.id);
    }
  });

  test('registered at the target practice with its directory, the same person on PDS', () => {
    for (const { patient, pdsPerson } of patients) {
      const resource = JSON.parse(patient.resource) as { name: { family: string; given: string[] }[]; birthDate: string; gender: string; managingOrganization: { reference: string }; identifier: { value: string }[] };
      assert.equal(patient.fixture, 'generated-records');
      assert.ok(OPTIONS.target.practitionerIds.includes(patient.usual_gp_id!));
      assert.equal(resource.managingOrganization.reference, 'Organization/1');
      assert.deepEqual([pdsPerson.nhsNumber, pdsPerson.gpOds, pdsPerson.demographics.birthDate, pdsPerson.demographics.gender, pdsPerson.demographics.name.family], [resource.identifier[0]!.value, 'B82617', resource.birthDate, resource.gender, resource.name[0]!.family]);
      assert.ok(patient.registration_start! <= TODAY && patient.registration_start! >= addDays(resource.birthDate, 0));
    }
  });

  describe('documents', () => {
    const documents = patients.flatMap((p) => p.documents.map((d) => ({ ...d, patient: p, resource: JSON.parse(d.row.resource) as Json })));
    /** The file's words: every format here keeps its text uncompressed. */
    const text = (content: Buffer) => content.toString('latin1').toLowerCase();

    test('a mix of letters and photographs: PDF, RTF, Word, plain text and PNG, a few hundred bytes to well over 5 MB', () => {
      const perPatient = patients.map((p) => p.documents.length);
      assert.ok(perPatient.includes(0) && perPatient.some((n) => n >= 3), `documents per patient: ${perPatient.join(' ')}`);
      const types = new Set(documents.map((d) => d.row.content_type));
      assert.deepEqual([...types].sort(), ['application/pdf', 'application/rtf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'image/png', 'text/plain']);
      const sizes = documents.map((d) => d.content.length);
      assert.ok(Math.min(...sizes) < 2_000 && sizes.some((n) => n > 100_000 && n < FIVE_MB), 'small letters and smaller photographs');
      const authors = new Set(documents.map((d) => (d.resource['author'] as { reference: string }[])[0]!.reference.split('/')[0]));
      assert.deepEqual([...authors].sort(), ['Organization', 'Practitioner']);
      assert.ok(documents.some((d) => d.row.author_ods === 'R1A14') && documents.some((d) => d.row.author_ods === 'B82617'), 'by the hospital and by the practice');
      for (const d of documents) {
        const magic = d.content.subarray(0, 5).toString('latin1');
        const expected: Record<string, string> = { 'application/pdf': '%PDF-', 'application/rtf': '{\\rtf', 'image/png': '\x89PNG\r', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'PK\x03\x04\x14' };
        if (expected[d.row.content_type]) assert.equal(magic, expected[d.row.content_type], d.row.id);
      }
      const confidential = documents.filter((d) => d.row.confidential).length;
      assert.ok(confidential > 0 && confidential < documents.length / 10, `${confidential} of ${documents.length} confidential`);
    });

    test('a photograph over 5 MB for the 1st, 51st, 101st... patient, as many as asked for', () => {
      const large = (list: GeneratedPatient[]) => list.flatMap((p, k) => (p.documents.some((d) => d.content.length > FIVE_MB) ? [k + 1] : []));
      assert.deepEqual(large(patients), [1, 51]);
      assert.ok(DEFAULT_LARGE_DOCUMENTS >= 2);
      assert.deepEqual(large(plan(60, { items: 10, largeDocuments: 1 })), [1]);
      assert.deepEqual(large(plan(3, { items: 10, largeDocuments: 0 })), []);
    });

    test('every DocumentReference, as served with its size and URL, conforms to its profile; codes only from allowed sources', () => {
      const allowed = allowedCodes();
      for (const d of documents) {
        const attachment = (d.resource['content'] as { attachment: Json }[])[0]!.attachment;
        const served = { ...d.resource, content: [{ attachment: { ...attachment, size: d.content.length, url: `https://provider.example/Binary/${d.row.binary_id}` } }] };
        assert.deepEqual(validateResource(served).issues.filter((i) => i.severity === 'error'), [], d.row.id);
        for (const coding of codingsOf(d.resource)) if (CLINICAL_CODE_SYSTEMS.has(coding.system)) assert.ok(allowed.has(coding.code), `${coding.code} is in no allowed source`);
      }
    });

    test('dated within the patient\'s life and before today, created before indexed; the columns agree with the resource', () => {
      for (const d of documents) {
        const birth = JSON.parse(d.patient.patient.resource)['birthDate'] as string;
        const indexed = d.resource['indexed'] as string;
        const created = (d.resource['created'] as string | undefined) ?? indexed;
        assert.ok(created.slice(0, 10) >= birth && created <= indexed && indexed.slice(0, 10) < TODAY, `${d.row.id}: born ${birth}, created ${created}, indexed ${indexed}`);
        assert.deepEqual([d.row.patient_id, d.row.indexed_at, d.row.created_at, d.row.description, d.row.fixture], [d.patient.patient.id, indexed, d.resource['created'] ?? null, d.resource['description'], 'generated-records']);
      }
    });

    test('coherent with the record: letters name a problem the patient has, a test they had, the referral that sent them', () => {
      let checked = 0;
      for (const patient of patients) {
        const all = resources(patient);
        const problems = all.filter((r) => r['resourceType'] === 'Condition' && r['clinicalStatus'] === 'active').map((r) => ((r['code'] as { coding: { display: string }[] }).coding[0]!.display).toLowerCase());
        const tests = all.filter((r) => r['resourceType'] === 'ProcedureRequest' && r['intent'] === 'order').map((r) => ((r['code'] as { coding: { display: string }[] }).coding[0]!.display).toLowerCase());
        const referrals = patient.clinicalItems.filter((row) => row.resource_type === 'ReferralRequest');
        for (const d of patient.documents) {
          const description = d.row.description!;
          const words = text(d.content);
          if (description === 'Discharge summary' || description.endsWith(' clinic letter')) assert.ok(problems.some((p) => words.includes(p)), `${d.row.id} names one of ${problems.join(', ')}`);
          if (description === 'Blood test results letter') assert.ok(tests.some((t) => words.includes(t)), `${d.row.id} names one of ${tests.join(', ')}`);
          if (description.startsWith('Referral letter')) {
            const referral = referrals.find((row) => row.resource.includes(`"supportingInfo":[{"reference":"DocumentReference/${d.row.id}"}]`));
            assert.ok(referral, `${d.row.id} is named by its referral`);
            assert.equal(d.row.confidential, referral.confidential, `${d.row.id} is as confidential as its referral`);
          } else assert.equal(d.row.confidential, false, d.row.id);
          checked += 1;
        }
      }
      assert.ok(checked > 50, `${checked} documents checked`);
    });

    test('without documents: none, and the same record but for the referrals naming their letters', () => {
      const without = plan(20, { documents: false });
      const strip = (row: { resource: string }) => row.resource.replace(/,"supportingInfo":\[[^\]]*\]/, '');
      for (const [k, patient] of without.entries()) {
        assert.deepEqual(patient.documents, []);
        assert.deepEqual(patient.clinicalItems.map(strip), patients[k]!.clinicalItems.map(strip));
      }
      assert.ok(without.some((p, k) => JSON.stringify(p.clinicalItems) !== JSON.stringify(patients[k]!.clinicalItems)), 'some referral named a letter');
    });
  });
});
