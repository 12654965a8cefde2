import { randomUUID } from 'node:crypto';
import { CODE_SYSTEMS, EXTENSIONS, IDENTIFIER_SYSTEMS, interaction, MEDIA_TYPES, SERVICE_ROOTS, type InteractionName, type RecordSectionCode } from '@gpconnect/fhir';
import { bookingRequest, type BookableSlot } from './booking-request.ts';
import { EndpointNotFoundError, GpConnectRequestError, PracticeNotFoundError, requestError } from './errors.ts';
import type { ConsumerIdentity } from './identity.ts';
import { consumerJwtClaims, unsecuredJwt, type RequestedRecord } from './jwt.ts';
import { Transport, type ClientTls } from './transport.ts';
import { readStructuredRecord, type StructuredRecord } from './structured/structured-record.ts';
import { structuredRecordParameters, type StructuredRecordRequest } from './structured/structured-request.ts';
import { documentSearchQuery, readDocuments, type DocumentSearch, type DocumentSummary } from './documents.ts';
import { careRecordParameters, readCareRecord, type CareRecord, type CareRecordPeriod } from './care-record/care-record.ts';

/** Where the Spine services are. Without `sspUrl` requests go straight to the provider (local development). */
export interface SpineLocations {
  /** PDS FHIR R4 base, e.g. https://…/personal-demographics/FHIR/R4. */
  pdsUrl: string;
  /** SDS FHIR R4 base, e.g. https://…/spine-directory/FHIR/R4. */
  sdsUrl: string;
  sdsApiKey: string;
  /** The Spine Secure Proxy: requests go to `{sspUrl}/{provider service root}/{request}`. */
  sspUrl?: string;
}

export interface GpConnectClientOptions {
  identity: ConsumerIdentity;
  spine: SpineLocations;
  /** The consumer's certificate, key and trusted CA (mutual TLS); omit for plain HTTP. */
  tls?: ClientTls;
  /** Per request; 30 s by default. */
  timeoutMs?: number;
}

type Json = Record<string, unknown>;

/** A patient as PDS traced them: the NHS number in use and the practice they are registered at. */
export interface TracedPatient {
  nhsNumber: string;
  odsCode: string;
  /** The PDS Patient (FHIR R4) behind this. */
  resource: Json;
}

/** Where a practice serves one interaction, as SDS publishes it. */
export interface ProviderEndpoint {
  odsCode: string;
  /** The provider's service root URL. */
  address: string;
  asid: string;
  partyKey: string;
}

/** A free slot with the schedule it belongs to and, when asked for, its practitioner and location. */
export interface FreeSlot {
  slot: Json;
  schedule: Json;
  practitioner: Json | undefined;
  location: Json | undefined;
}

export interface SlotSearch {
  /** YYYY-MM-DD or a date-time with offset; at most 14 days apart. */
  start: string;
  end: string;
  /** GPConnect-OrganisationType-1 code to search as (gp-practice, urgent-care). */
  organisationType?: string;
  includePractitioners?: boolean;
  includeLocations?: boolean;
}

const SDS = {
  interactionId: 'https://fhir.nhs.uk/Id/nhsServiceInteractionId',
  partyKey: 'https://fhir.nhs.uk/Id/nhsMhsPartyKey',
  asid: 'https://fhir.nhs.uk/Id/nhsSpineASID',
};

const FHIR_JSON = 'application/fhir+json';

const resourcesOf = (bundle: Json): Json[] => ((bundle['entry'] as { resource: Json }[] | undefined) ?? []).map((e) => e.resource);
const identifierValue = (resource: Json, system: string) => (resource['identifier'] as { system?: string; value?: string }[] | undefined)?.find((i) => i.system === system)?.value;

/**
 * A GP Connect consumer: traces patients on PDS, finds a practice's endpoint and ASID on SDS, and
 * makes every provider interaction through the Spine Secure Proxy with a fresh JWT, the Spine headers
 * and a new trace ID. Refusals arrive as GpConnectRequestError with the Spine error code.
 */
export class GpConnectClient {
  private readonly transport: Transport;
  /** SDS answers, per practice and interaction, for the life of the client (the spec: cache within a session only). */
  private readonly endpoints = new Map<string, Promise<ProviderEndpoint>>();

  constructor(private readonly options: GpConnectClientOptions) {
    this.transport = new Transport(options.tls, options.timeoutMs ?? 30_000);
  }

  close(): void {
    this.transport.close();
  }

  /** The PDS record (FHIR R4 Patient) for an NHS number; a superseded number answers with the one in use. */
  async pdsPatient(nhsNumber: string): Promise<Json> {
    const answer = await this.transport.send('GET', `${this.options.spine.pdsUrl}/Patient/${encodeURIComponent(nhsNumber)}`, { 'x-request-id': randomUUID(), accept: FHIR_JSON });
    const body = JSON.parse(answer.body || '{}') as Json;
    if (answer.status !== 200) throw requestError(answer.status, body, 'pds');
    return body;
  }

  /** PDS trace by NHS number: the number in use (a superseded one is replaced) and the registered practice. */
  async trace(nhsNumber: string): Promise<TracedPatient> {
    const body = await this.pdsPatient(nhsNumber).catch((error: unknown) => {
      if (error instanceof GpConnectRequestError && error.status === 404) throw new PracticeNotFoundError(nhsNumber, 'PDS does not know the patient');
      throw error;
    });
    const gp = (body['generalPractitioner'] as { identifier?: { value?: string } }[] | undefined)?.[0]?.identifier?.value;
    if (!gp) throw new PracticeNotFoundError(nhsNumber, 'PDS gives no registered practice (restricted or unregistered)');
    return { nhsNumber: body['id'] as string, odsCode: gp, resource: body };
  }

  /** SDS: the practice's service root and ASID for an interaction (Endpoint, then Device by party key). */
  endpoint(odsCode: string, name: InteractionName): Promise<ProviderEndpoint> {
    const key = `${odsCode} ${name}`;
    let found = this.endpoints.get(key);
    if (!found) {
      found = this.lookUpEndpoint(odsCode, interaction(name).interactionId);
      found.catch(() => this.endpoints.delete(key));
      this.endpoints.set(key, found);
    }
    return found;
  }

  private async sds(path: string, params: [string, string][]): Promise<Json[]> {
    const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    const answer = await this.transport.send('GET', `${this.options.spine.sdsUrl}/${path}?${query}`, { apikey: this.options.spine.sdsApiKey, accept: FHIR_JSON });
    const body = JSON.parse(answer.body || '{}') as Json;
    if (answer.status !== 200) throw requestError(answer.status, body, 'sds');
    return resourcesOf(body);
  }

  private async lookUpEndpoint(odsCode: string, interactionId: string): Promise<ProviderEndpoint> {
    const organisation = `${IDENTIFIER_SYSTEMS.odsOrganisationCode}|${odsCode}`;
    const [endpoint] = await this.sds('Endpoint', [['organization', organisation], ['identifier', `${SDS.interactionId}|${interactionId}`]]);
    const partyKey = endpoint && identifierValue(endpoint, SDS.partyKey);
    if (!endpoint || !partyKey) throw new EndpointNotFoundError(odsCode, interactionId);
    const [device] = await this.sds('Device', [['organization', organisation], ['identifier', `${SDS.interactionId}|${interactionId}`], ['identifier', `${SDS.partyKey}|${partyKey}`]]);
    const asid = device && identifierValue(device, SDS.asid);
    if (!asid) throw new EndpointNotFoundError(odsCode, interactionId);
    return { odsCode, address: endpoint['address'] as string, asid, partyKey };
  }

  /**
   * One provider interaction at practice `odsCode`: `path` below the service root (with its query),
   * a JSON body for POST and PUT. Returns the parsed body (undefined when empty) and the headers.
   */
  async call(
    odsCode: string,
    name: InteractionName,
    path: string,
    init: { body?: unknown; headers?: Record<string, string>; sensitive?: boolean; requestedRecord?: RequestedRecord } = {},
  ): Promise<{ status: number; body: Json | undefined; etag: string | undefined; location: string | undefined }> {
    const definition = interaction(name);
    const endpoint = await this.endpoint(odsCode, name);
    const now = Math.floor(Date.now() / 1000);
    // A 0.7.x token names the record asked for: the patient's, else the practice's metadata.
    const claims = consumerJwtClaims(this.options.identity, definition, now, endpoint.address, init.requestedRecord ?? { odsCode });
    // A migration that wants confidential items too says so in its scope (general.md §3).
    if (init.sensitive) claims['requested_scope'] = `${definition.scope} conf/R`;
    const jwt = unsecuredJwt(claims);
    // Access Record HTML (0.7.x, DSTU2) names its media types the 0.x way.
    const mediaType = SERVICE_ROOTS[definition.serviceRoot].release === 'dstu2' ? MEDIA_TYPES.dstu2Json : FHIR_JSON;
    const target = `${endpoint.address}/${path}`;
    const url = this.options.spine.sspUrl ? `${this.options.spine.sspUrl}/${target}` : target;
    const headers: Record<string, string> = {
      'ssp-traceid': randomUUID(),
      'ssp-from': this.options.identity.asid,
      'ssp-to': endpoint.asid,
      'ssp-interactionid': definition.interactionId,
      authorization: `Bearer ${jwt}`,
      accept: mediaType,
      ...(init.body !== undefined ? { 'content-type': mediaType } : {}),
      ...init.headers,
    };
    const answer = await this.transport.send(definition.method, url, headers, init.body === undefined ? undefined : JSON.stringify(init.body));
    const body = answer.body ? (JSON.parse(answer.body) as Json) : undefined;
    if (answer.status >= 400) throw requestError(answer.status, body, 'provider');
    const header = (name: string) => [answer.headers[name]].flat()[0];
    return { status: answer.status, body, etag: header('etag'), location: header('location') };
  }

  // Foundations (foundations.md)

  metadata(odsCode: string): Promise<Json> {
    return this.call(odsCode, 'metadata', 'metadata').then((r) => r.body!);
  }

  /** The practice's record of the patient with this NHS number, or undefined if it holds none it may disclose. */
  async findPatient(odsCode: string, nhsNumber: string): Promise<Json | undefined> {
    const { body } = await this.call(odsCode, 'searchPatients', `Patient?identifier=${encodeURIComponent(`${IDENTIFIER_SYSTEMS.nhsNumber}|${nhsNumber}`)}`);
    return resourcesOf(body!)[0];
  }

  readPatient(odsCode: string, id: string): Promise<Json> {
    return this.call(odsCode, 'readPatient', `Patient/${encodeURIComponent(id)}`).then((r) => r.body!);
  }

  /** $gpc.registerpatient: a temporary registration of a patient PDS knows; the registered Patient. */
  async registerPatient(odsCode: string, patient: Json): Promise<Json> {
    const { body } = await this.call(odsCode, 'registerPatient', 'Patient/$gpc.registerpatient', { body: { resourceType: 'Parameters', parameter: [{ name: 'registerPatient', resource: patient }] } });
    return resourcesOf(body!).find((r) => r['resourceType'] === 'Patient')!;
  }

  /** Practitioners the practice holds with this SDS user id. */
  async findPractitioners(odsCode: string, sdsUserId: string): Promise<Json[]> {
    const { body } = await this.call(odsCode, 'searchPractitioners', `Practitioner?identifier=${encodeURIComponent(`${IDENTIFIER_SYSTEMS.sdsUserId}|${sdsUserId}`)}`);
    return resourcesOf(body!);
  }

  /** Organizations the practice holds with this ODS code. */
  async findOrganizations(odsCode: string, organisationOds: string): Promise<Json[]> {
    const { body } = await this.call(odsCode, 'searchOrganizations', `Organization?identifier=${encodeURIComponent(`${IDENTIFIER_SYSTEMS.odsOrganisationCode}|${organisationOds}`)}`);
    return resourcesOf(body!);
  }

  readPractitioner(odsCode: string, id: string): Promise<Json> {
    return this.call(odsCode, 'readPractitioner', `Practitioner/${encodeURIComponent(id)}`).then((r) => r.body!);
  }

  readOrganization(odsCode: string, id: string): Promise<Json> {
    return this.call(odsCode, 'readOrganization', `Organization/${encodeURIComponent(id)}`).then((r) => r.body!);
  }

  readLocation(odsCode: string, id: string): Promise<Json> {
    return this.call(odsCode, 'readLocation', `Location/${encodeURIComponent(id)}`).then((r) => r.body!);
  }

  // Access Record Structured (structured.md)

  /** $gpc.getstructuredrecord: the Bundle as sent, and read into the clinician-friendly model. */
  async getStructuredRecord(odsCode: string, nhsNumber: string, request: StructuredRecordRequest): Promise<{ bundle: Json; record: StructuredRecord }> {
    const { body } = await this.call(odsCode, 'getStructuredRecord', 'Patient/$gpc.getstructuredrecord', { body: structuredRecordParameters(nhsNumber, request) });
    return { bundle: body!, record: readStructuredRecord(body!) };
  }

  /**
   * $gpc.migratestructuredrecord (structured.md §9): the whole record from the practice the patient
   * has left (`odsCode`), for the practice they joined (this consumer's organisation, as PDS must say);
   * `includeSensitive` asks for the confidential items too.
   */
  async migrateStructuredRecord(odsCode: string, nhsNumber: string, includeSensitive: boolean): Promise<{ bundle: Json; record: StructuredRecord }> {
    const body = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'patientNHSNumber', valueIdentifier: { system: IDENTIFIER_SYSTEMS.nhsNumber, value: nhsNumber } },
        { name: 'includeFullRecord', part: [{ name: 'includeSensitiveInformation', valueBoolean: includeSensitive }] },
      ],
    };
    const { body: bundle } = await this.call(odsCode, 'migrateStructuredRecord', 'Patient/$gpc.migratestructuredrecord', { body, sensitive: includeSensitive });
    return { bundle: bundle!, record: readStructuredRecord(bundle!) };
  }

  // Access Record HTML (access-record-html.md, GP Connect 0.7.4)

  /**
   * `$gpc.getcarerecord`: one section of the patient's record, as the practice renders it in XHTML.
   *
   * The token names the patient (`requested_record`, 0.7.x); the request and answer are DSTU2. Only
   * PRB, MED, ENC, CLI, REF, OBS and ADM take a `period`. Before showing the narrative, show the
   * patient banner from `demographics` and compare it with your own trace (`crossCheckDemographics`).
   * A refusal is a GpConnectRequestError: 404 `PATIENT_NOT_FOUND` (not registered there, sensitive,
   * superseded number), 403 `NO_PATIENT_CONSENT` (dissent), 400/422 for a request the practice rejects.
   *
   * @param odsCode the practice holding the record (from `trace`)
   * @param nhsNumber the patient
   * @param section SUM, PRB, ALL, MED, ENC, CLI, REF, OBS, IMM or ADM
   * @param period dates (`yyyy`, `yyyy-mm`, `yyyy-mm-dd`) or date-times with an offset; either end may be left open
   */
  async getCareRecord(odsCode: string, nhsNumber: string, section: RecordSectionCode, period?: CareRecordPeriod): Promise<CareRecord> {
    const { body } = await this.call(odsCode, 'getCareRecord', 'Patient/$gpc.getcarerecord', { body: careRecordParameters(nhsNumber, section, period), requestedRecord: { nhsNumber } });
    return readCareRecord(body ?? {});
  }

  // Access Document (documents.md)

  /** The practice's record of the patient on the Documents service root (its own Find a patient), or undefined. */
  async findDocumentsPatient(odsCode: string, nhsNumber: string): Promise<Json | undefined> {
    const { body } = await this.call(odsCode, 'documentsSearchPatients', `Patient?identifier=${encodeURIComponent(`${IDENTIFIER_SYSTEMS.nhsNumber}|${nhsNumber}`)}`);
    return resourcesOf(body!)[0];
  }

  /** The patient's documents (`patientId` as the Documents root knows them), newest first, and the Bundle as sent. */
  async searchDocuments(odsCode: string, patientId: string, search: DocumentSearch = {}): Promise<{ bundle: Json; documents: DocumentSummary[] }> {
    const { body } = await this.call(odsCode, 'searchDocuments', `Patient/${encodeURIComponent(patientId)}/DocumentReference?${documentSearchQuery(search)}`);
    return { bundle: body!, documents: readDocuments(body!) };
  }

  /** A document's content, from the Binary URL its DocumentReference gives. */
  retrieveDocument(odsCode: string, binaryUrl: string): Promise<{ contentType: string; data: Buffer }> {
    return this.binary(odsCode, 'retrieveDocument', binaryUrl, false);
  }

  /** A document's content for the practice the patient moved to, whatever its size (documents.md, migrate). */
  migrateDocument(odsCode: string, binaryUrl: string, includeSensitive = false): Promise<{ contentType: string; data: Buffer }> {
    return this.binary(odsCode, 'migrateDocument', binaryUrl, includeSensitive);
  }

  private async binary(odsCode: string, name: 'retrieveDocument' | 'migrateDocument', binaryUrl: string, sensitive: boolean): Promise<{ contentType: string; data: Buffer }> {
    const id = binaryUrl.slice(binaryUrl.lastIndexOf('/') + 1);
    const { body } = await this.call(odsCode, name, `Binary/${encodeURIComponent(id)}`, { sensitive });
    return { contentType: body!['contentType'] as string, data: Buffer.from(body!['content'] as string, 'base64') };
  }

  // Appointment Management (appointments.md)

  /** Free slots the consumer's organisation may book, each with its schedule (and practitioner and location when asked for). */
  async searchFreeSlots(odsCode: string, search: SlotSearch): Promise<FreeSlot[]> {
    const params: [string, string][] = [
      ['start', `ge${search.start}`],
      ['end', `le${search.end}`],
      ['status', 'free'],
      ['_include', 'Slot:schedule'],
      ['searchFilter', `${IDENTIFIER_SYSTEMS.odsOrganisationCode}|${this.options.identity.organisation.odsCode}`],
      ...(search.organisationType ? [['searchFilter', `${CODE_SYSTEMS.organisationType}|${search.organisationType}`] as [string, string]] : []),
      ...(search.includePractitioners ? [['_include:recurse', 'Schedule:actor:Practitioner'] as [string, string]] : []),
      ...(search.includeLocations ? [['_include:recurse', 'Schedule:actor:Location'] as [string, string]] : []),
    ];
    const { body } = await this.call(odsCode, 'searchFreeSlots', `Slot?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`);
    const resources = resourcesOf(body!);
    const byReference = new Map(resources.map((r) => [`${r['resourceType'] as string}/${r['id'] as string}`, r]));
    return resources
      .filter((r) => r['resourceType'] === 'Slot')
      .map((slot) => {
        const schedule = byReference.get((slot['schedule'] as { reference: string }).reference)!;
        const actors = ((schedule['actor'] as { reference: string }[] | undefined) ?? []).map((a) => byReference.get(a.reference));
        return { slot, schedule, practitioner: actors.find((a) => a?.['resourceType'] === 'Practitioner'), location: actors.find((a) => a?.['resourceType'] === 'Location') };
      });
  }

  /**
   * Books `slots` (adjacent, of one schedule, as a search returned them) for the practice's patient
   * `patientId`, as the consumer's organisation. The booked Appointment.
   */
  async bookAppointment(odsCode: string, booking: { patientId: string; slots: FreeSlot[]; description: string; comment?: string; telecom: string; organisationType?: string }): Promise<Json> {
    const first = booking.slots[0]!;
    const actor = (type: string) => ((first.schedule['actor'] as { reference: string }[] | undefined) ?? []).find((a) => a.reference.startsWith(`${type}/`))?.reference.split('/')[1];
    const slots: BookableSlot[] = booking.slots.map((s) => ({ id: s.slot['id'] as string, start: s.slot['start'] as string, end: s.slot['end'] as string }));
    const practitionerId = actor('Practitioner');
    const body = bookingRequest({
      patientId: booking.patientId,
      slots,
      locationId: actor('Location')!,
      ...(practitionerId ? { practitionerId } : {}),
      description: booking.description,
      ...(booking.comment !== undefined ? { comment: booking.comment } : {}),
      organisation: { ...this.options.identity.organisation, telecom: booking.telecom, ...(booking.organisationType ? { type: booking.organisationType } : {}) },
    });
    return (await this.call(odsCode, 'bookAppointment', 'Appointment', { body })).body!;
  }

  readAppointment(odsCode: string, id: string): Promise<Json> {
    return this.call(odsCode, 'readAppointment', `Appointment/${encodeURIComponent(id)}`).then((r) => r.body!);
  }

  /** The patient's appointments starting between two dates (YYYY-MM-DD, from today on), cancelled ones included. */
  async patientAppointments(odsCode: string, patientId: string, from: string, to: string): Promise<Json[]> {
    const { body } = await this.call(odsCode, 'searchPatientAppointments', `Patient/${encodeURIComponent(patientId)}/Appointment?start=ge${from}&start=le${to}`);
    return resourcesOf(body!);
  }

  /** Amends the description and/or comment of an appointment as last read (If-Match its version). */
  async amendAppointment(odsCode: string, appointment: Json, changes: { description?: string; comment?: string }): Promise<Json> {
    const version = (appointment['meta'] as { versionId?: string } | undefined)?.versionId;
    const body = { ...appointment, ...changes };
    return (await this.call(odsCode, 'amendAppointment', `Appointment/${appointment['id'] as string}`, { body, ...(version ? { headers: { 'if-match': `W/"${version}"` } } : {}) })).body!;
  }

  /** Cancels an appointment as last read, with the reason (If-Match its version); its slots are freed. */
  async cancelAppointment(odsCode: string, appointment: Json, reason: string): Promise<Json> {
    const version = (appointment['meta'] as { versionId?: string } | undefined)?.versionId;
    const body = { ...appointment, status: 'cancelled', extension: [...((appointment['extension'] as Json[] | undefined) ?? []), { url: EXTENSIONS.appointmentCancellationReason, valueString: reason }] };
    return (await this.call(odsCode, 'cancelAppointment', `Appointment/${appointment['id'] as string}`, { body, ...(version ? { headers: { 'if-match': `W/"${version}"` } } : {}) })).body!;
  }
}
