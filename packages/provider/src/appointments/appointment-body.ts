import { checkConformance, CODE_SYSTEMS, checkStructure, EXTENSIONS, fail, IDENTIFIER_SYSTEMS, PROFILES } from '@gpconnect/fhir';

/**
 * The Appointment a consumer sends to book, amend or cancel (appointments.md §5, §9, §10), checked
 * for what every one of them must satisfy: well-formed FHIR, the GPConnect-Appointment-1 profile,
 * none of the elements GP Connect forbids, only GP Connect extensions, and only local references.
 * Any failure is 422 INVALID_RESOURCE.
 */

export type Json = Record<string, unknown>;

export interface Participant {
  resourceType: string;
  id: string;
  status: string;
}

export interface AppointmentBody {
  /** The body as sent. */
  resource: Json;
  id: string | undefined;
  status: string;
  start: Date;
  end: Date;
  description: string;
  comment: string | undefined;
  slotIds: string[];
  participants: Participant[];
  /** The contained Organization the booking-organisation extension points at, if there is one. */
  bookingOrganisation: Json | undefined;
  /** The cancellation-reason extension's value, if the extension is present. */
  cancellationReason: string | undefined;
}

/** Longest texts the practice system stores (the spec's limits; longer ones are refused, never truncated). */
export const MAX_DESCRIPTION = 100;
export const MAX_COMMENT = 500;

/** Elements GP Connect forbids in requests although the base resource or profile has them. */
const FORBIDDEN = ['modifierExtension', 'reason', 'specialty', 'appointmentType', 'indication', 'supportingInformation', 'incomingReferral', 'requestedPeriod'];
const KNOWN_EXTENSIONS = new Set<string>([EXTENSIONS.bookingOrganisation, EXTENSIONS.practitionerRole, EXTENSIONS.deliveryChannel, EXTENSIONS.appointmentCancellationReason]);
const PARTICIPATION_STATUSES = new Set(['accepted', 'declined', 'tentative', 'needs-action']);
/** A relative reference `Type/id` to a resource of this practice. */
const RELATIVE_REFERENCE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;

export function invalidResource(diagnostics: string): never {
  fail('INVALID_RESOURCE', diagnostics);
}

function relativeReference(reference: unknown, where: string): { resourceType: string; id: string } {
  const match = typeof reference === 'string' ? RELATIVE_REFERENCE.exec(reference) : null;
  if (!match) invalidResource(`${where}: ${JSON.stringify(reference)} is not a reference to a resource of this practice (Type/id)`);
  return { resourceType: match[1]!, id: match[2]! };
}

function checkConforms(resource: Json): void {
  const structure = checkStructure(resource, { expectedType: 'Appointment' });
  if (structure.length > 0) invalidResource(`The body is not a valid Appointment: ${structure[0]!.location} ${structure[0]!.message}`);
  const profiles = (resource['meta'] as { profile?: unknown } | undefined)?.profile;
  // An absent profile is read as GP Connect's (as in Foundations); a different one is refused.
  if (Array.isArray(profiles) && !profiles.includes(PROFILES.appointment)) invalidResource(`Appointment.meta.profile must be ${PROFILES.appointment}`);
  const forbidden = FORBIDDEN.find((element) => element in resource);
  if (forbidden) invalidResource(`Appointment.${forbidden} must not be sent`);
  const issues = checkConformance({ ...resource, meta: { ...(resource['meta'] as object), profile: [PROFILES.appointment] } });
  if (issues.length > 0) invalidResource(`${issues[0]!.location}: ${issues[0]!.message}`);
}

function extensionValue(resource: Json, url: string): Json | undefined {
  const matching = ((resource['extension'] as Json[] | undefined) ?? []).filter((e) => e['url'] === url);
  if (matching.length > 1) invalidResource(`The extension ${url} may be sent once`);
  return matching[0];
}

function readBookingOrganisation(resource: Json): Json | undefined {
  const extension = extensionValue(resource, EXTENSIONS.bookingOrganisation);
  if (!extension) return undefined;
  const reference = (extension['valueReference'] as { reference?: unknown } | undefined)?.reference;
  if (typeof reference !== 'string' || !/^#[A-Za-z0-9\-.]{1,64}$/.test(reference)) {
    invalidResource(`The booking organisation must be a contained Organization referenced as #id, not ${JSON.stringify(reference)}`);
  }
  const contained = (resource['contained'] as Json[] | undefined) ?? [];
  const organisation = contained.find((c) => c['id'] === reference.slice(1));
  if (organisation?.['resourceType'] !== 'Organization') invalidResource(`The booking organisation ${reference} is not a contained Organization`);
  if (contained.length > 1) invalidResource('Only the booking organisation may be contained');
  return organisation;
}

/** Reads an Appointment request body, refusing anything no Appointment interaction accepts. */
export function readAppointmentBody(body: unknown): AppointmentBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || (body as Json)['resourceType'] !== 'Appointment') {
    invalidResource('The body must be an Appointment resource');
  }
  const resource = body as Json;
  checkConforms(resource);

  const unknownExtension = ((resource['extension'] as Json[] | undefined) ?? []).find((e) => !KNOWN_EXTENSIONS.has(e['url'] as string));
  if (unknownExtension) invalidResource(`The extension ${JSON.stringify(unknownExtension['url'])} is not a GP Connect Appointment extension`);

  const slotIds = ((resource['slot'] as { reference?: unknown }[]) ?? []).map((slot, i) => {
    const reference = relativeReference(slot.reference, `Appointment.slot[${i}]`);
    if (reference.resourceType !== 'Slot') invalidResource(`Appointment.slot[${i}] must reference a Slot`);
    return reference.id;
  });
  const participants = ((resource['participant'] as { actor?: { reference?: unknown }; status?: unknown }[]) ?? []).map((p, i) => {
    // Appointment.participant.status is 1..1 in FHIR STU3 (the profile's differential leaves it out).
    if (typeof p.status !== 'string' || !PARTICIPATION_STATUSES.has(p.status)) invalidResource(`Appointment.participant[${i}].status must be one of ${[...PARTICIPATION_STATUSES].join(', ')}`);
    return { ...relativeReference(p.actor?.reference, `Appointment.participant[${i}].actor`), status: p.status };
  });

  const description = resource['description'] as string;
  const comment = resource['comment'] as string | undefined;
  if (description.length > MAX_DESCRIPTION) invalidResource(`Appointment.description is longer than ${MAX_DESCRIPTION} characters`);
  if (comment !== undefined && comment.length > MAX_COMMENT) invalidResource(`Appointment.comment is longer than ${MAX_COMMENT} characters`);

  const bookingOrganisation = readBookingOrganisation(resource);
  if (!bookingOrganisation && resource['contained'] !== undefined) invalidResource('Only the booking organisation may be contained');
  const cancellation = extensionValue(resource, EXTENSIONS.appointmentCancellationReason);
  return {
    resource,
    id: resource['id'] as string | undefined,
    status: resource['status'] as string,
    start: new Date(resource['start'] as string),
    end: new Date(resource['end'] as string),
    description,
    comment,
    slotIds,
    participants,
    bookingOrganisation,
    cancellationReason: cancellation ? ((cancellation['valueString'] as string | undefined) ?? '') : undefined,
  };
}

/** The booking organisation's ODS code and type, which booking needs in full (appointments.md §5). */
export function bookingOrganisationOf(appointment: AppointmentBody): { odsCode: string; type: string | null } {
  const organisation = appointment.bookingOrganisation;
  if (!organisation) invalidResource('The booking organisation (contained Organization and its extension) is required');
  const ods = ((organisation['identifier'] as { system?: string; value?: string }[] | undefined) ?? []).find((i) => i.system === IDENTIFIER_SYSTEMS.odsOrganisationCode)?.value;
  if (!ods) invalidResource('The booking organisation needs its ODS code identifier');
  if (typeof organisation['name'] !== 'string' || organisation['name'].trim() === '') invalidResource('The booking organisation needs its name');
  if (!Array.isArray(organisation['telecom']) || organisation['telecom'].length === 0) invalidResource('The booking organisation needs a telecom');
  const types = ((organisation['type'] as { coding?: { system?: string; code?: string }[] }[] | undefined) ?? []).flatMap((t) => t.coding ?? []);
  const type = types.find((c) => c.system === CODE_SYSTEMS.organisationType)?.code ?? null;
  return { odsCode: ods, type };
}
