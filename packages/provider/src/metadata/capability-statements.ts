import { IDENTIFIER_SYSTEMS, MEDIA_TYPES, OPERATION_DEFINITIONS, PROFILES } from '@gpconnect/fhir';
import type { ProviderConfig } from '../config.ts';

/**
 * The CapabilityStatement of each service root (general.md §8, foundations.md §7): what that base
 * serves, in the shape the spec's example takes. Statements are static per deployment; consumers
 * cache them.
 */

/** Profiles every 1.x statement lists (foundations.md §7: the suite checks each is present). */
const STU3_PROFILES = [
  PROFILES.patient,
  PROFILES.organization,
  PROFILES.practitioner,
  PROFILES.practitionerRole,
  PROFILES.location,
  PROFILES.operationOutcome,
  PROFILES.appointment,
  PROFILES.schedule,
  PROFILES.slot,
  PROFILES.allergyIntolerance,
  PROFILES.medication,
  PROFILES.medicationStatement,
  PROFILES.medicationRequest,
  PROFILES.list,
  PROFILES.structuredRecordBundle,
  PROFILES.immunization,
  PROFILES.problemHeader,
  PROFILES.encounter,
  PROFILES.observation,
  PROFILES.diagnosticReport,
  PROFILES.specimen,
  PROFILES.procedureRequest,
  PROFILES.referralRequest,
];

const token = (name: string, documentation: string) => ({ name, type: 'token', documentation });
const identifierParam = (what: string, system: string, example: string) => token('identifier', `${what} (i.e. ${system}|${example})`);
const interactions = (...codes: string[]) => codes.map((code) => ({ code }));

function stu3Statement(config: ProviderConfig, version: string, rest: object) {
  return {
    resourceType: 'CapabilityStatement',
    version,
    name: 'GP Connect',
    status: 'active',
    date: config.software.releaseDate,
    publisher: config.publisher,
    description: `This server implements the GP Connect API version ${version}`,
    kind: 'capability',
    software: config.software,
    fhirVersion: '3.0.1',
    acceptUnknown: 'both',
    format: [MEDIA_TYPES.fhirJson, MEDIA_TYPES.fhirXml],
    profile: STU3_PROFILES.map((reference) => ({ reference })),
    rest: [{ mode: 'server', security: { cors: true }, ...rest }],
  };
}

const patientIdentifier = identifierParam('NHS Number', IDENTIFIER_SYSTEMS.nhsNumber, '9000000009');

export function foundationsCapabilityStatement(config: ProviderConfig) {
  return stu3Statement(config, config.versions.foundations, {
    resource: [
      { type: 'Patient', interaction: interactions('read', 'search-type'), searchParam: [patientIdentifier] },
      {
        type: 'Organization',
        interaction: interactions('read', 'search-type'),
        searchParam: [identifierParam('ODS Code', IDENTIFIER_SYSTEMS.odsOrganisationCode, 'Y12345')],
      },
      {
        type: 'Practitioner',
        interaction: interactions('read', 'search-type'),
        searchParam: [identifierParam('SDS User Id', IDENTIFIER_SYSTEMS.sdsUserId, 'G11111116')],
      },
      { type: 'Location', interaction: interactions('read') },
      {
        type: 'Appointment',
        interaction: interactions('read', 'create', 'update', 'search-type'),
        updateCreate: false,
        searchParam: [{ name: 'start', type: 'date' }],
      },
      {
        type: 'Slot',
        interaction: interactions('search-type'),
        searchInclude: ['Schedule:actor:Location', 'Schedule:actor:Practitioner', 'Slot:schedule', 'Location:managingOrganization'],
        searchParam: [
          { name: 'start', type: 'date' },
          { name: 'end', type: 'date' },
          { name: 'status', type: 'token' },
          { name: 'searchFilter', type: 'token' },
        ],
      },
    ],
    // Foundations lists the structured operation too (foundations.md §7); the 1.6.0 national suite
    // expects this versioned definition here and 1.16 on the structured root.
    operation: [
      { name: 'gpc.registerpatient', definition: { reference: OPERATION_DEFINITIONS.registerPatient } },
      { name: 'gpc.getstructuredrecord', definition: { reference: `${OPERATION_DEFINITIONS.getStructuredRecord}/_history/1.15` } },
    ],
  });
}

export function structuredCapabilityStatement(config: ProviderConfig) {
  return stu3Statement(config, config.versions.structured, {
    operation: [
      { name: 'gpc.getstructuredrecord', definition: { reference: `${OPERATION_DEFINITIONS.getStructuredRecord}/_history/1.16` } },
      { name: 'gpc.migratestructuredrecord', definition: { reference: OPERATION_DEFINITIONS.migrateStructuredRecord } },
    ],
  });
}

export function documentsCapabilityStatement(config: ProviderConfig) {
  return stu3Statement(config, config.versions.documents, {
    resource: [
      { type: 'Patient', interaction: interactions('search-type'), searchParam: [patientIdentifier] },
      {
        type: 'DocumentReference',
        interaction: interactions('search-type'),
        searchInclude: ['DocumentReference:subject:Patient', 'DocumentReference:custodian:Organization', 'DocumentReference:author:Organization', 'DocumentReference:author:Practitioner'],
        searchRevInclude: ['PractitionerRole:practitioner'],
        searchParam: [
          { name: 'created', type: 'date' },
          { name: 'author', type: 'token' },
          { name: 'description', type: 'string' },
        ],
      },
      { type: 'Binary', interaction: interactions('read') },
    ],
  });
}

/** Access Record HTML 0.7.x is DSTU2: its statement is a Conformance resource (access-record-html.md). */
export function htmlConformance(config: ProviderConfig) {
  return {
    resourceType: 'Conformance',
    version: config.versions.html,
    name: 'GP Connect',
    status: 'active',
    date: config.software.releaseDate,
    publisher: config.publisher,
    description: `This server implements the GP Connect API version ${config.versions.html}`,
    kind: 'instance',
    software: config.software,
    fhirVersion: '1.0.2',
    acceptUnknown: 'both',
    format: [MEDIA_TYPES.dstu2Json, MEDIA_TYPES.dstu2Xml],
    rest: [
      {
        mode: 'server',
        operation: [
          { name: 'gpc.getcarerecord', definition: { reference: 'http://fhir.nhs.net/OperationDefinition/gpconnect-carerecord-operation-1' } },
        ],
      },
    ],
  };
}
