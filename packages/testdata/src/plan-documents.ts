import { PROFILES } from '@gpconnect/fhir';
import type { NewDocumentRow } from '@gpconnect/store';
import { addDays } from './dates.ts';
import { docxFile, pdfFile, pngFile, rtfFile, textFile } from './document-files.ts';
import { RECORD_ITEM_IDENTIFIER_SYSTEM } from './plan-allergies.ts';
import type { ResourceRow } from './planned-row.ts';

/**
 * Documents of a patient's record, rendered in one place for the roster and the generator: the
 * DocumentReference (CareConnect-GPC-DocumentReference-1, documents.md §4) and the document row.
 * The roster's own documents are listed here (testdata README: patient2 holds documents, at least
 * one authored by the practice and filed within the last year but more than two days ago; patient4
 * one larger than 5 MB; patient3 none); the generator's are planned in generate/plan-generated-documents.ts.
 * Coded types only from the specification's example; other types are sent as text, as documents.md
 * §4 allows. Dates are days before the load day.
 */

const SNOMED = 'http://snomed.info/sct';
/** documents-search-response.json: the example's type and practice setting. */
export const INPATIENT_FINAL_DISCHARGE_LETTER = { system: SNOMED, code: '824331000000106', display: 'Inpatient final discharge letter' };
const GENERAL_PRACTICE_SERVICE = { system: SNOMED, code: '1060971000000108', display: 'General practice service' };

/** Who wrote a document: an organisation (the practice or a hospital) or the patient's usual GP. */
export type DocumentAuthor = 'practice' | 'hospital' | 'usualGp';

export interface DocumentSpec {
  type: typeof INPATIENT_FINAL_DISCHARGE_LETTER | string;
  description: string;
  author: DocumentAuthor;
  /** Days before the load day it was written; absent when the practice did not record it. */
  createdDaysAgo?: number;
  indexedDaysAgo: number;
  contentType: string;
  file: () => Buffer;
  confidential?: boolean;
}

const DOCUMENTS: Record<string, DocumentSpec[]> = {
  '2': [
    {
      type: INPATIENT_FINAL_DISCHARGE_LETTER,
      description: 'Discharge summary',
      author: 'hospital',
      createdDaysAgo: 60,
      indexedDaysAgo: 58,
      contentType: 'application/pdf',
      file: () => pdfFile(['Discharge summary', 'Admitted with a painful swollen right knee.', 'Aspirated; discharged with physiotherapy follow-up.']),
    },
    {
      type: 'Letter to patient',
      description: 'Blood test results letter',
      author: 'practice',
      createdDaysAgo: 30,
      indexedDaysAgo: 30,
      contentType: 'text/plain',
      file: () => textFile(['Dear Mr Skelly,', 'Your recent full blood count was reviewed by the doctor.', 'Please book a routine appointment to discuss the results.', 'Coxwold Surgery']),
    },
    {
      type: 'Clinic letter',
      description: 'Knee clinic letter',
      author: 'usualGp',
      indexedDaysAgo: 400,
      contentType: 'application/rtf',
      file: () => rtfFile(['Knee clinic', 'Seen today with knee pain on walking. Referred to physiotherapy.']),
    },
    {
      type: 'Letter',
      description: 'Counselling service letter',
      author: 'practice',
      createdDaysAgo: 10,
      indexedDaysAgo: 10,
      contentType: 'text/plain',
      file: () => textFile(['Counselling service', 'Letter withheld from other organisations by the practice.']),
      confidential: true,
    },
    {
      type: 'Referral letter',
      description: 'Physiotherapy referral letter',
      author: 'practice',
      // The day of patient2's physiotherapy referral (plan-referrals-and-recalls.ts).
      createdDaysAgo: 250,
      indexedDaysAgo: 250,
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      file: () => docxFile(['Referral to physiotherapy', 'Knee pain on walking for three months; please assess and treat.', 'Coxwold Surgery']),
    },
  ],
  '4': [
    {
      type: 'Photograph',
      description: 'Photograph of skin lesion',
      author: 'practice',
      createdDaysAgo: 90,
      indexedDaysAgo: 89,
      contentType: 'image/png',
      // About 5.9 MB: over the 5 MB limit of Retrieve a document (documents.md §5).
      file: () => pngFile(1400, 1400),
    },
  ],
};

/** An organisation a document can name as author or custodian. */
export interface DocumentOrganisation {
  id: string;
  odsCode: string;
}

/** The organisations of a practice's documents: the practice (custodian of all), and the hospital, if any, that writes some. */
export interface DocumentOrganisations {
  practice: DocumentOrganisation;
  hospital?: DocumentOrganisation | undefined;
}

/** Logical id of a patient's `number`th document (from 1); its Binary's id has `binary` for `document`. */
export const documentId = (patientId: string, number: number) => `${patientId}-document-${number}`;

export interface PlannedDocument {
  row: NewDocumentRow & ResourceRow;
  content: Buffer;
}

function renderDocumentReference(id: string, patientId: string, spec: DocumentSpec, authorReference: string, custodianId: string, today: string) {
  return {
    resourceType: 'DocumentReference',
    id,
    meta: { profile: [PROFILES.documentReference] },
    identifier: [{ system: RECORD_ITEM_IDENTIFIER_SYSTEM, value: id }],
    status: 'current',
    type: typeof spec.type === 'string' ? { text: spec.type } : { coding: [spec.type] },
    subject: { reference: `Patient/${patientId}` },
    ...(spec.createdDaysAgo !== undefined ? { created: `${addDays(today, -spec.createdDaysAgo)}T09:35:00+00:00` } : {}),
    indexed: `${addDays(today, -spec.indexedDaysAgo)}T14:10:00+00:00`,
    author: [{ reference: authorReference }],
    custodian: { reference: `Organization/${custodianId}` },
    description: spec.description,
    content: [{ attachment: { contentType: spec.contentType } }],
    context: { practiceSetting: { coding: [GENERAL_PRACTICE_SERVICE] } },
  };
}

/**
 * The `number`th document (from 1) of `patient` described by `spec`, as its row and file; the
 * practice is its custodian.
 */
export function planDocument(
  patient: { id: string; usual_gp_id: string | null },
  number: number,
  spec: DocumentSpec,
  today: string,
  row: Omit<ResourceRow, 'id' | 'resource'>,
  organisations: DocumentOrganisations,
): PlannedDocument {
  const id = documentId(patient.id, number);
  const organisation = spec.author === 'usualGp' ? undefined : organisations[spec.author];
  if (spec.author === 'hospital' && !organisation) throw new Error(`document ${id} is by a hospital, but no hospital was given`);
  const authorReference = organisation ? `Organization/${organisation.id}` : `Practitioner/${patient.usual_gp_id ?? '1'}`;
  const resource = renderDocumentReference(id, patient.id, spec, authorReference, organisations.practice.id, today);
  return {
    row: {
      ...row,
      id,
      resource: JSON.stringify(resource),
      patient_id: patient.id,
      binary_id: `${patient.id}-binary-${number}`,
      type_text: typeof spec.type === 'string' ? spec.type : spec.type.display,
      author_ods: organisation?.odsCode ?? null,
      created_at: resource.created ?? null,
      indexed_at: resource.indexed,
      description: spec.description,
      content_type: spec.contentType,
      confidential: spec.confidential ?? false,
    },
    content: spec.file(),
  };
}

/** The document rows and files of the roster's patients. */
export function planDocuments(
  patients: readonly { id: string; usual_gp_id: string | null }[],
  today: string,
  row: Omit<ResourceRow, 'id' | 'resource'>,
  organisations: DocumentOrganisations,
): PlannedDocument[] {
  return patients.flatMap((patient) => (DOCUMENTS[patient.id] ?? []).map((spec, index) => planDocument(patient, index + 1, spec, today, row, organisations)));
}
