import { formatUkDateTime, IDENTIFIER_SYSTEMS } from '@gpconnect/fhir';
import { readResource, type Database, type Kysely, type PracticeRow } from '@gpconnect/store';
import type { ProviderConfig } from '../config.ts';
import { NHS_NUMBER_SYSTEM_DSTU2, RECORD_SECTIONS, RECORD_SECTION_SYSTEM, type RecordSectionCode } from './care-record-request.ts';
import type { Json } from './care-record.ts';

/**
 * The response of $gpc.getcarerecord (access-record-html.md §4): a DSTU2 searchset Bundle whose
 * first entry is the Composition holding the section's XHTML, then the Patient it is about, the
 * practice's Organization (custodian), the Device that wrote it (author) and the usual GP — each in
 * its 0.7.x (DSTU2) shape, read from the same stored records the 1.x APIs serve.
 */

const PROFILE = (name: string) => `http://fhir.nhs.net/StructureDefinition/${name}`;
const SNOMED = 'http://snomed.info/sct';
const SDS_USER_ID_DSTU2 = 'http://fhir.nhs.net/Id/sds-user-id';
const SDS_JOB_ROLE_DSTU2 = 'http://fhir.nhs.net/ValueSet/sds-job-role-name-1';
const DEVICE_ID = 'gpconnect-provider';

interface HumanName {
  use?: string;
  family?: string;
  given?: string[];
  prefix?: string[];
}

/** A 1.x name in DSTU2 form, where family is a list. */
function dstu2Name(name: HumanName | undefined): Json | undefined {
  if (!name) return undefined;
  return { ...(name.use ? { use: name.use } : {}), ...(name.family ? { family: [name.family] } : {}), ...(name.given ? { given: name.given } : {}), ...(name.prefix ? { prefix: name.prefix } : {}) };
}

/** Addresses and telecoms with the elements both releases define alike. */
const pick = (values: unknown, keys: readonly string[]) =>
  ((values as Json[] | undefined) ?? []).map((value) => Object.fromEntries(keys.filter((k) => value[k] !== undefined).map((k) => [k, value[k]])));
const ADDRESS_KEYS = ['use', 'line', 'city', 'district', 'postalCode', 'country'] as const;
const TELECOM_KEYS = ['system', 'value', 'use'] as const;

function patientResource(stored: Json, version: number, organisationId: string, usualGp: string | undefined, deceasedAt: string | null): Json {
  const nhsNumber = ((stored['identifier'] as Json[] | undefined) ?? []).find((i) => i['system'] === IDENTIFIER_SYSTEMS.nhsNumber)?.['value'];
  const names = (stored['name'] as HumanName[] | undefined) ?? [];
  const official = names.find((n) => n.use === 'official') ?? names[0];
  const telecom = pick(stored['telecom'], TELECOM_KEYS);
  return {
    resourceType: 'Patient',
    id: stored['id'],
    meta: { versionId: String(version), profile: [PROFILE('gpconnect-patient-1')] },
    identifier: [{ system: NHS_NUMBER_SYSTEM_DSTU2, value: nhsNumber }],
    ...(official ? { name: [dstu2Name(official)] } : {}),
    ...(telecom.length > 0 ? { telecom } : {}),
    ...(stored['gender'] ? { gender: stored['gender'] } : {}),
    ...(stored['birthDate'] ? { birthDate: stored['birthDate'] } : {}),
    ...(deceasedAt ? { deceasedDateTime: formatUkDateTime(new Date(deceasedAt)) } : {}),
    ...(stored['address'] ? { address: pick(stored['address'], ADDRESS_KEYS) } : {}),
    ...(usualGp ? { careProvider: [{ reference: `Practitioner/${usualGp}` }] } : {}),
    managingOrganization: { reference: `Organization/${organisationId}` },
  };
}

function organisationResource(stored: Json, version: number, odsCode: string): Json {
  return {
    resourceType: 'Organization',
    id: stored['id'],
    meta: { versionId: String(version), profile: [PROFILE('gpconnect-organization-1')] },
    identifier: [{ system: IDENTIFIER_SYSTEMS.odsOrganisationCodeLegacy, value: odsCode }],
    name: stored['name'],
    ...(stored['telecom'] ? { telecom: pick(stored['telecom'], TELECOM_KEYS) } : {}),
    ...(stored['address'] ? { address: pick(stored['address'], ADDRESS_KEYS) } : {}),
  };
}

function practitionerResource(stored: Json, version: number, organisationId: string, role: Json | undefined): Json {
  const sdsUserId = ((stored['identifier'] as Json[] | undefined) ?? []).find((i) => i['system'] === IDENTIFIER_SYSTEMS.sdsUserId)?.['value'];
  const roleCoding = ((role?.['code'] as { coding?: Json[] }[] | undefined) ?? [])[0]?.coding?.[0];
  return {
    resourceType: 'Practitioner',
    id: stored['id'],
    meta: { versionId: String(version), profile: [PROFILE('gpconnect-practitioner-1')] },
    ...(sdsUserId ? { identifier: [{ system: SDS_USER_ID_DSTU2, value: sdsUserId }] } : {}),
    ...(Array.isArray(stored['name']) && stored['name'].length > 0 ? { name: dstu2Name(stored['name'][0] as HumanName) } : {}),
    ...(stored['gender'] ? { gender: stored['gender'] } : {}),
    practitionerRole: [
      {
        managingOrganization: { reference: `Organization/${organisationId}` },
        // Every coding of the role carries system, code and display (§4).
        ...(roleCoding ? { role: { coding: [{ system: SDS_JOB_ROLE_DSTU2, code: roleCoding['code'], display: roleCoding['display'] }] } } : {}),
      },
    ],
  };
}

function deviceResource(config: ProviderConfig): Json {
  return {
    resourceType: 'Device',
    id: DEVICE_ID,
    meta: { profile: [PROFILE('gpconnect-device-1')] },
    identifier: [{ system: 'https://gpconnect.local/Id/device', value: config.software.name }],
    type: { coding: [{ system: SNOMED, code: '462240000', display: 'Patient health record information system (physical object)' }] },
    manufacturer: config.publisher,
    model: config.software.name,
    version: config.software.version,
  };
}

export interface CareRecordBundleInput {
  practice: PracticeRow;
  patient: { resource: string; version: number; usualGpId: string | null; deceasedAt: string | null };
  section: RecordSectionCode;
  xhtml: string;
  compositionId: string;
  traceId: string | null;
  now: Date;
  config: ProviderConfig;
}

export async function careRecordBundle(db: Kysely<Database>, input: CareRecordBundleInput): Promise<string> {
  const { practice, patient, section } = input;
  const organisation = await readResource(db, 'organisation', practice.ods_code, practice.organisation_id);
  const practitioner = patient.usualGpId ? await readResource(db, 'practitioner', practice.ods_code, patient.usualGpId) : undefined;
  const roles = patient.usualGpId
    ? await db.selectFrom('practitioner_role').select('resource').where('practice_ods', '=', practice.ods_code).where('practitioner_id', '=', patient.usualGpId).execute()
    : [];
  const patientJson = JSON.parse(patient.resource) as Json;
  const title = RECORD_SECTIONS[section].title;
  const composition = {
    resourceType: 'Composition',
    id: input.compositionId,
    meta: { profile: [PROFILE('gpconnect-carerecord-composition-1')] },
    date: formatUkDateTime(input.now),
    type: { coding: [{ system: SNOMED, code: '425173008', display: 'record extract (record artifact)' }], text: 'record extract (record artifact)' },
    class: { coding: [{ system: SNOMED, code: '700232004', display: 'general medical service (qualifier value)' }], text: 'general medical service (qualifier value)' },
    title: 'Patient Care Record',
    status: 'final',
    subject: { reference: `Patient/${String(patientJson['id'])}` },
    author: [{ reference: `Device/${DEVICE_ID}` }],
    custodian: { reference: `Organization/${practice.organisation_id}` },
    section: [{ title, code: { coding: [{ system: RECORD_SECTION_SYSTEM, code: section }], text: title }, text: { status: 'generated', div: input.xhtml } }],
  };
  const resources = [
    composition,
    patientResource(patientJson, patient.version, practice.organisation_id, practitioner ? patient.usualGpId! : undefined, patient.deceasedAt),
    ...(organisation ? [organisationResource(JSON.parse(organisation.resource) as Json, organisation.version, practice.ods_code)] : []),
    deviceResource(input.config),
    ...(practitioner ? [practitionerResource(JSON.parse(practitioner.resource) as Json, practitioner.version, practice.organisation_id, roles.length === 1 ? (JSON.parse(roles[0]!.resource) as Json) : undefined)] : []),
  ];
  return JSON.stringify({
    resourceType: 'Bundle',
    ...(input.traceId ? { id: input.traceId } : {}),
    meta: { profile: [PROFILE('gpconnect-searchset-bundle-1')] },
    type: 'searchset',
    entry: resources.map((resource) => ({ resource })),
  });
}
