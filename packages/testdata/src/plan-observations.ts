import { PROFILES } from '@gpconnect/fhir';
import { addDays } from './dates.ts';
import { RECORD_ITEM_IDENTIFIER_SYSTEM } from './plan-allergies.ts';
import { clinicalItemRow, type PlannedClinicalItemRow, type RecordItem } from './record-item.ts';
import type { ResourceRow } from './planned-row.ts';

/**
 * The roster's uncategorised observations (testdata README: patient2 "several, including a blood
 * pressure, one confidential"; patient3 some too; structured.md §5.6). Codes and units as in the
 * specification's examples and the terminology code lists; dates are days before the load day.
 */

const SNOMED = 'http://snomed.info/sct';
const UCUM = 'http://unitsofmeasure.org';

export interface Measure {
  code: string;
  display: string;
  unit: string;
  ucum: string;
}

export const TEMPERATURE: Measure = { code: '703421000', display: 'Temperature', unit: 'C', ucum: 'Cel' };
export const OXYGEN_SATURATION: Measure = { code: '1097811000000106', display: 'Arterial oxygen saturation breathing room air at rest', unit: '%', ucum: '%' };
export const RESPIRATORY_RATE: Measure = { code: '86290005', display: 'Respiratory rate', unit: 'breaths per minute', ucum: '{resps}/min' };
export const BMI: Measure = { code: '60621009', display: 'Body mass index', unit: 'kg/m2', ucum: 'kg/m2' };
const BLOOD_PRESSURE = { code: '163020007', display: 'On examination - blood pressure reading' };
export const SYSTOLIC: Measure = { code: '72313002', display: 'Systolic arterial pressure', unit: 'mm[Hg]', ucum: 'mm[Hg]' };
export const DIASTOLIC: Measure = { code: '1091811000000100', display: 'Diastolic arterial pressure', unit: 'mm[Hg]', ucum: 'mm[Hg]' };

/**
 * What was observed: a measure with its value (and, where one applies, the range a value is expected
 * in), a blood pressure, or a coded entry with no value (a diagnosis, a review).
 */
export type ObservationContent =
  | { measure: Measure; value: number; range?: { low: number; high: number } | undefined }
  | { bloodPressure: readonly [number, number] }
  | { concept: { system?: string; code: string; display: string } };
type Observation = { daysAgo: number; confidential?: boolean; comment?: string } & ObservationContent;

/** An observation with its time resolved: what renderObservation needs, whoever plans the record. */
export type ObservationRecord = { effective: string; comment?: string | undefined } & ObservationContent;

const OBSERVATIONS: Record<string, Observation[]> = {
  '2': [
    { measure: TEMPERATURE, value: 36.7, daysAgo: 730 },
    { measure: RESPIRATORY_RATE, value: 16, daysAgo: 400 },
    { measure: BMI, value: 27.4, daysAgo: 200, comment: 'Weight management advice given' },
    { measure: OXYGEN_SATURATION, value: 96, daysAgo: 90, confidential: true },
    { bloodPressure: [138, 86], daysAgo: 30 },
  ],
  '3': [
    { measure: TEMPERATURE, value: 37.9, daysAgo: 1000 },
    { bloodPressure: [124, 78], daysAgo: 150 },
  ],
};

const coding = (m: { code: string; display: string }) => ({ coding: [{ system: SNOMED, code: m.code, display: m.display }] });
const quantity = (m: Measure, value: number) => ({ value, unit: m.unit, system: UCUM, code: m.ucum });

/** What every stored Observation starts with: its profile, its record identifier, and status final. */
export function observationHead(id: string): Record<string, unknown> {
  return { resourceType: 'Observation', id, meta: { profile: [PROFILES.observation] }, identifier: [{ system: RECORD_ITEM_IDENTIFIER_SYSTEM, value: id }], status: 'final' };
}

/** CareConnect-GPC-Observation-1 as the uncategorised data area serves it (structured.md §5.6). */
export function renderObservation(id: string, patientId: string, performerId: string, observation: ObservationRecord): Record<string, unknown> {
  const content =
    'bloodPressure' in observation
      ? {
          code: coding(BLOOD_PRESSURE),
          component: [
            { code: coding(SYSTOLIC), valueQuantity: quantity(SYSTOLIC, observation.bloodPressure[0]) },
            { code: coding(DIASTOLIC), valueQuantity: quantity(DIASTOLIC, observation.bloodPressure[1]) },
          ],
        }
      : 'measure' in observation
        ? { code: coding(observation.measure), valueQuantity: quantity(observation.measure, observation.value) }
        : { code: { coding: [{ system: observation.concept.system ?? SNOMED, code: observation.concept.code, display: observation.concept.display }] } };
  return {
    ...observationHead(id),
    code: content.code,
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: observation.effective,
    issued: observation.effective,
    performer: [{ reference: `Practitioner/${performerId}` }],
    ...('valueQuantity' in content ? { valueQuantity: content.valueQuantity } : {}),
    ...(observation.comment ? { comment: observation.comment } : {}),
    ...('measure' in observation && observation.range
      ? { referenceRange: [{ low: quantity(observation.measure, observation.range.low), high: quantity(observation.measure, observation.range.high) }] }
      : {}),
    ...('component' in content ? { component: content.component } : {}),
  };
}

/** An observation as a record item of the uncategorised data area, dated by when it was made. */
export function observationItem(id: string, patientId: string, performerId: string, observation: ObservationRecord, confidential = false): RecordItem {
  const resource = renderObservation(id, patientId, performerId, observation);
  return { id, area: 'uncategorised', resourceType: 'Observation', resource, effective: observation.effective, status: 'final', confidential };
}

/** The uncategorised observation rows of the roster's patients; the usual GP made them. */
export function planObservations(patients: readonly { id: string; usual_gp_id: string | null }[], today: string, row: Omit<ResourceRow, 'id' | 'resource'>): PlannedClinicalItemRow[] {
  return patients.flatMap((patient) =>
    // Recorded mid-morning (10:30 UTC) on the day.
    (OBSERVATIONS[patient.id] ?? []).map(({ daysAgo, confidential, ...observation }, index) =>
      clinicalItemRow(row, patient.id, observationItem(`${patient.id}-observation-${index + 1}`, patient.id, patient.usual_gp_id ?? '1', { ...observation, effective: `${addDays(today, -daysAgo)}T10:30:00+00:00` }, confidential)),
    ),
  );
}
