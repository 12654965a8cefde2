import { addDays, minutesAfter } from './dates.ts';
import { clinicalItemRow, type PlannedClinicalItemRow } from './record-item.ts';
import type { ResourceRow } from './planned-row.ts';
import { consultationItems } from './render-problems-and-consultations.ts';

/**
 * The roster's consultations (testdata README: patient2 "at least four, with topics and SOAP headings,
 * one topic linked to a problem, containing medication and observations"; structured.md §5.3). A
 * consultation is stored as its Encounter and the Lists of its structure — consultation, topics,
 * headings — whose entries name the items of the other areas by logical id; the items stay in their
 * own areas. Dates match the items they contain; one consultation is still a draft.
 */

interface Consultation {
  type: string;
  daysAgo: number;
  minutes: number;
  draft?: boolean;
  topics: { title?: string; problem?: number; headings?: { title: string; items: string[] }[]; items?: string[] }[];
}

const CONSULTATIONS: Record<string, Consultation[]> = {
  '2': [
    {
      type: 'Surgery consultation',
      daysAgo: 30,
      minutes: 10,
      topics: [
        {
          title: 'Hypertension review',
          problem: 1,
          headings: [
            { title: 'Examination', items: ['Observation/2-observation-5'] },
            { title: 'Plan', items: ['MedicationRequest/2-med-2-issue-3'] },
          ],
        },
      ],
    },
    { type: 'Telephone consultation', daysAgo: 400, minutes: 8, topics: [{ problem: 4, items: ['Observation/2-observation-2', 'MedicationRequest/2-med-3-plan'] }] },
    { type: 'Surgery consultation', daysAgo: 200, minutes: 10, topics: [{ title: 'Weight', headings: [{ title: 'Examination', items: ['Observation/2-observation-3'] }] }] },
    { type: 'Telephone consultation', daysAgo: 45, minutes: 5, topics: [{ title: 'Blood test results', headings: [{ title: 'Results', items: ['DiagnosticReport/2-investigation-1-report'] }] }] },
    {
      type: 'Surgery consultation',
      daysAgo: 300,
      minutes: 15,
      topics: [
        {
          title: 'Low mood',
          problem: 3,
          headings: [{ title: 'Plan', items: ['MedicationRequest/2-med-4-plan', 'ReferralRequest/2-referral-2'] }],
        },
      ],
    },
    { type: 'Surgery consultation', daysAgo: 14, minutes: 10, draft: true, topics: [{ title: 'Rash after antibiotics', headings: [{ title: 'History', items: ['AllergyIntolerance/2-allergy-1'] }] }] },
  ],
};

/** The consultation rows of the roster's patients: the usual GP saw them. */
export function planConsultations(patients: readonly { id: string; usual_gp_id: string | null }[], today: string, row: Omit<ResourceRow, 'id' | 'resource'>): PlannedClinicalItemRow[] {
  return patients.flatMap((patient) =>
    (CONSULTATIONS[patient.id] ?? []).flatMap((consultation, index) => {
      const start = `${addDays(today, -consultation.daysAgo)}T09:30:00+00:00`;
      const items = consultationItems({
        id: `${patient.id}-consultation-${index + 1}`,
        patientId: patient.id,
        clinicianId: patient.usual_gp_id ?? '1',
        type: consultation.type,
        start,
        end: minutesAfter(start, consultation.minutes),
        draft: consultation.draft ?? false,
        topics: consultation.topics.map(({ problem, ...topic }) => ({ ...topic, problemId: problem === undefined ? undefined : `${patient.id}-problem-${problem}` })),
      });
      return items.map((item) => clinicalItemRow(row, patient.id, item));
    }),
  );
}
