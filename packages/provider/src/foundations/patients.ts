import { fail, IDENTIFIER_SYSTEMS, isValidNhsNumber } from '@gpconnect/fhir';
import { findPatientById, findPatientWithPdsFlags, findPdsPerson, updatePatient, type Kysely, type PatientWithPdsFlags } from '@gpconnect/store';
import type { Database } from '@gpconnect/store';
import type { Handler } from '../http/handler.ts';
import type { GpConnectContext } from '../pipeline/request-context.ts';
import { resourceResponse, searchsetResponse } from '../http/fhir-response.ts';
import { demographicsMatch, pdsProblem, pdsTraceDemographics, type TraceDemographics } from './demographic-match.ts';
import { isLogicalId, readSearchIdentifier } from './search-identifier.ts';
import { isDisclosable } from './registration-status.ts';
import { VERIFIED, VERIFIED_NHS_NUMBER_EXTENSION } from './nhs-number-verification.ts';


export interface ServedPatient {
  json: string;
  version: number;
}

function storedDemographics(resource: Record<string, unknown>): TraceDemographics | undefined {
  const names = (resource['name'] as { use?: string; family?: string; given?: string[] }[] | undefined) ?? [];
  const official = names.find((n) => n.use === 'official') ?? names[0];
  const birthDate = resource['birthDate'];
  if (!official?.family || typeof birthDate !== 'string') return undefined;
  return { family: official.family, given: official.given ?? [], birthDate };
}

/** Sets the NHS number verification status inside the stored Patient JSON. */
function markVerified(resource: Record<string, unknown>, version: number, now: Date): string {
  const identifiers = (resource['identifier'] as { system?: string; extension?: unknown[] }[] | undefined) ?? [];
  for (const identifier of identifiers) {
    if (identifier.system !== IDENTIFIER_SYSTEMS.nhsNumber) continue;
    identifier.extension = [VERIFIED_NHS_NUMBER_EXTENSION];
  }
  resource['meta'] = { ...(resource['meta'] as object), versionId: String(version), lastUpdated: now.toISOString() };
  return JSON.stringify(resource);
}

/**
 * An active record whose NHS number was never verified is traced against PDS before it is disclosed
 * (foundations.md §2.2); if the trace succeeds the record is marked verified, otherwise it stays hidden.
 */
async function verifyAgainstPds(db: Kysely<Database>, row: PatientWithPdsFlags, now: Date): Promise<ServedPatient | undefined> {
  const person = await findPdsPerson(db, row.nhs_number);
  if (pdsProblem(person) !== undefined) return undefined;
  const resource = JSON.parse(row.resource) as Record<string, unknown>;
  const local = storedDemographics(resource);
  if (!local || !demographicsMatch(local, pdsTraceDemographics(person!))) return undefined;
  const version = row.version + 1;
  const json = markVerified(resource, version, now);
  const updated = await updatePatient(db, row.practice_ods, row.id, row.version, { nhs_number_verification: VERIFIED, resource: json, last_updated: now });
  // Another request verified it first: serve what is stored now.
  if (!updated) {
    const current = await findPatientById(db, row.practice_ods, row.id);
    return current && current.nhs_number_verification === VERIFIED ? { json: current.resource, version: current.version } : undefined;
  }
  return { json, version };
}

/**
 * The record as Foundations may disclose it, or undefined: only currently registered patients that
 * neither the practice nor PDS marks sensitive or deceased, with a verified NHS number, are served
 * (general.md §13). Dissent does not apply here.
 */
export async function servablePatient(db: Kysely<Database>, row: PatientWithPdsFlags | undefined, now: Date): Promise<ServedPatient | undefined> {
  if (!row || !isDisclosable(row, now)) return undefined;
  if (row.nhs_number_verification === VERIFIED) return { json: row.resource, version: row.version };
  return verifyAgainstPds(db, row, now);
}

/** The patient with logical id `id` if Foundations would disclose them; the audit trail learns whose record it was. */
export async function findDisclosablePatient(db: Kysely<Database>, practiceOds: string, id: string | undefined, context: GpConnectContext, now: Date): Promise<ServedPatient | undefined> {
  const row = isLogicalId(id) ? await findPatientWithPdsFlags(db, practiceOds, { id }) : undefined;
  if (row) context.patientNhsNumber = row.nhs_number;
  return servablePatient(db, row, now);
}

/**
 * The patient with logical id `id` if Foundations would disclose them, else PATIENT_NOT_FOUND; the
 * audit trail learns whose record was asked for either way. Other capabilities use this too, so that
 * a record hidden here is hidden everywhere.
 */
export async function disclosablePatient(db: Kysely<Database>, practiceOds: string, id: string | undefined, context: GpConnectContext, now: Date): Promise<ServedPatient> {
  const served = await findDisclosablePatient(db, practiceOds, id, context, now);
  if (!served) fail('PATIENT_NOT_FOUND', `No patient with id ${JSON.stringify(id)}`);
  return served;
}

/** The record of `nhsNumber` if Foundations would disclose it, with the row behind it; the audit trail learns the number. */
export async function findDisclosablePatientByNhsNumber(
  db: Kysely<Database>,
  practiceOds: string,
  nhsNumber: string,
  context: GpConnectContext,
  now: Date,
): Promise<{ row: PatientWithPdsFlags; served: ServedPatient } | undefined> {
  context.patientNhsNumber = nhsNumber;
  const row = await findPatientWithPdsFlags(db, practiceOds, { nhsNumber });
  const served = await servablePatient(db, row, now);
  return row && served ? { row, served } : undefined;
}

export const readPatient: Handler = async ({ practice, params, context }, { db, clock }) => {
  const served = await disclosablePatient(db, practice.ods_code, params['id'], context, clock());
  return resourceResponse(served.json, served.version);
};

export const searchPatients: Handler = async ({ practice, query, context }, { db, clock }) => {
  const nhsNumber = readSearchIdentifier(query, IDENTIFIER_SYSTEMS.nhsNumber);
  if (!isValidNhsNumber(nhsNumber)) fail('INVALID_NHS_NUMBER', 'identifier: not a valid NHS number');
  context.patientNhsNumber = nhsNumber;
  const served = await servablePatient(db, await findPatientWithPdsFlags(db, practice.ods_code, { nhsNumber }), clock());
  return searchsetResponse(served ? [served.json] : []);
};
