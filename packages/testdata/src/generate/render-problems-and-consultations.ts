import { PROFILES } from '@gpconnect/fhir';
import { RECORD_ITEM_IDENTIFIER_SYSTEM } from '../plan-allergies.ts';
import type { Concept } from './clinical-concepts.ts';

/**
 * Problems (structured.md §5.4: CareConnect-GPC-ProblemHeader-Condition-1) and consultations (§5.3:
 * CareConnect-GPC-Encounter-1 and the consultation, topic and heading Lists of §5.3.1), in the
 * storage contract the provider reads: one record item per resource.
 */

type Json = Record<string, unknown>;

const SNOMED = 'http://snomed.info/sct';
const HL7_UK_SD = 'https://fhir.hl7.org.uk/STU3/StructureDefinition/';
const RELATED_PROBLEM_HEADER = `${HL7_UK_SD}Extension-CareConnect-RelatedProblemHeader-1`;
const reference = (value: string) => ({ reference: value });

export interface ProblemHeader {
  id: string;
  patientId: string;
  asserterId: string;
  /** The code of the item escalated to the problem. */
  code: Concept;
  /** `Observation/<id>`... : the item escalated to the problem. */
  actualProblem: string;
  significance: 'major' | 'minor';
  clinicalStatus: 'active' | 'inactive';
  /** ISO date of onset (also asserted). */
  onset: string;
  abated?: string | undefined;
  /** References of every directly linked item and consultation. */
  related: readonly string[];
  relatedProblems: readonly { type: 'parent' | 'child' | 'sibling'; target: string }[];
  /** `Encounter/<id>` where the problem was first recorded. */
  context?: string | undefined;
}

export function renderProblemHeader(problem: ProblemHeader): Json {
  return {
    resourceType: 'Condition',
    id: problem.id,
    meta: { profile: [PROFILES.problemHeader] },
    extension: [
      { url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ActualProblem-1', valueReference: reference(problem.actualProblem) },
      ...problem.relatedProblems.map((r) => ({ url: RELATED_PROBLEM_HEADER, extension: [{ url: 'type', valueCode: r.type }, { url: 'target', valueReference: reference(r.target) }] })),
      { url: `${HL7_UK_SD}Extension-CareConnect-ProblemSignificance-1`, valueCode: problem.significance },
      ...problem.related.map((r) => ({ url: `${HL7_UK_SD}Extension-CareConnect-RelatedClinicalContent-1`, valueReference: reference(r) })),
    ],
    identifier: [{ system: RECORD_ITEM_IDENTIFIER_SYSTEM, value: problem.id }],
    clinicalStatus: problem.clinicalStatus,
    category: [{ coding: [{ system: 'https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-ConditionCategory-1', code: 'problem-list-item', display: 'Problem List Item' }] }],
    code: { coding: [{ system: problem.code.system ?? SNOMED, code: problem.code.code, display: problem.code.display }] },
    subject: reference(`Patient/${problem.patientId}`),
    ...(problem.context ? { context: reference(problem.context) } : {}),
    onsetDateTime: problem.onset,
    ...(problem.abated ? { abatementDateTime: problem.abated } : {}),
    assertedDate: problem.onset,
    asserter: reference(`Practitioner/${problem.asserterId}`),
  };
}

/** A SOAP heading of a consultation topic and the references of the items recorded under it. */
export interface ConsultationHeading {
  title: 'History' | 'Examination' | 'Test results' | 'Plan';
  items: readonly string[];
}

export interface Consultation {
  /** Encounter id; the Lists are `<id>-list`, `<id>-topic`, `<id>-heading-N`. */
  id: string;
  patientId: string;
  clinicianId: string;
  /** Consultation type as text (the spec's example types are free text). */
  type: string;
  /** dateTime the consultation started; it lasted ten minutes. */
  start: string;
  end: string;
  topic: { title: string; problemId?: string | undefined; headings: readonly ConsultationHeading[] };
}

const CONSULTATION_LIST = { code: '325851000000107', display: 'Consultation' };
const TOPIC_LIST = { code: '25851000000105', display: 'Topic (EHR)' };
const HEADING_LIST = { code: '24781000000107', display: 'Category (EHR)' };

/** The Encounter and its structure Lists, consultation List first. */
export function renderConsultation(consultation: Consultation): Json[] {
  const { id, patientId } = consultation;
  const structureList = (listId: string, code: typeof CONSULTATION_LIST, title: string, entries: readonly string[], extension: Json[] = []) => ({
    resourceType: 'List',
    id: listId,
    meta: { profile: [PROFILES.list] },
    ...(extension.length ? { extension } : {}),
    status: 'current',
    mode: 'snapshot',
    title,
    code: { coding: [{ system: SNOMED, ...code }] },
    subject: reference(`Patient/${patientId}`),
    encounter: reference(`Encounter/${id}`),
    date: consultation.end,
    orderedBy: { coding: [{ system: 'http://hl7.org/fhir/list-order', code: 'system', display: 'Sorted by System' }] },
    entry: entries.map((item) => ({ item: reference(item) })),
  });
  const headings = consultation.topic.headings.filter((h) => h.items.length > 0);
  const headingIds = headings.map((_, k) => `${id}-heading-${k + 1}`);
  const topicId = `${id}-topic`;
  const problem = consultation.topic.problemId;
  return [
    {
      resourceType: 'Encounter',
      id,
      meta: { profile: [PROFILES.encounter] },
      identifier: [{ system: RECORD_ITEM_IDENTIFIER_SYSTEM, value: id }],
      status: 'finished',
      type: [{ text: consultation.type }],
      subject: reference(`Patient/${patientId}`),
      participant: [
        // REC is GP Connect's own participant type; the others are HL7 v3 ParticipationType (§5.3).
        { type: [{ coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-ParticipantType-1', code: 'REC', display: 'recorder' }] }], individual: reference(`Practitioner/${consultation.clinicianId}`) },
        { type: [{ coding: [{ system: 'http://hl7.org/fhir/v3/ParticipationType', code: 'PPRF', display: 'primary performer' }] }], individual: reference(`Practitioner/${consultation.clinicianId}`) },
      ],
      period: { start: consultation.start, end: consultation.end },
    },
    structureList(`${id}-list`, CONSULTATION_LIST, consultation.type, [`List/${topicId}`]),
    structureList(topicId, TOPIC_LIST, consultation.topic.title, headingIds.map((h) => `List/${h}`), problem ? [{ url: RELATED_PROBLEM_HEADER, extension: [{ url: 'target', valueReference: reference(`Condition/${problem}`) }] }] : []),
    ...headings.map((heading, k) => structureList(headingIds[k]!, HEADING_LIST, heading.title, heading.items)),
  ];
}
