import type { TlsOptions } from 'node:tls';
import { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { IDENTIFIER_SYSTEMS } from '@gpconnect/fhir';
import type { Database, Kysely } from '@gpconnect/store';
import { loadDirectory, type AsRecord, type ConsumerSystem, type MhsRecord } from './directory.ts';
import { spineServer } from '../spine-server.ts';

/** Where the API lives, as on the real service (…/spine-directory/FHIR/R4). */
export const SDS_BASE_PATH = '/spine-directory/FHIR/R4';

export const SDS_SYSTEMS = {
  interactionId: 'https://fhir.nhs.uk/Id/nhsServiceInteractionId',
  partyKey: 'https://fhir.nhs.uk/Id/nhsMhsPartyKey',
  asid: 'https://fhir.nhs.uk/Id/nhsSpineASID',
  fqdn: 'https://fhir.nhs.uk/Id/nhsMhsFQDN',
  cpaId: 'https://fhir.nhs.uk/Id/nhsMhsCPAId',
  mhsId: 'https://fhir.nhs.uk/Id/nhsMHSId',
} as const;

const INTERACTION_EXTENSION = 'https://fhir.nhs.uk/StructureDefinition/Extension-SDS-NhsServiceInteractionId';
const MANUFACTURER_EXTENSION = 'https://fhir.nhs.uk/StructureDefinition/Extension-SDS-ManufacturingOrganisation';
const FHIR_JSON = 'application/fhir+json';

export interface SdsOptions {
  db: Kysely<Database>;
  /** Where the provider listens: endpoint addresses are its service roots under this URL. */
  providerBaseUrl: string;
  /** Consumer systems (AS records without endpoints). */
  consumers: readonly ConsumerSystem[];
  logger?: FastifyBaseLogger | boolean;
  /** Serve HTTPS with these TLS settings; plain HTTP when absent. */
  https?: TlsOptions;
}

class SdsRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const odsReference = (odsCode: string) => ({ identifier: { system: IDENTIFIER_SYSTEMS.odsOrganisationCode, value: odsCode } });
const interactionExtension = (interactionId: string) => ({ url: INTERACTION_EXTENSION, valueReference: { identifier: { system: SDS_SYSTEMS.interactionId, value: interactionId } } });

function renderEndpoint(record: MhsRecord): Record<string, unknown> {
  return {
    resourceType: 'Endpoint',
    id: record.cpaId,
    status: 'active',
    connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'hl7-fhir-msg', display: 'HL7 FHIR Messaging' },
    payloadType: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/endpoint-payload-type', code: 'any', display: 'Any' }] }],
    address: record.address,
    managingOrganization: odsReference(record.odsCode),
    identifier: [
      { system: SDS_SYSTEMS.fqdn, value: new URL(record.address).hostname },
      { system: SDS_SYSTEMS.partyKey, value: record.partyKey },
      { system: SDS_SYSTEMS.cpaId, value: record.cpaId },
      { system: SDS_SYSTEMS.mhsId, value: record.cpaId },
    ],
    extension: [interactionExtension(record.interactionId)],
  };
}

function renderDevice(record: AsRecord): Record<string, unknown> {
  return {
    resourceType: 'Device',
    id: record.asid,
    identifier: [{ system: SDS_SYSTEMS.asid, value: record.asid }, ...(record.partyKey ? [{ system: SDS_SYSTEMS.partyKey, value: record.partyKey }] : [])],
    extension: [{ url: MANUFACTURER_EXTENSION, valueReference: odsReference(record.manufacturerOds) }, ...record.interactionIds.map(interactionExtension)],
    owner: odsReference(record.odsCode),
  };
}

type Query = Record<string, string | string[] | undefined>;

/** `system|value` tokens of a parameter, by system; a token of another system is a bad request. */
function tokens(query: Query, name: string, systems: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const raw of [query[name] ?? []].flat()) {
    const bar = raw.indexOf('|');
    const system = raw.slice(0, bar);
    if (bar <= 0 || !systems.includes(system) || bar === raw.length - 1) throw new SdsRequestError(400, 'INVALID_PARAMETER', `${name}=${raw}: expected one of ${systems.join(', ')} then | and a value`);
    if (found.has(system)) throw new SdsRequestError(400, 'INVALID_PARAMETER', `${name}: ${system} may be given once`);
    found.set(system, raw.slice(bar + 1));
  }
  return found;
}

function checkApiKey(request: FastifyRequest): void {
  const key = request.headers['apikey'];
  if (typeof key !== 'string' || key.trim() === '') throw new SdsRequestError(401, 'ACCESS_DENIED', 'The apikey header is required');
}

function searchset(resources: Record<string, unknown>[], base: string): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: resources.length,
    entry: resources.map((resource) => ({ fullUrl: `${base}/${resource['resourceType'] as string}/${resource['id'] as string}`, resource, search: { mode: 'match' } })),
  };
}

/**
 * The SDS FHIR R4 simulator (spine-services.md §3.3): `GET /Endpoint` (MHS records: a practice's
 * service root URL and party key per interaction) and `GET /Device` (AS records: the ASID), for every
 * practice of the deployment and the configured consumers.
 */
export async function buildSds(options: SdsOptions): Promise<FastifyInstance> {
  const logger = options.logger ?? false;
  const app = spineServer(logger, options.https);

  app.setErrorHandler((error, request, reply) => {
    const known = error instanceof SdsRequestError;
    if (!known) request.log.error({ err: { type: (error as Error).name } }, 'unexpected error');
    const [status, code, message] = known ? [error.status, error.code, error.message] : [500, 'INTERNAL_SERVER_ERROR', 'An unexpected error occurred'];
    return reply
      .code(status)
      .type(FHIR_JSON)
      .send({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: status === 401 ? 'forbidden' : status === 500 ? 'exception' : 'invalid', details: { coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/Spine-ErrorOrWarningCode', code }] }, diagnostics: message }] });
  });

  const base = (request: FastifyRequest) => `${request.protocol}://${request.host}${SDS_BASE_PATH}`;

  app.get(`${SDS_BASE_PATH}/Endpoint`, async (request, reply) => {
    checkApiKey(request);
    const query = request.query as Query;
    const organisation = tokens(query, 'organization', [IDENTIFIER_SYSTEMS.odsOrganisationCode]).get(IDENTIFIER_SYSTEMS.odsOrganisationCode);
    const identifiers = tokens(query, 'identifier', [SDS_SYSTEMS.interactionId, SDS_SYSTEMS.partyKey]);
    if (identifiers.size === 0) throw new SdsRequestError(400, 'MISSING_PARAMETER', 'At least one identifier (interaction ID or party key) is required');
    const interactionId = identifiers.get(SDS_SYSTEMS.interactionId);
    const partyKey = identifiers.get(SDS_SYSTEMS.partyKey);
    const { endpoints } = await loadDirectory(options.db, options.providerBaseUrl, options.consumers);
    const found = endpoints.filter((e) => (organisation === undefined || e.odsCode === organisation) && (interactionId === undefined || e.interactionId === interactionId) && (partyKey === undefined || e.partyKey === partyKey));
    return reply.type(FHIR_JSON).send(searchset(found.map(renderEndpoint), base(request)));
  });

  app.get(`${SDS_BASE_PATH}/Device`, async (request, reply) => {
    checkApiKey(request);
    const query = request.query as Query;
    const organisation = tokens(query, 'organization', [IDENTIFIER_SYSTEMS.odsOrganisationCode]).get(IDENTIFIER_SYSTEMS.odsOrganisationCode);
    const identifiers = tokens(query, 'identifier', [SDS_SYSTEMS.interactionId, SDS_SYSTEMS.partyKey]);
    const manufacturer = tokens(query, 'manufacturing-organization', [IDENTIFIER_SYSTEMS.odsOrganisationCode]).get(IDENTIFIER_SYSTEMS.odsOrganisationCode);
    const interactionId = identifiers.get(SDS_SYSTEMS.interactionId);
    if (organisation === undefined || interactionId === undefined) throw new SdsRequestError(400, 'MISSING_PARAMETER', 'organization and an interaction ID identifier are required');
    const partyKey = identifiers.get(SDS_SYSTEMS.partyKey);
    const { devices } = await loadDirectory(options.db, options.providerBaseUrl, options.consumers);
    const found = devices.filter(
      (d) => d.odsCode === organisation && d.interactionIds.includes(interactionId) && (partyKey === undefined || d.partyKey === partyKey) && (manufacturer === undefined || d.manufacturerOds === manufacturer),
    );
    return reply.type(FHIR_JSON).send(searchset(found.map(renderDevice), base(request)));
  });

  return app;
}
