import { EXTENSIONS, ukLocalDate } from '@gpconnect/fhir';
import { GpConnectClient, type FreeSlot, type GpConnectClientOptions, type StructuredRecord, type StructuredRecordRequest } from '@gpconnect/sdk';
import { formatTable } from '../table.ts';

/**
 * What a consumer developer runs every day against the national path (issue 7's CLI): trace a patient,
 * look for slots, book, list and cancel appointments — each through PDS, SDS and the proxy, as a
 * real consumer would, printed as a table or, with --json, as the FHIR the provider returned.
 */

type Json = Record<string, unknown>;

export class PatientNotHeldError extends Error {}

const humanName = (resource: Json | undefined): string => {
  const name = (resource?.['name'] as { family?: string | string[]; given?: string[]; prefix?: string[] }[] | undefined)?.[0];
  if (!name) return '';
  return [...(name.prefix ?? []), ...(name.given ?? []), [name.family].flat().join(' ')].filter(Boolean).join(' ');
};
const extensionValue = (resource: Json, url: string) => ((resource['extension'] as Json[] | undefined) ?? []).find((e) => e['url'] === url);
const channelOf = (resource: Json) => (extensionValue(resource, EXTENSIONS.deliveryChannel)?.['valueCode'] as string | undefined) ?? '';
const typeOf = (resource: Json) => ((resource['serviceType'] as { text?: string }[] | undefined)?.[0]?.text ?? '');

async function withClient<T>(options: GpConnectClientOptions, work: (client: GpConnectClient) => Promise<T>): Promise<T> {
  const client = new GpConnectClient(options);
  try {
    return await work(client);
  } finally {
    client.close();
  }
}

/** The practice a patient is registered at (PDS) and the practice's logical id for them. */
async function patientAtPractice(client: GpConnectClient, nhsNumber: string): Promise<{ odsCode: string; patientId: string }> {
  const traced = await client.trace(nhsNumber);
  const patient = await client.findPatient(traced.odsCode, traced.nhsNumber);
  if (!patient) throw new PatientNotHeldError(`${traced.odsCode} holds no record it may share for NHS number ${traced.nhsNumber}; register the patient first`);
  return { odsCode: traced.odsCode, patientId: patient['id'] as string };
}

export async function trace(options: GpConnectClientOptions, nhsNumber: string, json: boolean): Promise<string> {
  return withClient(options, async (client) => {
    const patient = await client.pdsPatient(nhsNumber);
    if (json) return JSON.stringify(patient, null, 2);
    const restricted = (patient['meta'] as { security?: { code?: string }[] } | undefined)?.security?.some((s) => s.code === 'R');
    const gp = (patient['generalPractitioner'] as { identifier?: { value?: string } }[] | undefined)?.[0]?.identifier?.value;
    return formatTable(
      ['NHS number', 'Name', 'Born', 'Gender', 'Registered practice'],
      [[patient['id'] as string, humanName(patient), String(patient['birthDate'] ?? ''), String(patient['gender'] ?? ''), restricted ? '(restricted record)' : (gp ?? '(none)')]],
    );
  });
}

export interface SlotQuery {
  practice: string | undefined;
  nhsNumber: string | undefined;
  from: string;
  to: string;
  type: string | undefined;
}

async function practiceOf(client: GpConnectClient, query: { practice: string | undefined; nhsNumber: string | undefined }): Promise<string> {
  if (query.practice) return query.practice;
  if (query.nhsNumber) return (await client.trace(query.nhsNumber)).odsCode;
  throw new PatientNotHeldError('name the practice (--practice ODS) or the patient (--nhs-number)');
}

function slotRows(slots: readonly FreeSlot[]): string[][] {
  return slots.map((f) => [f.slot['id'] as string, f.slot['start'] as string, f.slot['end'] as string, typeOf(f.slot), channelOf(f.slot), humanName(f.practitioner), String(f.location?.['name'] ?? '')]);
}

export async function slots(options: GpConnectClientOptions, query: SlotQuery, json: boolean): Promise<string> {
  return withClient(options, async (client) => {
    const odsCode = await practiceOf(client, query);
    const found = await client.searchFreeSlots(odsCode, { start: query.from, end: query.to, includePractitioners: true, includeLocations: true, ...(query.type ? { organisationType: query.type } : {}) });
    if (json) return JSON.stringify(found.map((f) => f.slot), null, 2);
    if (found.length === 0) return `No free slots at ${odsCode} from ${query.from} to ${query.to}`;
    return formatTable(['Slot', 'Start', 'End', 'Type', 'Channel', 'Practitioner', 'Location'], slotRows(found));
  });
}

export interface BookingCommand {
  nhsNumber: string;
  slotIds: string[];
  description: string;
  comment: string | undefined;
  telecom: string;
  type: string | undefined;
}

export async function book(options: GpConnectClientOptions, command: BookingCommand, json: boolean): Promise<string> {
  return withClient(options, async (client) => {
    const { odsCode, patientId } = await patientAtPractice(client, command.nhsNumber);
    // The slots as the practice offers them now: a search over the two weeks ahead.
    const today = ukLocalDate(new Date());
    const offered = await client.searchFreeSlots(odsCode, { start: today, end: ukLocalDate(new Date(Date.now() + 14 * 86_400_000)), ...(command.type ? { organisationType: command.type } : {}) });
    const chosen = command.slotIds.map((id) => offered.find((f) => f.slot['id'] === id));
    const missing = command.slotIds.find((_, i) => !chosen[i]);
    if (missing) throw new PatientNotHeldError(`slot ${missing} is not free at ${odsCode} in the next two weeks`);
    const appointment = await client.bookAppointment(odsCode, {
      patientId,
      slots: chosen as FreeSlot[],
      description: command.description,
      telecom: command.telecom,
      ...(command.comment !== undefined ? { comment: command.comment } : {}),
      ...(command.type ? { organisationType: command.type } : {}),
    });
    return json ? JSON.stringify(appointment, null, 2) : `Booked appointment ${appointment['id'] as string} at ${odsCode}: ${appointment['start'] as string} to ${appointment['end'] as string}`;
  });
}

function appointmentRows(appointments: readonly Json[]): string[][] {
  return appointments.map((a) => [a['id'] as string, a['status'] as string, a['start'] as string, a['end'] as string, channelOf(a), String(a['description'] ?? '')]);
}

export async function appointments(options: GpConnectClientOptions, nhsNumber: string, range: { from: string; to: string }, json: boolean): Promise<string> {
  return withClient(options, async (client) => {
    const { odsCode, patientId } = await patientAtPractice(client, nhsNumber);
    const found = await client.patientAppointments(odsCode, patientId, range.from, range.to);
    if (json) return JSON.stringify(found, null, 2);
    if (found.length === 0) return `No appointments at ${odsCode} from ${range.from} to ${range.to}`;
    return formatTable(['Appointment', 'Status', 'Start', 'End', 'Channel', 'Description'], appointmentRows(found));
  });
}

export async function cancel(options: GpConnectClientOptions, nhsNumber: string, appointmentId: string, reason: string, json: boolean): Promise<string> {
  return withClient(options, async (client) => {
    const { odsCode } = await client.trace(nhsNumber);
    const appointment = await client.readAppointment(odsCode, appointmentId);
    const cancelled = await client.cancelAppointment(odsCode, appointment, reason);
    return json ? JSON.stringify(cancelled, null, 2) : `Cancelled appointment ${appointmentId} at ${odsCode} (${reason})`;
  });
}

/** The record sections a consumer can ask for from the command line. */
export interface RecordAreas {
  allergies: boolean;
  medications: boolean;
}

function allergySection(record: StructuredRecord): string {
  const rows = [
    ...record.allergies.active.map((a) => ['active', a.substance.text, a.reactions.join(', '), a.onset?.slice(0, 10) ?? '', '']),
    ...record.allergies.ended.map((a) => ['ended', a.substance.text, a.reactions.join(', '), a.onset?.slice(0, 10) ?? '', a.ended?.slice(0, 10) ?? '']),
  ];
  return rows.length === 0 ? 'Allergies: none recorded' : `Allergies\n${formatTable(['Status', 'Substance', 'Reaction', 'Recorded', 'Ended'], rows)}`;
}

/** The patient's structured record, as sections, with everything the provider says it left out. */
export async function record(options: GpConnectClientOptions, nhsNumber: string, areas: RecordAreas, json: boolean): Promise<string> {
  return withClient(options, async (client) => {
    const traced = await client.trace(nhsNumber);
    const request: StructuredRecordRequest = {
      ...(areas.allergies ? { allergies: { includeResolved: true } } : {}),
      ...(areas.medications ? { medications: {} } : {}),
    };
    const { bundle, record: structured } = await client.getStructuredRecord(traced.odsCode, traced.nhsNumber, request);
    if (json) return JSON.stringify(bundle, null, 2);
    const sections = [`${humanName(structured.patient)} (NHS ${traced.nhsNumber}) at ${traced.odsCode}`];
    if (areas.allergies) sections.push(allergySection(structured));
    if (areas.medications && !structured.operationOutcome.some((i) => i.diagnostics === 'includeMedication')) {
      const rows = structured.medications.map((m) => [m.medication.text, m.status ?? '', m.dosage ?? '', m.latestIssue?.authoredOn?.slice(0, 10) ?? '']);
      sections.push(rows.length === 0 ? 'Medications: none recorded' : `Medications\n${formatTable(['Medication', 'Status', 'Dosage', 'Latest issue'], rows)}`);
    }
    const notes = [...structured.warnings.map((w) => `${w.list}: ${w.note ?? w.code}`), ...structured.operationOutcome.map((i) => `Not returned: ${i.diagnostics ?? i.code ?? ''}`)];
    if (notes.length > 0) sections.push(`Warnings\n${[...new Set(notes)].map((n) => `  ${n}`).join('\n')}`);
    return sections.join('\n\n');
  });
}
