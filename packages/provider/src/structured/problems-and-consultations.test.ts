import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EXTENSIONS } from '@gpconnect/fhir';
import { setStructuredAreasDisabled } from '@gpconnect/store';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { bundleEntries, expectResource, PRACTICE, startProvider, TODAY, type ProviderUnderTest } from '../test-support.ts';

type Json = Record<string, unknown>;
type Part = { name: string; [value: string]: unknown };

const SKELLY = '9690937286';
const CRANK = '9690937308';
const daysBefore = (days: number) => new Date(Date.parse(`${TODAY}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
const request = (nhsNumber: string, ...areas: { name: string; part?: Part[] }[]) => ({
  resourceType: 'Parameters',
  parameter: [{ name: 'patientNHSNumber', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber } }, ...areas],
});

const key = (r: Json) => `${r['resourceType'] as string}/${r['id'] as string}`;
const listCode = (list: Json) => (list['code'] as { coding: { code: string }[] }).coding[0]!.code;
const entries = (list: Json) => ((list['entry'] as { item: { reference?: string; display?: string } }[] | undefined) ?? []).map((e) => e.item.reference ?? e.item.display);
const warnings = (list: Json) => ((list['extension'] as Json[] | undefined) ?? []).filter((e) => e['url'] === EXTENSIONS.listWarningCode).map((e) => e['valueCode']);
const links = (problem: Json, url: string) => ((problem['extension'] as Json[]) ?? []).filter((e) => e['url'] === url).map((e) => (e['valueReference'] as { reference?: string; display?: string }).reference ?? (e['valueReference'] as { display: string }).display);
const relatedProblemHeaders = (resource: Json) =>
  ((resource['extension'] as Json[] | undefined) ?? [])
    .filter((e) => e['url'] === EXTENSIONS.relatedProblemHeader)
    .map((e) => Object.fromEntries((e['extension'] as Json[]).map((part) => [part['url'], part['valueCode'] ?? (part['valueReference'] as { reference: string }).reference])));

for (const backend of testStoreBackends()) {
  describe(`structured.md §5.3-§5.4, §6.3 problems and consultations, for the roster's patients (${backend.name})`, () => {
    let provider: ProviderUnderTest;
    before(async () => {
      provider = await startProvider(backend);
    });
    after(async () => provider.close());

    async function record(nhsNumber: string, ...areas: { name: string; part?: Part[] }[]) {
      const bundle = expectResource(await provider.send('getStructuredRecord', { body: request(nhsNumber, ...areas) }), 'Bundle');
      const resources = bundleEntries(bundle as { entry: { resource: Json }[] });
      const keys = resources.filter((r) => r['id'] !== undefined).map(key);
      assert.equal(new Set(keys).size, keys.length, 'every resource appears once (§3)');
      const listTitled = (title: string) => resources.find((r) => r['resourceType'] === 'List' && r['title'] === title);
      const of = (type: string) => resources.filter((r) => r['resourceType'] === type);
      return { resources, keys, listTitled, of };
    }

    test('§5.4 all problems: the primary List, each linked item with its course or parts, grouped into the secondary Lists', async () => {
      const { keys, listTitled, of } = await record(SKELLY, { name: 'includeProblems' });
      const primary = listTitled('Problems')!;
      assert.equal(listCode(primary), '717711000000103');
      const problems = of('Condition');
      assert.deepEqual(
        problems.map((p) => [(p['code'] as { coding: { display: string }[] }).coding[0]!.display, p['clinicalStatus'], ((p['extension'] as Json[]).find((e) => e['url'] === EXTENSIONS.problemSignificance)!)['valueCode']]),
        [
          ['First hepatitis A vaccination', 'inactive', 'minor'],
          ['Essential hypertension', 'active', 'major'],
          ['Stable angina', 'active', 'major'],
          ['Chest infection - unspecified bronchitis', 'inactive', 'minor'],
          ['Depressive disorder', 'active', 'minor'],
          ['Amoxicillin 250mg capsules', 'active', 'major'],
        ],
      );
      assert.deepEqual(entries(primary), problems.map(key));
      // Hypertension is the parent of angina, and angina names hypertension its parent.
      assert.deepEqual(relatedProblemHeaders(problems[1]!), [{ type: 'child', target: 'Condition/2-problem-2' }]);
      assert.deepEqual(relatedProblemHeaders(problems[2]!), [{ type: 'parent', target: 'Condition/2-problem-1' }]);
      const secondary = (title: string) => {
        const list = listTitled(title);
        assert.ok(list, `a List "${title}"`);
        assert.equal(listCode(list), title.toLowerCase().replace(/ - /g, '-').replace(/ /g, '-'));
        return list;
      };
      assert.deepEqual(entries(secondary('Problems - medications related to problems')), ['MedicationStatement/2-med-2-statement', 'MedicationStatement/2-med-3-statement']);
      assert.deepEqual(entries(secondary('Problems - uncategorised data related to problems')), ['Observation/2-observation-5', 'Observation/2-observation-2']);
      assert.deepEqual(entries(secondary('Problems - allergies related to problems')), ['AllergyIntolerance/2-allergy-1']);
      assert.deepEqual(entries(secondary('Problems - immunisations related to problems')), ['Immunization/2-immunisation-1']);
      assert.deepEqual(entries(secondary('Problems - investigations related to problems')), ['DiagnosticReport/2-investigation-1-report']);
      assert.deepEqual(entries(secondary('Problems - outbound referrals related to problems')), ['ReferralRequest/2-referral-2']);
      assert.deepEqual(entries(secondary('Problems - diary entries related to problems')), ['ProcedureRequest/2-diary-1']);
      assert.deepEqual(entries(secondary('Problems - consultations related to problems')), ['Encounter/2-consultation-1', 'Encounter/2-consultation-2', 'Encounter/2-consultation-5', 'Encounter/2-consultation-6']);
      // Each linked medication brings its statement, authorisation and Medication; the report its parts.
      for (const expected of ['MedicationRequest/2-med-2-plan', 'Medication/2-med-2-medication', 'Specimen/2-investigation-1-specimen', 'Observation/2-investigation-1-result-1']) assert.ok(keys.includes(expected), expected);
      // Consultations linked to a problem are their Encounter only: no structure Lists (§5.4).
      assert.equal(of('List').some((l) => l['encounter'] !== undefined), false);
      assert.equal(listTitled('Problems - linked problems not relating to the primary query'), undefined, 'every related problem matched');
    });

    test('§5.4 a confidential item linked to a problem is withheld without trace; the secondary List says items were excluded', async () => {
      const { keys, listTitled, of } = await record(SKELLY, { name: 'includeProblems' });
      assert.equal(keys.some((k) => k.startsWith('MedicationRequest/2-med-4') || k.startsWith('MedicationStatement/2-med-4')), false);
      const depression = of('Condition').find((p) => p['id'] === '2-problem-3')!;
      assert.deepEqual(links(depression, EXTENSIONS.relatedClinicalContent), ['ReferralRequest/2-referral-2', 'Encounter/2-consultation-5']);
      assert.deepEqual(warnings(listTitled('Problems - medications related to problems')!), ['confidential-items']);
      assert.deepEqual(warnings(listTitled('Problems - uncategorised data related to problems')!), []);
      assert.deepEqual(warnings(listTitled('Problems')!), []);
    });

    test('§5.4 filterStatus: only matching problems are primary; a problem related to one of them goes to the related-problems List unexpanded', async () => {
      const inactive = await record(SKELLY, { name: 'includeProblems', part: [{ name: 'filterStatus', valueCode: 'inactive' }] });
      assert.deepEqual(entries(inactive.listTitled('Problems')!), ['Condition/2-problem-6', 'Condition/2-problem-4']);
      // Angina is made inactive for this case: hypertension, active, names it as its child.
      await provider.store.db.updateTable('clinical_item').set({ status: 'inactive' }).where('id', '=', '2-problem-2').execute();
      try {
        const active = await record(SKELLY, { name: 'includeProblems', part: [{ name: 'filterStatus', valueCode: 'active' }] });
        assert.deepEqual(entries(active.listTitled('Problems')!), ['Condition/2-problem-1', 'Condition/2-problem-3', 'Condition/2-problem-5']);
        assert.deepEqual(entries(active.listTitled('Problems - linked problems not relating to the primary query')!), ['Condition/2-problem-2']);
        // Its aspirin course is not followed: the related problem is not expanded.
        assert.equal(active.keys.includes('MedicationRequest/2-med-2-plan'), false);
      } finally {
        await provider.store.db.updateTable('clinical_item').set({ status: 'active' }).where('id', '=', '2-problem-2').execute();
      }
    });

    test('§6.3 any query: problems linked to what it returns are in one related-problems List', async () => {
      const allergies = await record(SKELLY, { name: 'includeAllergies', part: [{ name: 'includeResolvedAllergies', valueBoolean: false }] });
      assert.deepEqual(entries(allergies.listTitled('Problems - linked problems not relating to the primary query')!), ['Condition/2-problem-5']);
      const both = await record(SKELLY, { name: 'includeMedication' }, { name: 'includeImmunisations' });
      const related = both.resources.filter((r) => r['title'] === 'Problems - linked problems not relating to the primary query');
      assert.equal(related.length, 1, 'exactly one related-problems List');
      assert.deepEqual(entries(related[0]!), ['Condition/2-problem-6', 'Condition/2-problem-2', 'Condition/2-problem-4']);
      const unlinked = await record('9690937294', { name: 'includeAllergies', part: [{ name: 'includeResolvedAllergies', valueBoolean: true }] });
      assert.equal(unlinked.listTitled('Problems - linked problems not relating to the primary query'), undefined);
    });

    test('§7 an item of a switched-off area linked to a problem is the placeholder, and the area is reported disabled', async () => {
      await setStructuredAreasDisabled(provider.store.db, PRACTICE.ods, ['referrals']);
      try {
        const { keys, of, listTitled } = await record(SKELLY, { name: 'includeProblems' });
        const depression = of('Condition').find((p) => p['id'] === '2-problem-3')!;
        assert.deepEqual(links(depression, EXTENSIONS.relatedClinicalContent), ['Referral items have been disabled', 'Encounter/2-consultation-5']);
        assert.equal(keys.some((k) => k.startsWith('ReferralRequest/')), false);
        assert.equal(listTitled('Problems - outbound referrals related to problems'), undefined);
        const outcome = of('OperationOutcome')[0] as { issue: { diagnostics: string; details: { text: string } }[] };
        assert.deepEqual(outcome.issue.map((i) => [i.details.text, i.diagnostics]), [['includeReferrals has been disabled', 'includeReferrals']]);
      } finally {
        await setStructuredAreasDisabled(provider.store.db, PRACTICE.ods, []);
      }
    });

    test('§5.3 consultations: each Encounter with its consultation, topic and heading Lists and every item inside', async () => {
      const { keys, listTitled, of, resources } = await record(SKELLY, { name: 'includeConsultations' });
      const primary = listTitled('List of consultations')!;
      assert.equal(listCode(primary), '1149501000000101');
      const encounters = of('Encounter');
      assert.deepEqual(entries(primary), encounters.map(key));
      assert.equal(encounters.length, 6);
      assert.deepEqual(encounters.map((e) => e['status']), ['finished', 'finished', 'finished', 'finished', 'finished', 'unknown'], 'the draft is returned, flagged unknown');
      for (const encounter of encounters) {
        const participants = (encounter['participant'] as { type: { coding: { code: string }[] }[] }[]).map((p) => p.type[0]!.coding[0]!.code);
        assert.deepEqual(participants, ['REC', 'PPRF']);
      }
      const structure = of('List').filter((l) => l['encounter'] !== undefined);
      for (const list of structure) {
        assert.ok(typeof list['id'] === 'string' && typeof list['date'] === 'string', 'structure Lists have an id and a date');
        assert.deepEqual((list['orderedBy'] as { coding: { code: string }[] }).coding[0]!.code, 'system');
        assert.equal('note' in list, false);
        assert.deepEqual(warnings(list), [], 'warning codes never go on structure Lists');
        for (const reference of entries(list)) assert.ok(keys.includes(reference!), `${list['id'] as string} names ${reference} and it is in the Bundle`);
      }
      // The hypertension review: a topic linked to the problem, with Examination and Plan headings.
      const topic = structure.find((l) => l['id'] === '2-consultation-1-topic-1')!;
      assert.equal(listCode(topic), '25851000000105');
      assert.deepEqual(relatedProblemHeaders(topic), [{ target: 'Condition/2-problem-1' }]);
      assert.deepEqual(structure.filter((l) => listCode(l) === '24781000000107' && (l['id'] as string).startsWith('2-consultation-1-')).map((l) => [l['title'], entries(l)]), [
        ['Examination', ['Observation/2-observation-5']],
        ['Plan', ['MedicationRequest/2-med-2-issue-3']],
      ]);
      // A flat consultation: its topic holds the items directly.
      assert.deepEqual(entries(structure.find((l) => l['id'] === '2-consultation-2-topic-1')!), ['Observation/2-observation-2', 'MedicationRequest/2-med-3-plan']);
      // The issue in a consultation brings its course; the problems of its topics come too.
      for (const expected of ['MedicationStatement/2-med-2-statement', 'MedicationRequest/2-med-2-plan', 'Medication/2-med-2-medication', 'Condition/2-problem-1']) assert.ok(keys.includes(expected), expected);
      assert.deepEqual(entries(listTitled('Consultations - medications contained in consultations')!), ['MedicationStatement/2-med-3-statement', 'MedicationStatement/2-med-2-statement']);
      assert.deepEqual(entries(listTitled('Consultations - problems contained in consultations')!), ['Condition/2-problem-4', 'Condition/2-problem-3', 'Condition/2-problem-1']);
      assert.deepEqual(entries(listTitled('Consultations - allergies contained in consultations')!), ['AllergyIntolerance/2-allergy-1']);
      assert.ok(listTitled('Problems - linked problems not relating to the primary query'));
      assert.equal(resources.some((r) => r['resourceType'] === 'OperationOutcome'), false);
    });

    test('§5.3 a confidential item in a consultation is left out of its heading without trace; the secondary List says so', async () => {
      const { keys, listTitled, of } = await record(SKELLY, { name: 'includeConsultations' });
      assert.equal(keys.some((k) => k.includes('2-med-4')), false);
      const plan = of('List').find((l) => l['id'] === '2-consultation-5-topic-1-heading-1')!;
      assert.deepEqual(entries(plan), ['ReferralRequest/2-referral-2']);
      assert.deepEqual(warnings(listTitled('Consultations - medications contained in consultations')!), ['confidential-items']);
      assert.deepEqual(warnings(listTitled('Consultations - outbound referrals in consultations')!), []);
    });

    test('§5.3 consultationSearchPeriod (start on or after, end on or before) and includeNumberOfMostRecent', async () => {
      const encounters = async (...part: Part[]) => entries((await record(SKELLY, { name: 'includeConsultations', part })).listTitled('List of consultations')!);
      assert.deepEqual(await encounters({ name: 'consultationSearchPeriod', valuePeriod: { start: daysBefore(100) } }), ['Encounter/2-consultation-4', 'Encounter/2-consultation-1', 'Encounter/2-consultation-6']);
      assert.deepEqual(await encounters({ name: 'consultationSearchPeriod', valuePeriod: { end: daysBefore(100) } }), ['Encounter/2-consultation-2', 'Encounter/2-consultation-5', 'Encounter/2-consultation-3']);
      assert.deepEqual(await encounters({ name: 'consultationSearchPeriod', valuePeriod: { start: daysBefore(300), end: daysBefore(30) } }), ['Encounter/2-consultation-5', 'Encounter/2-consultation-3', 'Encounter/2-consultation-4', 'Encounter/2-consultation-1']);
      assert.deepEqual(await encounters({ name: 'includeNumberOfMostRecent', valuePositiveInt: 2 }), ['Encounter/2-consultation-1', 'Encounter/2-consultation-6']);
    });

    test('§5.3 a completed diary entry inside a consultation is a comment note with its full text; the diary area shares incomplete entries only', async () => {
      const { resources } = await record('9658218873', { name: 'includeConsultations' });
      const note = resources.find((r) => r['id'] === 'html-2-diary-1-comment-note')!;
      assert.deepEqual(note['code'], { coding: [{ system: 'http://snomed.info/sct', code: '37331000000100', display: 'Comment note' }] });
      assert.equal(note['comment'], 'Medication review due (diary entry, completed). Due 2016-05-17');
      assert.deepEqual([note['status'], note['effectiveDateTime'], note['issued']], ['final', '2016-05-17', '2015-08-18T00:00:00+00:00']);
      const heading = resources.find((r) => r['resourceType'] === 'List' && r['title'] === 'Plan' && entries(r).includes('Observation/html-2-diary-1-comment-note'));
      assert.ok(heading, 'the heading names the note where the entry was');
      assert.equal(resources.some((r) => r['id'] === 'html-2-diary-1'), false, 'the diary entry itself is not returned');
      const uncategorised = resources.find((r) => r['title'] === 'Consultations - uncategorised data contained in consultations')!;
      assert.ok(entries(uncategorised).includes('Observation/html-2-diary-1-comment-note'));
      const diary = await record('9658218873', { name: 'includeDiaryEntries' });
      assert.equal(diary.resources.some((r) => r['resourceType'] === 'ProcedureRequest'), false);
    });

    test('a patient with no problems or consultations: empty Lists saying so', async () => {
      const { listTitled } = await record(CRANK, { name: 'includeProblems' }, { name: 'includeConsultations' });
      for (const title of ['Problems', 'List of consultations']) {
        const list = listTitled(title)!;
        assert.deepEqual([entries(list), (list['emptyReason'] as { coding: { code: string }[] }).coding[0]!.code, (list['note'] as { text: string }[])[0]!.text], [[], 'no-content-recorded', 'Information not available']);
      }
    });
  });
}
