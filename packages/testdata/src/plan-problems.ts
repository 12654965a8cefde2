import { addDays } from './dates.ts';
import { clinicalItemRow, type PlannedClinicalItemRow } from './record-item.ts';
import type { ResourceRow } from './planned-row.ts';
import { problemItem } from './render-problems-and-consultations.ts';

/**
 * The roster's problems (testdata README: patient2 "active and inactive, major and minor, one problem
 * related to another, problems linked to a medication, an uncategorised observation, an allergy, an
 * immunisation, a lab report, a referral, a diary entry and a consultation"; structured.md §5.4).
 * Each problem is a ProblemHeader Condition whose links name the items of the other areas by their
 * logical ids (see the plan of each area). Codes: hypertension, angina, depression and chest
 * infection from the terminology code lists; a problem escalated from an item carries that item's code.
 */


interface Problem {
  code: { code: string; display: string };
  status: 'active' | 'inactive';
  significance: 'major' | 'minor';
  onsetDaysAgo: number;
  endedDaysAgo?: number;
  /** The item the problem was escalated from (`Type/id`). */
  actual?: string;
  /** Items linked to the problem (`Type/id`): a medication by its authorisation, consultations by Encounter. */
  related: string[];
  /** Other problems of the patient: the relation of the target to this problem, and its index. */
  relatedProblems?: { type: 'parent' | 'child' | 'sibling'; problem: number }[];
  /** The consultation it was recorded in. */
  context?: string;
  note?: string;
}

const PROBLEMS: Record<string, Problem[]> = {
  '2': [
    {
      code: { code: '59621000', display: 'Essential hypertension' },
      status: 'active',
      significance: 'major',
      onsetDaysAgo: 1900,
      related: ['Observation/2-observation-5', 'DiagnosticReport/2-investigation-1-report', 'ProcedureRequest/2-diary-1', 'Encounter/2-consultation-1', 'DocumentReference/2-document-2'],
      relatedProblems: [{ type: 'child', problem: 2 }],
      note: 'Home blood pressure monitoring agreed',
    },
    {
      code: { code: '233819005', display: 'Stable angina' },
      status: 'active',
      significance: 'major',
      onsetDaysAgo: 1850,
      related: ['MedicationRequest/2-med-2-plan'],
      relatedProblems: [{ type: 'parent', problem: 1 }],
    },
    {
      code: { code: '35489007', display: 'Depressive disorder' },
      status: 'active',
      significance: 'minor',
      onsetDaysAgo: 300,
      // The amitriptyline course is confidential: it must never be named in a shared record.
      related: ['MedicationRequest/2-med-4-plan', 'ReferralRequest/2-referral-2', 'Encounter/2-consultation-5'],
      context: 'Encounter/2-consultation-5',
    },
    {
      code: { code: '233597004', display: 'Chest infection - unspecified bronchitis' },
      status: 'inactive',
      significance: 'minor',
      onsetDaysAgo: 400,
      endedDaysAgo: 393,
      related: ['MedicationRequest/2-med-3-plan', 'Observation/2-observation-2', 'Encounter/2-consultation-2'],
      context: 'Encounter/2-consultation-2',
    },
    {
      code: { code: '323509004', display: 'Amoxicillin 250mg capsules' },
      status: 'active',
      significance: 'major',
      onsetDaysAgo: 14,
      actual: 'AllergyIntolerance/2-allergy-1',
      related: ['Encounter/2-consultation-6'],
      context: 'Encounter/2-consultation-6',
    },
    {
      code: { code: '170378007', display: 'First hepatitis A vaccination' },
      status: 'inactive',
      significance: 'minor',
      onsetDaysAgo: 2000,
      endedDaysAgo: 2000,
      actual: 'Immunization/2-immunisation-1',
      related: [],
    },
  ],
};

/** The problem rows of the roster's patients; the usual GP recorded them. */
export function planProblems(patients: readonly { id: string; usual_gp_id: string | null }[], today: string, row: Omit<ResourceRow, 'id' | 'resource'>): PlannedClinicalItemRow[] {
  return patients.flatMap((patient) => {
    const idOf = (index: number) => `${patient.id}-problem-${index}`;
    return (PROBLEMS[patient.id] ?? []).map((problem, index) =>
      clinicalItemRow(
        row,
        patient.id,
        problemItem({
          id: idOf(index + 1),
          patientId: patient.id,
          asserterId: patient.usual_gp_id ?? '1',
          code: problem.code,
          actualProblem: problem.actual,
          significance: problem.significance,
          clinicalStatus: problem.status,
          onset: addDays(today, -problem.onsetDaysAgo),
          abated: problem.endedDaysAgo === undefined ? undefined : addDays(today, -problem.endedDaysAgo),
          related: problem.related,
          relatedProblems: (problem.relatedProblems ?? []).map((r) => ({ type: r.type, target: `Condition/${idOf(r.problem)}` })),
          context: problem.context,
          note: problem.note,
        }),
      ),
    );
  });
}
