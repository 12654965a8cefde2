import { EXTENSIONS, PROFILES } from '@gpconnect/fhir';
import { addDays } from './dates.ts';
import type { ResourceRow } from './planned-row.ts';
import { clinicalItemRow, type PlannedClinicalItemRow, type RecordItem } from './record-item.ts';

/**
 * The roster's allergies (testdata README, "Clinical content"): per patient the active and ended
 * allergies, the coded "no known allergies" of patient5, and patient16's legacy ended allergies
 * without an end reason and its confidential allergy. Codes come from the specification's examples
 * and the roster README only (never invented); dates are relative to the day the roster is loaded.
 */

const SNOMED = 'http://snomed.info/sct';
/** Identifiers of record items are scoped by this provider's own namespace (structured.md §3). */
export const RECORD_ITEM_IDENTIFIER_SYSTEM = 'https://gpconnect.local/Id/record-item';

export interface Substance {
  code: string;
  display: string;
  category: 'medication' | 'food';
}

/** Substances as the specification's allergy examples code them. */
export const AMOXICILLIN: Substance = { code: '323509004', display: 'Amoxicillin 250mg capsules', category: 'medication' };
export const PEANUT: Substance = { code: '256349002', display: 'Peanut - dietary', category: 'food' };
export const ASPIRIN: Substance = { code: '319773006', display: 'Aspirin 75mg dispersible tablet', category: 'medication' };
/** "No known allergy" (testdata README: SNOMED 716186003). */
const NO_KNOWN_ALLERGY = { code: '716186003', display: 'No known allergy' };
export const ITCHY_RASH = { code: '304386008', display: 'O/E - itchy rash' };
export const VOMITING = { code: '422400008', display: 'Vomiting' };

interface AllergySpec {
  substance: Substance | typeof NO_KNOWN_ALLERGY;
  /** Years before the load day it was recorded. */
  recordedYearsAgo: number;
  reaction?: { manifestation: { code: string; display: string }; severity: 'mild' | 'moderate' | 'severe' };
  /** Years before the load day it ended, and why (legacy records may give no reason). */
  ended?: { yearsAgo: number; reason?: string };
  confidential?: boolean;
  note?: string;
}

const active = (substance: Substance, recordedYearsAgo: number): AllergySpec => ({
  substance,
  recordedYearsAgo,
  reaction: substance === PEANUT ? { manifestation: VOMITING, severity: 'severe' } : { manifestation: ITCHY_RASH, severity: 'mild' },
});
const ended = (recordedYearsAgo: number, endedYearsAgo: number, reason?: string): AllergySpec => ({
  substance: ASPIRIN,
  recordedYearsAgo,
  reaction: { manifestation: VOMITING, severity: 'moderate' },
  ended: { yearsAgo: endedYearsAgo, ...(reason ? { reason } : {}) },
});
const ACTIVE_AND_ENDED = [active(AMOXICILLIN, 9), ended(12, 4, 'Tolerated on re-challenge')];

/** Allergy content per 1.x patient logical id; patients not named here have none recorded. */
const ALLERGIES: Record<string, AllergySpec[]> = {
  '1': [],
  '2': [active(AMOXICILLIN, 14), active(PEANUT, 30), ended(15, 6, 'Patient reports no subsequent recurrence on same medication')],
  '3': ACTIVE_AND_ENDED,
  '4': ACTIVE_AND_ENDED,
  '5': [{ substance: NO_KNOWN_ALLERGY, recordedYearsAgo: 5 }],
  '6': [active(PEANUT, 20), ended(10, 2, 'Allergy resolved')],
  '7': ACTIVE_AND_ENDED,
  '8': ACTIVE_AND_ENDED,
  '9': ACTIVE_AND_ENDED,
  '10': ACTIVE_AND_ENDED,
  '11': ACTIVE_AND_ENDED,
  '12': ACTIVE_AND_ENDED,
  '13': ACTIVE_AND_ENDED,
  '14': ACTIVE_AND_ENDED,
  '15': ACTIVE_AND_ENDED,
  '16': [ended(20, 15), ended(18, 11), { ...active(PEANUT, 8), confidential: true }],
  '17': [active(PEANUT, 3), ended(7, 1, 'Tolerated on re-challenge')],
};

/** What a legacy ended allergy says when its system recorded no reason. */
const NO_REASON_RECORDED = 'No reason recorded';

const yearsBefore = (today: string, years: number) => addDays(today, -Math.round(years * 365.25));

/** An allergy with its dates resolved: what renderAllergy needs, whoever plans the record. */
export interface AllergyRecord {
  substance: { code: string; display: string; category?: 'medication' | 'food' };
  /** ISO date it was recorded (also its onset). */
  recorded: string;
  reaction?: { manifestation: { code: string; display: string }; severity: 'mild' | 'moderate' | 'severe' } | undefined;
  ended?: { on: string; reason?: string | undefined } | undefined;
  note?: string | undefined;
}

/** CareConnect-GPC-AllergyIntolerance-1 as the allergies area serves it (structured.md §5.1). */
export function renderAllergy(id: string, patientId: string, recorderId: string, allergy: AllergyRecord): Record<string, unknown> {
  const substance = allergy.substance.category ? allergy.substance : undefined;
  return {
    resourceType: 'AllergyIntolerance',
    id,
    meta: { profile: [PROFILES.allergyIntolerance] },
    ...(allergy.ended
      ? {
          extension: [
            {
              url: EXTENSIONS.allergyIntoleranceEnd,
              // reasonEnded is 1..1: a legacy record with no reason says so.
              extension: [{ url: 'endDate', valueDateTime: allergy.ended.on }, { url: 'reasonEnded', valueString: allergy.ended.reason ?? NO_REASON_RECORDED }],
            },
          ],
        }
      : {}),
    identifier: [{ system: RECORD_ITEM_IDENTIFIER_SYSTEM, value: id }],
    clinicalStatus: allergy.ended ? 'resolved' : 'active',
    verificationStatus: 'unconfirmed',
    // category is 1..1; a coded "no known allergy" is filed with drug allergies, as GP systems record it.
    ...(substance ? { type: substance.category === 'food' ? 'allergy' : 'intolerance' } : {}),
    category: [substance?.category ?? 'medication'],
    code: { coding: [{ system: SNOMED, code: allergy.substance.code, display: allergy.substance.display }] },
    patient: { reference: `Patient/${patientId}` },
    onsetDateTime: allergy.recorded,
    assertedDate: allergy.recorded,
    recorder: { reference: `Practitioner/${recorderId}` },
    ...(allergy.note ? { note: [{ text: allergy.note }] } : {}),
    ...(allergy.reaction ? { reaction: [{ manifestation: [{ coding: [{ system: SNOMED, ...allergy.reaction.manifestation }] }], severity: allergy.reaction.severity }] } : {}),
  };
}

/** An allergy as a record item of the allergies area, dated by when it was recorded. */
export function allergyItem(id: string, patientId: string, recorderId: string, allergy: AllergyRecord, confidential = false): RecordItem {
  const resource = renderAllergy(id, patientId, recorderId, allergy);
  return { id, area: 'allergies', resourceType: 'AllergyIntolerance', resource, effective: allergy.recorded, status: resource['clinicalStatus'] as string, confidential };
}

const resolveAllergy = (spec: AllergySpec, today: string): AllergyRecord => ({
  substance: spec.substance,
  recorded: yearsBefore(today, spec.recordedYearsAgo),
  reaction: spec.reaction,
  ended: spec.ended && { on: yearsBefore(today, spec.ended.yearsAgo), reason: spec.ended.reason },
  note: spec.note,
});

/**
 * The allergy rows of the roster's patients: `patients` gives each held patient's logical id and
 * usual GP (who recorded the allergies).
 */
export function planAllergies(patients: readonly { id: string; usual_gp_id: string | null }[], today: string, row: Omit<ResourceRow, 'id' | 'resource'>): PlannedClinicalItemRow[] {
  return patients.flatMap((patient) =>
    (ALLERGIES[patient.id] ?? []).map((spec, index) =>
      clinicalItemRow(row, patient.id, allergyItem(`${patient.id}-allergy-${index + 1}`, patient.id, patient.usual_gp_id ?? '1', resolveAllergy(spec, today), spec.confidential)),
    ),
  );
}
