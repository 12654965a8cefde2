import { CODE_SYSTEMS, EXTENSIONS, IDENTIFIER_SYSTEMS, PROFILES } from '@gpconnect/fhir';
import type { RosterAddress, RosterGender, RosterName, RosterTelecom } from './roster.ts';

/**
 * Renders the roster's directory and demographics as the GP Connect 1.x (STU3) resources the
 * provider serves verbatim, shaped by the official profiles in ../shared/fhir-assets
 * (CareConnect-GPC-Patient-1, -Practitioner-1, -PractitionerRole-1, -Organization-1, -Location-1)
 * and foundations.md §2-§5. Every resource is version 1, last updated at the load time.
 */

type Json = Record<string, unknown>;

/**
 * CareConnect-GPC-PractitionerRole-1 fixes `code:sdsJobRoleName.coding.system` to the HL7 UK
 * spelling, which differs from the NHS CodeSystem URL in CODE_SYSTEMS.sdsJobRoleName; the profile
 * (and the spec's structured examples) decide for PractitionerRole.
 */
export const SDS_JOB_ROLE_NAME_SYSTEM = 'https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-SDSJobRoleName-1';

/** CareConnect-RegistrationType-1 displays. */
const REGISTRATION_TYPE_DISPLAY: Readonly<Record<string, string>> = {
  R: 'Regular',
  E: 'Emergency',
  IN: 'Immediately necessary',
  T: 'Temporary',
  P: 'Private',
  O: 'Other',
  S: 'Synthetic Record',
};

/** CareConnect-HumanLanguage-1 displays of the languages the roster uses. */
const LANGUAGE_DISPLAY: Readonly<Record<string, string>> = { de: 'German', en: 'English' };

/** Number present and verified (CareConnect-NHSNumberVerificationStatus-1). */
export const NHS_NUMBER_VERIFIED = '01';

function meta(profile: string, now: Date): Json {
  return { versionId: '1', lastUpdated: now.toISOString(), profile: [profile] };
}

function humanName(name: RosterName, use: 'official' | 'usual'): Json {
  return { use, family: name.family, given: [...name.given], ...(name.prefix?.length ? { prefix: [...name.prefix] } : {}) };
}

function address(value: RosterAddress, use?: 'home' | 'work'): Json {
  return {
    ...(use ? { use } : {}),
    line: [...value.line],
    ...(value.city ? { city: value.city } : {}),
    ...(value.postalCode ? { postalCode: value.postalCode } : {}),
  };
}

function nhsCommunication(languageCode: string): Json {
  const display = LANGUAGE_DISPLAY[languageCode];
  if (!display) throw new Error(`national roster: no CareConnect-HumanLanguage-1 display known for ${JSON.stringify(languageCode)}`);
  return {
    url: EXTENSIONS.nhsCommunication,
    extension: [{ url: 'language', valueCodeableConcept: { coding: [{ system: CODE_SYSTEMS.humanLanguage, code: languageCode, display }] } }],
  };
}

const reference = (type: string, id: string) => ({ reference: `${type}/${id}` });

export interface PatientInput {
  id: string;
  now: Date;
  nhsNumber: string;
  name: RosterName;
  gender: RosterGender;
  birthDate: string;
  address?: RosterAddress | undefined;
  telecom?: readonly RosterTelecom[] | undefined;
  /** Registration still active: Patient.active. */
  active: boolean;
  registrationType: string;
  registrationStart: string | null;
  registrationEnd: string | null;
  preferredBranchId: string | null;
  usualGpId: string | null;
  managingOrganisationId: string;
  deceasedAt: string | null;
}

/**
 * CareConnect-GPC-Patient-1 as foundations.md §2 populates it: verified NHS number, registration
 * details (period, type, preferred branch surgery), one official name, telecom, gender, birth date,
 * home address, usual GP and the practice as managing organisation. Never multipleBirth (SHALL NOT).
 */
export function renderPatient(input: PatientInput): Json {
  const typeDisplay = REGISTRATION_TYPE_DISPLAY[input.registrationType];
  if (!typeDisplay) throw new Error(`national roster: unknown registration type ${JSON.stringify(input.registrationType)}`);
  const period = {
    ...(input.registrationStart ? { start: input.registrationStart } : {}),
    ...(input.registrationEnd ? { end: input.registrationEnd } : {}),
  };
  const registrationDetails = [
    ...(Object.keys(period).length ? [{ url: 'registrationPeriod', valuePeriod: period }] : []),
    { url: 'registrationType', valueCodeableConcept: { coding: [{ system: CODE_SYSTEMS.registrationType, code: input.registrationType, display: typeDisplay }] } },
    ...(input.preferredBranchId ? [{ url: 'preferredBranchSurgery', valueReference: reference('Location', input.preferredBranchId) }] : []),
  ];
  return {
    resourceType: 'Patient',
    id: input.id,
    meta: meta(PROFILES.patient, input.now),
    extension: [{ url: EXTENSIONS.registrationDetails, extension: registrationDetails }],
    identifier: [
      {
        extension: [
          {
            url: EXTENSIONS.nhsNumberVerificationStatus,
            valueCodeableConcept: {
              coding: [{ system: CODE_SYSTEMS.nhsNumberVerificationStatus, code: NHS_NUMBER_VERIFIED, display: 'Number present and verified' }],
            },
          },
        ],
        system: IDENTIFIER_SYSTEMS.nhsNumber,
        value: input.nhsNumber,
      },
    ],
    active: input.active,
    name: [humanName(input.name, 'official')],
    ...(input.telecom?.length ? { telecom: input.telecom.map((t) => ({ ...t })) } : {}),
    gender: input.gender,
    birthDate: input.birthDate,
    ...(input.deceasedAt ? { deceasedDateTime: input.deceasedAt } : {}),
    ...(input.address ? { address: [address(input.address, 'home')] } : {}),
    ...(input.usualGpId ? { generalPractitioner: [reference('Practitioner', input.usualGpId)] } : {}),
    managingOrganization: reference('Organization', input.managingOrganisationId),
  };
}

export interface PractitionerInput {
  id: string;
  now: Date;
  sdsUserId: string;
  sdsRoleProfileIds: readonly string[];
  name: RosterName;
  gender?: RosterGender | undefined;
  languages?: readonly string[] | undefined;
}

/**
 * CareConnect-GPC-Practitioner-1 (foundations.md §3): SDS user id and every SDS role profile id as
 * identifiers (the suite counts the role profile identifiers), one name, gender, NHS communication.
 * No telecom, address or birth date (SHALL NOT).
 */
export function renderPractitioner(input: PractitionerInput): Json {
  return {
    resourceType: 'Practitioner',
    id: input.id,
    meta: meta(PROFILES.practitioner, input.now),
    ...(input.languages?.length ? { extension: input.languages.map(nhsCommunication) } : {}),
    identifier: [
      { system: IDENTIFIER_SYSTEMS.sdsUserId, value: input.sdsUserId },
      ...input.sdsRoleProfileIds.map((value) => ({ system: IDENTIFIER_SYSTEMS.sdsRoleProfileId, value })),
    ],
    name: [humanName(input.name, 'usual')],
    ...(input.gender ? { gender: input.gender } : {}),
  };
}

export interface PractitionerRoleInput {
  id: string;
  now: Date;
  practitionerId: string;
  organisationId: string;
  jobRole?: { code: string; display: string } | undefined;
}

/** CareConnect-GPC-PractitionerRole-1: the practitioner's SDS job role at an organisation. */
export function renderPractitionerRole(input: PractitionerRoleInput): Json {
  return {
    resourceType: 'PractitionerRole',
    id: input.id,
    meta: meta(PROFILES.practitionerRole, input.now),
    practitioner: reference('Practitioner', input.practitionerId),
    organization: reference('Organization', input.organisationId),
    ...(input.jobRole ? { code: [{ coding: [{ system: SDS_JOB_ROLE_NAME_SYSTEM, code: input.jobRole.code, display: input.jobRole.display }] }] } : {}),
  };
}

export interface OrganizationInput {
  id: string;
  now: Date;
  odsCode: string;
  name: string;
  address?: RosterAddress | undefined;
  telecom?: readonly RosterTelecom[] | undefined;
}

/** CareConnect-GPC-Organization-1 (foundations.md §4): ODS code, name, and address/telecom where held. */
export function renderOrganization(input: OrganizationInput): Json {
  return {
    resourceType: 'Organization',
    id: input.id,
    meta: meta(PROFILES.organization, input.now),
    identifier: [{ system: IDENTIFIER_SYSTEMS.odsOrganisationCode, value: input.odsCode }],
    name: input.name,
    ...(input.telecom?.length ? { telecom: input.telecom.map((t) => ({ ...t })) } : {}),
    ...(input.address ? { address: [address(input.address, 'work')] } : {}),
  };
}

export interface LocationInput {
  id: string;
  now: Date;
  odsSiteCode: string;
  name: string;
  status?: 'active' | 'suspended' | 'inactive' | undefined;
  address?: RosterAddress | undefined;
  managingOrganisationId: string;
}

/**
 * CareConnect-GPC-Location-1 (foundations.md §5): ODS site code, name, a single address object
 * (STU3 Location.address is 0..1) and the managing organisation.
 */
export function renderLocation(input: LocationInput): Json {
  return {
    resourceType: 'Location',
    id: input.id,
    meta: meta(PROFILES.location, input.now),
    identifier: [{ system: IDENTIFIER_SYSTEMS.odsSiteCode, value: input.odsSiteCode }],
    ...(input.status ? { status: input.status } : {}),
    name: input.name,
    ...(input.address ? { address: address(input.address, 'work') } : {}),
    managingOrganization: reference('Organization', input.managingOrganisationId),
  };
}
