import { fail } from '@gpconnect/fhir';
import { bookAppointment as holdSlots, findSlotsById, SlotUnavailableError, type SlotWithSchedule } from '@gpconnect/store';
import type { Handler } from '../http/handler.ts';
import { auditOfWrite } from '../pipeline/audit-event.ts';
import { writeProvenance } from '../pipeline/write-provenance.ts';
import { disclosablePatient } from '../foundations/patients.ts';
import { bookingOrganisationOf, invalidResource, readAppointmentBody, type AppointmentBody } from './appointment-body.ts';
import { renderBookedAppointment } from './appointment-resource.ts';
import { isOfferedTo } from './slot-availability.ts';

function participantIds(request: AppointmentBody, resourceType: string): string[] {
  return request.participants.filter((p) => p.resourceType === resourceType).map((p) => p.id);
}

/** The slots the request names, all existing and distinct, earliest first; else INVALID_RESOURCE. */
function requireSlots(request: AppointmentBody, found: SlotWithSchedule[]): SlotWithSchedule[] {
  if (new Set(request.slotIds).size !== request.slotIds.length) invalidResource('A slot is named twice');
  const missing = request.slotIds.find((id) => !found.some((slot) => slot.id === id));
  if (missing) invalidResource(`Slot/${missing} does not exist`);
  return found;
}

/**
 * What makes a set of slots one bookable appointment for this organisation (appointments.md §4, §5):
 * offered to it, in the future, adjacent, of one schedule, channel and type, and exactly the
 * appointment's start and end; the participants are the schedule's Location and Practitioner.
 */
function checkBookable(request: AppointmentBody, slots: SlotWithSchedule[], organisation: { odsCode: string; type: string | null }, now: Date): void {
  const first = slots[0]!;
  const last = slots[slots.length - 1]!;
  const refused = slots.find((slot) => !isOfferedTo(slot, organisation));
  if (refused) invalidResource(`Slot/${refused.id} cannot be booked by ${organisation.odsCode} through GP Connect`);
  if (first.start_at <= now) invalidResource('The slot has already started; only future slots can be booked');
  slots.forEach((slot, i) => {
    if (i === 0) return;
    const previous = slots[i - 1]!;
    if (slot.start_at.getTime() !== previous.end_at.getTime()) invalidResource(`Slot/${slot.id} does not follow on from Slot/${previous.id}`);
    if (slot.schedule_id !== first.schedule_id) invalidResource('All slots must belong to one schedule');
    const kind = (s: SlotWithSchedule) => JSON.stringify([s.delivery_channels, (JSON.parse(s.resource) as { serviceType?: unknown }).serviceType]);
    if (kind(slot) !== kind(first)) invalidResource('All slots must have the same delivery channel and type');
  });
  if (request.start.getTime() !== first.start_at.getTime() || request.end.getTime() !== last.end_at.getTime()) {
    invalidResource('Appointment.start and end must be the start of the first slot and the end of the last');
  }
  const locations = participantIds(request, 'Location');
  if (locations.length !== 1) invalidResource('The appointment needs exactly one Location participant');
  if (locations[0] !== first.location_id) invalidResource(`The slots are at Location/${first.location_id}, not Location/${locations[0]}`);
  const practitioners = participantIds(request, 'Practitioner');
  if (practitioners.some((id) => id !== first.practitioner_id)) invalidResource('A Practitioner participant is not the practitioner the slots are with');
  const other = request.participants.find((p) => !['Patient', 'Location', 'Practitioner'].includes(p.resourceType));
  if (other) invalidResource(`${other.resourceType} participants cannot be booked`);
}

/**
 * Book an appointment (appointments.md §5): checks the request, the patient and the slots, then, in
 * one statement (one transaction), creates the appointment, claims its slots and records the booking
 * in the audit trail. The database lets only one live appointment hold a slot, so of concurrent
 * bookings of one slot exactly one succeeds; the others, like a booking of a slot already taken, are
 * 409 DUPLICATE_REJECTED and leave nothing behind.
 */
export const bookAppointment: Handler = async ({ practice, body, path, context }, { db, clock, ids }) => {
  const request = readAppointmentBody(body);
  if (request.status !== 'booked') invalidResource('Appointment.status must be booked');
  if (request.cancellationReason !== undefined) invalidResource('A new appointment cannot carry a cancellation reason');
  const organisation = bookingOrganisationOf(request);
  const patients = participantIds(request, 'Patient');
  if (patients.length !== 1) invalidResource('The appointment needs exactly one Patient participant');
  const now = clock();
  const [, found] = await Promise.all([disclosablePatient(db, practice.ods_code, patients[0], context, now), findSlotsById(db, practice.ods_code, request.slotIds)]);
  const slots = requireSlots(request, found);
  checkBookable(request, slots, organisation, now);
  const taken = slots.find((slot) => slot.status !== 'free');
  if (taken) fail('DUPLICATE_REJECTED', `Slot/${taken.id} is no longer free`);

  const id = ids();
  const resource = renderBookedAppointment({ id, now, request, slots });
  const audit = auditOfWrite(context, 201, now);
  try {
    await holdSlots(
      db,
      {
        practice_ods: practice.ods_code,
        id,
        version: 1,
        resource,
        last_updated: now,
        fixture: null,
        patient_id: patients[0]!,
        status: 'booked',
        start_at: slots[0]!.start_at,
        end_at: slots[slots.length - 1]!.end_at,
        created_at: now,
        booking_org_ods: organisation.odsCode,
        provenance: JSON.stringify(writeProvenance(context, now)),
      },
      request.slotIds,
      audit.row,
    );
    audit.committed();
  } catch (error) {
    if (error instanceof SlotUnavailableError) fail('DUPLICATE_REJECTED', `Slot ${error.slotIds.join(', ')} was booked by another request`);
    throw error;
  }
  return { status: 201, json: resource, version: 1, location: `${path}/${id}/_history/1` };
};
