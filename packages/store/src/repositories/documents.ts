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
