import { PROFILES } from '@gpconnect/fhir';
import { addDays } from './dates.ts';
import { RECORD_ITEM_IDENTIFIER_SYSTEM } from './plan-allergies.ts';
import { clinicalItemRow, type PlannedClinicalItemRow, type RecordItem } from './record-item.ts';
import type { ResourceRow } from './planned-row.ts';

/**
 * The roster's medications (testdata README, "Clinical content"; structured.md §5.2): each course is
 * a MedicationStatement based on an authorisation (MedicationRequest, intent plan) of a Medication,
 * with an issue (MedicationRequest, intent order) per prescription. Products are dm+d VMPs from the
 * public code lists in ../shared/terminology and the spec examples; dates are days before the load day.
 */

const SNOMED = 'http://snomed.info/sct';
const SD = 'https://fhir.nhs.uk/STU3/StructureDefinition/';
const CS = 'https://fhir.nhs.uk/STU3/CodeSystem/';

export interface Product {
  code: string;
  display: string;
  unit: string;
}

/** dm+d virtual medicinal products (terminology code lists; Amoxicillin and Aspirin as in the spec examples). */
export const METFORMIN: Product = { code: '325278007', display: 'Metformin 500mg tablets', unit: 'tablet' };
export const ASPIRIN: Product = { code: '319773006', display: 'Aspirin 75mg dispersible tablets', unit: 'tablet' };
export const AMOXICILLIN: Product = { code: '323509004', display: 'Amoxicillin 250mg capsules', unit: 'capsule' };
export const AMITRIPTYLINE: Product = { code: '321745007', display: 'Amitriptyline 10mg tablets', unit: 'tablet' };
export const PREDNISOLONE: Product = { code: '325427002', display: 'Prednisolone 5mg tablets', unit: 'tablet' };
export const SALBUTAMOL: Product = { code: '35936511000001108', display: 'Salbutamol 100micrograms/dose inhaler', unit: 'inhaler' };

export type Agency = 'prescribed-at-gp-practice' | 'prescribed-by-another-organisation';
const AGENCY_DISPLAY: Record<Agency, string> = {
  'prescribed-at-gp-practice': 'Prescribed at GP practice',
  'prescribed-by-another-organisation': 'Prescribed by another organisation',
};

interface Course {
  product: Product;
  type: 'acute' | 'repeat';
  dosage: string;
  quantity: number;
  supplyDays: number;
  /** Days before the load day the course was authorised. */
  startedDaysAgo: number;
  /** Days before the load day of each issue (none for a course never issued here). */
  issuedDaysAgo: number[];
  /** A stopped course: when, and why. */
  stopped?: { daysAgo: number; reason: string };
  /** An ended course (completed) that was not stopped: when its authorisation ended. */
  endedDaysAgo?: number;
  repeatsAllowed?: number;
  agency?: Agency;
  confidential?: boolean;
}

const COURSES: Record<string, Course[]> = {
  '2': [
    { product: METFORMIN, type: 'repeat', dosage: 'One tablet twice a day with meals', quantity: 112, supplyDays: 56, startedDaysAgo: 700, issuedDaysAgo: [132, 76, 20], repeatsAllowed: 6 },
    { product: ASPIRIN, type: 'repeat', dosage: 'One tablet daily', quantity: 56, supplyDays: 56, startedDaysAgo: 1900, issuedDaysAgo: [1850, 86, 30], repeatsAllowed: 12 },
    { product: AMOXICILLIN, type: 'acute', dosage: 'One capsule three times a day for 7 days', quantity: 21, supplyDays: 7, startedDaysAgo: 400, issuedDaysAgo: [400], endedDaysAgo: 393 },
    { product: AMITRIPTYLINE, type: 'repeat', dosage: 'One tablet at night', quantity: 28, supplyDays: 28, startedDaysAgo: 300, issuedDaysAgo: [300], repeatsAllowed: 6, confidential: true },
  ],
  '3': [{ product: PREDNISOLONE, type: 'acute', dosage: 'Six tablets once a day for 5 days', quantity: 30, supplyDays: 5, startedDaysAgo: 1500, issuedDaysAgo: [1500], endedDaysAgo: 1495 }],
  '5': [
    { product: AMOXICILLIN, type: 'acute', dosage: 'One capsule three times a day for 7 days', quantity: 21, supplyDays: 7, startedDaysAgo: 3, issuedDaysAgo: [3] },
    { product: SALBUTAMOL, type: 'repeat', dosage: 'Two puffs when required', quantity: 1, supplyDays: 30, startedDaysAgo: 1100, issuedDaysAgo: [105, 45], repeatsAllowed: 6 },
  ],
  '12': [
    { product: ASPIRIN, type: 'repeat', dosage: 'One tablet daily', quantity: 56, supplyDays: 56, startedDaysAgo: 1400, issuedDaysAgo: [1400, 1344], repeatsAllowed: 6, stopped: { daysAgo: 730, reason: 'Stopped on specialist advice' } },
    { product: METFORMIN, type: 'acute', dosage: 'One tablet twice a day with meals', quantity: 56, supplyDays: 28, startedDaysAgo: 900, issuedDaysAgo: [], endedDaysAgo: 872, agency: 'prescribed-by-another-organisation' },
  ],
  '13': [{ product: SALBUTAMOL, type: 'repeat', dosage: 'Two puffs when required', quantity: 1, supplyDays: 30, startedDaysAgo: 500, issuedDaysAgo: [60], repeatsAllowed: 6 }],
  '16': [{ product: PREDNISOLONE, type: 'acute', dosage: 'Six tablets once a day for 5 days', quantity: 30, supplyDays: 5, startedDaysAgo: 200, issuedDaysAgo: [200], endedDaysAgo: 195 }],
};

const codeable = (system: string, code: string, display: string) => ({ coding: [{ system, code, display }] });
const quantityOf = (value: number, unit: string) => ({ value, unit });
const supply = (days: number) => ({ value: days, unit: 'day', system: 'http://unitsofmeasure.org', code: 'd' });

/** A course with its dates resolved (ISO dates): what renderCourse needs, whoever plans the record. */
export interface MedicationCourse {
  product: Product;
  type: 'acute' | 'repeat';
  dosage: string;
  quantity: number;
  supplyDays: number;
  /** When the course was authorised. */
  start: string;
  /** When each issue was made, in any order; none for a course never issued here. */
  issued: readonly string[];
  stopped?: { on: string; reason: string } | undefined;
  /** When an authorisation that was not stopped ended. */
  end?: string | undefined;
  repeatsAllowed?: number | undefined;
  agency?: Agency | undefined;
}

/** The course's status: stopped, completed (acute courses end; ended authorisations), or active. */
function statusOf(course: MedicationCourse, today: string): { status: 'active' | 'completed' | 'stopped'; end: string | undefined } {
  if (course.stopped) return { status: 'stopped', end: course.stopped.on };
  const end = course.end ?? (course.type === 'acute' ? addDays(course.start, course.supplyDays) : undefined);
  return { status: end !== undefined && end < today ? 'completed' : 'active', end };
}

/** A rendered record item: its resource and the columns the areas filter on. */
export interface RenderedItem {
  id: string;
  resourceType: string;
  resource: Record<string, unknown>;
  effective: string | null;
  status: string | null;
}

/**
 * One course as the medications area serves it (structured.md §5.2): statement, authorisation (plan),
 * Medication and an order per issue, with ids `<base>-statement`, `-plan`, `-medication`, `-issue-N`.
 */
export function renderCourse(base: string, patientId: string, recorderId: string, course: MedicationCourse, today: string): RenderedItem[] {
  const ids = { statement: `${base}-statement`, plan: `${base}-plan`, medication: `${base}-medication` };
  const start = course.start;
  const { status, end } = statusOf(course, today);
  const issues = [...course.issued].sort();
  const prescriptionType = { url: `${SD}Extension-CareConnect-GPC-PrescriptionType-1`, valueCodeableConcept: codeable(`${CS}CareConnect-PrescriptionType-1`, course.type, course.type === 'acute' ? 'Acute' : 'Repeat') };
  const identifier = (id: string) => [{ system: RECORD_ITEM_IDENTIFIER_SYSTEM, value: id }];
  const recorder = { reference: `Practitioner/${recorderId}` };
  const medication = { resourceType: 'Medication', id: ids.medication, meta: { profile: [PROFILES.medication] }, code: codeable(SNOMED, course.product.code, course.product.display) };
  const plan = {
    resourceType: 'MedicationRequest',
    id: ids.plan,
    meta: { profile: [PROFILES.medicationRequest] },
    extension: [
      prescriptionType,
      ...(course.type === 'repeat'
        ? [{ url: `${SD}Extension-CareConnect-GPC-MedicationRepeatInformation-1`, extension: [{ url: 'numberOfRepeatPrescriptionsAllowed', valueUnsignedInt: course.repeatsAllowed ?? 0 }, { url: 'numberOfRepeatPrescriptionsIssued', valueUnsignedInt: issues.length }] }]
        : []),
      ...(course.stopped
        ? [{ url: `${SD}Extension-CareConnect-GPC-MedicationStatusReason-1`, extension: [{ url: 'statusChangeDate', valueDateTime: end }, { url: 'statusReason', valueCodeableConcept: { text: course.stopped.reason } }] }]
        : []),
    ],
    identifier: identifier(ids.plan),
    status,
    intent: 'plan',
    medicationReference: { reference: `Medication/${ids.medication}` },
    subject: { reference: `Patient/${patientId}` },
    authoredOn: start,
    recorder,
    dosageInstruction: [{ text: course.dosage }],
    dispenseRequest: { validityPeriod: { start, ...(end ? { end } : {}) }, quantity: quantityOf(course.quantity, course.product.unit), expectedSupplyDuration: supply(course.supplyDays) },
  };
  const agency = course.agency ?? 'prescribed-at-gp-practice';
  const statement = {
    resourceType: 'MedicationStatement',
    id: ids.statement,
    meta: { profile: [PROFILES.medicationStatement] },
    extension: [
      ...(issues.length > 0 && agency === 'prescribed-at-gp-practice' ? [{ url: `${SD}Extension-CareConnect-GPC-MedicationStatementLastIssueDate-1`, valueDateTime: issues[issues.length - 1] }] : []),
      { url: `${SD}Extension-CareConnect-GPC-PrescribingAgency-1`, valueCodeableConcept: codeable(`${CS}CareConnect-PrescribingAgency-1`, agency, AGENCY_DISPLAY[agency]) },
    ],
    identifier: identifier(ids.statement),
    basedOn: [{ reference: `MedicationRequest/${ids.plan}` }],
    status,
    medicationReference: { reference: `Medication/${ids.medication}` },
    effectivePeriod: { start, ...(end ? { end } : {}) },
    dateAsserted: start,
    subject: { reference: `Patient/${patientId}` },
    taken: 'unk',
    dosage: [{ text: course.dosage }],
  };
  const orders = issues.map((issued, k) => {
    const id = `${base}-issue-${k + 1}`;
    return {
      id,
      resourceType: 'MedicationRequest',
      effective: issued,
      status: 'completed',
      resource: {
        resourceType: 'MedicationRequest',
        id,
        meta: { profile: [PROFILES.medicationRequest] },
        extension: [prescriptionType],
        identifier: identifier(id),
        basedOn: [{ reference: `MedicationRequest/${ids.plan}` }],
        status: 'completed',
        intent: 'order',
        medicationReference: { reference: `Medication/${ids.medication}` },
        subject: { reference: `Patient/${patientId}` },
        authoredOn: issued,
        recorder,
        dosageInstruction: [{ text: course.dosage }],
        dispenseRequest: { validityPeriod: { start: issued, end: addDays(issued, course.supplyDays) }, quantity: quantityOf(course.quantity, course.product.unit), expectedSupplyDuration: supply(course.supplyDays) },
      } as Record<string, unknown>,
    };
  });
  return [
    { id: ids.statement, resourceType: 'MedicationStatement', resource: statement, effective: start, status },
    { id: ids.plan, resourceType: 'MedicationRequest', resource: plan, effective: start, status },
    { id: ids.medication, resourceType: 'Medication', resource: medication, effective: null, status: null },
    ...orders,
  ];
}

/** A course's items (renderCourse) as record items of the medications area; a confidential course is confidential throughout. */
export function courseItems(base: string, patientId: string, recorderId: string, course: MedicationCourse, today: string, confidential = false): RecordItem[] {
  return renderCourse(base, patientId, recorderId, course, today).map((item) => ({ ...item, area: 'medications', confidential }));
}

const resolveCourse = (course: Course, today: string): MedicationCourse => ({
  ...course,
  start: addDays(today, -course.startedDaysAgo),
  issued: course.issuedDaysAgo.map((daysAgo) => addDays(today, -daysAgo)),
  stopped: course.stopped && { on: addDays(today, -course.stopped.daysAgo), reason: course.stopped.reason },
  end: course.endedDaysAgo === undefined ? undefined : addDays(today, -course.endedDaysAgo),
});

/** The medication rows of the roster's patients; the usual GP recorded them. */
export function planMedications(patients: readonly { id: string; usual_gp_id: string | null }[], today: string, row: Omit<ResourceRow, 'id' | 'resource'>): PlannedClinicalItemRow[] {
  return patients.flatMap((patient) =>
    (COURSES[patient.id] ?? []).flatMap((course, index) =>
      courseItems(`${patient.id}-med-${index + 1}`, patient.id, patient.usual_gp_id ?? '1', resolveCourse(course, today), today, course.confidential).map((item) => clinicalItemRow(row, patient.id, item)),
    ),
  );
}
