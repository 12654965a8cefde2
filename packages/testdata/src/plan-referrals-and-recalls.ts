import { PROFILES } from '@gpconnect/fhir';
import { addDays } from './dates.ts';
import { RECORD_ITEM_IDENTIFIER_SYSTEM } from './plan-allergies.ts';
import { clinicalItemRow, type PlannedClinicalItemRow, type RecordItem } from './record-item.ts';
import type { ResourceRow } from './planned-row.ts';

/**
 * The roster's outbound referrals and diary entries (testdata README: patient2 at least one referral
 * and a future recall within ten years; patient3 referrals and future diary entries; patient16 a
 * confidential referral; structured.md §5.8-§5.9). Codes from the specification's examples; dates
 * are days from the load day (negative: past).
 */

const SNOMED = 'http://snomed.info/sct';
export const PHYSIOTHERAPY = { system: SNOMED, code: '308447003', display: 'Referral to physiotherapist' };
export const COUNSELLING = { system: SNOMED, code: '308448008', display: 'Referral to counselor' };
export const MEDICATION_REVIEW_DUE = { system: SNOMED, code: '314529007', display: 'Medication review due' };

interface Referral {
  reason: typeof PHYSIOTHERAPY;
  daysAgo: number;
  priority: 'routine' | 'urgent';
  description: string;
  confidential?: boolean;
  /** Letters sent with the referral (plan-documents.ts ids): structured.md §5.8, §5.10. */
  letters?: string[];
}

interface Recall {
  what: typeof MEDICATION_REVIEW_DUE;
  /** Days from the load day it is due (positive: in the future). */
  dueInDays: number;
  recordedDaysAgo: number;
}

const REFERRALS: Record<string, Referral[]> = {
  '2': [
    { reason: PHYSIOTHERAPY, daysAgo: 250, priority: 'routine', description: 'Knee pain on walking', letters: ['2-document-5'] },
    // Its letter is confidential: the referral is shared, the letter is not.
    { reason: COUNSELLING, daysAgo: 300, priority: 'routine', description: 'Low mood', letters: ['2-document-4'] },
  ],
  '3': [
    { reason: PHYSIOTHERAPY, daysAgo: 900, priority: 'routine', description: 'Lower back pain' },
    { reason: COUNSELLING, daysAgo: 120, priority: 'urgent', description: 'Low mood' },
  ],
  '16': [
    { reason: PHYSIOTHERAPY, daysAgo: 60, priority: 'routine', description: 'Shoulder stiffness' },
    { reason: COUNSELLING, daysAgo: 40, priority: 'routine', description: 'Bereavement', confidential: true },
  ],
};

const RECALLS: Record<string, Recall[]> = {
  '2': [{ what: MEDICATION_REVIEW_DUE, dueInDays: 180, recordedDaysAgo: 20 }],
  '3': [
    { what: MEDICATION_REVIEW_DUE, dueInDays: 30, recordedDaysAgo: 150 },
    { what: MEDICATION_REVIEW_DUE, dueInDays: 2000, recordedDaysAgo: 150 },
  ],
};

/** A referral with its time resolved (`authoredOn`, a dateTime): what renderReferral needs, whoever plans the record. */
export type ReferralRecord = Omit<Referral, 'daysAgo' | 'confidential'> & { authoredOn: string };
/** A recall due on `due`, recorded on `recorded` (ISO dates). */
export interface RecallRecord {
  what: Recall['what'];
  due: string;
  recorded: string;
  /** Done: a completed diary entry (structured.md §5.3 returns it as a comment note where a consultation holds it). */
  completed?: boolean;
}

/** An outbound referral, as the referrals area serves it (structured.md §5.8). */
export function renderReferral(id: string, patientId: string, requesterId: string, referral: ReferralRecord): Record<string, unknown> {
  return {
    resourceType: 'ReferralRequest',
    id,
    meta: { profile: [PROFILES.referralRequest] },
    identifier: [{ system: RECORD_ITEM_IDENTIFIER_SYSTEM, value: id }],
    status: 'unknown',
    intent: 'order',
    priority: referral.priority,
    subject: { reference: `Patient/${patientId}` },
    authoredOn: referral.authoredOn,
    requester: { agent: { reference: `Practitioner/${requesterId}` } },
    reasonCode: [{ coding: [referral.reason] }],
    description: referral.description,
    ...(referral.letters?.length ? { supportingInfo: referral.letters.map((id) => ({ reference: `DocumentReference/${id}` })) } : {}),
  };
}

/** A recall, as the diary entries area serves it (structured.md §5.9). */
export function renderRecall(id: string, patientId: string, requesterId: string, recall: RecallRecord): Record<string, unknown> {
  return {
    resourceType: 'ProcedureRequest',
    id,
    meta: { profile: [PROFILES.procedureRequest] },
    identifier: [{ system: RECORD_ITEM_IDENTIFIER_SYSTEM, value: id }],
    status: recall.completed ? 'completed' : 'active',
    intent: 'plan',
    code: { coding: [recall.what] },
    subject: { reference: `Patient/${patientId}` },
    occurrenceDateTime: recall.due,
    authoredOn: recall.recorded,
    requester: { agent: { reference: `Practitioner/${requesterId}` } },
  };
}

/** A referral as a record item of the referrals area, dated by when it was made. */
export function referralItem(id: string, patientId: string, requesterId: string, referral: ReferralRecord, confidential = false): RecordItem {
  const resource = renderReferral(id, patientId, requesterId, referral);
  return { id, area: 'referrals', resourceType: 'ReferralRequest', resource, effective: referral.authoredOn, status: 'unknown', confidential };
}

/** A recall as a record item of the diary entries area, dated by when it is due. */
export function recallItem(id: string, patientId: string, requesterId: string, recall: RecallRecord): RecordItem {
  const resource = renderRecall(id, patientId, requesterId, recall);
  return { id, area: 'diaryEntries', resourceType: 'ProcedureRequest', resource, effective: recall.due, status: recall.completed ? 'completed' : 'active', confidential: false };
}

/** The referral and diary rows of the roster's patients; the usual GP made them. */
export function planReferralsAndRecalls(patients: readonly { id: string; usual_gp_id: string | null }[], today: string, row: Omit<ResourceRow, 'id' | 'resource'>): PlannedClinicalItemRow[] {
  return patients.flatMap((patient) => {
    const gp = patient.usual_gp_id ?? '1';
    const referrals = (REFERRALS[patient.id] ?? []).map(({ daysAgo, confidential, ...referral }, index) =>
      referralItem(`${patient.id}-referral-${index + 1}`, patient.id, gp, { ...referral, authoredOn: `${addDays(today, -daysAgo)}T10:30:00+00:00` }, confidential),
    );
    const recalls = (RECALLS[patient.id] ?? []).map((recall, index) =>
      recallItem(`${patient.id}-diary-${index + 1}`, patient.id, gp, { what: recall.what, due: addDays(today, recall.dueInDays), recorded: addDays(today, -recall.recordedDaysAgo) }),
    );
    return [...referrals, ...recalls].map((item) => clinicalItemRow(row, patient.id, item));
  });
}
