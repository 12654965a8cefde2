import { CODE_SYSTEMS, EXTENSIONS, fail, IDENTIFIER_SYSTEMS, PROFILES } from '@gpconnect/fhir';
import {
  findPatientByNhsNumber,
  findPdsPerson,
  insertPatient,
  updatePatient,
  type Kysely,
  type PdsPerson,
  type PracticeRow,
} from '@gpconnect/store';
import type { Database } from '@gpconnect/store';
import type { Handler } from '../http/handler.ts';
import { searchsetResponse } from '../http/fhir-response.ts';
import { demographicsMatch, pdsProblem, pdsTraceDemographics } from './demographic-match.ts';
import { readRegisterPatientRequest, type RegisterPatientRequest } from './register-patient-request.ts';
import { isCurrentlyRegistered } from './registration-status.ts';
import { VERIFIED, VERIFIED_NHS_NUMBER_EXTENSION } from './nhs-number-verification.ts';
import { auditedTransaction } from '../pipeline/audit-event.ts';
import { writeProvenance } from '../pipeline/write-provenance.ts';

/** Temporary residents are registered for up to three months; temp contact details end then too. */
const TEMPORARY_MONTHS = 3;
const UNIQUE_VIOLATION = '23505';

/** When a temporary registration made at `start` lapses (and its temporary contact details end). */
function temporaryRegistrationEnd(start: Date): Date {
  const end = new Date(start);
  end.setUTCMonth(end.getUTCMonth() + TEMPORARY_MONTHS);
  return end;
}

/** Checks the request against PDS as foundations.md §2.4 step 2 and the national suite require. */
function checkAgainstPds(request: RegisterPatientRequest, person: PdsPerson | undefined): PdsPerson {
  const problem = pdsProblem(person);
  if (problem === 'absent') fail('INVALID_PATIENT_DEMOGRAPHICS', 'The NHS number is not known to PDS');
  if (problem === 'superseded' || problem === 'invalid') fail('INVALID_NHS_NUMBER', `The NHS number is ${problem} on PDS`);
  if (problem === 'deceased') fail('INVALID_PATIENT_DEMOGRAPHICS', 'PDS records the patient as deceased');
  if (problem === 'sensitive') fail('INVALID_PATIENT_DEMOGRAPHICS', 'The patient cannot be registered through GP Connect');
  // The §2.2 rule decides: an exactly equal date of birth verifies the number whatever the names.
  if (!demographicsMatch(request, pdsTraceDemographics(person!))) fail('INVALID_PATIENT_DEMOGRAPHICS', 'The demographics do not match PDS');
  return person!;
}

async function mainSurgeryId(db: Kysely<Database>, practice: PracticeRow): Promise<string | undefined> {
  const row = await db
    .selectFrom('location')
    .select('id')
    .where('practice_ods', '=', practice.ods_code)
    .where('organisation_id', '=', practice.organisation_id)
    .orderBy('id')
    .executeTakeFirst();
  return row?.id;
}

interface RenderInput {
  id: string;
  version: number;
  now: Date;
  request: RegisterPatientRequest;
  pds: PdsPerson;
  practice: PracticeRow;
  branchId: string | undefined;
}

/**
 * The temporary registration as served (foundations.md §2): the consumer's demographics, gaps filled
 * from PDS, registration type T from now, temporary contact details ending with the registration.
 */
function renderRegisteredPatient({ id, version, now, request, pds, practice, branchId }: RenderInput): string {
  const { patient } = request;
  const start = now.toISOString();
  const end = temporaryRegistrationEnd(now).toISOString();
  const temporaryPeriod = (use: string | undefined, period: { start?: string; end?: string } | undefined) =>
    use === 'temp' ? { period: { start, end, ...period } } : {};
  const registrationDetails = [
    { url: 'registrationPeriod', valuePeriod: { start, end } },
    { url: 'registrationType', valueCodeableConcept: { coding: [{ system: CODE_SYSTEMS.registrationType, code: 'T', display: 'Temporary' }] } },
    ...(branchId ? [{ url: 'preferredBranchSurgery', valueReference: { reference: `Location/${branchId}` } }] : []),
  ];
  const address = patient.address?.length ? patient.address.map((a) => ({ ...a, ...temporaryPeriod(a.use, a.period) })) : pds.demographics.address ? [{ use: 'home', ...pds.demographics.address }] : undefined;
  const resource = {
    resourceType: 'Patient',
    id,
    meta: { versionId: String(version), lastUpdated: start, profile: [PROFILES.patient] },
    extension: [{ url: EXTENSIONS.registrationDetails, extension: registrationDetails }, ...(patient.extension ?? [])],
    identifier: [
      {
        extension: [VERIFIED_NHS_NUMBER_EXTENSION],
        system: IDENTIFIER_SYSTEMS.nhsNumber,
        value: request.nhsNumber,
      },
      ...(patient.identifier ?? []).filter((i) => i.system !== IDENTIFIER_SYSTEMS.nhsNumber),
    ],
    active: true,
    name: patient.name,
    ...(patient.telecom ? { telecom: patient.telecom.map((t) => ({ ...t, ...temporaryPeriod(t.use, t.period) })) } : {}),
    gender: patient.gender ?? pds.demographics.gender,
    birthDate: request.birthDate,
    ...(address ? { address } : {}),
    managingOrganization: { reference: `Organization/${practice.organisation_id}` },
  };
  return JSON.stringify(resource);
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === UNIQUE_VIOLATION;
}

/**
 * $gpc.registerpatient (foundations.md §2.4): creates a temporary registration, or reactivates an
 * inactive record as temporary, for a patient PDS knows and can verify. Runs in one transaction,
 * with its audit record; a concurrent registration of the same patient loses on the unique NHS
 * number and is a duplicate.
 */
export const registerPatient: Handler = async ({ practice, body, context }, { db, clock, ids }) => {
  const request = readRegisterPatientRequest(body);
  context.patientNhsNumber = request.nhsNumber;
  const pds = checkAgainstPds(request, await findPdsPerson(db, request.nhsNumber));
  const now = clock();
  try {
    const json = await auditedTransaction(db, context, 200, now, async (trx) => {
      const local = await findPatientByNhsNumber(trx, practice.ods_code, request.nhsNumber);
      if (local?.deceased_at) fail('INVALID_PATIENT_DEMOGRAPHICS', 'The practice records the patient as deceased');
      if (local?.sensitive) fail('INVALID_PATIENT_DEMOGRAPHICS', 'The patient cannot be registered through GP Connect');
      // A lapsed temporary registration is no longer current: it is reactivated like an inactive one.
      if (local && isCurrentlyRegistered(local, now)) fail('DUPLICATE_REJECTED', 'The patient is already registered at this practice');
      const branchId = await mainSurgeryId(trx, practice);
      const registration = {
        registration_status: 'active' as const,
        registration_type: 'T',
        registration_start: now.toISOString(),
        registration_end: temporaryRegistrationEnd(now).toISOString(),
        nhs_number_verification: VERIFIED,
        last_updated: now,
        preferred_branch_id: branchId ?? null,
        provenance: JSON.stringify(writeProvenance(context, now)),
      };
      if (local) {
        const version = local.version + 1;
        const resource = renderRegisteredPatient({ id: local.id, version, now, request, pds, practice, branchId });
        const updated = await updatePatient(trx, practice.ods_code, local.id, local.version, { ...registration, resource });
        if (!updated) fail('DUPLICATE_REJECTED', 'The patient was registered by another request');
        return resource;
      }
      const id = ids();
      const resource = renderRegisteredPatient({ id, version: 1, now, request, pds, practice, branchId });
      await insertPatient(trx, {
        ...registration,
        practice_ods: practice.ods_code,
        id,
        version: 1,
        resource,
        fixture: null,
        nhs_number: request.nhsNumber,
        sensitive: false,
        deceased_at: null,
        dissent: false,
        record_in_transit: false,
        usual_gp_id: null,
      });
      return resource;
    });
    return searchsetResponse([json]);
  } catch (error) {
    if (isUniqueViolation(error)) fail('DUPLICATE_REJECTED', 'The patient was registered by another request');
    throw error;
  }
};
