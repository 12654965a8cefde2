import { CODE_SYSTEMS, EXTENSIONS, IDENTIFIER_SYSTEMS, PROFILES } from '@gpconnect/fhir';

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
  /** The booking organisation (contained in the Appointment): ODS code, name, a phone number, and its type when the search sent one. */
  organisation: { odsCode: string; name: string; telecom: string; type?: string };
  description?: string;
  comment?: string;
  /** When the consumer says it booked; the provider records its own time. */
  created?: string;
}

/** The Appointment a conforming consumer POSTs to book `slots` (appointments.md §5). */
export function bookingRequest(input: BookingInput): Record<string, unknown> {
  const { organisation } = input;
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
        name: organisation.name,
        telecom: [{ system: 'phone', value: organisation.telecom }],
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
