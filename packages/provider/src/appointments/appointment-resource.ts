import { EXTENSIONS, formatUkDateTime, PROFILES } from '@gpconnect/fhir';
import type { SlotWithSchedule } from '@gpconnect/store';
import type { AppointmentBody, Json } from './appointment-body.ts';

/**
 * The Appointment as the provider stores and serves it (appointments.md §5-§7): what the consumer
 * sent, with the practice's own facts put in — times in UK local form, the slot's type and delivery
 * channel, the schedule's category and practitioner role, the booking time — and the elements it
 * owns (id, meta) set. The booking organisation stays contained and is returned on every read.
 */

export interface BookedAppointmentInput {
  id: string;
  now: Date;
  request: AppointmentBody;
  /** The booked slots, earliest first. */
  slots: readonly SlotWithSchedule[];
}

function extensionOf(resource: Json, url: string): Json | undefined {
  return ((resource['extension'] as Json[] | undefined) ?? []).find((e) => e['url'] === url);
}

export function renderBookedAppointment({ id, now, request, slots }: BookedAppointmentInput): string {
  const first = slots[0]!;
  const last = slots[slots.length - 1]!;
  const slot = JSON.parse(first.resource) as Json;
  const schedule = JSON.parse(first.schedule_resource) as Json;
  // Everything the consumer may send that the provider does not own is kept as sent.
  const { resourceType: _type, id: _id, meta: _meta, text: _text, extension: _extension, status: _status, serviceCategory: _category, serviceType: _serviceType, created: _created, start: _start, end: _end, slot: _slot, description, comment, participant, contained, ...rest } = request.resource;
  const extension = [
    extensionOf(request.resource, EXTENSIONS.bookingOrganisation),
    extensionOf(schedule, EXTENSIONS.practitionerRole),
    extensionOf(slot, EXTENSIONS.deliveryChannel),
  ].filter((e) => e !== undefined);
  const serviceCategory = schedule['serviceCategory'];
  const serviceType = slot['serviceType'];
  return JSON.stringify({
    resourceType: 'Appointment',
    id,
    meta: { versionId: '1', lastUpdated: now.toISOString(), profile: [PROFILES.appointment] },
    ...(contained ? { contained } : {}),
    extension,
    ...rest,
    status: 'booked',
    ...(serviceCategory ? { serviceCategory } : {}),
    ...(serviceType ? { serviceType } : {}),
    description,
    start: formatUkDateTime(first.start_at),
    end: formatUkDateTime(last.end_at),
    slot: slots.map((s) => ({ reference: `Slot/${s.id}` })),
    created: formatUkDateTime(now),
    ...(comment !== undefined ? { comment } : {}),
    participant,
  });
}

/** A stored Appointment at its next version, with `changes` applied. */
export function nextVersion(stored: Json, version: number, now: Date, changes: Json): string {
  const updated: Json = { ...stored, ...changes, meta: { ...(stored['meta'] as Json), versionId: String(version), lastUpdated: now.toISOString() } };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete updated[key];
  return JSON.stringify(updated);
}

/** Extensions the provider sets from its own data, and the one only cancelling adds. */
const PROVIDER_EXTENSIONS = new Set<string>([EXTENSIONS.practitionerRole, EXTENSIONS.deliveryChannel, EXTENSIONS.appointmentCancellationReason]);
const DATE_ELEMENTS = new Set(['start', 'end', 'created']);

/** JSON with object keys sorted and empty arrays dropped, so equal content compares equal as text. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Json)
    .filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => [k, canonical(v)]);
  return Object.fromEntries(entries);
}

/**
 * What neither amend nor cancel may change, as comparable text: everything but the provider's own
 * elements (id, meta, narrative, service category and type, which consumers may drop), the
 * provider-set extensions, the status, description and comment. Date-times compare as instants, so a
 * consumer that rewrites `+00:00` as `Z` has changed nothing.
 */
export function unchangeableContent(resource: Json): string {
  const { id: _id, meta: _meta, text: _text, status: _status, description: _description, comment: _comment, serviceCategory: _category, serviceType: _serviceType, ...rest } = resource;
  const fixed: Json = { ...rest };
  fixed['extension'] = ((rest['extension'] as Json[] | undefined) ?? []).filter((e) => !PROVIDER_EXTENSIONS.has(e['url'] as string));
  fixed['contained'] = ((rest['contained'] as Json[] | undefined) ?? []).map(({ meta: _m, ...c }) => c);
  for (const element of DATE_ELEMENTS) {
    if (typeof rest[element] === 'string') fixed[element] = Date.parse(rest[element] as string);
  }
  return JSON.stringify(canonical(fixed));
}
