import { interaction, IDENTIFIER_SYSTEMS, PROFILES, type InteractionName } from '@gpconnect/fhir';
import { base64url, bookingRequest as sdkBookingRequest, consumerJwtClaims, unsecuredJwt, type BookingInput, type ConsumerIdentity, type RequestedRecord } from '@gpconnect/sdk';

/**
 * Builds GP Connect requests as a conforming consumer would send them (general.md §2-§3), for tests
 * and benchmarks: the Spine headers and a fresh unsecured JWT, each part overridable so that tests
 * can break exactly one rule at a time.
 */

export const DEFAULT_CONSUMER_ASID = '200000000359';

export { base64url, unsecuredJwt };

/** The consumer every test and benchmark request comes from (the roster's default consumer ASID). */
export const TEST_CONSUMER: ConsumerIdentity = {
  asid: DEFAULT_CONSUMER_ASID,
  issuer: 'https://consumer.example.nhs.uk/',
  organisation: { odsCode: 'A20047', name: 'Consumer Organisation' },
  practitioner: {
    id: '10019',
    sdsUserId: '111222333444',
    sdsRoleProfileId: '444555666777',
    family: 'Jones',
    given: ['Claire'],
    prefix: ['Dr'],
    localIdentifier: { system: 'https://consumer.example.nhs.uk/Id/user-guid', value: '98ed4f78-814d-4266-8d5b-cde742f3093c' },
  },
  device: { system: 'https://consumer.example.nhs.uk/Id/device-identifier', value: 'CONS-APP-4', model: 'gpconnect tests', version: '1.0.0' },
};

/**
 * The claims of a valid JWT for an interaction, issued at `now` (UNIX seconds). A 0.7.x (Access
 * Record HTML) token names the record asked for: the roster practice unless `requestedRecord` says.
 */
export function jwtClaims(name: InteractionName, now: number, audience = 'https://provider.example.nhs.uk/B82617/STU3/1', requestedRecord: RequestedRecord = { odsCode: 'B82617' }): Record<string, unknown> {
  return consumerJwtClaims(TEST_CONSUMER, interaction(name), now, audience, requestedRecord);
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
  /** The record a 0.7.x token names (a care record request names its patient). */
  requestedRecord?: RequestedRecord;
}

/** The headers of a valid request for `name`. */
export function gpconnectHeaders(name: InteractionName, options: RequestHeaderOptions): Record<string, string> {
  const claims = { ...jwtClaims(name, options.now, undefined, options.requestedRecord), ...options.claims };
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

export type { BookableSlot } from '@gpconnect/sdk';

/** A booking by the test consumer, an urgent care organisation, unless `organisation` says otherwise. */
export function bookingRequest(input: Omit<BookingInput, 'organisation'> & { organisation?: Partial<BookingInput['organisation']> }): Record<string, unknown> {
  const organisation = { odsCode: TEST_CONSUMER.organisation.odsCode, name: TEST_CONSUMER.organisation.name, telecom: '0300 303 5678', type: 'urgent-care', ...input.organisation };
  return sdkBookingRequest({ ...input, organisation });
}

/** What a care record request asks for. */
export interface CareRecordAsk {
  nhsNumber: string;
  section: string;
  period?: { start?: string; end?: string };
}

/** The Parameters of $gpc.getcarerecord (access-record-html.md §2) for one section, with a period when given. */
export function careRecordParameters({ nhsNumber, section, period }: CareRecordAsk): Record<string, unknown> {
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'patientNHSNumber', valueIdentifier: { system: 'http://fhir.nhs.net/Id/nhs-number', value: nhsNumber } },
      { name: 'recordSection', valueCodeableConcept: { coding: [{ system: 'http://fhir.nhs.net/ValueSet/gpconnect-record-section-1', code: section }] } },
      ...(period ? [{ name: 'timePeriod', valuePeriod: period }] : []),
    ],
  };
}
