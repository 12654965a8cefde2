import { addDays, formatIsoDate, minutesAfter, parseIsoDate } from '../dates.ts';
import { allergyItem, AMOXICILLIN as AMOXICILLIN_ALLERGY, ASPIRIN as ASPIRIN_ALLERGY, ITCHY_RASH, PEANUT, type Substance } from '../plan-allergies.ts';
import { immunisationItem, immunisationStatusItem } from '../plan-immunisations.ts';
import { FBC_RESULTS, FULL_BLOOD_COUNT_TEST, reportItems, type ReportRecord } from '../plan-investigations.ts';
import { AMOXICILLIN, courseItems, type MedicationCourse } from '../plan-medications.ts';
import { BMI, observationItem, RESPIRATORY_RATE, TEMPERATURE, type ObservationContent } from '../plan-observations.ts';
import { COUNSELLING, MEDICATION_REVIEW_DUE, PHYSIOTHERAPY, recallItem, referralItem } from '../plan-referrals-and-recalls.ts';
import type { RecordItem } from '../record-item.ts';
import { ACUTE_BRONCHITIS, COUGH, FEVER, UPPER_RESPIRATORY_INFECTION, type Concept } from './clinical-concepts.ts';
import { LONG_TERM_CONDITIONS, type LongTermCondition } from './long-term-conditions.ts';
import { consultationItems, consultationNarrativeItem, problemItem, type ConsultationHeading, type ProblemHeader } from '../render-problems-and-consultations.ts';
import type { SeededRandom } from './seeded-random.ts';
import type { AgeBand } from './synthetic-people.ts';

/**
 * One patient's clinical record, exactly `items` record items long (every resource of every area,
 * consultations and problems included). What matters most goes in first — each long-term condition's
 * diagnosis, problem, medicines and recall; allergies; then reviews, tests and acute illnesses, most
 * recent first — and whatever room is left is filled with further repeat issues and routine
 * measurements, so the size parameter is honoured exactly without breaking a link.
 */

export interface RecordContext {
  patientId: string;
  birthDate: string;
  ageBand: AgeBand;
  today: string;
  /** Practitioners of the practice; the first is the patient's usual GP. */
  clinicianIds: readonly string[];
  items: number;
  random: SeededRandom;
}

const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string) => Math.round((parseIsoDate(to) - parseIsoDate(from)) / DAY_MS);
const at = (date: string, time: string) => `${date}T${time}:00+00:00`;

interface ProblemDraft extends Omit<ProblemHeader, 'related' | 'relatedProblems'> {
  /** A confidential problem keeps everything recorded about it confidential: its code would tell. */
  confidential: boolean;
  related: string[];
  relatedProblems: ProblemHeader['relatedProblems'][number][];
}

interface CourseDraft {
  base: string;
  course: MedicationCourse;
  confidential: boolean;
  /** How many issues the course could have had, one per supply period from the authorisation on; the first is always made. */
  possibleIssues: number;
}

/** Fields of a consultation the record supplies; the rest follow from the context. */
interface ConsultationDraft {
  date: string;
  type: string;
  topic: string;
  problem?: ProblemDraft | undefined;
  headings: { title: ConsultationHeading['title']; items: RecordItem[] | CourseDraft[] }[];
  /** What the clinician typed under a heading (one more item), first under it. */
  narrative?: { heading: ConsultationHeading['title']; text: string } | undefined;
}

class RecordDraft {
  readonly items: RecordItem[] = [];
  readonly courses: CourseDraft[] = [];
  readonly problems: ProblemDraft[] = [];
  private used = 0;
  private sequence = 0;
  constructor(readonly context: RecordContext) {}

  get gp(): string {
    return this.context.clinicianIds[0]!;
  }
  get room(): number {
    return this.context.items - this.used;
  }
  fits(cost: number): boolean {
    return cost <= this.room;
  }
  nextId(kind: string): string {
    return `${this.context.patientId}-${kind}-${++this.sequence}`;
  }
  clinician(): string {
    return this.context.random.chance(0.7) ? this.gp : this.context.random.pick(this.context.clinicianIds);
  }
  /** A date between `from` and `to` (ISO dates, `to` not before `from`). */
  dateBetween(from: string, to: string): string {
    return addDays(from, this.context.random.int(0, Math.max(0, daysBetween(from, to))));
  }

  add(item: RecordItem): RecordItem {
    this.items.push(item);
    this.used += 1;
    return item;
  }
  reserve(rows: number): void {
    this.used += rows;
  }

  observation(date: string, content: ObservationContent, confidential = false, comment?: string): RecordItem {
    const id = this.nextId('observation');
    const effective = at(date, '10:30');
    return this.add(observationItem(id, this.context.patientId, this.clinician(), { ...content, effective, comment }, confidential));
  }

  /** A course of a medicine (statement, plan, Medication, the first issue), 4 items; more issues may be added later. */
  course(course: Omit<MedicationCourse, 'issued'>, confidential = false): CourseDraft {
    const last = course.stopped?.on ?? course.end ?? this.context.today;
    const until = last < this.context.today ? last : this.context.today;
    const possibleIssues = Math.floor(daysBetween(course.start, until) / course.supplyDays) + 1;
    const draft = { base: this.nextId('med'), course: { ...course, issued: [course.start] }, confidential, possibleIssues };
    this.courses.push(draft);
    this.reserve(4);
    return draft;
  }

  /**
   * A laboratory report with its request, specimen, test group and results: 4 + results items, no
   * filing comment.
   */
  report(issuedOn: string, test: ReportRecord['test'], results: ReportRecord['results'], confidential = false): RecordItem {
    const parts = reportItems(this.nextId('investigation'), this.context.patientId, this.clinician(), { test, results, issuedOn }, confidential);
    return parts.map((part) => this.add(part))[0]!;
  }

  consultation(draft: ConsultationDraft): string {
    const id = this.nextId('consultation');
    const start = at(draft.date, `${String(this.context.random.int(8, 17)).padStart(2, '0')}:${this.context.random.pick(['00', '10', '20', '30', '40', '50'])}`);
    const referenceOf = (entry: RecordItem | CourseDraft) => ('base' in entry ? `MedicationRequest/${entry.base}-plan` : `${entry.resourceType}/${entry.id}`);
    const coded = draft.headings.map((h) => ({ title: h.title, items: h.items.map(referenceOf) }));
    const who = { id, patientId: this.context.patientId, clinicianId: this.gp, start };
    const narrative = draft.narrative && consultationNarrativeItem(this.nextId('narrative'), who, draft.narrative.text, draft.problem?.confidential);
    const headings = coded.map((h) => (narrative && h.title === draft.narrative?.heading ? { ...h, items: [`Observation/${narrative.id}`, ...h.items] } : h));
    const consultation = { ...who, type: draft.type, end: minutesAfter(start, 10), topics: [{ title: draft.topic, problemId: draft.problem?.id, headings }] };
    for (const item of consultationItems(consultation, draft.problem?.confidential)) this.add(item);
    if (narrative) this.add(narrative);
    // A problem links the consultation and its coded content; the free text stays with the consultation.
    if (draft.problem) draft.problem.related.push(`Encounter/${id}`, ...coded.flatMap((h) => h.items));
    return id;
  }
}

/** Items a consultation adds besides its content: Encounter, consultation List, topic List, one List per heading. */
const consultationCost = (headings: number, contentItems: number) => 3 + headings + contentItems;

/** Where in the patient's life something can be dated: after birth (and `minAge`), before today. */
function lifeSpan(context: RecordContext, minAgeYears: number, historyYears: number): { from: string; to: string } | undefined {
  const from = [addDays(context.birthDate, Math.ceil(minAgeYears * 365.25)), addDays(context.today, -Math.round(historyYears * 365.25))].sort()[1]!;
  const to = addDays(context.today, -1);
  return from <= to ? { from, to } : undefined;
}

function diagnose(record: RecordDraft, condition: LongTermCondition, problemsByName: Map<string, ProblemDraft>): void {
  const span = lifeSpan(record.context, condition.minAge, 25);
  const medicines = condition.medicines.length;
  const cost = consultationCost(medicines > 0 ? 2 : 1, 1 + 4 * medicines) + 1 + 1;
  if (!span || !record.fits(cost)) return;
  const date = record.dateBetween(span.from, addDays(span.to, -30) < span.from ? span.from : addDays(span.to, -30));
  const random = record.context.random;
  const confidential = condition.name === 'Depression' && random.chance(0.5);
  const diagnosis = record.observation(date, { concept: condition.diagnosis }, confidential);
  const problem: ProblemDraft = {
    id: record.nextId('problem'),
    patientId: record.context.patientId,
    asserterId: record.gp,
    code: condition.diagnosis,
    actualProblem: `Observation/${diagnosis.id}`,
    significance: 'major',
    clinicalStatus: 'active',
    confidential,
    onset: date,
    // The escalated item is the actual problem, not also related content (as the roster's problems).
    related: [],
    relatedProblems: [],
  };
  record.reserve(1);
  record.problems.push(problem);
  problemsByName.set(condition.name, problem);
  const courses = condition.medicines.map((m) => record.course({ ...m, type: 'repeat', start: date, repeatsAllowed: 6 }, confidential));
  problem.related.push(...courses.map((c) => `MedicationRequest/${c.base}-plan`));
  problem.context = `Encounter/${record.consultation({ date, type: 'Surgery consultation', topic: condition.name, problem, headings: [{ title: 'History', items: [diagnosis] }, ...(courses.length ? [{ title: 'Plan' as const, items: courses }] : [])] })}`;
  // Recall for the next review, within the year.
  if (record.fits(1)) {
    const id = record.nextId('diary');
    const due = addDays(record.context.today, random.int(14, 330));
    const lastSeen = addDays(record.context.today, -random.int(0, 30));
    const recorded = lastSeen < date ? date : lastSeen;
    record.add(recallItem(id, record.context.patientId, record.gp, { what: MEDICATION_REVIEW_DUE, due, recorded }));
    problem.related.push(`ProcedureRequest/${id}`);
  }
}

/** Follow-up of a diagnosed condition: yearly reviews (with a blood pressure where monitored) and the monitoring tests. */
function followUps(record: RecordDraft, condition: LongTermCondition, problem: ProblemDraft): { date: string; add: () => void; cost: number }[] {
  const random = record.context.random;
  const events: { date: string; add: () => void; cost: number }[] = [];
  for (let date = addDays(problem.onset, 365); date < record.context.today; date = addDays(date, 365 + random.int(-20, 20))) {
    const day = date;
    const withBloodPressure = condition.bloodPressures;
    events.push({
      date: day,
      cost: consultationCost(withBloodPressure ? 2 : 1, withBloodPressure ? 2 : 1),
      add: () => {
        const review = record.observation(day, { concept: condition.review }, problem.confidential);
        const bp = withBloodPressure ? [record.observation(day, { bloodPressure: [random.int(118, 162), random.int(70, 98)] }, problem.confidential)] : [];
        record.consultation({ date: day, type: 'Surgery consultation', topic: `${condition.name} review`, problem, headings: [...(bp.length ? [{ title: 'Examination' as const, items: bp }] : []), { title: 'Plan', items: [review] }] });
      },
    });
  }
  const monitoring = condition.monitoring;
  if (monitoring) {
    for (let date = addDays(problem.onset, 7); date < record.context.today; date = addDays(date, monitoring.everyDays + random.int(-14, 14))) {
      const day = date;
      events.push({
        date: day,
        cost: 5,
        add: () => {
          const report = record.report(day, monitoring.test.test, [monitoring.test.result(monitoring.value(random))], problem.confidential);
          problem.related.push(`DiagnosticReport/${report.id}`);
        },
      });
    }
  }
  return events;
}

const ACUTE_ILLNESSES: readonly { diagnosis: Concept; symptom: Concept; treatment?: Omit<MedicationCourse, 'start' | 'issued'> }[] = [
  { diagnosis: UPPER_RESPIRATORY_INFECTION, symptom: COUGH },
  { diagnosis: ACUTE_BRONCHITIS, symptom: COUGH, treatment: { product: AMOXICILLIN, type: 'acute', dosage: 'One capsule three times a day for 7 days', quantity: 21, supplyDays: 7 } },
  { diagnosis: UPPER_RESPIRATORY_INFECTION, symptom: FEVER },
];

/** A self-limiting illness seen once: symptom, temperature, diagnosis, perhaps an antibiotic; an inactive minor problem. */
function acuteIllness(record: RecordDraft, date: string): { date: string; add: () => void; cost: number } {
  const illness = record.context.random.pick(ACUTE_ILLNESSES);
  const treated = illness.treatment !== undefined;
  return {
    date,
    cost: consultationCost(treated ? 3 : 2, 4 + (treated ? 4 : 0)) + 1,
    add: () => {
      const random = record.context.random;
      const symptom = record.observation(date, { concept: illness.symptom });
      const temperature = record.observation(date, { measure: TEMPERATURE, value: random.int(370, 392) / 10 });
      const diagnosis = record.observation(date, { concept: illness.diagnosis });
      const course = illness.treatment ? [record.course({ ...illness.treatment, start: date })] : [];
      const problem: ProblemDraft = { id: record.nextId('problem'), patientId: record.context.patientId, asserterId: record.gp, code: illness.diagnosis, actualProblem: `Observation/${diagnosis.id}`, significance: 'minor', clinicalStatus: 'inactive', confidential: false, onset: date, abated: addDays(date, 14) < record.context.today ? addDays(date, 14) : undefined, related: course.map((c) => `MedicationRequest/${c.base}-plan`), relatedProblems: [] };
      record.reserve(1);
      record.problems.push(problem);
      problem.context = `Encounter/${record.consultation({ date, type: 'Surgery consultation', topic: illness.diagnosis.display, problem, headings: [{ title: 'History', items: [symptom] }, { title: 'Examination', items: [temperature, diagnosis] }, ...(course.length ? [{ title: 'Plan' as const, items: course }] : [])], narrative: { heading: 'History', text: `${illness.symptom.display} for a few days. Eating and drinking; no shortness of breath. Advised fluids and rest, to return if worse.` } })}`;
    },
  };
}

const ALLERGY_SUBSTANCES: readonly Substance[] = [AMOXICILLIN_ALLERGY, PEANUT, ASPIRIN_ALLERGY];

function allergiesAndImmunisations(record: RecordDraft): void {
  const random = record.context.random;
  const span = lifeSpan(record.context, 1, 40);
  if (!span) return;
  const count = random.chance(0.25) ? random.int(1, 2) : 0;
  for (const substance of ALLERGY_SUBSTANCES.slice(0, count)) {
    if (!record.fits(1)) return;
    const id = record.nextId('allergy');
    const recorded = record.dateBetween(span.from, span.to);
    const ended = substance !== PEANUT && random.chance(0.2) ? { on: record.dateBetween(recorded, span.to), reason: 'Tolerated on re-challenge' } : undefined;
    record.add(allergyItem(id, record.context.patientId, record.gp, { substance, recorded, reaction: { manifestation: ITCHY_RASH, severity: 'mild' }, ended }));
  }
  // Hepatitis A before travel, the only vaccination the allowed codes describe: a dose and the consent
  // (or refusal) recorded that day, two items.
  if (record.context.ageBand !== 'child' && random.chance(0.3) && record.fits(2)) {
    const id = record.nextId('immunisation');
    const date = record.dateBetween(span.from, span.to);
    const notGiven = random.chance(0.1);
    record.add(immunisationItem(id, record.context.patientId, record.clinician(), { date, notGiven }));
    const text = notGiven ? 'Declined hepatitis A vaccination' : 'Consent given for hepatitis A vaccination';
    record.add(immunisationStatusItem(record.nextId('immunisation-status'), record.context.patientId, record.gp, { recorded: date, text }));
  }
  if (record.context.ageBand !== 'child' && random.chance(0.2) && record.fits(1)) {
    const id = record.nextId('referral');
    const counselling = random.chance(0.3);
    const authoredOn = at(record.dateBetween(span.from, span.to), '11:00');
    const referral = { reason: counselling ? COUNSELLING : PHYSIOTHERAPY, priority: 'routine' as const, description: counselling ? 'Low mood' : 'Back pain', authoredOn };
    record.add(referralItem(id, record.context.patientId, record.gp, referral, counselling && random.chance(0.5)));
  }
}

/** Room left after everything else: more repeat issues (latest first), then routine measurements. */
function fill(record: RecordDraft): void {
  const random = record.context.random;
  // Latest first across every course; dates are worked out only for the issues that fit.
  const candidates = record.courses
    .flatMap((c) => Array.from({ length: c.possibleIssues - 1 }, (_, k) => ({ course: c, day: parseIsoDate(c.course.start) + (k + 1) * c.course.supplyDays * DAY_MS })))
    .sort((a, b) => b.day - a.day);
  for (const { course, day } of candidates.slice(0, Math.max(0, record.room))) {
    course.course = { ...course.course, issued: [...course.course.issued, formatIsoDate(day)] };
    record.reserve(1);
  }
  const span = lifeSpan(record.context, 0, 30)!;
  while (record.fits(1)) {
    const date = record.dateBetween(span.from, span.to);
    const content: ObservationContent =
      record.context.ageBand === 'child'
        ? random.chance(0.5) ? { measure: TEMPERATURE, value: random.int(362, 389) / 10 } : { measure: RESPIRATORY_RATE, value: random.int(16, 30) }
        : random.chance(0.5) ? { bloodPressure: [random.int(112, 150), random.int(68, 92)] } : { measure: BMI, value: random.int(190, 340) / 10 };
    record.observation(date, content, random.chance(0.01));
  }
}

/** The record's items; see the module comment for what goes in first. */
export function planGeneratedRecord(context: RecordContext): RecordItem[] {
  const record = new RecordDraft(context);
  const random = context.random;
  const ageYears = daysBetween(context.birthDate, context.today) / 365.25;
  const problemsByName = new Map<string, ProblemDraft>();
  for (const condition of LONG_TERM_CONDITIONS) {
    if (ageYears >= condition.minAge && random.chance(condition.prevalence[context.ageBand])) diagnose(record, condition, problemsByName);
  }
  for (const condition of LONG_TERM_CONDITIONS) {
    const child = problemsByName.get(condition.name);
    for (const parent of (condition.complicationOf ?? []).map((name) => problemsByName.get(name))) {
      if (!child || !parent) continue;
      child.relatedProblems.push({ type: 'parent', target: `Condition/${parent.id}` });
      parent.relatedProblems.push({ type: 'child', target: `Condition/${child.id}` });
    }
  }
  allergiesAndImmunisations(record);
  const span = lifeSpan(context, 0, 15);
  const events = [
    ...LONG_TERM_CONDITIONS.flatMap((c) => (problemsByName.has(c.name) ? followUps(record, c, problemsByName.get(c.name)!) : [])),
    ...(span ? Array.from({ length: random.int(1, 8) }, () => acuteIllness(record, record.dateBetween(span.from, span.to))) : []),
    ...(span && context.ageBand !== 'child' ? [{ date: record.dateBetween(span.from, span.to), cost: 8, add: () => void record.report(record.dateBetween(span.from, span.to), FULL_BLOOD_COUNT_TEST, FBC_RESULTS(random.int(112, 165))) }] : []),
  ].sort((a, b) => (a.date < b.date ? 1 : -1));
  for (const event of events) if (record.fits(event.cost)) event.add();
  fill(record);

  const patientId = context.patientId;
  const medicationItems = record.courses.flatMap((draft) => courseItems(draft.base, patientId, record.gp, draft.course, context.today, draft.confidential));
  const problemItems = record.problems.map((problem) => problemItem({ ...problem, related: [...new Set(problem.related)] }, problem.confidential));
  return [...record.items, ...medicationItems, ...problemItems];
}
