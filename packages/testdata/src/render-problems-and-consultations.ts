import { CODE_SYSTEMS, EXTENSIONS, PROFILES } from '@gpconnect/fhir';
import { RECORD_ITEM_IDENTIFIER_SYSTEM } from './plan-allergies.ts';
import type { RecordItem } from './record-item.ts';
import { observationHead } from './plan-observations.ts';
import type { Concept } from './generate/clinical-concepts.ts';

/**
 * Problems (structured.md §5.4: CareConnect-GPC-ProblemHeader-Condition-1) and consultations (§5.3:
 * CareConnect-GPC-Encounter-1 and the consultation, topic and heading Lists of §5.3.1), in the
 * storage contract the provider reads: one record item per resource, items named by reference. The
 * roster's hand-written records and the generator's both render through here.
 */

type Json = Record<string, unknown>;

const SNOMED = 'http://snomed.info/sct';
const reference = (value: string) => ({ reference: value });

export interface ProblemHeader {
  id: string;
  patientId: string;
  asserterId: string;
  /** The code of the item escalated to the problem. */
  code: Concept;
  /** `Observation/<id>`... : the item escalated to the problem, if it was escalated from one. */
  actualProblem?: string | undefined;
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
  note?: string | undefined;
}

export function renderProblemHeader(problem: ProblemHeader): Json {
  return {
    resourceType: 'Condition',
    id: problem.id,
    meta: { profile: [PROFILES.problemHeader] },
    extension: [
      ...(problem.actualProblem ? [{ url: EXTENSIONS.actualProblem, valueReference: reference(problem.actualProblem) }] : []),
      ...problem.relatedProblems.map((r) => ({ url: EXTENSIONS.relatedProblemHeader, extension: [{ url: 'type', valueCode: r.type }, { url: 'target', valueReference: reference(r.target) }] })),
      { url: EXTENSIONS.problemSignificance, valueCode: problem.significance },
      ...problem.related.map((r) => ({ url: EXTENSIONS.relatedClinicalContent, valueReference: reference(r) })),
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
    ...(problem.note ? { note: [{ text: problem.note }] } : {}),
  };
}

/** A problem as a record item of the problems area, dated by its onset. */
export function problemItem(problem: ProblemHeader, confidential = false): RecordItem {
  return { id: problem.id, area: 'problems', resourceType: 'Condition', resource: renderProblemHeader(problem), effective: problem.onset, status: problem.clinicalStatus, confidential };
}

/** A SOAP heading of a consultation topic and the references of the items recorded under it. */
export interface ConsultationHeading {
  title: string;
  items: readonly string[];
}

/** A topic holds either headings of items or, for a flat consultation, items directly (§5.3.1). */
export interface ConsultationTopic {
  title?: string | undefined;
  /** Id of the problem the topic was linked to. */
  problemId?: string | undefined;
  headings?: readonly ConsultationHeading[];
  items?: readonly string[];
}

export interface Consultation {
  /** Encounter id; the Lists are `<id>-list`, `<id>-topic-N` and `<id>-topic-N-heading-M`. */
  id: string;
  patientId: string;
  clinicianId: string;
  /** Consultation type as text (the spec's example types are free text). */
  type: string;
  /** dateTimes the consultation started and ended. */
  start: string;
  end: string;
  /** Not yet finalised: shared as it stands, its status unknown (§5.3). */
  draft?: boolean;
  topics: readonly ConsultationTopic[];
}

const CONSULTATION_LIST = { code: '325851000000107', display: 'Consultation' };
const TOPIC_LIST = { code: '25851000000105', display: 'Topic (EHR)' };
const HEADING_LIST = { code: '24781000000107', display: 'Category (EHR)' };

/** The Encounter and its structure Lists, consultation List first; empty headings are suppressed. */
export function renderConsultation(consultation: Consultation): Json[] {
  const { id, patientId } = consultation;
  // Last edited when it ended: the same date on every level, as no finer audit is kept (§5.3.1).
  const structureList = (listId: string, code: typeof CONSULTATION_LIST, title: string | undefined, entries: readonly string[], extension: Json[] = []) => ({
    resourceType: 'List',
    id: listId,
    meta: { profile: [PROFILES.list] },
    ...(extension.length ? { extension } : {}),
    status: 'current',
    mode: 'snapshot',
    ...(title ? { title } : {}),
    code: { coding: [{ system: SNOMED, ...code }] },
    subject: reference(`Patient/${patientId}`),
    encounter: reference(`Encounter/${id}`),
    date: consultation.end,
    orderedBy: { coding: [{ system: 'http://hl7.org/fhir/list-order', code: 'system', display: 'Sorted by System' }] },
    entry: entries.map((item) => ({ item: reference(item) })),
  });
  const lists: Json[] = [];
  const topicIds = consultation.topics.map((topic, t) => {
    const topicId = `${id}-topic-${t + 1}`;
    const headings = (topic.headings ?? []).filter((h) => h.items.length > 0);
    const headingIds = headings.map((heading, h) => {
      const headingId = `${topicId}-heading-${h + 1}`;
      lists.push(structureList(headingId, HEADING_LIST, heading.title, heading.items));
      return `List/${headingId}`;
    });
    const problem = topic.problemId ? [{ url: EXTENSIONS.relatedProblemHeader, extension: [{ url: 'target', valueReference: reference(`Condition/${topic.problemId}`) }] }] : [];
    lists.push(structureList(topicId, TOPIC_LIST, topic.title, topic.headings ? headingIds : (topic.items ?? []), problem));
    return `List/${topicId}`;
  });
  const clinician = reference(`Practitioner/${consultation.clinicianId}`);
  return [
    {
      resourceType: 'Encounter',
      id,
      meta: { profile: [PROFILES.encounter] },
      identifier: [{ system: RECORD_ITEM_IDENTIFIER_SYSTEM, value: id }],
      status: consultation.draft ? 'unknown' : 'finished',
      type: [{ text: consultation.type }],
      subject: reference(`Patient/${patientId}`),
      participant: [
        // REC is GP Connect's own participant type; the others are HL7 v3 ParticipationType (§5.3).
        { type: [{ coding: [{ system: CODE_SYSTEMS.participantType, code: 'REC', display: 'recorder' }] }], individual: clinician },
        { type: [{ coding: [{ system: 'http://hl7.org/fhir/v3/ParticipationType', code: 'PPRF', display: 'primary performer' }] }], individual: clinician },
      ],
      period: { start: consultation.start, end: consultation.end },
    },
    structureList(`${id}-list`, CONSULTATION_LIST, consultation.type, topicIds),
    ...lists,
  ];
}

/**
 * A consultation's Encounter and Lists as record items of the consultations area, every one dated by
 * its start; the Encounter's status (finished, or unknown for a draft) is the row's.
 */
export function consultationItems(consultation: Consultation, confidential = false): RecordItem[] {
  return renderConsultation(consultation).map((resource) => ({
    id: resource['id'] as string,
    area: 'consultations',
    resourceType: resource['resourceType'] as string,
    resource,
    effective: consultation.start,
    status: resource['resourceType'] === 'Encounter' ? (resource['status'] as string) : null,
    confidential,
  }));
}

/** Comment note (record artifact): the code the specification fixes for free-text narrative. */
const COMMENT_NOTE = { system: SNOMED, code: '37331000000100', display: 'Comment note' };

/**
 * The free text a clinician typed into a consultation, as an Observation narrative (the
 * specification's "Observation - narrative": the comment-note code, the text in `comment`, the
 * consultation as context). It is an item of the consultations area: it reaches a consumer through
 * the consultation's heading, never as uncategorised data.
 */
export function consultationNarrativeItem(id: string, consultation: Pick<Consultation, 'id' | 'patientId' | 'clinicianId' | 'start'>, text: string, confidential = false): RecordItem {
  const resource = {
    ...observationHead(id),
    code: { coding: [COMMENT_NOTE] },
    subject: reference(`Patient/${consultation.patientId}`),
    context: reference(`Encounter/${consultation.id}`),
    effectiveDateTime: consultation.start,
    issued: consultation.start,
    performer: [reference(`Practitioner/${consultation.clinicianId}`)],
    comment: text,
  };
  return { id, area: 'consultations', resourceType: 'Observation', resource, effective: consultation.start, status: 'final', confidential };
}
