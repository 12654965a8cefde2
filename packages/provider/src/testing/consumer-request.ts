import { interaction, IDENTIFIER_SYSTEMS, PROFILES, type InteractionName } from '@gpconnect/fhir';

/**
 * Builds GP Connect requests as a conforming consumer would send them (general.md §2-§3), for tests
 * and benchmarks: the Spine headers and a fresh unsecured JWT, each part overridable so that tests
 * can break exactly one rule at a time.
 */

export const DEFAULT_CONSUMER_ASID = '200000000359';

export function base64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** The claims of a valid JWT for an interaction, issued at `now` (UNIX seconds). */
export function jwtClaims(name: InteractionName, now: number, audience = 'https://provider.example.nhs.uk/B82617/STU3/1'): Record<string, unknown> {
  const definition = interaction(name);
  // Access Record HTML (0.7.x) takes DSTU2 claim resources: a single HumanName with a family array,
  // and the fixed audience of that era (general.md §3).
  const dstu2 = definition.serviceRoot === 'html';
  return {
    iss: 'https://consumer.example.nhs.uk/',
    sub: '10019',
    aud: dstu2 ? 'https://authorize.fhir.nhs.net/token' : audience,
    exp: now + 300,
    iat: now,
    reason_for_request: definition.reasons[0],
    requested_scope: definition.scope,
    requesting_device: {
      resourceType: 'Device',
      identifier: [{ system: 'https://consumer.example.nhs.uk/Id/device-identifier', value: 'CONS-APP-4' }],
      model: 'gpconnect tests',
      version: '1.0.0',
    },
    requesting_organization: {
      resourceType: 'Organization',
      identifier: [{ system: dstu2 ? IDENTIFIER_SYSTEMS.odsOrganisationCodeLegacy : IDENTIFIER_SYSTEMS.odsOrganisationCode, value: 'A20047' }],
      name: 'Consumer Organisation',
    },
    requesting_practitioner: {
      resourceType: 'Practitioner',
      id: '10019',
      identifier: [
        { system: IDENTIFIER_SYSTEMS.sdsUserId, value: '111222333444' },
        { system: IDENTIFIER_SYSTEMS.sdsRoleProfileId, value: '444555666777' },
        { system: 'https://consumer.example.nhs.uk/Id/user-guid', value: '98ed4f78-814d-4266-8d5b-cde742f3093c' },
      ],
      name: dstu2 ? { family: ['Jones'], given: ['Claire'], prefix: ['Dr'] } : [{ family: 'Jones', given: ['Claire'], prefix: ['Dr'] }],
    },
  };
}

/** An unsecured JWT (alg none, empty signature) carrying `claims`. */
export function unsecuredJwt(claims: Record<string, unknown>): string {
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
}

export interface RequestHeaderOptions {
  /** ASID of the provider (Ssp-To). */
  toAsid: string;
  /** UNIX seconds the JWT is issued at. */
  now: number;
  fromAsid?: string;
  traceId?: string;
  /** Changes to the valid claims; a key set to undefined removes the claim. */
  claims?: Record<string, unknown>;
}

/** The headers of a valid request for `name`. */
export function gpconnectHeaders(name: InteractionName, options: RequestHeaderOptions): Record<string, string> {
  const claims = { ...jwtClaims(name, options.now), ...options.claims };
  for (const [key, value] of Object.entries(claims)) if (value === undefined) delete claims[key];
  return {
    'ssp-traceid': options.traceId ?? '5e9b2f4a-3d2c-4b7e-9a61-0c8d7f1e2a34',
    'ssp-from': options.fromAsid ?? DEFAULT_CONSUMER_ASID,
    'ssp-to': options.toAsid,
    'ssp-interactionid': interaction(name).interactionId,
    authorization: `Bearer ${unsecuredJwt(claims)}`,
    accept: 'application/fhir+json',
  };
}

/** The demographics a consumer sends to register a patient (foundations.md §2.4). */
export interface RegistrationPerson {
  nhsNumber: string;
  family: string;
  given: string;
  gender: string;
  birthDate: string;
}

/**
 * The Patient a consumer sends to $gpc.registerpatient for `person`, with the SHALL elements;
 * `changes` adds or replaces elements, and an element set to undefined is left out.
 */
export function registrationPatient(person: RegistrationPerson, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const patient: Record<string, unknown> = {
    resourceType: 'Patient',
    meta: { profile: [PROFILES.patient] },
    identifier: [{ system: IDENTIFIER_SYSTEMS.nhsNumber, value: person.nhsNumber }],
    name: [{ use: 'official', family: person.family, given: [person.given] }],
    gender: person.gender,
    birthDate: person.birthDate,
    ...changes,
  };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete patient[key];
  return patient;
}

/** The Parameters body of $gpc.registerpatient, one registerPatient parameter per Patient. */
export function registrationParameters(...patients: Record<string, unknown>[]): Record<string, unknown> {
  return { resourceType: 'Parameters', parameter: patients.map((resource) => ({ name: 'registerPatient', resource })) };
}
