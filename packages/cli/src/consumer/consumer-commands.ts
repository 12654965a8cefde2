import { addDays, EXTENSIONS, ukLocalDate } from '@gpconnect/fhir';
import { GpConnectClient, type FreeSlot, type GpConnectClientOptions, type StructuredRecord, type StructuredRecordRequest } from '@gpconnect/sdk';
import { formatTable } from '../table.ts';

/**
 * What a consumer developer runs every day against the national path (issue 7's CLI): trace a patient,
 * look for slots, book, list and cancel appointments — each through PDS, SDS and the proxy, as a
 * real consumer would, printed as a table or, with --json, as the FHIR the provider returned.
 */

type Json = Record<string, unknown>;

/** What a consumer asked for is not there to be had: no record the practice may share, no such document. */
export class NotAvailableError extends Error {}

const humanName = (resource: Json | undefined): string => {
  const name = (resource?.['name'] as { family?: string | string[]; given?: string[]; prefix?: string[] }[] | undefined)?.[0];
  if (!name) return '';
  return [...(name.prefix ?? []), ...(name.given ?? []), [name.family].flat().join(' ')].filter(Boolean).join(' ');
};
const extensionValue = (resource: Json, url: string) => ((resource['extension'] as Json[] | undefined) ?? []).find((e) => e['url'] === url);
const channelOf = (resource: Json) => (extensionValue(resource, EXTENSIONS.deliveryChannel)?.['valueCode'] as string | undefined) ?? '';
const typeOf = (resource: Json) => ((resource['serviceType'] as { text?: string }[] | undefined)?.[0]?.text ?? '');

export async function withClient<T>(options: GpConnectClientOptions, work: (client: GpConnectClient) => Promise<T>): Promise<T> {
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
  if (!patient) throw new NotAvailableError(`${traced.odsCode} holds no record it may share for NHS number ${traced.nhsNumber}; register the patient first`);
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
  throw new NotAvailableError('name the practice (--practice ODS) or the patient (--nhs-number)');
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
    const offered = await client.searchFreeSlots(odsCode, { start: today, end: addDays(today, 14), ...(command.type ? { organisationType: command.type } : {}) });
    const chosen = command.slotIds.map((id) => offered.find((f) => f.slot['id'] === id));
    const missing = command.slotIds.find((_, i) => !chosen[i]);
    if (missing) throw new NotAvailableError(`slot ${missing} is not free at ${odsCode} in the next two weeks`);
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
export const RECORD_SECTIONS = ['allergies', 'medications', 'problems', 'consultations', 'immunisations', 'observations', 'investigations', 'referrals', 'diary'] as const;
export type RecordSection = (typeof RECORD_SECTIONS)[number];

interface Section {
  title: string;
  /** The request parameter the provider names when it did not return the area. */
  parameter: string;
  request: StructuredRecordRequest;
  header: string[];
  rows(record: StructuredRecord): string[][];
}

const day = (value: string | undefined) => value?.slice(0, 10) ?? '';

const SECTIONS: Record<RecordSection, Section> = {
  allergies: {
    title: 'Allergies',
    parameter: 'includeAllergies',
    request: { allergies: { includeResolved: true } },
    header: ['Status', 'Substance', 'Reaction', 'Recorded', 'Ended'],
    rows: (r) => [
      ...r.allergies.active.map((a) => ['active', a.substance.text, a.reactions.join(', '), day(a.onset), '']),
      ...r.allergies.ended.map((a) => ['ended', a.substance.text, a.reactions.join(', '), day(a.onset), day(a.ended)]),
    ],
  },
  medications: {
    title: 'Medications',
    parameter: 'includeMedication',
    request: { medications: {} },
    header: ['Medication', 'Status', 'Dosage', 'Latest issue'],
    rows: (r) => r.medications.map((m) => [m.medication.text, m.status ?? '', m.dosage ?? '', day(m.latestIssue?.authoredOn)]),
  },
  problems: {
    title: 'Problems',
    parameter: 'includeProblems',
    request: { problems: {} },
    header: ['Problem', 'Status', 'Significance', 'Onset', 'Ended', 'Linked'],
    rows: (r) => r.problems.map((p) => [p.condition.text, p.status ?? '', p.significance ?? '', day(p.onset), day(p.ended), [...p.linked.map((i) => i.label), ...p.placeholders].join('; ')]),
  },
  consultations: {
    title: 'Consultations',
    parameter: 'includeConsultations',
    request: { consultations: {} },
    header: ['Date', 'Consultation', 'Topic', 'Heading', 'Entry'],
    rows: (r) =>
      r.consultations.flatMap((c) => {
        // A consultation not yet finalised is shared as it stands; the reader should know.
        const consultation = `${c.type?.text ?? ''}${c.status === 'unknown' ? ' (draft)' : ''}`;
        const row = (topic: string | undefined, heading: string, entry: string) => [day(c.start), consultation, topic ?? '', heading, entry];
        return c.topics.flatMap((topic) => [
          ...topic.items.map((item) => row(topic.title, '', item.label)),
          ...topic.headings.flatMap((heading) => heading.items.map((item) => row(topic.title, heading.title, item.label))),
        ]);
      }),
  },
  immunisations: {
    title: 'Immunisations',
    parameter: 'includeImmunisations',
    request: { immunisations: { includeNotGiven: true } },
    header: ['Vaccination', 'Date', 'Given'],
    rows: (r) => [
      ...r.immunisations.map((i) => [i.vaccination.text, day(i.date), i.notGiven ? 'not given' : 'given']),
      // Consent and dissent records, in the original words the practice recorded.
      ...r.immunisationStatus.map((s) => [s.name.text, day(s.date), s.ended ? `consent record, ended ${day(s.ended)}` : 'consent record']),
    ],
  },
  observations: {
    title: 'Observations',
    parameter: 'includeUncategorisedData',
    request: { uncategorised: {} },
    header: ['Observation', 'Date', 'Value'],
    rows: (r) => r.uncategorised.map((o) => [o.name.text, day(o.date), o.value ?? o.components.map((c) => `${c.name.text} ${c.value ?? ''}`).join(', ')]),
  },
  investigations: {
    title: 'Investigations',
    parameter: 'includeInvestigations',
    request: { investigations: {} },
    header: ['Test', 'Result', 'Reference range', 'Issued'],
    rows: (r) =>
      r.investigations.flatMap((report) =>
        report.groups.flatMap((group) =>
          group.results.map((result) => [`${group.name ? `${group.name.text}: ` : ''}${result.name.text}`, `${result.value ?? ''}${result.interpretation ? ` (${result.interpretation})` : ''}`, result.referenceRange ?? '', day(report.issued)]),
        ),
      ),
  },
  referrals: {
    title: 'Referrals',
    parameter: 'includeReferrals',
    request: { referrals: {} },
    header: ['Referral', 'Made', 'Priority'],
    rows: (r) => r.referrals.map((ref) => [ref.reason?.text ?? '', day(ref.authoredOn), ref.priority ?? '']),
  },
  diary: {
    title: 'Diary entries',
    parameter: 'includeDiaryEntries',
    request: { diaryEntries: {} },
    header: ['Recall', 'Due'],
    rows: (r) => r.diaryEntries.map((d) => [d.what.text, day(d.when)]),
  },
};

/** The patient's structured record, as sections, with everything the provider says it left out. */
export async function record(options: GpConnectClientOptions, nhsNumber: string, sections: readonly RecordSection[], json: boolean): Promise<string> {
  return withClient(options, async (client) => {
    const traced = await client.trace(nhsNumber);
    const request = Object.assign({}, ...sections.map((name) => SECTIONS[name].request)) as StructuredRecordRequest;
    // Doses not given may not be asked for alongside problems or consultations (structured.md §2.1).
    if (request.immunisations && (request.problems || request.consultations)) request.immunisations = {};
    const { bundle, record: structured } = await client.getStructuredRecord(traced.odsCode, traced.nhsNumber, request);
    if (json) return JSON.stringify(bundle, null, 2);
    const notReturned = new Set(structured.operationOutcome.map((i) => i.diagnostics));
    const output = [`${humanName(structured.patient)} (NHS ${traced.nhsNumber}) at ${traced.odsCode}`];
    for (const section of sections.map((name) => SECTIONS[name]).filter((s) => !notReturned.has(s.parameter))) {
      const rows = section.rows(structured);
      output.push(rows.length === 0 ? `${section.title}: none recorded` : `${section.title}\n${formatTable(section.header, rows)}`);
    }
    const notes = [...structured.warnings.map((w) => `${w.list}: ${w.note ?? w.code}`), ...structured.operationOutcome.map((i) => `Not returned: ${i.diagnostics ?? i.code ?? ''}`)];
    if (notes.length > 0) output.push(`Warnings\n${[...new Set(notes)].map((n) => `  ${n}`).join('\n')}`);
    return output.join('\n\n');
  });
}
