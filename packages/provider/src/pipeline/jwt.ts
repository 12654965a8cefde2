import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import {
  checkStructure,
  fail,
  IDENTIFIER_SYSTEMS,
  REQUESTED_SCOPES,
  type FhirRelease,
  type InteractionDefinition,
} from '@gpconnect/fhir';
import type { Requester } from './request-context.ts';

/** exp must be exactly iat + 300 seconds (general.md §3). */
const LIFETIME_SECONDS = 300;

const REQUIRED_CLAIMS = [
  'iss',
  'aud',
  'exp',
  'iat',
  'reason_for_request',
  'requested_scope',
  'requesting_device',
  'requesting_organization',
  'requesting_practitioner',
] as const;

/** The audience every 0.7.x (Access Record HTML) token names, whatever the provider (access-record-html.md §8). */
const DSTU2_AUDIENCE = 'https://authorize.fhir.nhs.net/token';
const DSTU2_NHS_NUMBER = 'http://fhir.nhs.net/Id/nhs-number';

/** DSTU2-era identifier systems the 0.7.x (Access Record HTML) APIs use in the JWT. */
const LEGACY_SDS_USER_ID = 'http://fhir.nhs.net/sds-user-id';
const LEGACY_ROLE_PROFILE_ID = 'http://fhir.nhs.net/sds-role-profile-id';

type Json = Record<string, unknown>;
interface Identifier {
  system?: unknown;
  value?: unknown;
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isEmpty = (value: unknown) =>
  value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0) || (isObject(value) && Object.keys(value).length === 0);

function decode(authorization: string | undefined): JWTPayload {
  if (!authorization) fail('BAD_REQUEST', 'The Authorization header is missing');
  const match = /^Bearer (\S+)$/.exec(authorization);
  if (!match) fail('BAD_REQUEST', 'The Authorization header must be "Bearer" and a JWT');
  const token = match[1]!;
  try {
    // Signatures are neither issued nor checked in GP Connect (unsecured JWT, general.md §3); the header
    // must still be a JOSE header.
    decodeProtectedHeader(token);
    return decodeJwt(token);
  } catch {
    fail('BAD_REQUEST', 'The bearer token is not a well-formed JWT');
  }
}

function identifiersOf(resource: Json): Identifier[] {
  const identifier = resource['identifier'];
  return Array.isArray(identifier) ? identifier.filter(isObject) : [];
}

function identifierValue(resource: Json, systems: readonly string[]): string | undefined {
  const found = identifiersOf(resource).find((i) => typeof i.system === 'string' && systems.includes(i.system));
  return typeof found?.value === 'string' && found.value !== '' ? found.value : undefined;
}

/**
 * Claim resources that passed the structure check, by release, type and JSON text. A consumer sends
 * the same device, organisation and practitioner in every token, so each is checked once rather than
 * on every request; the text is the key, so any change in a resource is checked afresh. Bounded:
 * emptied when full.
 */
const CHECKED_CLAIM_RESOURCES = new Set<string>();
const CHECKED_CLAIM_RESOURCES_LIMIT = 10_000;

function checkClaimResource(claim: string, value: unknown, resourceType: string, release: FhirRelease): Json {
  if (!isObject(value)) fail('BAD_REQUEST', `The JWT ${claim} claim must be a FHIR ${resourceType} resource`);
  const key = `${release} ${resourceType} ${JSON.stringify(value)}`;
  if (CHECKED_CLAIM_RESOURCES.has(key)) return value;
  const issues = checkStructure(value, { expectedType: resourceType, release });
  if (issues.length > 0) {
    const first = issues[0]!;
    // The 0.7.x (DSTU2) APIs answer a malformed claim resource with 400 rather than 422.
    fail(release === 'dstu2' ? 'BAD_REQUEST' : 'INVALID_RESOURCE', `JWT ${claim} is not a valid ${resourceType}: ${first.location} ${first.message}`);
  }
  if (CHECKED_CLAIM_RESOURCES.size >= CHECKED_CLAIM_RESOURCES_LIMIT) CHECKED_CLAIM_RESOURCES.clear();
  CHECKED_CLAIM_RESOURCES.add(key);
  return value;
}

function practitionerName(practitioner: Json, release: FhirRelease): string {
  const name = release === 'dstu2' ? practitioner['name'] : Array.isArray(practitioner['name']) ? practitioner['name'][0] : undefined;
  const family = isObject(name) ? name['family'] : undefined;
  const familyText = Array.isArray(family) ? family.join(' ') : family;
  if (typeof familyText !== 'string' || familyText.trim() === '') fail('BAD_REQUEST', 'JWT requesting_practitioner has no family name');
  const given = isObject(name) && Array.isArray(name['given']) ? name['given'].filter((g) => typeof g === 'string') : [];
  return [...given, familyText].join(' ');
}

/** Checks requested_scope and tells whether it asks for sensitive information (conf/R). */
function checkScope(scopeClaim: unknown, interaction: InteractionDefinition): boolean {
  if (typeof scopeClaim !== 'string') fail('BAD_REQUEST', 'The JWT requested_scope claim must be a string');
  const [scope, ...confidentiality] = scopeClaim.split(' ').filter((part) => part !== '');
  if (!scope || !(REQUESTED_SCOPES as readonly string[]).includes(scope)) fail('BAD_REQUEST', `Unknown JWT requested_scope ${JSON.stringify(scopeClaim)}`);
  const migrating = interaction.reasons.includes('migration');
  for (const conf of confidentiality) {
    if (conf !== 'conf/N' && !(conf === 'conf/R' && migrating)) fail('BAD_REQUEST', `Unsupported confidentiality scope ${JSON.stringify(conf)}`);
  }
  if (scope !== interaction.scope) fail('BAD_REQUEST', `The JWT requested_scope ${scope} does not permit this interaction (it needs ${interaction.scope})`);
  return confidentiality.includes('conf/R');
}

/**
 * The 0.7.x claims the 1.x tokens do not have (access-record-html.md §8): the fixed audience, ids on
 * the device and organisation, and the record asked for — a Patient by NHS number for a patient's
 * record, an Organization by ODS code for metadata. Returns the NHS number a Patient claim names.
 */
function checkDstu2Claims(claims: Json, interaction: InteractionDefinition): string | undefined {
  if (claims['aud'] !== DSTU2_AUDIENCE) fail('BAD_REQUEST', `The JWT aud claim must be ${DSTU2_AUDIENCE}`);
  for (const claim of ['requesting_device', 'requesting_organization'] as const) {
    const id = (claims[claim] as Json)['id'];
    if (typeof id !== 'string' || id === '') fail('BAD_REQUEST', `JWT ${claim} has no id`);
  }
  const record = claims['requested_record'];
  const expected = interaction.scope.startsWith('patient/') ? 'Patient' : 'Organization';
  if (!isObject(record) || record['resourceType'] !== expected) fail('BAD_REQUEST', `The JWT requested_record claim must be the ${expected} whose record is asked for`);
  if (expected === 'Organization') return undefined;
  const nhsNumber = identifierValue(record, [DSTU2_NHS_NUMBER]);
  if (!nhsNumber) fail('BAD_REQUEST', `The JWT requested_record Patient has no ${DSTU2_NHS_NUMBER} identifier`);
  return nhsNumber;
}

/**
 * Checks the bearer token of a request against general.md §3 and returns who is asking. Every missing
 * or malformed claim is 400 BAD_REQUEST; a claim resource that does not parse as its FHIR type is 422
 * INVALID_RESOURCE (400 on the DSTU2 APIs). `now` is UNIX seconds.
 */
export function checkBearerToken(
  authorization: string | undefined,
  interaction: InteractionDefinition,
  release: FhirRelease,
  now: number,
): Requester {
  const claims = decode(authorization) as Json;
  for (const claim of REQUIRED_CLAIMS) {
    if (isEmpty(claims[claim])) fail('BAD_REQUEST', `Empty JWT ${claim} claim`);
  }
  if (typeof claims['iss'] !== 'string') fail('BAD_REQUEST', 'The JWT iss claim must be a string');
  const { exp, iat } = claims;
  if (!Number.isInteger(exp) || !Number.isInteger(iat)) fail('BAD_REQUEST', 'The JWT exp and iat claims must be whole seconds');
  if ((exp as number) - (iat as number) !== LIFETIME_SECONDS) fail('BAD_REQUEST', `The JWT exp claim must be iat + ${LIFETIME_SECONDS}`);
  // A token issued in the future is accepted: consumers' clocks drift (general.md §3).
  if ((exp as number) <= now) fail('BAD_REQUEST', 'The JWT has expired');
  const reason = claims['reason_for_request'];
  if (!(interaction.reasons as readonly unknown[]).includes(reason)) fail('BAD_REQUEST', `The JWT reason_for_request ${JSON.stringify(reason)} is not allowed for this interaction`);
  const sensitiveScope = checkScope(claims['requested_scope'], interaction);

  const device = checkClaimResource('requesting_device', claims['requesting_device'], 'Device', release);
  const organisation = checkClaimResource('requesting_organization', claims['requesting_organization'], 'Organization', release);
  const practitioner = checkClaimResource('requesting_practitioner', claims['requesting_practitioner'], 'Practitioner', release);

  const organisationOds = identifierValue(organisation, [IDENTIFIER_SYSTEMS.odsOrganisationCode, IDENTIFIER_SYSTEMS.odsOrganisationCodeLegacy]);
  if (!organisationOds) fail('BAD_REQUEST', 'JWT requesting_organization has no ODS code identifier');
  const sub = claims['sub'];
  if (typeof sub !== 'string' || sub === '') fail('BAD_REQUEST', 'Empty JWT sub claim');
  if (practitioner['id'] !== sub) fail('BAD_REQUEST', 'The JWT sub claim must equal requesting_practitioner.id');
  const sdsUserId = identifierValue(practitioner, [IDENTIFIER_SYSTEMS.sdsUserId, LEGACY_SDS_USER_ID]);
  if (!sdsUserId) fail('BAD_REQUEST', 'JWT requesting_practitioner has no SDS user id identifier (send UNK when unknown)');
  const name = practitionerName(practitioner, release);

  const requestedNhsNumber = release === 'dstu2' ? checkDstu2Claims(claims, interaction) : undefined;

  const deviceIdentifier = identifiersOf(device)[0];
  return {
    ...(requestedNhsNumber ? { requestedNhsNumber } : {}),
    organisationOds,
    organisationName: typeof organisation['name'] === 'string' ? organisation['name'] : null,
    practitionerId: sub,
    practitionerName: name,
    sdsUserId,
    roleProfileId: identifierValue(practitioner, [IDENTIFIER_SYSTEMS.sdsRoleProfileId, LEGACY_ROLE_PROFILE_ID]) ?? null,
    device: deviceIdentifier && typeof deviceIdentifier.value === 'string' ? `${String(deviceIdentifier.system ?? '')}|${deviceIdentifier.value}` : null,
    sensitiveScope,
  };
}
