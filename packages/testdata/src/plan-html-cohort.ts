import { addDays, minutesAfter, parseIsoDate } from './dates.ts';
import { ACUTE_BRONCHITIS, ASTHMA, BECLOMETASONE, COPD, COUGH, DEPRESSIVE_DISORDER, ESSENTIAL_HYPERTENSION, ISCHAEMIC_HEART_DISEASE, MEDICATION_REVIEW_DONE, type Concept } from './generate/clinical-concepts.ts';
import { allergyItem, AMOXICILLIN as AMOXICILLIN_ALLERGY, ASPIRIN as ASPIRIN_ALLERGY, ITCHY_RASH, PEANUT, VOMITING, type AllergyRecord } from './plan-allergies.ts';
import { immunisationItem } from './plan-immunisations.ts';
import { AMITRIPTYLINE, AMOXICILLIN, ASPIRIN, courseItems, METFORMIN, PREDNISOLONE, SALBUTAMOL, type MedicationCourse } from './plan-medications.ts';
import { BMI, observationItem, TEMPERATURE, type ObservationRecord } from './plan-observations.ts';
import { COUNSELLING, MEDICATION_REVIEW_DUE, PHYSIOTHERAPY, recallItem, referralItem, type RecallRecord, type ReferralRecord } from './plan-referrals-and-recalls.ts';
import type { ResourceRow } from './planned-row.ts';
import { clinicalItemRow, type PlannedClinicalItemRow, type RecordItem } from './record-item.ts';
import { consultationItems, problemItem, type ProblemHeader } from './render-problems-and-consultations.ts';

/**
 * The clinical records of the Access Record HTML (0.7.x) cohort (testdata README, "Access Record HTML
 * cohort"; roster `accessRecordHtmlPatients[].clinicalContent`). The HTML view is rendered from the
 * stored STU3 record items the structured API serves, so these records are made of the same items as
 * the 1.x cohort's, through the same renderers. Each record fills exactly the HTML sections its
 * description names:
 *
 * - ENC: consultations; CLI: uncategorised observations without a value (coded entries); OBS: those
 *   with a value (blood pressures included); ADM: diary entries (recalls); REF: referrals; IMM:
 *   immunisations.
 * - PRB: active problems; inactive major ones ("Major Inactive"); inactive minor ones ("Other Inactive").
 * - ALL: active allergies (current); resolved ones with their end (historical).
 * - MED: acute courses started within 365 days of the load day ("Acute Medication (Last 12 Months)");
 *   repeat courses neither ended nor stopped ("Current Repeat"); repeat courses a clinician stopped,
 *   with a reason ("Discontinued Repeat"); every course and its issues ("All Medication", "All
 *   Medication Issues"). "Medication history" is earlier courses that ended on their own.
 *
 * patient2's record is dated between 2015-05-01 and 2016-07-01, as the roster says, except its
 * recent acute course; every other date is relative to the load day. The records "with data in every
 * section" (patients 9, 11, 12, 13 and 15) are patient2's record moved to end four weeks before the
 * load day, without its confidential referral; patient13's registration at the practice starts
 * where that record does, so all of it was entered at this practice (its GP2GP transfer is incomplete).
 * Codes come from the 1.x roster's items and the generator's code lists only (never typed from memory).
 */

/**
 * An item of the same record, named without the patient: `allergy-1`, `med-2` (the course's
 * authorisation), `observation-3`, `immunisation-1`, `referral-1`, `diary-1`, `problem-2`,
 * `consultation-1`. The item's logical id is `<patient id>-<key>` (e.g. html-2-observation-3).
 */
type Key = string;

interface Problem {
  code: Concept;
  clinicalStatus: ProblemHeader['clinicalStatus'];
  significance: ProblemHeader['significance'];
  onset: string;
  abated?: string;
  /** The item escalated to the problem. */
  actual?: Key;
  related: Key[];
  /** Other problems, and what each is to this one. */
  relatedProblems?: { type: 'parent' | 'child' | 'sibling'; problem: Key }[];
  /** The consultation it was first recorded in. */
  context?: Key;
}

interface Consultation {
  type: string;
  /** ISO date; it starts at 09:30 UTC and lasts ten minutes. */
  date: string;
  topics: { title: string; problem?: Key; headings: { title: string; items: Key[] }[] }[];
}

type Confidential = { confidential?: boolean };

/** A record with every date resolved; items are numbered from 1 by kind, in the order given here. */
interface HtmlRecord {
  allergies?: (AllergyRecord & Confidential)[];
  courses?: (MedicationCourse & Confidential)[];
  observations?: (ObservationRecord & Confidential)[];
  immunisations?: { date: string; notGiven?: boolean }[];
  referrals?: (ReferralRecord & Confidential)[];
  recalls?: RecallRecord[];
  problems?: Problem[];
  consultations?: Consultation[];
}

const at = (date: string, time = '09:35') => `${date}T${time}:00+00:00`;
const DAY_MS = 86_400_000;

// Prescriptions as the 1.x roster and the generator write them; a course adds its dates.
type Prescription = Omit<MedicationCourse, 'start' | 'issued'>;
const AMOXICILLIN_7_DAYS: Prescription = { product: AMOXICILLIN, type: 'acute', dosage: 'One capsule three times a day for 7 days', quantity: 21, supplyDays: 7 };
const PREDNISOLONE_5_DAYS: Prescription = { product: PREDNISOLONE, type: 'acute', dosage: 'Six tablets once a day for 5 days', quantity: 30, supplyDays: 5 };
const ASPIRIN_DAILY: Prescription = { product: ASPIRIN, type: 'repeat', dosage: 'One tablet daily', quantity: 56, supplyDays: 56, repeatsAllowed: 12 };
const METFORMIN_TWICE_DAILY: Prescription = { product: METFORMIN, type: 'repeat', dosage: 'One tablet twice a day with meals', quantity: 112, supplyDays: 56, repeatsAllowed: 12 };
const AMITRIPTYLINE_AT_NIGHT: Prescription = { product: AMITRIPTYLINE, type: 'repeat', dosage: 'One tablet at night', quantity: 28, supplyDays: 28, repeatsAllowed: 6 };
const SALBUTAMOL_WHEN_REQUIRED: Prescription = { product: SALBUTAMOL, type: 'repeat', dosage: 'Two puffs when required', quantity: 1, supplyDays: 30, repeatsAllowed: 12 };
const BECLOMETASONE_TWICE_DAILY: Prescription = { product: BECLOMETASONE, type: 'repeat', dosage: 'Two puffs twice a day', quantity: 1, supplyDays: 30, repeatsAllowed: 12 };

/** A course authorised on `start` with an issue on the first day and on each later date given. */
const course = (prescription: Prescription, start: string, later: string[] = [], ends?: Pick<MedicationCourse, 'end' | 'stopped'>): MedicationCourse => ({ ...prescription, start, issued: [start, ...later], ...ends });
/** `count` dates `days` apart from `first` (the issues of a repeat taken as prescribed). */
const every = (days: number, first: string, count: number) => Array.from({ length: count }, (_, k) => addDays(first, k * days));

const allergy = (substance: AllergyRecord['substance'], recorded: string, ended?: AllergyRecord['ended']): AllergyRecord => ({
  substance,
  recorded,
  reaction: substance === PEANUT ? { manifestation: VOMITING, severity: 'severe' } : { manifestation: ITCHY_RASH, severity: 'mild' },
  ...(ended ? { ended } : {}),
});
/** The NHS healthy weight range for adults, the reference range of a BMI. */
const HEALTHY_BMI = { low: 18.5, high: 24.9 };

/**
 * patient2's record (`on` is the identity) or the same record at other dates: entries in every
 * section, and an acute course sixty days before `today` (the last twelve months' acute medication).
 */
function everySection(on: (date: string) => string, today: string, confidentialReferral: boolean): HtmlRecord {
  const recent = addDays(today, -60);
  return {
    allergies: [
      allergy(PEANUT, on('2015-07-14')),
      allergy(ASPIRIN_ALLERGY, on('2015-05-20'), { on: on('2016-02-09'), reason: 'Tolerated on re-challenge' }),
    ],
    courses: [
      course(AMOXICILLIN_7_DAYS, on('2015-05-12')),
      course(AMITRIPTYLINE_AT_NIGHT, on('2015-08-18'), [on('2015-09-15'), on('2015-10-13')], { stopped: { on: on('2016-05-17'), reason: 'No longer required' } }),
      course(ASPIRIN_DAILY, on('2016-02-09'), [on('2016-04-05')]),
      course(PREDNISOLONE_5_DAYS, recent),
    ],
    observations: [
      { concept: COUGH, effective: at(on('2015-05-12')) },
      { concept: ACUTE_BRONCHITIS, effective: at(on('2015-05-12')) },
      { measure: TEMPERATURE, value: 38.1, effective: at(on('2015-05-12')) },
      { bloodPressure: [158, 94], effective: at(on('2015-06-16')) },
      { measure: BMI, value: 26.3, range: HEALTHY_BMI, effective: at(on('2015-06-16')), comment: 'Weight management advice given' },
      { bloodPressure: [142, 84], effective: at(on('2016-04-05'), '11:10') },
      { concept: MEDICATION_REVIEW_DONE, effective: at(on('2016-05-17')) },
    ],
    immunisations: [{ date: on('2015-09-22') }],
    referrals: [
      { reason: PHYSIOTHERAPY, priority: 'routine', description: 'Knee pain on walking', authoredOn: at(on('2015-10-20')) },
      ...(confidentialReferral ? [{ reason: COUNSELLING, priority: 'routine' as const, description: 'Low mood', authoredOn: at(on('2015-08-25'), '10:30'), confidential: true }] : []),
    ],
    // Done on the day it was due: the review is recorded that day.
    recalls: [{ what: MEDICATION_REVIEW_DUE, due: on('2016-05-17'), recorded: on('2015-08-18'), completed: true }],
    problems: [
      { code: ESSENTIAL_HYPERTENSION, clinicalStatus: 'active', significance: 'major', onset: on('2015-06-16'), related: ['observation-4', 'observation-6', 'consultation-2'], relatedProblems: [{ type: 'child', problem: 'problem-2' }], context: 'consultation-2' },
      { code: ISCHAEMIC_HEART_DISEASE, clinicalStatus: 'active', significance: 'major', onset: on('2016-02-09'), related: ['med-3', 'consultation-4'], relatedProblems: [{ type: 'parent', problem: 'problem-1' }], context: 'consultation-4' },
      { code: DEPRESSIVE_DISORDER, clinicalStatus: 'inactive', significance: 'major', onset: on('2015-08-18'), abated: on('2016-05-17'), related: ['med-2', 'diary-1', 'consultation-3'], context: 'consultation-3' },
      { code: ACUTE_BRONCHITIS, clinicalStatus: 'inactive', significance: 'minor', onset: on('2015-05-12'), abated: on('2015-05-26'), actual: 'observation-2', related: ['observation-1', 'observation-3', 'med-1', 'consultation-1'], context: 'consultation-1' },
    ],
    consultations: [
      {
        type: 'Surgery consultation',
        date: on('2015-05-12'),
        topics: [{ title: 'Cough', problem: 'problem-4', headings: [{ title: 'History', items: ['observation-1'] }, { title: 'Examination', items: ['observation-3', 'observation-2'] }, { title: 'Plan', items: ['med-1'] }] }],
      },
      { type: 'Surgery consultation', date: on('2015-06-16'), topics: [{ title: 'Raised blood pressure', problem: 'problem-1', headings: [{ title: 'Examination', items: ['observation-4', 'observation-5'] }] }] },
      { type: 'Surgery consultation', date: on('2015-08-18'), topics: [{ title: 'Low mood', problem: 'problem-3', headings: [{ title: 'Plan', items: ['med-2', 'diary-1'] }] }] },
      { type: 'Surgery consultation', date: on('2016-02-09'), topics: [{ title: 'Chest pain on exertion', problem: 'problem-2', headings: [{ title: 'Plan', items: ['med-3'] }] }] },
      { type: 'Telephone consultation', date: on('2016-05-17'), topics: [{ title: 'Medication review', headings: [{ title: 'Plan', items: ['observation-7'] }] }] },
    ],
  };
}

/** The span patient2's record is dated in; the moved copies end four weeks before the load day. */
const EVERY_SECTION_FROM = '2015-05-01';
const EVERY_SECTION_UNTIL = '2016-07-01';
const movedEverySection = (today: string) => {
  const shift = Math.round((parseIsoDate(addDays(today, -28)) - parseIsoDate(EVERY_SECTION_UNTIL)) / DAY_MS);
  return (date: string) => addDays(date, shift);
};

/**
 * When the record in transit (patient13) was registered at the practice: the first day of its moved
 * record, so everything in it was entered here. The roster gives the cohort no registration date.
 */
export function recordInTransitRegistrationStart(today: string): string {
  return movedEverySection(today)(EVERY_SECTION_FROM);
}

/** A record from the load day: `ago(n)` is the date `n` days before it. */
type RecordOf = (ago: (days: number) => string, today: string) => HtmlRecord;

const moved: RecordOf = (_, today) => everySection(movedEverySection(today), today, false);

/** Each record by patient logical id; patients not named here (html-1) have none. */
const HTML_RECORDS: Record<string, RecordOf> = {
  'html-2': (_, today) => everySection((date) => date, today, true),
  // Current allergies, acute medication (last 12 months), active problems; nothing historical, no repeats.
  'html-3': (ago) => ({
    allergies: [allergy(AMOXICILLIN_ALLERGY, ago(2200)), allergy(PEANUT, ago(9100))],
    courses: [course(PREDNISOLONE_5_DAYS, ago(200)), course(PREDNISOLONE_5_DAYS, ago(75))],
    problems: [
      { code: COPD, clinicalStatus: 'active', significance: 'major', onset: ago(3000), related: ['med-1', 'med-2'] },
      { code: ESSENTIAL_HYPERTENSION, clinicalStatus: 'active', significance: 'minor', onset: ago(5000), related: [] },
    ],
  }),
  // Historical allergies, current repeat medication, major and other inactive problems; nothing current besides the repeat.
  'html-4': (ago) => ({
    allergies: [
      allergy(ASPIRIN_ALLERGY, ago(3650), { on: ago(1100), reason: 'Tolerated on re-challenge' }),
      allergy(AMOXICILLIN_ALLERGY, ago(7000), { on: ago(2500), reason: 'Allergy resolved' }),
    ],
    courses: [course(ASPIRIN_DAILY, ago(300), every(56, ago(244), 5))],
    problems: [
      { code: DEPRESSIVE_DISORDER, clinicalStatus: 'inactive', significance: 'major', onset: ago(4000), abated: ago(3000), related: [] },
      { code: ACUTE_BRONCHITIS, clinicalStatus: 'inactive', significance: 'minor', onset: ago(800), abated: ago(786), related: [] },
    ],
  }),
  // Medication history and its issues only: old acute courses and a repeat whose authorisation ran out.
  'html-5': (ago) => ({
    courses: [
      course(AMOXICILLIN_7_DAYS, ago(900)),
      course(SALBUTAMOL_WHEN_REQUIRED, ago(1500), every(60, ago(1440), 3), { end: ago(1200) }),
      course(PREDNISOLONE_5_DAYS, ago(2100)),
    ],
  }),
  // Acute (last 12 months) and current repeat medication, nothing older.
  'html-6': (ago) => ({ courses: [course(AMOXICILLIN_7_DAYS, ago(45)), course(METFORMIN_TWICE_DAILY, ago(250), every(56, ago(194), 4))] }),
  // A current repeat with its full history (the authorisation it renewed, an ended preventer); no acute.
  'html-7': (ago) => ({
    courses: [
      course(SALBUTAMOL_WHEN_REQUIRED, ago(1200), every(90, ago(1110), 4), { end: ago(730) }),
      course(SALBUTAMOL_WHEN_REQUIRED, ago(730), every(90, ago(640), 8)),
      course(BECLOMETASONE_TWICE_DAILY, ago(1100), every(30, ago(1070), 3), { end: ago(950) }),
    ],
  }),
  // Acute medication with its full history (earlier acute courses); no repeat.
  'html-8': (ago) => ({ courses: [course(AMOXICILLIN_7_DAYS, ago(100)), course(PREDNISOLONE_5_DAYS, ago(520)), course(AMOXICILLIN_7_DAYS, ago(1400))] }),
  'html-9': moved,
  // Data in some sections: a current allergy, an active problem with its repeat, a vaccination and a measurement.
  'html-10': (ago) => ({
    allergies: [allergy(PEANUT, ago(4000))],
    courses: [course(SALBUTAMOL_WHEN_REQUIRED, ago(400), every(90, ago(310), 4))],
    observations: [{ measure: BMI, value: 23.1, range: HEALTHY_BMI, effective: at(ago(400)) }],
    immunisations: [{ date: ago(900) }],
    problems: [{ code: ASTHMA, clinicalStatus: 'active', significance: 'major', onset: ago(6000), related: ['med-1'] }],
  }),
  'html-11': moved,
  'html-12': moved,
  'html-13': moved,
  'html-15': moved,
  // Any small content, all before the death seven days before the load day.
  'html-18': (ago) => ({
    allergies: [allergy(AMOXICILLIN_ALLERGY, ago(3000))],
    observations: [{ bloodPressure: [146, 88], effective: at(ago(30)) }],
    problems: [{ code: ESSENTIAL_HYPERTENSION, clinicalStatus: 'active', significance: 'major', onset: ago(2500), related: ['observation-1'] }],
  }),
};

/** The resource type each kind of key names (a course by its authorisation, `<id>-plan`). */
const KINDS = {
  allergy: 'AllergyIntolerance',
  med: 'MedicationRequest',
  observation: 'Observation',
  immunisation: 'Immunization',
  referral: 'ReferralRequest',
  diary: 'ProcedureRequest',
  problem: 'Condition',
  consultation: 'Encounter',
} as const;

/** The record's items, every link checked to name an item of the same record. */
function recordItems(patientId: string, gp: string, record: HtmlRecord, today: string): RecordItem[] {
  const counts: Record<keyof typeof KINDS, number> = {
    allergy: record.allergies?.length ?? 0,
    med: record.courses?.length ?? 0,
    observation: record.observations?.length ?? 0,
    immunisation: record.immunisations?.length ?? 0,
    referral: record.referrals?.length ?? 0,
    diary: record.recalls?.length ?? 0,
    problem: record.problems?.length ?? 0,
    consultation: record.consultations?.length ?? 0,
  };
  const id = (key: Key) => `${patientId}-${key}`;
  /** The id of the item `key` names, which must be in the record. */
  const held = (key: Key): { kind: keyof typeof KINDS; id: string } => {
    const [, kind, n] = /^([a-z]+)-(\d+)$/.exec(key) ?? [];
    const count = counts[kind as keyof typeof KINDS];
    if (count === undefined || Number(n) < 1 || Number(n) > count) throw new Error(`Access Record HTML cohort: ${patientId} links to ${key}, which its record does not hold`);
    return { kind: kind as keyof typeof KINDS, id: id(key) };
  };
  const reference = (key: Key) => {
    const item = held(key);
    return `${KINDS[item.kind]}/${item.id}${item.kind === 'med' ? '-plan' : ''}`;
  };
  const numbered = <T>(list: T[] | undefined, kind: keyof typeof KINDS) => (list ?? []).map((entry, k) => ({ entry, id: id(`${kind}-${k + 1}`) }));
  return [
    ...numbered(record.allergies, 'allergy').map(({ entry: { confidential, ...allergy }, id }) => allergyItem(id, patientId, gp, allergy, confidential)),
    ...numbered(record.courses, 'med').flatMap(({ entry: { confidential, ...course }, id }) => courseItems(id, patientId, gp, course, today, confidential)),
    ...numbered(record.observations, 'observation').map(({ entry: { confidential, ...observation }, id }) => observationItem(id, patientId, gp, observation, confidential)),
    ...numbered(record.immunisations, 'immunisation').map(({ entry, id }) => immunisationItem(id, patientId, gp, entry)),
    ...numbered(record.referrals, 'referral').map(({ entry: { confidential, ...referral }, id }) => referralItem(id, patientId, gp, referral, confidential)),
    ...numbered(record.recalls, 'diary').map(({ entry, id }) => recallItem(id, patientId, gp, entry)),
    ...numbered(record.problems, 'problem').map(({ entry: { actual, related, relatedProblems, context, ...problem }, id }) =>
      problemItem({
        ...problem,
        id,
        patientId,
        asserterId: gp,
        actualProblem: actual && reference(actual),
        related: related.map(reference),
        relatedProblems: (relatedProblems ?? []).map((r) => ({ type: r.type, target: reference(r.problem) })),
        context: context && reference(context),
      }),
    ),
    ...numbered(record.consultations, 'consultation').flatMap(({ entry, id }) => {
      const start = at(entry.date, '09:30');
      const topics = entry.topics.map((t) => ({ title: t.title, problemId: t.problem && held(t.problem).id, headings: t.headings.map((h) => ({ title: h.title, items: h.items.map(reference) })) }));
      return consultationItems({ id, patientId, clinicianId: gp, type: entry.type, start, end: minutesAfter(start, 10), topics });
    }),
  ];
}

/** The clinical item rows of the Access Record HTML cohort's patients; their usual GP recorded everything. */
export function planHtmlCohortRecords(patients: readonly { id: string; usual_gp_id: string | null }[], today: string, row: Omit<ResourceRow, 'id' | 'resource'>): PlannedClinicalItemRow[] {
  return patients.flatMap((patient) => {
    const record = HTML_RECORDS[patient.id]?.((days) => addDays(today, -days), today);
    return record ? recordItems(patient.id, patient.usual_gp_id ?? '1', record, today).map((item) => clinicalItemRow(row, patient.id, item)) : [];
  });
}
