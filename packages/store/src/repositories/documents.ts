import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Database, DocumentTable } from '../schema.ts';

/**
 * Bytes per stored chunk of a document's file: 255 KiB, a multiple of 3, so that the base64 of each
 * chunk but the last has no padding and the chunks' base64 texts joined are the file's base64.
 */
export const DOCUMENT_CHUNK_BYTES = 255 * 1024;

/** Chunks per insert statement: about 2 MB of parameters. */
const CHUNKS_PER_INSERT = 8;

export type DocumentRow = Selectable<DocumentTable>;
export type NewDocumentRow = Omit<Insertable<DocumentTable>, 'size_bytes'>;

/** Cuts pieces of any sizes into DOCUMENT_CHUNK_BYTES chunks (the last may be shorter). */
async function* fixedSizeChunks(pieces: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const piece of pieces) {
    let rest = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    while (pendingBytes + rest.length >= DOCUMENT_CHUNK_BYTES) {
      const take = DOCUMENT_CHUNK_BYTES - pendingBytes;
      yield Buffer.concat([...pending, rest.subarray(0, take)]);
      rest = rest.subarray(take);
      pending = [];
      pendingBytes = 0;
    }
    if (rest.length > 0) {
      pending.push(rest);
      pendingBytes += rest.length;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}

async function writeDocument(trx: Kysely<Database>, row: NewDocumentRow, content: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<number> {
  await trx.insertInto('document').values({ ...row, size_bytes: 0 }).execute();
  let size = 0;
  let seq = 0;
  let batch: { practice_ods: string; binary_id: string; seq: number; chunk: Buffer }[] = [];
  const flush = async () => {
    if (batch.length > 0) await trx.insertInto('document_content').values(batch).execute();
    batch = [];
  };
  for await (const chunk of fixedSizeChunks(content)) {
    batch.push({ practice_ods: row.practice_ods, binary_id: row.binary_id, seq: seq++, chunk });
    size += chunk.length;
    if (batch.length === CHUNKS_PER_INSERT) await flush();
  }
  await flush();
  await trx.updateTable('document').set({ size_bytes: size }).where('practice_ods', '=', row.practice_ods).where('id', '=', row.id).execute();
  return size;
}

/**
 * Stores a document and its file, read from `content` piece by piece (pieces of any size), and
 * returns the file's size. All of it or none: inside the caller's transaction, or its own.
 */
export async function insertDocument(db: Kysely<Database>, row: NewDocumentRow, content: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<number> {
  if (db.isTransaction) return writeDocument(db, row, content);
  return db.transaction().execute((trx) => writeDocument(trx, row, content));
}

/** Document rows per insert statement: 16 columns each, well inside PostgreSQL's 65,535 bind parameters. */
const DOCUMENTS_PER_INSERT = 1_000;

/** A document whose whole file is in memory. */
export interface DocumentWithContent {
  row: NewDocumentRow;
  content: Uint8Array;
}

/**
 * Stores documents whose files are already in memory, many to a statement (the rows in multi-row
 * INSERTs, the chunks in statements of up to CHUNKS_PER_INSERT chunks' worth of bytes): for loads
 * of many small files, where a statement per document would cost more than the writing. Returns the
 * bytes stored. All of it or none: inside the caller's transaction, or its own.
 */
export async function insertDocuments(db: Kysely<Database>, documents: readonly DocumentWithContent[]): Promise<number> {
  if (!db.isTransaction) return db.transaction().execute((trx) => insertDocuments(trx, documents));
  for (let i = 0; i < documents.length; i += DOCUMENTS_PER_INSERT) {
    await db.insertInto('document').values(documents.slice(i, i + DOCUMENTS_PER_INSERT).map((d) => ({ ...d.row, size_bytes: d.content.length }))).execute();
  }
  let batch: { practice_ods: string; binary_id: string; seq: number; chunk: Buffer }[] = [];
  let batchBytes = 0;
  let stored = 0;
  const flush = async () => {
    if (batch.length > 0) await db.insertInto('document_content').values(batch).execute();
    batch = [];
    batchBytes = 0;
  };
  for (const { row, content } of documents) {
    for (let at = 0, seq = 0; at < content.length; at += DOCUMENT_CHUNK_BYTES, seq++) {
      const chunk = Buffer.from(content.buffer, content.byteOffset + at, Math.min(DOCUMENT_CHUNK_BYTES, content.length - at));
      if (batchBytes + chunk.length > CHUNKS_PER_INSERT * DOCUMENT_CHUNK_BYTES || batch.length === DOCUMENTS_PER_INSERT) await flush();
      batch.push({ practice_ods: row.practice_ods, binary_id: row.binary_id, seq, chunk });
      batchBytes += chunk.length;
      stored += chunk.length;
    }
  }
  await flush();
  return stored;
}

/** What a search of a patient's documents filters on (documents.md §3); absent fields do not filter. */
export interface DocumentSearch {
  /** Created (indexed when there is no created date) at or after this instant. */
  from?: Date;
  /** Created (or indexed) before this instant. */
  before?: Date;
  /** ODS code of the authoring organisation. */
  authorOds?: string;
  /** Found in the description or the type, case-insensitively. */
  keyword?: string;
}

/**
 * The patient's documents a search may disclose (confidential ones never: documents.md §7), most
 * recently created first.
 */
export async function searchPatientDocuments(db: Kysely<Database>, practiceOds: string, patientId: string, search: DocumentSearch): Promise<DocumentRow[]> {
  let query = db
    .selectFrom('document')
    .selectAll()
    .where('practice_ods', '=', practiceOds)
    .where('patient_id', '=', patientId)
    .where('confidential', '=', false);
  // A document with no created date is searched by when it was indexed (documents.md §3).
  const created = sql<Date>`coalesce(created_at, indexed_at)`;
  if (search.from) query = query.where(created, '>=', search.from);
  if (search.before) query = query.where(created, '<', search.before);
  if (search.authorOds !== undefined) query = query.where('author_ods', '=', search.authorOds);
  if (search.keyword !== undefined) {
    // strpos, not LIKE: the keyword is matched as typed, % and _ included.
    const keyword = search.keyword.toLowerCase();
    query = query.where(sql<boolean>`(strpos(lower(coalesce(description, '')), ${keyword}) > 0 or strpos(lower(type_text), ${keyword}) > 0)`);
  }
  return query.orderBy(created, 'desc').orderBy('id').execute();
}

/** Every document of a patient, confidential or not (the caller decides), oldest indexed first. */
export async function findPatientDocuments(db: Kysely<Database>, practiceOds: string, patientId: string): Promise<DocumentRow[]> {
  return db.selectFrom('document').selectAll().where('practice_ods', '=', practiceOds).where('patient_id', '=', patientId).orderBy('indexed_at').orderBy('id').execute();
}

/** The document whose file is the Binary `binaryId`, confidential or not (the caller decides). */
export async function findDocumentByBinaryId(db: Kysely<Database>, practiceOds: string, binaryId: string): Promise<DocumentRow | undefined> {
  return db.selectFrom('document').selectAll().where('practice_ods', '=', practiceOds).where('binary_id', '=', binaryId).executeTakeFirst();
}

/**
 * The document's file, one stored chunk per query, so that only one chunk is held at a time. Throws
 * if the file changes under the reader (a chunk missing, or not the stored size in all).
 */
export async function* readDocumentContent(db: Kysely<Database>, document: Pick<DocumentRow, 'practice_ods' | 'binary_id' | 'size_bytes'>): AsyncGenerator<Uint8Array> {
  let read = 0;
  for (let seq = 0; read < document.size_bytes; seq++) {
    const row = await db
      .selectFrom('document_content')
      .select('chunk')
      .where('practice_ods', '=', document.practice_ods)
      .where('binary_id', '=', document.binary_id)
      .where('seq', '=', seq)
      .executeTakeFirst();
    if (!row || row.chunk.length === 0) throw new Error(`document content ${document.binary_id} ended at ${read} of ${document.size_bytes} bytes`);
    read += row.chunk.length;
    yield row.chunk;
  }
  if (read !== document.size_bytes) throw new Error(`document content ${document.binary_id} is ${read} bytes, not ${document.size_bytes}`);
}
