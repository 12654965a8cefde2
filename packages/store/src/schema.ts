import type { ColumnType, Generated } from 'kysely';

/**
 * Table types of the GP record store (see migrations/ for the SQL). Served FHIR resources are kept
 * as JSON text in `resource`, rendered when written, so reads stream them without re-parsing; the
 * other columns are what queries and business rules need.
 */

/** Columns shared by every table holding a served FHIR resource of one practice. */
export interface ResourceColumns {
  /** The practice (tenant) the row belongs to; every query filters on it. */
  practice_ods: string;
  /** FHIR logical id, unique within the practice. */
  id: string;
  /** meta.versionId; increases on every change (ETag `W/"<version>"`). */
  version: number;
  /** The resource as served: FHIR JSON text with id and meta already in place. */
  resource: string;
  last_updated: ColumnType<Date, Date | string, Date | string>;
  /** Name of the fixture set that created the row; null for rows created through the API. */
  fixture: string | null;
}

/** Who wrote a row through the API (general.md §12), stored as JSON text in `provenance`. */
export interface WriteProvenance {
  interactionId: string;
  /** When the write was made, to the second or better (ISO 8601). */
  recorded: string;
  traceId: string | null;
  /** The author, who is also the person who entered it: the JWT's requesting practitioner. */
  author: { practitionerId: string | null; name: string | null; sdsUserId: string | null; roleProfileId: string | null };
  /** The originating organisation (JWT requesting_organization). */
  organisation: { odsCode: string | null; name: string | null };
  device: string | null;
}

export interface PracticeTable {
  ods_code: string;
  name: string;
  /** The practice's ASID: requests must carry it in Ssp-To. */
  asid: string;
  /** Capabilities switched on (see Capability in @gpconnect/fhir). */
  capabilities: string[];
  /** Logical id of the practice's own Organization resource. */
  organisation_id: string;
  /** Access Record Structured areas switched off at this site (structured.md §7). */
  structured_areas_disabled: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Generated<Date>;
}

export interface OrganisationTable extends ResourceColumns {
  ods_code: string | null;
}

export interface LocationTable extends ResourceColumns {
  ods_site_code: string | null;
  organisation_id: string;
}

export interface PractitionerTable extends ResourceColumns {
  sds_user_id: string | null;
}

export interface PractitionerRoleTable extends ResourceColumns {
  practitioner_id: string;
  organisation_id: string;
}

export type RegistrationStatus = 'active' | 'inactive';

export interface PatientTable extends ResourceColumns {
  nhs_number: string;
  registration_status: RegistrationStatus;
  /** CareConnect-RegistrationType-1 code: R, E, IN, T, P, O, S. */
  registration_type: string;
  /** ISO date or dateTime. */
  registration_start: string | null;
  registration_end: string | null;
  /** CareConnect-NHSNumberVerificationStatus-1 code; only 01 (verified) is served. */
  nhs_number_verification: string;
  /** Restricted (S-flag) on PDS and locally: never disclosed. */
  sensitive: boolean;
  /** FHIR date or dateTime of death; null while alive. */
  deceased_at: string | null;
  /** Patient has dissented from sharing their record (not applied to Foundations or Appointments). */
  dissent: boolean;
  /** GP2GP transfer into this practice not complete. */
  record_in_transit: boolean;
  usual_gp_id: string | null;
  preferred_branch_id: string | null;
  /** WriteProvenance JSON of the last API write; null when the practice or a fixture wrote it. */
  provenance: ColumnType<string | null, string | null | undefined, string | null>;
}

/**
 * The Spine's Personal Demographics Service as this deployment simulates it: national, not per
 * practice. The provider traces against it; the PDS simulator serves it.
 */
export interface PdsPersonTable {
  nhs_number: string;
  /** Demographics as JSON text: see PdsDemographics in repositories/pds.ts. */
  demographics: string;
  /** ODS code of the registered GP practice. */
  gp_ods: string | null;
  sensitive: boolean;
  deceased_at: string | null;
  /** The NHS number that replaced this one (merged/superseded record). */
  superseded_by: string | null;
  invalidated: boolean;
  version: number;
  fixture: string | null;
}

/** An appointment schedule: a location, and a practitioner when known (appointments.md §1). */
export interface ScheduleTable extends ResourceColumns {
  location_id: string;
  practitioner_id: string | null;
  planning_start: ColumnType<Date, Date | string, Date | string>;
  planning_end: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

export type SlotStatus = 'free' | 'busy' | 'busy-unavailable' | 'busy-tentative' | 'entered-in-error';

/** A slot's `resource` is its Slot JSON without `status`, which lives in the column (see servedSlotJson). */
export interface SlotTable extends ResourceColumns {
  schedule_id: string;
  start_at: ColumnType<Date, Date | string, Date | string>;
  end_at: ColumnType<Date, Date | string, Date | string>;
  status: SlotStatus;
  /** GPConnect-DeliveryChannel codes offered (In-person, Telephone, Video). */
  delivery_channels: ColumnType<string[], string[] | undefined, string[]>;
  /** Only these booking organisations (ODS codes) may book it; null: any. */
  booking_org_ods: string[] | null;
  /** Only these organisation types (GPConnect-OrganisationType-1) may book it; null: any. */
  booking_org_types: string[] | null;
  /** Marked "GP Connect bookable" by the practice; other slots are never offered or booked. */
  gpconnect_bookable: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface AppointmentTable extends ResourceColumns {
  patient_id: string;
  status: 'booked' | 'cancelled';
  start_at: ColumnType<Date, Date | string, Date | string>;
  end_at: ColumnType<Date, Date | string, Date | string>;
  created_at: ColumnType<Date, Date | string, never>;
  booking_org_ods: string | null;
  /** WriteProvenance JSON of the last API write. */
  provenance: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Which slots an appointment holds; `live` is false once the appointment is cancelled. */
export interface AppointmentSlotTable {
  practice_ods: string;
  appointment_id: string;
  slot_id: string;
  live: boolean;
}

/** Clinical record items of every area (filled by the structured record issue). */
export interface ClinicalItemTable extends ResourceColumns {
  patient_id: string;
  resource_type: string;
  /** Clinical area: allergies, medications, problems, consultations, immunisations... */
  area: string;
  /** The date the area's date filters apply to; null when the item has none. */
  effective_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  confidential: boolean;
  status: string | null;
  /** WriteProvenance JSON when written through the API. */
  provenance: ColumnType<string | null, string | null | undefined, string | null>;
}

/**
 * A document of a patient's record (documents.md §4). `resource` is its DocumentReference as served
 * except `content.attachment.url` and `title`, which depend on the service root's address and on the
 * interaction (a file too large to retrieve is a placeholder), and are added when it is served.
 */
export interface DocumentTable extends ResourceColumns {
  patient_id: string;
  /** Logical id of the file's Binary. */
  binary_id: string;
  /** The type's display or text: `description` searches it too (documents.md §3). */
  type_text: string;
  /** ODS code of the authoring organisation, when an organisation is the author. */
  author_ods: string | null;
  created_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  indexed_at: ColumnType<Date, Date | string, Date | string>;
  description: string | null;
  /** The file's size in bytes: the sum of its chunks. */
  size_bytes: number;
  content_type: string;
  /** Withheld by the practice's confidentiality policy: only a migration asking for it may have it (§7). */
  confidential: ColumnType<boolean, boolean | undefined, boolean>;
}

/** One fixed-size piece of a document's file, `seq` from 0 (see DOCUMENT_CHUNK_BYTES). */
export interface DocumentContentTable {
  practice_ods: string;
  binary_id: string;
  seq: number;
  chunk: Uint8Array;
}

export interface AuditEventTable {
  /** Monotonic sequence number (general.md §12). */
  seq: Generated<number>;
  occurred_at: ColumnType<Date, Date | string, never>;
  practice_ods: string | null;
  trace_id: string | null;
  from_asid: string | null;
  to_asid: string | null;
  interaction_id: string | null;
  /** Our name of the interaction, when the request matched one. */
  interaction: string | null;
  method: string;
  /** Request path without its query string. */
  path: string;
  requesting_org_ods: string | null;
  requesting_org_name: string | null;
  practitioner_id: string | null;
  practitioner_name: string | null;
  sds_user_id: string | null;
  role_profile_id: string | null;
  requesting_device: string | null;
  patient_nhs_number: string | null;
  /** `OK` on success, otherwise the Spine error code returned. */
  outcome_code: string;
  http_status: number;
  duration_ms: number;
}

/** One request through the Spine Secure Proxy simulator, forwarded or refused. */
export interface SspHopTable {
  seq: Generated<number>;
  occurred_at: ColumnType<Date, Date | string, never>;
  trace_id: string | null;
  from_asid: string | null;
  to_asid: string | null;
  interaction_id: string | null;
  method: string;
  /** The provider URL the request named (or was forwarded to). */
  target_url: string | null;
  http_status: number;
  /** `FORWARDED`, or the SSP error it was refused with. */
  outcome: string;
  duration_ms: number;
}

export interface FixtureLoadTable {
  practice_ods: string;
  fixture: string;
  /** The day relative dates were computed from (ISO date). */
  loaded_on: string;
  loaded_at: ColumnType<Date, Date | string, Date | string>;
}

export interface Database {
  practice: PracticeTable;
  organisation: OrganisationTable;
  location: LocationTable;
  practitioner: PractitionerTable;
  practitioner_role: PractitionerRoleTable;
  patient: PatientTable;
  pds_person: PdsPersonTable;
  clinical_item: ClinicalItemTable;
  document: DocumentTable;
  document_content: DocumentContentTable;
  schedule: ScheduleTable;
  slot: SlotTable;
  appointment: AppointmentTable;
  appointment_slot: AppointmentSlotTable;
  audit_event: AuditEventTable;
  ssp_hop: SspHopTable;
  fixture_load: FixtureLoadTable;
}

/** Tables holding one practice's resources, in the order a reset may delete them. */
export const PRACTICE_RESOURCE_TABLES = [
  // An appointment's slot holds go with it or with the slot (on delete cascade).
  'appointment',
  'slot',
  'schedule',
  'clinical_item',
  // A document's chunks go with it (on delete cascade).
  'document',
  'patient',
  'practitioner_role',
  'practitioner',
  'location',
  'organisation',
] as const satisfies readonly (keyof Database)[];
