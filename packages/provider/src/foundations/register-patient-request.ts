import { VERIFIED_NHS_NUMBER_EXTENSION } from './nhs-number-verification.ts';
import { checkConformance, checkStructure, EXTENSIONS, fail, IDENTIFIER_SYSTEMS, isValidNhsNumber, PROFILES } from '@gpconnect/fhir';

/** FHIR JSON of the Patient a consumer sends to $gpc.registerpatient, as far as we read it. */
export interface RegisterPatientResource {
  resourceType: 'Patient';
  meta?: { profile?: string[] };
  identifier?: { system?: string; value?: string }[];
  name?: { use?: string; family?: string; given?: string[]; prefix?: string[] }[];
  gender?: string;
  birthDate?: string;
  telecom?: { system?: string; value?: string; use?: string; period?: { start?: string; end?: string } }[];
  address?: { use?: string; period?: { start?: string; end?: string } }[];
  extension?: { url?: string }[];
}

export interface RegisterPatientRequest {
  nhsNumber: string;
  patient: RegisterPatientResource;
  family: string;
  given: string[];
  birthDate: string;
}

/** The only elements a registration may carry (foundations.md §2.4: anything else MUST NOT be present). */
const ALLOWED_ELEMENTS = new Set(['resourceType', 'meta', 'identifier', 'name', 'gender', 'birthDate', 'telecom', 'address', 'extension']);
const PARAMETER_NAME = 'registerPatient';

function invalid(diagnostics: string): never {
  fail('INVALID_RESOURCE', diagnostics);
}

function readPatientParameter(body: unknown): RegisterPatientResource {
  const issues = checkStructure(body, { expectedType: 'Parameters' });
  if (issues.length > 0) invalid(`The body is not a valid Parameters resource: ${issues[0]!.location} ${issues[0]!.message}`);
  const parameters = ((body as { parameter?: { name: string; resource?: { resourceType?: string } }[] }).parameter ?? []);
  const unknown = parameters.find((p) => p.name !== PARAMETER_NAME);
  if (unknown) fail('INVALID_PARAMETER', `Unknown parameter ${JSON.stringify(unknown.name)}: the only parameter is ${PARAMETER_NAME}`);
  if (parameters.length === 0) invalid(`The ${PARAMETER_NAME} parameter is missing`);
  if (parameters.length > 1) fail('BAD_REQUEST', `The ${PARAMETER_NAME} parameter must be sent exactly once`);
  const resource = parameters[0]!.resource;
  if (resource?.resourceType !== 'Patient') invalid(`The ${PARAMETER_NAME} parameter must hold a Patient resource`);
  return resource as RegisterPatientResource;
}

function checkElements(patient: RegisterPatientResource): void {
  const extra = Object.keys(patient).filter((element) => !ALLOWED_ELEMENTS.has(element));
  if (extra.length > 0) invalid(`Patient.${extra[0]} must not be sent when registering a patient`);
  // The spec says consumers SHALL send the profile; the national suite omits it in some requests and
  // expects them to be judged on their content, so an absent profile is read as this one, a different one refused.
  const profiles = patient.meta?.profile;
  if (profiles !== undefined && !profiles.includes(PROFILES.patient)) invalid(`Patient.meta.profile must be ${PROFILES.patient}`);
  const extensions = patient.extension ?? [];
  const foreign = extensions.find((e) => e.url !== EXTENSIONS.nhsCommunication);
  if (foreign) invalid(`Patient extension ${JSON.stringify(foreign.url)} is not allowed; only NHS communication may be sent`);
  if (extensions.length > 1) invalid('At most one NHS communication extension may be sent');
  const communication = extensions[0] as { extension?: { url?: string }[] } | undefined;
  if (communication && !communication.extension?.some((e) => e.url === 'language')) invalid('The NHS communication extension needs its language');
}

/** The Patient against its profile (CareConnect-GPC-Patient-1): required elements, cardinalities, fixed values. */
function checkProfile(patient: RegisterPatientResource): void {
  // The consumer does not send the NHS number's verification status: the provider sets it once PDS
  // has verified the number, so the profile is checked on the identifier as it will be stored.
  const identifier = (patient.identifier ?? []).map((i) => (i.system === IDENTIFIER_SYSTEMS.nhsNumber ? { ...i, extension: [VERIFIED_NHS_NUMBER_EXTENSION] } : i));
  const issues = checkConformance({ ...patient, identifier, meta: { ...patient.meta, profile: [PROFILES.patient] } });
  const first = issues.find((issue) => issue.severity === 'error');
  if (first) invalid(`${first.location}: ${first.message}`);
}

function checkAddresses(patient: RegisterPatientResource): void {
  const uses = (patient.address ?? []).map((a) => a.use ?? 'home');
  const other = uses.find((use) => use !== 'home' && use !== 'temp');
  if (other) invalid(`Patient.address use ${JSON.stringify(other)} is not allowed; send at most one home and one temp address`);
  if (uses.filter((u) => u === 'home').length > 1 || uses.filter((u) => u === 'temp').length > 1) invalid('At most one home and one temp address may be sent');
}

/** Phones: at most one of each use; email: at most one (foundations.md §2.4). */
function checkTelecoms(patient: RegisterPatientResource): void {
  const seen = new Set<string>();
  for (const telecom of patient.telecom ?? []) {
    if (telecom.system !== 'phone' && telecom.system !== 'email') invalid(`Patient.telecom system ${JSON.stringify(telecom.system)} is not allowed; send phone numbers and an email address`);
    const key = telecom.system === 'email' ? 'email' : `${telecom.system ?? ''}|${telecom.use ?? ''}`;
    if (seen.has(key)) fail('BAD_REQUEST', `Patient.telecom: more than one ${telecom.system === 'email' ? 'email address' : `${telecom.system} with use ${telecom.use}`}`);
    seen.add(key);
  }
}

function readNhsNumber(patient: RegisterPatientResource): string {
  const identifiers = patient.identifier ?? [];
  if (identifiers.some((i) => !i.system)) fail('BAD_REQUEST', 'Patient.identifier: every identifier needs a system');
  const nhs = identifiers.filter((i) => i.system === IDENTIFIER_SYSTEMS.nhsNumber);
  if (nhs.length === 0) fail('INVALID_NHS_NUMBER', 'Patient.identifier: an NHS number is required');
  if (nhs.length > 1) fail('BAD_REQUEST', 'Patient.identifier: only one NHS number may be sent');
  const value = nhs[0]!.value ?? '';
  if (!isValidNhsNumber(value)) fail('INVALID_NHS_NUMBER', 'Patient.identifier: not a valid NHS number');
  return value;
}

/**
 * Validates a $gpc.registerpatient body (foundations.md §2.4) and returns what registration needs.
 * Problems with the resource's shape are 422 INVALID_RESOURCE; missing mandatory data is 400.
 */
export function readRegisterPatientRequest(body: unknown): RegisterPatientRequest {
  const patient = readPatientParameter(body);
  checkElements(patient);
  checkAddresses(patient);
  const nhsNumber = readNhsNumber(patient);
  const official = (patient.name ?? []).filter((n) => n.use === 'official');
  if (official.length === 0) fail('BAD_REQUEST', 'Patient.name: an official name is required');
  if (official.length > 1) invalid('Patient.name: only one official name may be sent');
  const family = official[0]!.family;
  if (!family || family.trim() === '') fail('BAD_REQUEST', 'Patient.name: the official name needs a family name');
  if (!patient.birthDate) fail('BAD_REQUEST', 'Patient.birthDate is required');
  // After the checks the spec answers with 400, so those keep their codes; the rest of the shape is 422.
  checkProfile(patient);
  checkTelecoms(patient);
  return { nhsNumber, patient, family, given: official[0]!.given ?? [], birthDate: patient.birthDate.slice(0, 10) };
}
