import { CODE_SYSTEMS, EXTENSIONS, interaction, IDENTIFIER_SYSTEMS, PROFILES, type InteractionName } from '@gpconnect/fhir';

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

/** A Slot as a free-slot search returns it, as far as booking needs it. */
export interface BookableSlot {
  id: string;
  start: string;
  end: string;
}

export interface BookingInput {
  patientId: string;
  /** Adjacent slots of one schedule, earliest first. */
  slots: readonly BookableSlot[];
  /** Where the schedule's appointments happen (its Location actor). */
  locationId: string;
  /** The schedule's Practitioner actor, when it has one. */
  practitionerId?: string;
  /** The booking organisation; the consumer's own by default. */
  organisation?: { odsCode: string; name?: string; type?: string };
  description?: string;
  comment?: string;
  /** When the consumer says it booked; the provider records its own time. */
  created?: string;
}

/** The Appointment a conforming consumer POSTs to book `slots` (appointments.md §5). */
export function bookingRequest(input: BookingInput): Record<string, unknown> {
  const organisation = input.organisation ?? { odsCode: 'A20047', type: 'urgent-care' };
  return {
    resourceType: 'Appointment',
    meta: { profile: [PROFILES.appointment] },
    contained: [
      {
        resourceType: 'Organization',
        id: '1',
        meta: { profile: [PROFILES.organization] },
        identifier: [{ system: IDENTIFIER_SYSTEMS.odsOrganisationCode, value: organisation.odsCode }],
        ...(organisation.type ? { type: [{ coding: [{ system: CODE_SYSTEMS.organisationType, code: organisation.type }] }] } : {}),
        name: organisation.name ?? 'Consumer Organisation',
        telecom: [{ system: 'phone', value: '0300 303 5678' }],
      },
    ],
    extension: [{ url: EXTENSIONS.bookingOrganisation, valueReference: { reference: '#1' } }],
    status: 'booked',
    description: input.description ?? 'Review of blood pressure',
    start: input.slots[0]!.start,
    end: input.slots[input.slots.length - 1]!.end,
    slot: input.slots.map((slot) => ({ reference: `Slot/${slot.id}` })),
    created: input.created ?? new Date().toISOString(),
    ...(input.comment !== undefined ? { comment: input.comment } : {}),
    participant: [
      { actor: { reference: `Patient/${input.patientId}` }, status: 'accepted' },
      { actor: { reference: `Location/${input.locationId}` }, status: 'accepted' },
      ...(input.practitionerId ? [{ actor: { reference: `Practitioner/${input.practitionerId}` }, status: 'accepted' }] : []),
    ],
  };
}
