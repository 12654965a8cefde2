import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EXTENSIONS, validateResource } from '@gpconnect/fhir';
import { addDays } from './dates.ts';
import { planNationalRoster } from './plan-national-roster.ts';
import type { PlannedClinicalItemRow } from './record-item.ts';
import { allowedCodes, CLINICAL_CODE_SYSTEMS, codingsOf, referencesOf } from './testing/allowed-codes.ts';

type Json = Record<string, unknown>;

const TODAY = '2026-11-24';
const plan = planNationalRoster({ today: TODAY, now: new Date(`${TODAY}T10:00:00Z`) });
const PRESCRIPTION_TYPE = 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-PrescriptionType-1';
const STATUS_REASON = 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-MedicationStatusReason-1';

interface Item {
  row: PlannedClinicalItemRow;
  resource: Json;
}
const itemsOf = (patientId: string): Item[] => plan.clinicalItems.filter((r) => r.patient_id === patientId).map((row) => ({ row, resource: JSON.parse(row.resource) as Json }));
const extension = (resource: Json, url: string) => ((resource['extension'] as Json[] | undefined) ?? []).find((e) => e['url'] === url);
const prescriptionType = (request: Json) => ((extension(request, PRESCRIPTION_TYPE)?.['valueCodeableConcept'] as { coding: { code: string }[] }).coding[0]!.code);
const planEnd = (request: Json) => ((request['dispenseRequest'] as { validityPeriod: { end?: string } }).validityPeriod.end);

/**
 * The Access Record HTML sections (and MED and PRB and ALL subsections) each stored item is shown in,
 * as the provider's HTML view maps them (see plan-html-cohort.ts).
 */
function htmlSections(items: readonly Item[], today: string): Record<string, string[]> {
  const sections: Record<string, string[]> = {};
  const add = (section: string, item: Item) => (sections[section] ??= []).push(item.row.id);
  const yearAgo = addDays(today, -365);
  for (const item of items) {
    const r = item.resource;
    switch (r['resourceType']) {
      case 'Encounter':
        add('ENC', item);
        break;
      case 'Observation':
        add('valueQuantity' in r || 'component' in r ? 'OBS' : 'CLI', item);
        break;
      case 'ProcedureRequest':
        add('ADM', item);
        break;
      case 'ReferralRequest':
        add('REF', item);
        break;
      case 'Immunization':
        add('IMM', item);
        break;
      case 'Condition':
        add(r['clinicalStatus'] === 'active' ? 'PRB active' : extension(r, EXTENSIONS.problemSignificance)?.['valueCode'] === 'major' ? 'PRB major inactive' : 'PRB other inactive', item);
        break;
      case 'AllergyIntolerance':
        if (r['clinicalStatus'] === 'active') add('ALL current', item);
        else if (r['clinicalStatus'] === 'resolved' && extension(r, EXTENSIONS.allergyIntoleranceEnd)) add('ALL historical', item);
        break;
      case 'MedicationStatement':
        add('MED all', item);
        break;
      case 'MedicationRequest': {
        if (r['intent'] === 'order') {
          add('MED issues', item);
          break;
        }
        const type = prescriptionType(r);
        if (type === 'acute' && (r['authoredOn'] as string) > yearAgo) add('MED acute (last 12 months)', item);
        if (type === 'repeat' && r['status'] === 'stopped' && extension(r, STATUS_REASON)) add('MED discontinued repeat', item);
        const end = planEnd(r);
        if (type === 'repeat' && r['status'] === 'active' && (end === undefined || end > today)) add('MED current repeat', item);
        break;
      }
    }
  }
  return sections;
}
const sectionsOf = (patientId: string, today = TODAY) => Object.keys(htmlSections(itemsOf(patientId), today)).sort();

const EVERY_SECTION = [
  'ADM',
  'ALL current',
  'ALL historical',
  'CLI',
  'ENC',
  'IMM',
  'MED acute (last 12 months)',
  'MED all',
  'MED current repeat',
  'MED discontinued repeat',
  'MED issues',
  'OBS',
  'PRB active',
  'PRB major inactive',
  'PRB other inactive',
  'REF',
];

/** Every date (or dateTime's date) written anywhere in `value`. */
function datesIn(value: unknown): string[] {
  if (typeof value === 'string') return /^\d{4}-\d{2}-\d{2}/.test(value) ? [value.slice(0, 10)] : [];
  if (Array.isArray(value)) return value.flatMap(datesIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Json).flatMap(([key, child]) => (key === 'meta' ? [] : datesIn(child)));
}

/** A course's items: statement, authorisation, Medication and issues share the id `<patient>-med-N-`. */
const courseOf = (id: string) => /^(.*-med-\d+)-/.exec(id)?.[1];

describe('the Access Record HTML cohort records (testdata README, "Access Record HTML cohort")', () => {
  test('html-1 (9658218865): nothing recorded in any section', () => {
    assert.deepEqual(itemsOf('html-1'), []);
  });

  test('html-2 (9658218873): entries in every section, current and historical allergies, acute, current and discontinued repeats, every kind of problem', () => {
    assert.deepEqual(sectionsOf('html-2'), EVERY_SECTION);
  });

  test('html-2: every date between 2015-05-01 and 2016-07-01 (fixed), except the acute course of the last twelve months', () => {
    const items = itemsOf('html-2');
    const recentCourses = new Set(htmlSections(items, TODAY)['MED acute (last 12 months)']!.map(courseOf));
    assert.equal(recentCourses.size, 1);
    for (const item of items) {
      const dates = datesIn(item.resource);
      if (recentCourses.has(courseOf(item.row.id))) {
        for (const date of dates) assert.ok(date > addDays(TODAY, -365) && date <= TODAY, `${item.row.id}: ${date} is within the last twelve months`);
      } else {
        for (const date of dates) assert.ok(date >= '2015-05-01' && date <= '2016-07-01', `${item.row.id}: ${date}`);
      }
      assert.ok(item.row.effective_at === null || dates.includes(String(item.row.effective_at).slice(0, 10)), `${item.row.id} is dated by its own date`);
    }
    // Loaded another day, the fixed dates stay and the recent course moves with the day.
    const later = planNationalRoster({ today: addDays(TODAY, 100), now: new Date(`${TODAY}T10:00:00Z`) });
    const moved = later.clinicalItems.filter((r) => r.patient_id === 'html-2' && r.effective_at !== null);
    const before = new Map(items.map((i) => [i.row.id, i.row.effective_at]));
    for (const row of moved) {
      const shift = (Date.parse(String(row.effective_at)) - Date.parse(String(before.get(row.id)))) / 86_400_000;
      assert.equal(shift, recentCourses.has(courseOf(row.id)) ? 100 : 0, row.id);
    }
  });

  test('html-2: at least four distinct issues, one medication issued at least twice; the current repeat has not ended, the discontinued one was stopped with a reason', () => {
    const items = itemsOf('html-2');
    const byId = new Map(items.map((i) => [i.row.id, i.resource]));
    const issues = items.filter((i) => i.resource['resourceType'] === 'MedicationRequest' && i.resource['intent'] === 'order');
    assert.ok(issues.length >= 4);
    const medicineOf = (request: Json) => {
      const medication = byId.get((request['medicationReference'] as { reference: string }).reference.replace('Medication/', ''))!;
      return (medication['code'] as { coding: { display: string }[] }).coding[0]!.display;
    };
    const issuesPerMedicine = new Map<string, number>();
    for (const issue of issues) issuesPerMedicine.set(medicineOf(issue.resource), (issuesPerMedicine.get(medicineOf(issue.resource)) ?? 0) + 1);
    assert.ok(issuesPerMedicine.size >= 4, [...issuesPerMedicine.keys()].join(', '));
    assert.ok([...issuesPerMedicine.values()].some((n) => n >= 2));

    const sections = htmlSections(items, TODAY);
    for (const id of sections['MED current repeat']!) {
      const statement = items.find((i) => i.resource['resourceType'] === 'MedicationStatement' && (i.resource['basedOn'] as { reference: string }[])[0]!.reference === `MedicationRequest/${id}`)!.resource;
      assert.deepEqual([statement['status'], (statement['effectivePeriod'] as Json)['end']], ['active', undefined], id);
    }
    for (const id of sections['MED discontinued repeat']!) {
      const reason = extension(byId.get(id)!, STATUS_REASON)!['extension'] as Json[];
      assert.deepEqual(reason.map((e) => e['url']), ['statusChangeDate', 'statusReason'], id);
      const statement = items.find((i) => i.resource['resourceType'] === 'MedicationStatement' && (i.resource['basedOn'] as { reference: string }[])[0]!.reference === `MedicationRequest/${id}`)!.resource;
      assert.equal(statement['status'], 'stopped');
    }
    // Historical allergies carry their end; current ones none.
    for (const id of sections['ALL historical']!) assert.ok(extension(byId.get(id)!, EXTENSIONS.allergyIntoleranceEnd), id);
  });

  test('html-2 holds the cohort\'s one confidential item (so the HTML exclusion banner can be tested), linked from nothing shared', () => {
    const confidential = plan.clinicalItems.filter((r) => r.patient_id.startsWith('html-') && r.confidential);
    assert.deepEqual(confidential.map((r) => [r.id, r.area]), [['html-2-referral-2', 'referrals']]);
    const linking = itemsOf('html-2').filter((i) => referencesOf(i.resource).includes('ReferralRequest/html-2-referral-2'));
    assert.deepEqual(linking, []);
  });

  test('html-3 to html-8: exactly the mixes of allergies, medication and problems the roster describes', () => {
    assert.deepEqual(sectionsOf('html-3'), ['ALL current', 'MED acute (last 12 months)', 'MED all', 'MED issues', 'PRB active']);
    assert.deepEqual(sectionsOf('html-4'), ['ALL historical', 'MED all', 'MED current repeat', 'MED issues', 'PRB major inactive', 'PRB other inactive']);
    assert.deepEqual(sectionsOf('html-5'), ['MED all', 'MED issues']);
    assert.deepEqual(sectionsOf('html-6'), ['MED acute (last 12 months)', 'MED all', 'MED current repeat', 'MED issues']);
    assert.deepEqual(sectionsOf('html-7'), ['MED all', 'MED current repeat', 'MED issues']);
    assert.deepEqual(sectionsOf('html-8'), ['MED acute (last 12 months)', 'MED all', 'MED issues']);
  });

  test('medication history: html-5, 7 and 8 have earlier courses that ended with their issues; html-6 has none, html-7 no acute and html-8 no repeat', () => {
    const statements = (patientId: string) => itemsOf(patientId).filter((i) => i.resource['resourceType'] === 'MedicationStatement');
    const plans = (patientId: string) => itemsOf(patientId).filter((i) => i.resource['resourceType'] === 'MedicationRequest' && i.resource['intent'] === 'plan');
    const issuesOf = (patientId: string, statement: Item) => itemsOf(patientId).filter((i) => i.resource['intent'] === 'order' && courseOf(i.row.id) === courseOf(statement.row.id));
    const yearAgo = addDays(TODAY, -365);
    for (const patientId of ['html-5', 'html-7', 'html-8']) {
      const ended = statements(patientId).filter((s) => s.resource['status'] === 'completed' && ((s.resource['effectivePeriod'] as Json)['end'] as string) < yearAgo);
      assert.ok(ended.length > 0, `${patientId} has history`);
      for (const statement of ended) assert.ok(issuesOf(patientId, statement).length > 0, `${statement.row.id} has its issues`);
    }
    assert.ok(statements('html-5').every((s) => s.resource['status'] === 'completed'), 'html-5: nothing current');
    assert.ok(statements('html-6').every((s) => ((s.resource['effectivePeriod'] as Json)['start'] as string) > yearAgo), 'html-6: nothing older than a year');
    assert.ok(plans('html-7').every((p) => prescriptionType(p.resource) === 'repeat'), 'html-7: no acute');
    assert.ok(plans('html-8').every((p) => prescriptionType(p.resource) === 'acute'), 'html-8: no repeat');
    assert.ok(plans('html-7').some((p) => p.resource['status'] === 'completed' && planEnd(p.resource)! < TODAY), 'html-7: an authorisation that ended');
  });

  test('html-9, 11, 12, 13 and 15: entries in every section; html-10 in some; html-18 a little, before the death', () => {
    for (const patientId of ['html-9', 'html-11', 'html-12', 'html-13', 'html-15']) assert.deepEqual(sectionsOf(patientId), EVERY_SECTION, patientId);
    const some = sectionsOf('html-10');
    assert.ok(some.length >= 3 && some.length < EVERY_SECTION.length, some.join(', '));
    const died = plan.patients.find((p) => p.id === 'html-18')!.deceased_at!;
    const small = itemsOf('html-18');
    assert.ok(small.length > 0 && small.length < 10);
    for (const item of small) for (const date of datesIn(item.resource)) assert.ok(date < died, `${item.row.id}: ${date}`);
  });

  test('html-13 (record in transit): registered at the practice before anything in its record, which was all entered here', () => {
    const registered = plan.patients.find((p) => p.id === 'html-13')!.registration_start!;
    assert.ok(registered > addDays(TODAY, -3 * 365) && registered < TODAY, registered);
    const patient = JSON.parse(plan.patients.find((p) => p.id === 'html-13')!.resource) as Json;
    assert.ok(JSON.stringify(patient).includes(`"registrationPeriod","valuePeriod":{"start":"${registered}"}`));
    for (const item of itemsOf('html-13')) for (const date of datesIn(item.resource)) assert.ok(date >= registered, `${item.row.id}: ${date}`);
  });

  test('every item conforms to its profile, codes only from the allowed sources, links only within the same record', () => {
    const allowed = allowedCodes();
    const patientIds = [...new Set(plan.clinicalItems.map((r) => r.patient_id).filter((id) => id.startsWith('html-')))];
    for (const patientId of patientIds) {
      const items = itemsOf(patientId);
      const held = new Set(items.map((i) => `${i.resource['resourceType'] as string}/${i.row.id}`));
      for (const { row, resource } of items) {
        assert.equal(resource['id'], row.id);
        // A completed diary entry is never served as itself (the diary profile fixes status to active):
        // the provider serves it as a comment note, which its tests validate.
        const completedDiaryEntry = row.area === 'diaryEntries' && row.status === 'completed';
        if (!completedDiaryEntry) assert.deepEqual(validateResource(resource).issues.filter((i) => i.severity === 'error'), [], `${resource['resourceType'] as string}/${row.id}`);
        if (resource['resourceType'] !== 'List') {
          for (const coding of codingsOf(resource)) if (CLINICAL_CODE_SYSTEMS.has(coding.system)) assert.ok(allowed.has(coding.code), `${row.id}: ${coding.system}|${coding.code} is in no allowed source`);
        }
        for (const reference of referencesOf(resource)) {
          if (reference === `Patient/${patientId}` || reference.startsWith('Practitioner/')) continue;
          assert.ok(held.has(reference), `${row.id} links to ${reference}`);
        }
      }
    }
  });
});
