import type { MedicationCourse } from '../plan-medications.ts';
import {
  AMITRIPTYLINE,
  ASPIRIN,
  ASTHMA,
  ASTHMA_ANNUAL_REVIEW,
  BECLOMETASONE,
  CHOLESTEROL,
  CKD_STAGE_3,
  COPD,
  DEPRESSIVE_DISORDER,
  EGFR,
  ESSENTIAL_HYPERTENSION,
  HBA1C,
  HEART_FAILURE,
  ISCHAEMIC_HEART_DISEASE,
  MEDICATION_REVIEW_DONE,
  METFORMIN,
  SALBUTAMOL,
  TIOTROPIUM,
  TYPE_2_DIABETES,
  type Concept,
  type LaboratoryTest,
} from './clinical-concepts.ts';
import type { AgeBand } from './synthetic-people.ts';
import type { SeededRandom } from './seeded-random.ts';

/**
 * The long-term conditions a generated record can carry and what each brings (the clinical coherence
 * rules): its diagnosis, the repeat medicines started with it, the tests and blood pressures that
 * monitor it, and the yearly review. Only products from the allowed code lists are used; the lists
 * hold no antihypertensive or heart-failure medicine, so those conditions are monitored, not treated.
 */

export type Repeat = Pick<MedicationCourse, 'product' | 'dosage' | 'quantity' | 'supplyDays'>;

export interface LongTermCondition {
  name: string;
  diagnosis: Concept;
  /** Youngest age (years) at diagnosis. */
  minAge: number;
  medicines: readonly Repeat[];
  monitoring?: { test: LaboratoryTest; value: (random: SeededRandom) => number; everyDays: number } | undefined;
  bloodPressures: boolean;
  review: Concept;
  /** Chance of the condition, by age band. */
  prevalence: Record<AgeBand, number>;
  /** Conditions this one is recorded as a complication of (a child problem of each present). */
  complicationOf?: readonly string[] | undefined;
}

const twiceDaily = (product: Repeat['product'], dosage: string): Repeat => ({ product, dosage, quantity: 112, supplyDays: 56 });
const inhaler = (product: Repeat['product'], dosage: string): Repeat => ({ product, dosage, quantity: 1, supplyDays: 30 });

export const LONG_TERM_CONDITIONS: readonly LongTermCondition[] = [
  {
    name: 'Type 2 diabetes',
    diagnosis: TYPE_2_DIABETES,
    minAge: 30,
    medicines: [twiceDaily(METFORMIN, 'One tablet twice a day with meals')],
    monitoring: { test: HBA1C, value: (r) => r.int(44, 75), everyDays: 182 },
    bloodPressures: true,
    review: MEDICATION_REVIEW_DONE,
    prevalence: { child: 0, adult: 0.06, older: 0.25 },
  },
  {
    name: 'Hypertension',
    diagnosis: ESSENTIAL_HYPERTENSION,
    minAge: 30,
    medicines: [],
    bloodPressures: true,
    review: MEDICATION_REVIEW_DONE,
    prevalence: { child: 0, adult: 0.12, older: 0.55 },
  },
  {
    name: 'Asthma',
    diagnosis: ASTHMA,
    minAge: 3,
    medicines: [inhaler(SALBUTAMOL, 'Two puffs when required'), inhaler(BECLOMETASONE, 'Two puffs twice a day')],
    bloodPressures: false,
    review: ASTHMA_ANNUAL_REVIEW,
    prevalence: { child: 0.1, adult: 0.09, older: 0.08 },
  },
  {
    name: 'COPD',
    diagnosis: COPD,
    minAge: 45,
    medicines: [inhaler(SALBUTAMOL, 'Two puffs when required'), { product: TIOTROPIUM, dosage: 'Inhale the contents of one capsule once a day', quantity: 30, supplyDays: 30 }],
    bloodPressures: false,
    review: MEDICATION_REVIEW_DONE,
    prevalence: { child: 0, adult: 0.02, older: 0.12 },
  },
  {
    name: 'Coronary heart disease',
    diagnosis: ISCHAEMIC_HEART_DISEASE,
    minAge: 45,
    medicines: [{ product: ASPIRIN, dosage: 'One tablet daily', quantity: 56, supplyDays: 56 }],
    monitoring: { test: CHOLESTEROL, value: (r) => r.int(35, 65) / 10, everyDays: 365 },
    bloodPressures: true,
    review: MEDICATION_REVIEW_DONE,
    prevalence: { child: 0, adult: 0.02, older: 0.18 },
  },
  {
    name: 'Heart failure',
    diagnosis: HEART_FAILURE,
    minAge: 55,
    medicines: [],
    monitoring: { test: EGFR, value: (r) => r.int(45, 85), everyDays: 182 },
    bloodPressures: true,
    review: MEDICATION_REVIEW_DONE,
    prevalence: { child: 0, adult: 0, older: 0.08 },
    complicationOf: ['Coronary heart disease', 'Hypertension'],
  },
  {
    name: 'Chronic kidney disease',
    diagnosis: CKD_STAGE_3,
    minAge: 50,
    medicines: [],
    monitoring: { test: EGFR, value: (r) => r.int(30, 59), everyDays: 182 },
    bloodPressures: true,
    review: MEDICATION_REVIEW_DONE,
    prevalence: { child: 0, adult: 0.01, older: 0.15 },
    complicationOf: ['Type 2 diabetes', 'Hypertension'],
  },
  {
    name: 'Depression',
    diagnosis: DEPRESSIVE_DISORDER,
    minAge: 16,
    medicines: [{ product: AMITRIPTYLINE, dosage: 'One tablet at night', quantity: 28, supplyDays: 28 }],
    bloodPressures: false,
    review: MEDICATION_REVIEW_DONE,
    prevalence: { child: 0, adult: 0.15, older: 0.1 },
  },
];
