import { fail, ukLocalDate, type SpineErrorName } from '@gpconnect/fhir';
import { findAppointment, findPatientAppointments, type AppointmentRow, type Database, type Kysely } from '@gpconnect/store';
import type { Handler } from '../http/handler.ts';
import { resourceResponse, searchsetResponse } from '../http/fhir-response.ts';
import type { GpConnectContext } from '../pipeline/request-context.ts';
import { disclosablePatient, findDisclosablePatient } from '../foundations/patients.ts';
import { isLogicalId } from '../foundations/search-identifier.ts';
import { allValues, readSearchDate } from './search-dates.ts';

/**
 * An appointment the API may show or change: it exists, belongs to a patient Foundations would
 * disclose, and has not started (history belongs to the medical record, appointments.md §6 and §11).
 * An unknown one, or one of a hidden patient, is NO_RECORD_FOUND (their appointments are not even
 * confirmed to exist); a past one is `past`: NO_RECORD_FOUND to read, INVALID_RESOURCE to change.
 */
export async function visibleAppointment(db: Kysely<Database>, practiceOds: string, id: string | undefined, context: GpConnectContext, now: Date, past: SpineErrorName): Promise<AppointmentRow> {
  const row = isLogicalId(id) ? await findAppointment(db, practiceOds, id) : undefined;
  if (!row || !(await findDisclosablePatient(db, practiceOds, row.patient_id, context, now))) fail('NO_RECORD_FOUND', `No appointment with id ${JSON.stringify(id)}`);
  if (row.start_at <= now) fail(past, `Appointment ${id} has started or is over; only future appointments are available`);
  return row;
}

/** Read an appointment (appointments.md §6): any future one, whoever booked it, however it happens. */
export const readAppointment: Handler = async ({ practice, params, context }, { db, clock }) => {
  const row = await visibleAppointment(db, practice.ods_code, params['id'], context, clock(), 'NO_RECORD_FOUND');
  return resourceResponse(row.resource, row.version);
};

/** The [from, to) range of a patient-appointments search: one `start=geDATE` and one `start=leDATE`, from today on. */
function readStartRange(query: Readonly<Record<string, string | string[] | undefined>>, today: string): { from: Date; to: Date } {
  const values = allValues(query, 'start');
  if (values.length !== 2) fail('INVALID_PARAMETER', `start must be sent twice, as start=geYYYY-MM-DD and start=leYYYY-MM-DD (got ${values.length})`);
  const dates = values.map((value) => readSearchDate('start', value, ['ge', 'le'], false));
  const lower = dates.find((d) => d.prefix === 'ge');
  const upper = dates.find((d) => d.prefix === 'le');
  if (!lower || !upper) fail('INVALID_PARAMETER', 'start must be sent once with the ge prefix and once with le');
  if (lower.date < today) fail('INVALID_PARAMETER', `Past dates cannot be requested: the search must start today (${today}) or later`);
  if (upper.date < lower.date) fail('INVALID_PARAMETER', 'The upper start date is before the lower one');
  return { from: lower.start, to: upper.end };
}

/**
 * Retrieve a patient's appointments (appointments.md §7): every appointment, cancelled ones included,
 * starting on the days asked for, whoever booked it. Today's earlier appointments are included.
 */
export const searchPatientAppointments: Handler = async ({ practice, params, query, context }, { db, clock }) => {
  const now = clock();
  const range = readStartRange(query, ukLocalDate(now));
  const id = params['id']!;
  await disclosablePatient(db, practice.ods_code, id, context, now);
  const rows = await findPatientAppointments(db, practice.ods_code, id, range.from, range.to);
  return searchsetResponse(rows.map((row) => row.resource));
};
