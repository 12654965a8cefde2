import { CODE_SYSTEMS, EXTENSIONS, formatUkDateTime, PROFILES } from '@gpconnect/fhir';

/**
 * Renders the roster's appointment capacity as the GP Connect 1.x (STU3) Schedule and Slot resources
 * the provider serves verbatim, shaped by GPConnect-Schedule-1 and GPConnect-Slot-1 and
 * appointments.md §1-§2: date-times in UK local time with their offset, no comments (the suite
 * expects none), and never the elements the profiles forbid (Schedule.active, Schedule.serviceType,
 * Slot.serviceCategory) or the spec says not to populate (specialty).
 */

type Json = Record<string, unknown>;

function meta(profile: string, now: Date): Json {
  return { versionId: '1', lastUpdated: now.toISOString(), profile: [profile] };
}

export interface ScheduleInput {
  id: string;
  now: Date;
  locationId: string;
  practitionerId: string | null;
  /** SDS job role (CareConnect-SDSJobRoleName-1) from the GPConnect-PractitionerRole-1 value set. */
  practitionerRole: { code: string; display: string };
  planningStart: Date;
  planningEnd: Date;
  /** The practice's schedule/session name (serviceCategory.text). */
  serviceCategory: string;
}

export function renderSchedule(input: ScheduleInput): Json {
  return {
    resourceType: 'Schedule',
    id: input.id,
    meta: meta(PROFILES.schedule, input.now),
    extension: [
      {
        url: EXTENSIONS.practitionerRole,
        valueCodeableConcept: { coding: [{ system: CODE_SYSTEMS.sdsJobRoleName, code: input.practitionerRole.code, display: input.practitionerRole.display }] },
      },
    ],
    serviceCategory: { text: input.serviceCategory },
    // The Location is always an actor (where appointments happen); the Practitioner when known.
    actor: [{ reference: `Location/${input.locationId}` }, ...(input.practitionerId ? [{ reference: `Practitioner/${input.practitionerId}` }] : [])],
    planningHorizon: { start: formatUkDateTime(input.planningStart), end: formatUkDateTime(input.planningEnd) },
  };
}

export interface SlotInput {
  id: string;
  now: Date;
  scheduleId: string;
  start: Date;
  end: Date;
  /** The practice's slot type description (serviceType[0].text, SHALL). */
  serviceType: string;
  /** GPConnect-DeliveryChannel-1 code: In-person, Telephone or Video. */
  deliveryChannel: string;
}

/**
 * The Slot without its `status`: that changes with every booking and lives in the slot's column, and
 * the store adds it when the slot is served (servedSlotJson).
 */
export function renderSlot(input: SlotInput): Json {
  return {
    resourceType: 'Slot',
    id: input.id,
    meta: meta(PROFILES.slot, input.now),
    extension: [{ url: EXTENSIONS.deliveryChannel, valueCode: input.deliveryChannel }],
    serviceType: [{ text: input.serviceType }],
    schedule: { reference: `Schedule/${input.scheduleId}` },
    start: formatUkDateTime(input.start),
    end: formatUkDateTime(input.end),
  };
}
