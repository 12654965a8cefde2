import { sql, type Kysely } from 'kysely';

/**
 * Access Document (documents.md): each document's metadata and its DocumentReference, and the file
 * itself in fixed-size chunks. Chunks keep a file of any size (migrate has no limit, documents.md §6)
 * inside one transactional store that works the same on PGlite and PostgreSQL, and let a response
 * stream it chunk by chunk instead of holding it whole.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table document (
    practice_ods text not null references practice (ods_code) on delete cascade,
    id text not null,
    version integer not null,
    resource text not null,
    last_updated timestamptz not null,
    fixture text,
    patient_id text not null,
    binary_id text not null,
    type_text text not null,
    author_ods text,
    created_at timestamptz,
    indexed_at timestamptz not null,
    description text,
    size_bytes bigint not null check (size_bytes >= 0),
    content_type text not null,
    confidential boolean not null default false,
    primary key (practice_ods, id),
    unique (practice_ods, binary_id),
    foreign key (practice_ods, patient_id) references patient (practice_ods, id) on delete cascade
  )`.execute(db);
  await sql`create index document_by_patient on document (practice_ods, patient_id, (coalesce(created_at, indexed_at)))`.execute(db);
  await sql`create table document_content (
    practice_ods text not null,
    binary_id text not null,
    seq integer not null check (seq >= 0),
    chunk bytea not null,
    primary key (practice_ods, binary_id, seq),
    foreign key (practice_ods, binary_id) references document (practice_ods, binary_id) on delete cascade
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table document_content`.execute(db);
  await sql`drop table document`.execute(db);
}
