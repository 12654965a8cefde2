import { sql, type Kysely } from 'kysely';

/**
 * The GP record store. Plain SQL, valid on PostgreSQL 15 (the server) and PGlite (PostgreSQL 18).
 * Every practice-owned table is keyed (practice_ods, id): one deployment serves many practices and
 * each practice's logical ids are its own.
 */
const STATEMENTS = [
  sql`create table practice (
    ods_code text primary key,
    name text not null,
    asid text not null unique,
    capabilities text[] not null,
    organisation_id text not null,
    created_at timestamptz not null default now()
  )`,
  sql`create table organisation (
    practice_ods text not null references practice (ods_code) on delete cascade,
    id text not null,
    version integer not null,
    resource text not null,
    last_updated timestamptz not null,
    fixture text,
    ods_code text,
    primary key (practice_ods, id)
  )`,
  sql`create index organisation_ods_code on organisation (practice_ods, ods_code)`,
  sql`create table location (
    practice_ods text not null references practice (ods_code) on delete cascade,
    id text not null,
    version integer not null,
    resource text not null,
    last_updated timestamptz not null,
    fixture text,
    ods_site_code text,
    organisation_id text not null,
    primary key (practice_ods, id),
    foreign key (practice_ods, organisation_id) references organisation (practice_ods, id)
  )`,
  sql`create table practitioner (
    practice_ods text not null references practice (ods_code) on delete cascade,
    id text not null,
    version integer not null,
    resource text not null,
    last_updated timestamptz not null,
    fixture text,
    sds_user_id text,
    primary key (practice_ods, id)
  )`,
  sql`create index practitioner_sds_user_id on practitioner (practice_ods, sds_user_id)`,
  sql`create table practitioner_role (
    practice_ods text not null references practice (ods_code) on delete cascade,
    id text not null,
    version integer not null,
    resource text not null,
    last_updated timestamptz not null,
    fixture text,
    practitioner_id text not null,
    organisation_id text not null,
    primary key (practice_ods, id),
    foreign key (practice_ods, practitioner_id) references practitioner (practice_ods, id),
    foreign key (practice_ods, organisation_id) references organisation (practice_ods, id)
  )`,
  sql`create table patient (
    practice_ods text not null references practice (ods_code) on delete cascade,
    id text not null,
    version integer not null,
    resource text not null,
    last_updated timestamptz not null,
    fixture text,
    nhs_number text not null,
    registration_status text not null check (registration_status in ('active', 'inactive')),
    registration_type text not null,
    registration_start text,
    registration_end text,
    nhs_number_verification text not null,
    sensitive boolean not null default false,
    deceased_at text,
    dissent boolean not null default false,
    record_in_transit boolean not null default false,
    usual_gp_id text,
    preferred_branch_id text,
    primary key (practice_ods, id),
    unique (practice_ods, nhs_number)
  )`,
  sql`create table pds_person (
    nhs_number text primary key,
    demographics text not null,
    gp_ods text,
    sensitive boolean not null default false,
    deceased_at text,
    superseded_by text,
    invalidated boolean not null default false,
    version integer not null,
    fixture text
  )`,
  sql`create table clinical_item (
    practice_ods text not null references practice (ods_code) on delete cascade,
    id text not null,
    version integer not null,
    resource text not null,
    last_updated timestamptz not null,
    fixture text,
    patient_id text not null,
    resource_type text not null,
    area text not null,
    effective_at timestamptz,
    confidential boolean not null default false,
    status text,
    primary key (practice_ods, id),
    foreign key (practice_ods, patient_id) references patient (practice_ods, id) on delete cascade
  )`,
  sql`create index clinical_item_by_area on clinical_item (practice_ods, patient_id, area, effective_at)`,
  sql`create table audit_event (
    seq bigserial primary key,
    occurred_at timestamptz not null,
    practice_ods text,
    trace_id text,
    from_asid text,
    to_asid text,
    interaction_id text,
    interaction text,
    method text not null,
    path text not null,
    requesting_org_ods text,
    requesting_org_name text,
    practitioner_id text,
    practitioner_name text,
    sds_user_id text,
    role_profile_id text,
    requesting_device text,
    patient_nhs_number text,
    outcome_code text not null,
    http_status integer not null,
    duration_ms real not null
  )`,
  sql`create index audit_event_occurred_at on audit_event (occurred_at)`,
  sql`create index audit_event_trace_id on audit_event (trace_id)`,
  sql`create index audit_event_patient on audit_event (patient_nhs_number)`,
  sql`create table fixture_load (
    practice_ods text not null references practice (ods_code) on delete cascade,
    fixture text not null,
    loaded_on text not null,
    loaded_at timestamptz not null,
    primary key (practice_ods, fixture)
  )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['fixture_load', 'audit_event', 'clinical_item', 'pds_person', 'patient', 'practitioner_role', 'practitioner', 'location', 'organisation', 'practice']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
