import type { SlotStatus } from '@gpconnect/store';
import { addDays, parseIsoDate } from './dates.ts';
import { renderSchedule, renderSlot } from './render-appointment-resources.ts';
import { formatUkDateTime, ukLocalInstant } from '@gpconnect/fhir';
import type { ResourceRow } from './planned-row.ts';

/**
 * The roster's appointment capacity (testdata README "Appointment capacity", roster `slots`): the
 * schedules and their slots, planned without the store and without the clock, so the same `today`
 * and `now` always give the same rows and a reset restores them exactly.
 *
 * Schedules (stable ids, the roster names no ids for them):
 * - "1": SIT1 (ORG1) with practitioner1, a morning session every day of the week. Weekend mornings
 *   are there so that "at least 10 ORG1 slots within the next two days" holds whatever weekday the
 *   fixture is loaded on (a Friday-evening load would otherwise have none before Monday).
 * - "2": SIT3 (ORG1) with practitioner3, an afternoon session on weekdays.
 * - "3": SIT2 (ORG2) with practitioner2, weekday mornings; only its first 20 future slots are held,
 *   because the roster asks for 20 ORG2 slots.
 * - "4": SIT1 (ORG1) with practitioner1, the three historical 2017 slots the roster fixes.
 * Rolling slots run from `today` to `today` + 14 days (UK dates), 10 minutes each, and only those
 * starting after `now` are held (a slot in the past cannot be booked). Slot ids are
 * `<schedule id>-<local start yyyymmddhhmm>`, so the same slot keeps its id across resets.
 * Nothing is restricted to booking organisations or organisation types (ORG3 has no slots of its own).
 */

/** Rows of the store's schedule and slot tables, as planNationalRoster fills the resource columns. */
export interface PlannedScheduleRow extends ResourceRow {
  location_id: string;
  practitioner_id: string | null;
  planning_start: Date;
  planning_end: Date;
}
export interface PlannedSlotRow extends ResourceRow {
  schedule_id: string;
  start_at: Date;
  end_at: Date;
  status: SlotStatus;
  delivery_channels: string[];
  booking_org_ods: string[] | null;
  booking_org_types: string[] | null;
}

/** Days after `today` the rolling slots run to (inclusive): the two weeks a consumer may search. */
export const ROLLING_DAYS = 14;
export const SLOT_MINUTES = 10;
export const SCHEDULE_SERVICE_CATEGORY = 'General practice';
export const SLOT_SERVICE_TYPE = 'General medical practice';
export const DELIVERY_CHANNEL = 'In-person';
/** How many future ORG2 slots the roster asks for. */
export const ORG2_SLOTS = 20;

/**
 * Status of the historical 2017 slots. Free: the roster lists them as slots of the practice, past
 * slots may be searched (appointments.md §3) and "the only ORG1 slot that day" only matters to a
 * free-slot search, which returns free slots only. They still cannot be booked: booking needs a slot
 * that starts after now (appointments.md §2).
 */
export const HISTORICAL_SLOT_STATUS: SlotStatus = 'free';

/** The roster's fixed ORG1 slots (UK local date and start time). */
export const HISTORICAL_SLOTS: readonly { date: string; time: string }[] = [
  { date: '2017-01-03', time: '12:40' },
  { date: '2017-02-25', time: '10:35' },
  { date: '2017-12-29', time: '12:40' },
];

/** GPConnect-PractitionerRole-1 value set (appointments.md §1). */
const PRACTITIONER_ROLE_CODES: ReadonlySet<string> = new Set([
  'R0260', 'R0270', 'R0410', 'R0600', 'R0610', 'R0620', 'R0680', 'R0690', 'R0700', 'R0790',
  'R1290', 'R1300', 'R1310', 'R1330', 'R1450', 'R1480', 'R1550', 'R1590', 'R6200', 'R6300',
]);
/** Used when the roster's job role is outside that value set (practitioner1-3 are R0050/R0042). */
export const DEFAULT_PRACTITIONER_ROLE = { code: 'R0260', display: 'General Medical Practitioner' } as const;

interface Session {
  start: string;
  end: string;
  /** Days of the week (0 Sunday ... 6 Saturday) the session runs. */
  days: readonly number[];
}
const WEEKDAYS = [1, 2, 3, 4, 5] as const;
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6] as const;

interface ScheduleDefinition {
  id: string;
  location: string;
  practitioner: string;
  /** Rolling sessions; none for the historical schedule. */
  sessions: readonly Session[];
  /** At most this many future slots (ORG2's 20). */
  limit?: number;
  historical?: boolean;
}

export const SCHEDULE_DEFINITIONS: readonly ScheduleDefinition[] = [
  { id: '1', location: 'SIT1', practitioner: 'practitioner1', sessions: [{ start: '09:00', end: '12:00', days: EVERY_DAY }] },
  { id: '2', location: 'SIT3', practitioner: 'practitioner3', sessions: [{ start: '14:00', end: '17:00', days: WEEKDAYS }] },
  { id: '3', location: 'SIT2', practitioner: 'practitioner2', sessions: [{ start: '09:00', end: '12:00', days: WEEKDAYS }], limit: ORG2_SLOTS },
  { id: '4', location: 'SIT1', practitioner: 'practitioner1', sessions: [], historical: true },
];

export interface AppointmentCapacityInput {
  today: string;
  now: Date;
  /** The resource columns every row shares (practice, version 1, last updated, fixture). */
  row: { practice_ods: string; version: number; last_updated: Date; fixture: string };
  locationId(key: string): string;
  practitionerId(key: string): string;
  /** The practitioner's roster job role, if any. */
  practitionerRole(key: string): { code: string; display: string } | undefined;
}

const MINUTE_MS = 60_000;

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h! * 60 + m!;
}
function timeOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Slot id from its schedule and UK local start, so it is the same on every load. */
function slotId(scheduleId: string, start: Date): string {
  return `${scheduleId}-${formatUkDateTime(start).slice(0, 16).replace(/\D/g, '')}`;
}

export function planAppointmentCapacity(input: AppointmentCapacityInput): { schedules: PlannedScheduleRow[]; slots: PlannedSlotRow[] } {
  const { today, now, row } = input;
  const schedules: PlannedScheduleRow[] = [];
  const slots: PlannedSlotRow[] = [];
  const addSlot = (scheduleId: string, start: Date, status: SlotStatus) => {
    const end = new Date(start.getTime() + SLOT_MINUTES * MINUTE_MS);
    const id = slotId(scheduleId, start);
    const resource = renderSlot({ id, now, scheduleId, start, end, serviceType: SLOT_SERVICE_TYPE, deliveryChannel: DELIVERY_CHANNEL });
    slots.push({
      ...row,
      id,
      resource: JSON.stringify(resource),
      schedule_id: scheduleId,
      start_at: start,
      end_at: end,
      status,
      delivery_channels: [DELIVERY_CHANNEL],
      booking_org_ods: null,
      booking_org_types: null,
    });
  };

  for (const definition of SCHEDULE_DEFINITIONS) {
    const rosterRole = input.practitionerRole(definition.practitioner);
    const practitionerRole = rosterRole && PRACTITIONER_ROLE_CODES.has(rosterRole.code) ? rosterRole : DEFAULT_PRACTITIONER_ROLE;
    const locationId = input.locationId(definition.location);
    const practitionerId = input.practitionerId(definition.practitioner);
    // The planning horizon covers the days the schedule has slots for, midnight to midnight.
    const [firstDay, lastDay] = definition.historical
      ? [HISTORICAL_SLOTS[0]!.date, HISTORICAL_SLOTS[HISTORICAL_SLOTS.length - 1]!.date]
      : [today, addDays(today, ROLLING_DAYS)];
    const planningStart = ukLocalInstant(firstDay, '00:00');
    const planningEnd = ukLocalInstant(addDays(lastDay, 1), '00:00');
    const resource = renderSchedule({
      id: definition.id,
      now,
      locationId,
      practitionerId,
      practitionerRole: { code: practitionerRole.code, display: practitionerRole.display },
      planningStart,
      planningEnd,
      serviceCategory: SCHEDULE_SERVICE_CATEGORY,
    });
    schedules.push({ ...row, id: definition.id, resource: JSON.stringify(resource), location_id: locationId, practitioner_id: practitionerId, planning_start: planningStart, planning_end: planningEnd });

    if (definition.historical) {
      for (const fixed of HISTORICAL_SLOTS) addSlot(definition.id, ukLocalInstant(fixed.date, fixed.time), HISTORICAL_SLOT_STATUS);
      continue;
    }
    let held = 0;
    for (let day = 0; day <= ROLLING_DAYS; day += 1) {
      const date = addDays(today, day);
      const weekday = new Date(parseIsoDate(date)).getUTCDay();
      for (const session of definition.sessions) {
        if (!session.days.includes(weekday)) continue;
        for (let minute = minutesOf(session.start); minute + SLOT_MINUTES <= minutesOf(session.end); minute += SLOT_MINUTES) {
          const start = ukLocalInstant(date, timeOf(minute));
          if (start.getTime() <= now.getTime()) continue;
          if (definition.limit !== undefined && held >= definition.limit) continue;
          addSlot(definition.id, start, 'free');
          held += 1;
        }
      }
    }
  }
  return { schedules, slots };
}
