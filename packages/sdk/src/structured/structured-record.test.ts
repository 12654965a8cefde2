import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LIST_CODES, readStructuredRecord } from './structured-record.ts';
import { structuredRecordParameters } from './structured-request.ts';

/** The GP Connect specification's example responses, as the fhir package keeps them. */
const example = (name: string) => JSON.parse(readFileSync(new URL(`../../../fhir/src/__fixtures__/spec-examples/structured-response-${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe('reading a structured record into the clinician-friendly model', () => {
  test('allergies: active from their List (the term as recorded, a degraded code\'s original name), ended from the contained resources of theirs', () => {
    const record = readStructuredRecord(example('allergies-with-resolved'));
    // The List's first entry names an allergy the example Bundle does not hold: it is left out.
    assert.deepEqual(record.allergies.active.map((a) => [a.substance.text, a.substance.code, a.clinicalStatus]), [
      ['Amoxicillin 250mg capsules', '323509004', 'active'],
      ['Nut allergy', '256349002', 'active'],
      ['Allergy to paracetemol', '196461000000101', 'active'],
    ]);
    assert.deepEqual(record.allergies.ended.map((a) => [a.substance.text, a.clinicalStatus, a.ended]), [['Aspirin 75mg dispersible tablet', 'resolved', '2018-03-01']]);
    assert.equal(record.patient?.['resourceType'], 'Patient');
    assert.ok(record.allergies.active.every((a) => a.resource['resourceType'] === 'AllergyIntolerance'));
  });

  test('medications: each statement with its medication, authorisation, and issues latest first', () => {
    const record = readStructuredRecord(example('medications'));
    assert.deepEqual(record.medications.map((m) => [m.medication.text, m.status, m.issues.length]), [
      ['Amoxicillin 250mg capsules', 'completed', 1],
      ['Amoxicillin 250mg capsules', 'completed', 0],
      ['Aspirin 75mg dispersible tablets', 'active', 2],
    ]);
    const aspirin = record.medications[2]!;
    assert.equal(aspirin.dosage, 'TAKE ONE DAILY');
    assert.equal(aspirin.latestIssue?.authoredOn, '2016-09-11');
    assert.deepEqual(aspirin.issues.map((i) => i.authoredOn), ['2016-09-11', '2016-08-11']);
    assert.equal(aspirin.authorisation?.['intent'], 'plan');
    assert.equal(aspirin.prescribingAgency, 'prescribed-at-gp-practice');
    assert.ok(aspirin.prescriptionType);
  });

  test('investigations: the report, its test group and every result with value and reference range', () => {
    const [report, ...others] = readStructuredRecord(example('investigations')).investigations;
    assert.equal(others.length, 0);
    assert.equal(report!.issued, '2019-04-03T12:00:00+00:00');
    assert.equal(report!.groups.length, 1);
    const group = report!.groups[0]!;
    assert.equal(group.name?.text, 'FBC - Full blood count');
    assert.equal(group.results.length, 18);
    const whiteCells = group.results.find((r) => r.name.text === 'Total white cell count')!;
    assert.deepEqual([whiteCells.value, whiteCells.referenceRange], ['5.7 10*9/L', '3.5 - 11']);
  });

  test('immunisations, uncategorised observations and referrals (an older provider\'s List code too)', () => {
    const immunisations = readStructuredRecord(example('immunisations')).immunisations;
    assert.equal(immunisations.length, 1);
    assert.equal(immunisations[0]!.date, '2019-06-28');
    // Named by the vaccination procedure, not by the product, which the example records only as a null flavour.
    const procedure = ((immunisations[0]!.resource['extension'] as { url: string; valueCodeableConcept?: { coding: { display: string }[] } }[]).find((e) => e.url.endsWith('VaccinationProcedure-1'))!.valueCodeableConcept!).coding[0]!.display;
    assert.equal(immunisations[0]!.vaccination.text, procedure);
    assert.notEqual(immunisations[0]!.vaccination.text, immunisations[0]!.vaccine.text);
    assert.deepEqual(readStructuredRecord(example('uncategorised')).uncategorised.map((o) => [o.name.text, o.value]), [
      ['Temperature', '36.7 C'],
      ['Arterial oxygen saturation breathing room air at rest', '96 %'],
      ['Respiratory rate', '16 breaths per minute'],
    ]);
    const referrals = readStructuredRecord(example('referrals')).referrals;
    assert.deepEqual(referrals.map((r) => r.reason?.text), ['Referral to counselor', 'Referral to physiotherapist'], 'in the order of the List');
  });

  test('consent and dissent records in the Immunisations List are read as observations, in their original words, with when they ended', () => {
    const bundle = example('immunisations') as { entry: { resource: Record<string, unknown> }[] };
    const list = bundle.entry.find((e) => e.resource['resourceType'] === 'List')!.resource as { entry: { item: { reference: string } }[] };
    list.entry.push({ item: { reference: 'Observation/dissent-1' } });
    bundle.entry.push({
      resource: {
        resourceType: 'Observation',
        id: 'dissent-1',
        status: 'final',
        code: { coding: [{ system: 'http://snomed.info/sct', code: '196411000000103', display: 'Transfer-degraded record entry' }], text: 'Declined hepatitis A vaccination' },
        effectivePeriod: { start: '2019-06-01', end: '2019-06-20' },
      },
    });
    const record = readStructuredRecord(bundle);
    assert.equal(record.immunisations.length, 1, 'the vaccination itself is still an immunisation');
    assert.deepEqual(record.immunisationStatus.map((s) => [s.name.text, s.name.code, s.date, s.ended]), [['Declined hepatitis A vaccination', '196411000000103', '2019-06-01', '2019-06-20']]);
    assert.deepEqual(record.uncategorised, []);
  });

  test('a consultation\'s free text (Observation narrative) is labelled with what the clinician wrote, coded items with their term', () => {
    const sct = (code: string, display: string) => ({ coding: [{ system: 'http://snomed.info/sct', code, display }] });
    const list = (id: string, code: string, title: string, items: string[]) => ({ resourceType: 'List', id, title, code: sct(code, title), encounter: { reference: 'Encounter/e1' }, entry: items.map((reference) => ({ item: { reference } })) });
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resourceType: 'List', id: 'all', code: sct(LIST_CODES.consultations, 'List of consultations'), entry: [{ item: { reference: 'Encounter/e1' } }] },
        { resourceType: 'Encounter', id: 'e1', status: 'finished', type: [{ text: 'Surgery consultation' }], period: { start: '2026-01-05T10:00:00+00:00' } },
        list('c1', '325851000000107', 'Surgery consultation', ['List/t1']),
        list('t1', '25851000000105', 'Cough', ['List/h1']),
        list('h1', '24781000000107', 'History', ['Observation/n1', 'Observation/o1']),
        { resourceType: 'Observation', id: 'n1', status: 'final', code: sct('37331000000100', 'Comment note'), comment: 'Cough for a few days.' },
        { resourceType: 'Observation', id: 'o1', status: 'final', code: sct('49727002', 'Cough') },
      ].map((resource) => ({ resource })),
    };
    const [consultation] = readStructuredRecord(bundle).consultations;
    assert.deepEqual(consultation!.topics[0]!.headings[0]!.items.map((i) => i.label), ['Cough for a few days.', 'Cough']);
  });

  test('a malformed entry (no resource) is skipped, not fatal; an empty Bundle is an empty record', () => {
    const diary = readStructuredRecord(example('diary-entries'));
    assert.deepEqual(diary.diaryEntries, []);
    const empty = readStructuredRecord({ resourceType: 'Bundle', type: 'collection' });
    assert.deepEqual([empty.medications, empty.problems, empty.warnings, empty.allergies.active], [[], [], [], []]);
  });

  test('List warnings and the OperationOutcome of parameters the provider did not act on are surfaced', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          resource: {
            resourceType: 'List',
            title: 'Medications and medical devices',
            code: { coding: [{ system: 'http://snomed.info/sct', code: '933361000000108' }] },
            extension: [{ url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1', valueCode: 'confidential-items' }],
            note: [{ text: 'Items excluded due to confidentiality and/or patient preferences.' }],
            emptyReason: { coding: [{ code: 'no-content-recorded' }] },
          },
        },
        { resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'warning', code: 'not-supported', details: { coding: [{ code: 'NOT_IMPLEMENTED' }] }, diagnostics: 'includeFutureThing' }] } },
      ],
    };
    const record = readStructuredRecord(bundle);
    assert.deepEqual(record.warnings, [{ list: 'Medications and medical devices', code: 'confidential-items', note: 'Items excluded due to confidentiality and/or patient preferences.' }]);
    assert.deepEqual(record.operationOutcome, [{ code: 'NOT_IMPLEMENTED', diagnostics: 'includeFutureThing' }]);
  });
});

describe('building a structured record request', () => {
  const request = (name: string) => JSON.parse(readFileSync(new URL(`../../../fhir/src/__fixtures__/spec-examples/structured-request-${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

  test('the same Parameters as the specification\'s examples', () => {
    assert.deepEqual(structuredRecordParameters('9999999999', { allergies: { includeResolved: true } }), request('allergies'));
    assert.deepEqual(structuredRecordParameters('9999999999', { medications: {} }), request('medications'));
    assert.deepEqual(structuredRecordParameters('9999999999', { problems: { status: 'active' } }), request('problems'));
  });

  test('part parameters, in the spec\'s order of areas', () => {
    const parameters = structuredRecordParameters('9690937286', {
      consultations: { mostRecent: 3 },
      medications: { includeIssues: false, fromDate: '2024-01-01' },
      diaryEntries: { searchDate: '2027-01-01' },
      investigations: { period: { start: '2020-01-01', end: '2024-12-31' } },
    }) as { parameter: { name: string; part?: Record<string, unknown>[] }[] };
    assert.deepEqual(parameters.parameter.map((p) => p.name), ['patientNHSNumber', 'includeMedication', 'includeConsultations', 'includeInvestigations', 'includeDiaryEntries']);
    assert.deepEqual(parameters.parameter[1]!.part, [{ name: 'includePrescriptionIssues', valueBoolean: false }, { name: 'medicationSearchFromDate', valueDate: '2024-01-01' }]);
    assert.deepEqual(parameters.parameter[3]!.part, [{ name: 'investigationSearchPeriod', valuePeriod: { start: '2020-01-01', end: '2024-12-31' } }]);
  });
});
