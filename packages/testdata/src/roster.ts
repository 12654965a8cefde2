import { readFileSync } from 'node:fs';

/**
 * The national test roster (fixtures/national-roster.json, a verbatim copy of the roster the
 * standard provider conformance packs are written against). These types describe the file as it
 * is; fields the roster gives for some entries only are optional.
 */

export interface RosterName {
  prefix?: readonly string[];
  given: readonly string[];
  family: string;
}

export interface RosterAddress {
  line: readonly string[];
  city?: string;
  postalCode?: string;
}

export interface RosterTelecom {
  system: 'phone' | 'email';
  value: string;
  use?: string;
}

export type RosterGender = 'male' | 'female' | 'other' | 'unknown';

export interface RosterPatientFlags {
  sensitive?: boolean;
  onPds?: boolean;
  registrationActive?: boolean;
  /** Absolute date of death. */
  deceasedDateTime?: string | null;
  /** Date of death relative to the load date (Access Record HTML cohort). */
  deceasedDaysAgo?: number;
  dissent?: boolean;
  nhsNumberSuperseded?: boolean;
  merged?: boolean;
  recordInTransit?: boolean;
  multipleBirth?: boolean;
  noAppointments?: boolean;
  heldByProvider?: boolean;
}

export interface RosterRegistration {
  /** CareConnect-RegistrationType-1 code. */
  type: string;
  /** Organisation key (ORG1...). */
  practice: string;
  /** Practitioner key. */
  usualGp: string;
  /** Location key (SIT1...). */
  preferredBranchSurgery: string;
  /** ISO date. */
  start?: string;
  end?: string;
}

export interface RosterPatient {
  key: string;
  nhsNumber: string;
  name?: RosterName;
  gender?: RosterGender;
  birthDate?: string;
  address?: RosterAddress;
  telecom?: readonly RosterTelecom[];
  registration?: RosterRegistration;
  flags?: RosterPatientFlags;
  properties?: readonly string[];
  clinicalContent?: string;
}

export interface RosterPdsOnlyPerson {
  nhsNumber: string;
  family: string;
  given: string;
  gender: RosterGender;
  birthDate: string;
}

export interface RosterOrganisation {
  key: string;
  odsCode: string;
  name?: string;
  held: boolean;
  role: string;
}

export interface RosterLocation {
  key: string;
  odsSiteCode: string;
  name?: string;
  suggestedLogicalId?: string;
  managingOrganisation?: string;
  status?: 'active' | 'suspended' | 'inactive';
  address?: RosterAddress;
  note?: string;
}

export interface RosterPractitioner {
  key: string;
  sdsUserId: string;
  sdsRoleProfileIds?: readonly string[];
  name?: RosterName;
  gender?: RosterGender;
  /** SDS job role (CareConnect-SDSJobRoleName-1). */
  role?: { code: string; display: string };
  /** CareConnect-HumanLanguage-1 codes. */
  languages?: readonly string[];
  held?: boolean;
  note?: string;
}

export interface NationalRoster {
  description: string;
  practice: {
    odsCode: string;
    name: string;
    providerAsid: string;
    serviceRoot: string;
    structuredRoot: string;
    documentsRoot: string;
    htmlRoot: string;
  };
  consumers: { defaultConsumerAsid: string; consumerOdsCodes: readonly string[] };
  organisations: readonly RosterOrganisation[];
  locations: readonly RosterLocation[];
  practitioners: readonly RosterPractitioner[];
  slots: { rolling: string; schedules: string; fixed: readonly string[] };
  /** The GP Connect 1.x cohort. */
  patients: readonly RosterPatient[];
  pdsOnlyPatients: { description: string; people: readonly RosterPdsOnlyPerson[] };
  /** The Access Record HTML (0.7.x) cohort; its keys repeat the 1.x keys but name other people. */
  accessRecordHtmlPatients: { description: string; people: readonly RosterPatient[] };
  reservedNumbers: { neverOnPds: readonly string[]; note: string };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Where the roster file lives in this package (kept byte-identical to the published roster). */
export const NATIONAL_ROSTER_FILE = new URL('../fixtures/national-roster.json', import.meta.url);

/** The parsed national roster, frozen: read it, never change it. */
export const NATIONAL_ROSTER: NationalRoster = deepFreeze(JSON.parse(readFileSync(NATIONAL_ROSTER_FILE, 'utf8')) as NationalRoster);
