import { PROFILES } from '@gpconnect/fhir';
import { addDays } from './dates.ts';
import { RECORD_ITEM_IDENTIFIER_SYSTEM } from './plan-allergies.ts';
import { clinicalItemRow, type PlannedClinicalItemRow, type RecordItem } from './record-item.ts';
import { observationHead } from './plan-observations.ts';
import type { ResourceRow } from './planned-row.ts';

/**
 * The roster's immunisations (testdata README: patient2 at least one, patient3 some; structured.md
 * §5.5): a hepatitis A course given at the practice, and one dose declined (not given). Codes as in
 * the specification's immunisation example; dates are days before the load day.
 */

const SNOMED = 'http://snomed.info/sct';

/** The vaccination procedure, target disease, site and route of the specification's example. */
const HEPATITIS_A_FIRST = { system: SNOMED, code: '170378007', display: 'First hepatitis A vaccination' };
const HEPATITIS_A = { system: SNOMED, code: '40468003', display: 'Viral hepatitis, type A' };
const RIGHT_UPPER_ARM = { system: SNOMED, code: '368209003', display: 'Right upper arm' };
const SUBCUTANEOUS = { system: SNOMED, code: '34206005', display: 'Subcutaneous route' };
const IMMUNISATION_DUE = { system: SNOMED, code: '171279008', display: 'Immunisation due' };

interface Dose {
  daysAgo: number;
  notGiven?: boolean;
}

const IMMUNISATIONS: Record<string, Dose[]> = {
  '2': [{ daysAgo: 2000 }],
  '3': [{ daysAgo: 900 }, { daysAgo: 700, notGiven: true }],
};

/** A hepatitis A dose given (or declined) on `date` (ISO date), as the immunisations area serves it (structured.md §5.5). */
export function renderImmunisation(id: string, patientId: string, practitionerId: string, dose: { date: string; notGiven?: boolean | undefined }): Record<string, unknown> {
  const date = dose.date;
  const given = !dose.notGiven;
  return {
    resourceType: 'Immunization',
    id,
    meta: { profile: [PROFILES.immunization] },
    extension: [
      // The profile's recordedDate slice is the CareConnect extension (the spec page's example names a GPC one).
      { url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-DateRecorded-1', valueDateTime: `${date}T10:00:00+00:00` },
      { url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-VaccinationProcedure-1', valueCodeableConcept: { coding: [HEPATITIS_A_FIRST] } },
    ],
    identifier: [{ system: RECORD_ITEM_IDENTIFIER_SYSTEM, value: id }],
    status: 'completed',
    notGiven: !given,
    // The product is not recorded: the spec's null flavour.
    vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/v3/NullFlavor', code: 'UNK' }], text: 'Unknown' },
    patient: { reference: `Patient/${patientId}` },
    date,
    primarySource: true,
    ...(given ? { site: { coding: [RIGHT_UPPER_ARM] }, route: { coding: [SUBCUTANEOUS] }, doseQuantity: { value: 0.5, system: 'http://unitsofmeasure.org', code: 'ml' } } : {}),
    practitioner: [{ role: { coding: [{ system: 'http://hl7.org/fhir/v2/0443', code: given ? 'AP' : 'EP' }] }, actor: { reference: `Practitioner/${practitionerId}` } }],
    explanation: given ? { reason: [{ coding: [IMMUNISATION_DUE] }] } : { reasonNotGiven: [{ text: 'Patient declined' }] },
    ...(given
      ? {
          vaccinationProtocol: [
            {
              doseSequence: 1,
              seriesDoses: 2,
              targetDisease: [{ coding: [HEPATITIS_A] }],
              doseStatus: { coding: [{ system: 'http://hl7.org/fhir/vaccination-protocol-dose-status', code: 'count', display: 'Counts' }] },
            },
          ],
        }
      : {}),
  };
}

/** A dose as a record item of the immunisations area, dated by when it was given (or declined). */
export function immunisationItem(id: string, patientId: string, practitionerId: string, dose: { date: string; notGiven?: boolean | undefined }): RecordItem {
  const resource = renderImmunisation(id, patientId, practitionerId, dose);
  return { id, area: 'immunisations', resourceType: 'Immunization', resource, effective: dose.date, status: dose.notGiven ? 'not-given' : 'given', confidential: false };
}

/** The immunisation rows of the roster's patients; the usual GP gave or recorded them. */
export function planImmunisations(patients: readonly { id: string; usual_gp_id: string | null }[], today: string, row: Omit<ResourceRow, 'id' | 'resource'>): PlannedClinicalItemRow[] {
  return patients.flatMap((patient) =>
    (IMMUNISATIONS[patient.id] ?? []).map((dose, index) =>
      clinicalItemRow(row, patient.id, immunisationItem(`${patient.id}-immunisation-${index + 1}`, patient.id, patient.usual_gp_id ?? '1', { date: addDays(today, -dose.daysAgo), notGiven: dose.notGiven })),
    ),
  );
}

/**
 * The code the specification's immunisation guidance prescribes for a consent or dissent record that
 * no SNOMED CT concept describes: "Transfer-degraded record entry", with the original text alongside.
 * The allowed code lists hold no consent or dissent concept, so every status record uses it.
 */
export const TRANSFER_DEGRADED = { system: SNOMED, code: '196411000000103', display: 'Transfer-degraded record entry' };

/** A consent or dissent to a vaccination, as recorded (ISO dates); `ended` when it was withdrawn. */
export interface ImmunisationStatus {
  recorded: string;
  text: string;
  ended?: string | undefined;
}

/**
 * A consent or dissent record of the immunisations area (`includeStatus`): an Observation of the
 * uncategorised data profile, its effective period bounded where the consent or dissent was ended.
 */
export function immunisationStatusItem(id: string, patientId: string, practitionerId: string, status: ImmunisationStatus): RecordItem {
  const resource = {
    ...observationHead(id),
    code: { coding: [TRANSFER_DEGRADED], text: status.text },
    subject: { reference: `Patient/${patientId}` },
    ...(status.ended ? { effectivePeriod: { start: status.recorded, end: status.ended } } : { effectiveDateTime: status.recorded }),
    issued: `${status.recorded}T10:00:00+00:00`,
    performer: [{ reference: `Practitioner/${practitionerId}` }],
  };
  return { id, area: 'immunisations', resourceType: 'Observation', resource, effective: status.recorded, status: status.ended ? 'ended' : 'current', confidential: false };
}
