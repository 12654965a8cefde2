import { CODE_SYSTEMS, EXTENSIONS, PROFILES } from '@gpconnect/fhir';
import { addDays } from './dates.ts';
import { RECORD_ITEM_IDENTIFIER_SYSTEM, type PlannedClinicalItemRow } from './plan-allergies.ts';
import type { ResourceRow } from './planned-row.ts';

/**
 * The roster's consultations (testdata README: patient2 "at least four, with topics and SOAP headings,
 * one topic linked to a problem, containing medication and observations"; structured.md §5.3). A
 * consultation is stored as its Encounter and the Lists of its structure — consultation, topics,
 * headings — whose entries name the items of the other areas by logical id; the items stay in their
 * own areas. Dates match the items they contain; one consultation is still a draft.
 */

const SNOMED = 'http://snomed.info/sct';
const LEVELS = {
  consultation: { system: SNOMED, code: '325851000000107', display: 'Consultation' },
  topic: { system: SNOMED, code: '25851000000105', display: 'Topic (EHR)' },
  heading: { system: SNOMED, code: '24781000000107', display: 'Category (EHR)' },
};

/** A topic holds either headings of items or, for a flat consultation, items directly. */
interface Topic {
  title?: string;
  /** Index of the patient's problem the topic was linked to. */
  problem?: number;
  headings?: { title: string; items: string[] }[];
  items?: string[];
}

interface Consultation {
  type: string;
  daysAgo: number;
  minutes: number;
  draft?: boolean;
  topics: Topic[];
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

type Json = Record<string, unknown>;

interface Rendered {
  id: string;
  resourceType: 'Encounter' | 'List';
  resource: Json;
}

function renderConsultation(base: string, patientId: string, clinicianId: string, consultation: Consultation, today: string, problemId: (index: number) => string): Rendered[] {
  const day = addDays(today, -consultation.daysAgo);
  const start = `${day}T09:30:00+00:00`;
  const end = new Date(Date.parse(start) + consultation.minutes * 60_000).toISOString().replace('.000Z', '+00:00');
  const encounterReference = { reference: `Encounter/${base}` };
  const subject = { reference: `Patient/${patientId}` };
  const clinician = { reference: `Practitioner/${clinicianId}` };
  const encounter: Json = {
    resourceType: 'Encounter',
    id: base,
    meta: { profile: [PROFILES.encounter] },
    identifier: [{ system: RECORD_ITEM_IDENTIFIER_SYSTEM, value: base }],
    // A consultation not yet finalised is shared as it stands, flagged unknown (§5.3).
    status: consultation.draft ? 'unknown' : 'finished',
    type: [{ text: consultation.type }],
    subject,
    participant: [
      { type: [{ coding: [{ system: CODE_SYSTEMS.participantType, code: 'REC', display: 'recorder' }] }], individual: clinician },
      { type: [{ coding: [{ system: 'http://hl7.org/fhir/v3/ParticipationType', code: 'PPRF', display: 'primary performer' }] }], individual: clinician },
    ],
    period: { start, end },
    length: { value: consultation.minutes, unit: 'min', system: 'http://unitsofmeasure.org', code: 'min' },
    serviceProvider: { reference: 'Organization/1' },
  };
  // Last edited when it ended; the same date on every level, as no finer audit is kept (§5.3.1).
  const structure = (id: string, level: keyof typeof LEVELS, title: string | undefined, entries: string[], extension?: Json[]): Rendered => ({
    id,
    resourceType: 'List',
    resource: {
      resourceType: 'List',
      id,
      meta: { profile: [PROFILES.list] },
      ...(extension ? { extension } : {}),
      status: 'current',
      mode: 'snapshot',
      ...(title ? { title } : {}),
      code: { coding: [LEVELS[level]] },
      subject,
      encounter: encounterReference,
      date: end,
      orderedBy: { coding: [{ system: 'http://hl7.org/fhir/list-order', code: 'system', display: 'Sorted by System' }] },
      entry: entries.map((reference) => ({ item: { reference } })),
    },
  });
  const lists: Rendered[] = [];
  const topicIds = consultation.topics.map((topic, t) => {
    const topicId = `${base}-topic-${t + 1}`;
    const headingIds = (topic.headings ?? []).map((heading, h) => {
      const headingId = `${topicId}-heading-${h + 1}`;
      lists.push(structure(headingId, 'heading', heading.title, heading.items));
      return `List/${headingId}`;
    });
    const problem = topic.problem === undefined ? undefined : [{ url: EXTENSIONS.relatedProblemHeader, extension: [{ url: 'target', valueReference: { reference: `Condition/${problemId(topic.problem)}` } }] }];
    lists.push(structure(topicId, 'topic', topic.title, topic.headings ? headingIds : (topic.items ?? []), problem));
    return `List/${topicId}`;
  });
  return [{ id: base, resourceType: 'Encounter', resource: encounter }, structure(`${base}-list`, 'consultation', consultation.type, topicIds), ...lists];
}

/** The consultation rows of the roster's patients: the usual GP saw them. */
export function planConsultations(patients: readonly { id: string; usual_gp_id: string | null }[], today: string, row: Omit<ResourceRow, 'id' | 'resource'>): PlannedClinicalItemRow[] {
  return patients.flatMap((patient) =>
    (CONSULTATIONS[patient.id] ?? []).flatMap((consultation, index) =>
      renderConsultation(`${patient.id}-consultation-${index + 1}`, patient.id, patient.usual_gp_id ?? '1', consultation, today, (p) => `${patient.id}-problem-${p}`).map((item) => ({
        ...row,
        id: item.id,
        resource: JSON.stringify(item.resource),
        patient_id: patient.id,
        resource_type: item.resourceType,
        area: 'consultations',
        effective_at: `${addDays(today, -consultation.daysAgo)}T09:30:00+00:00`,
        confidential: false,
        status: item.resourceType === 'Encounter' ? (item.resource['status'] as string) : null,
      })),
    ),
  );
}
