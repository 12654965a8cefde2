import type { PdsPerson } from '@gpconnect/store';
import { addDays } from '../dates.ts';
import { clinicalItemRow, type PlannedClinicalItemRow } from '../record-item.ts';
import type { PlannedPatientRow } from '../plan-national-roster.ts';
import { planDocument, type DocumentOrganisation, type PlannedDocument } from '../plan-documents.ts';
import { NHS_NUMBER_VERIFIED, renderPatient } from '../render-resources.ts';
import { planGeneratedDocuments } from './plan-generated-documents.ts';
import { planGeneratedRecord } from './plan-generated-record.ts';
import { seededRandom } from './seeded-random.ts';
import { syntheticPerson } from './synthetic-people.ts';

/** Name of the fixture set of generated records: the `fixture` column of their rows, so the roster's reset leaves them alone. */
export const GENERATED_FIXTURE = 'generated-records';

/** Where generated patients are registered: a practice of the deployment, with its directory ids. */
export interface GenerationTarget {
  practiceOds: string;
  /** The practice's name, as its letters are signed. */
  practiceName: string;
  organisationId: string;
  /** An organisation of the practice's directory that writes discharge summaries and clinic letters; without one the practice writes every letter. */
  hospital?: DocumentOrganisation | undefined;
  /** Practitioners who can be usual GP and record items (at least one). */
  practitionerIds: readonly string[];
  /** Branch surgeries (Locations) a patient may prefer; may be empty. */
  locationIds: readonly string[];
}

export interface GeneratedPatientOptions {
  target: GenerationTarget;
  seed: number;
  /** Record items per patient (10 to 3,000). */
  items: number;
  today: string;
  now: Date;
  /** Whether patients have documents (letters and photographs); true by default. */
  documents?: boolean | undefined;
  /** How many patients, at most, have a photograph over 5 MB: see hasLargeDocument. DEFAULT_LARGE_DOCUMENTS by default. */
  largeDocuments?: number | undefined;
}

/** Patients with a file over the 5 MB retrieval limit, unless told otherwise: one in LARGE_DOCUMENT_EVERY, no more than this many. */
export const DEFAULT_LARGE_DOCUMENTS = 20;
const LARGE_DOCUMENT_EVERY = 50;

/**
 * Whether the `number`th patient has a photograph over 5 MB: the 1st, the 51st, the 101st... up to
 * `largeDocuments` of them, so that every generation with documents has one and 100,000 patients
 * still make a store of sensible size.
 */
export const hasLargeDocument = (number: number, largeDocuments: number) => (number - 1) % LARGE_DOCUMENT_EVERY === 0 && (number - 1) / LARGE_DOCUMENT_EVERY < largeDocuments;

export interface GeneratedPatient {
  patient: PlannedPatientRow;
  pdsPerson: Omit<PdsPerson, 'version'>;
  clinicalItems: PlannedClinicalItemRow[];
  documents: PlannedDocument[];
}

/**
 * The `number`th generated patient (from 1) with NHS number `nhsNumber`: registered (regular, active)
 * at the target practice, the same person on PDS, a clinical record of exactly `items` items and
 * documents written from it. Depends only on the options, the number and the NHS number.
 */
export function planGeneratedPatient(options: GeneratedPatientOptions, number: number, nhsNumber: string): GeneratedPatient {
  const { target, today, now } = options;
  const random = seededRandom(options.seed, number);
  const person = syntheticPerson(random, today);
  // Apart from the roster's numeric and html- ids; record items' ids start with it.
  const id = `gen-${number}`;
  const usualGpId = random.pick(target.practitionerIds);
  const preferredBranchId = target.locationIds.length ? random.pick(target.locationIds) : null;
  const registrationStart = [person.demographics.birthDate, addDays(today, -random.int(30, 365 * 30))].sort()[1]!;
  const row = { practice_ods: target.practiceOds, version: 1, last_updated: now, fixture: GENERATED_FIXTURE };
  const { demographics } = person;
  const resource = renderPatient({
    id,
    now,
    nhsNumber,
    name: demographics.name,
    gender: demographics.gender,
    birthDate: demographics.birthDate,
    address: demographics.address,
    telecom: demographics.telecom,
    active: true,
    registrationType: 'R',
    registrationStart,
    registrationEnd: null,
    preferredBranchId,
    usualGpId,
    managingOrganisationId: target.organisationId,
    deceasedAt: null,
  });
  const clinicians = [usualGpId, ...target.practitionerIds.filter((p) => p !== usualGpId)];
  const record = planGeneratedRecord({ patientId: id, birthDate: demographics.birthDate, ageBand: person.ageBand, today, clinicianIds: clinicians, items: options.items, random });
  // Planned after the record, from the same sequence: the record is the same with documents or without,
  // but for the referrals that name their letters.
  const { documents, items } =
    options.documents === false
      ? { documents: [], items: record }
      : planGeneratedDocuments(
          {
            patientId: id,
            nhsNumber,
            name: demographics.name,
            birthDate: demographics.birthDate,
            today,
            practiceName: target.practiceName,
            hospital: target.hospital !== undefined,
            large: hasLargeDocument(number, options.largeDocuments ?? DEFAULT_LARGE_DOCUMENTS),
            random,
          },
          record,
        );
  const organisations = { practice: { id: target.organisationId, odsCode: target.practiceOds }, hospital: target.hospital };
  return {
    patient: {
      ...row,
      id,
      resource: JSON.stringify(resource),
      nhs_number: nhsNumber,
      registration_status: 'active',
      registration_type: 'R',
      registration_start: registrationStart,
      registration_end: null,
      nhs_number_verification: NHS_NUMBER_VERIFIED,
      sensitive: false,
      deceased_at: null,
      dissent: false,
      record_in_transit: false,
      usual_gp_id: usualGpId,
      preferred_branch_id: preferredBranchId,
    },
    pdsPerson: { nhsNumber, demographics, gpOds: target.practiceOds, sensitive: false, deceasedAt: null, supersededBy: null, invalidated: false },
    clinicalItems: items.map((item) => clinicalItemRow(row, id, item)),
    documents: documents.map((spec, k) => planDocument({ id, usual_gp_id: usualGpId }, k + 1, spec, today, row, organisations)),
  };
}
