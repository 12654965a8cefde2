import { createHash, randomBytes } from 'node:crypto';
import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGunzip } from 'node:zlib';
import { buildProvider, SERVICE_ROOTS } from '@gpconnect/provider';
import { gpconnectHeaders } from '@gpconnect/provider/testing';
import { findDocumentByBinaryId, insertDocument, readDocumentContent, type Store } from '@gpconnect/store';
import { openBenchStore } from './bench-store.ts';
import { benchRetrieval } from './document-retrieval.ts';
import { sampleMemory } from './memory.ts';

/**
 * `node --import tsx bench/documents.ts`: Access Document on PostgreSQL, over real HTTP.
 *
 * Migrate a document of BENCH_DOCUMENT_MB megabytes (default 100), against the ceiling of reading its
 * chunks from the same store and base64-encoding them with nothing else on the path. Prints MB/s of
 * both, their ratio, and how far the process's resident memory rose while each ran: streaming must
 * keep that far below the file's size (the file is never held whole).
 *
 * Then retrieve a document just under the 5 MB limit (document-retrieval.ts): MB/s and time to first
 * byte against a bare route streaming the same chunks, and the server's memory under
 * BENCH_CONCURRENT_DOWNLOADS (default 20) downloads at once.
 *
 * Environment: BENCH_DATABASE_URL as for `npm run bench`, BENCH_ENCODING (gzip, the default, or
 * identity; the migration only), BENCH_DURATION_S (seconds per measured retrieval run, default 10),
 * BENCH_DOWNLOAD_CONNECTIONS (default 4), BENCH_DOWNLOAD_ROUNDS (default 3).
 */

const SERVER_URL = process.env['BENCH_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres';
const MEGABYTES = Number(process.env['BENCH_DOCUMENT_MB'] || 100);
const ODS = 'B82617';
const ASID = '918999198738';
const BINARY_ID = 'bench-binary';
/** What the client accepts: gzip (the default, as consumers send it) or identity. */
const ENCODING = process.env['BENCH_ENCODING'] || 'gzip';
const MB = 1024 * 1024;
/** Retrieval serves files up to 5 MB (documents.md §5); the bench's is just under, so it is served. */
const RETRIEVE_BYTES = 5 * MB - 1024;
const RETRIEVE_BINARY_ID = 'bench-retrieve-binary';

function envCount(name: string, fallback: number): number {
  const value = Number(process.env[name] || fallback);
  if (!(value > 0)) throw new Error(`${name} must be a positive number`);
  return value;
}

/** The highest of the process's resident set size while `work` runs, above what it was at the start, in MB. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; rssRiseMb: number }> {
  const { result, seconds, before, peak } = await sampleMemory(work);
  return { result, seconds, rssRiseMb: peak.rssMb - before.rssMb };
}

/** A bench document of random bytes, written from pieces of at most 1 MB; returns its SHA-256. */
async function insertBenchDocument(store: Store, document: { id: string; binaryId: string; patientId: string; bytes: number; contentType: string }): Promise<string> {
  const hash = createHash('sha256');
  async function* pieces() {
    for (let left = document.bytes; left > 0; left -= MB) {
      const piece = randomBytes(Math.min(MB, left));
      hash.update(piece);
      yield piece;
    }
  }
  const row = { practice_ods: ODS, id: document.id, version: 1, resource: '{}', last_updated: new Date(), fixture: null, patient_id: document.patientId, binary_id: document.binaryId, type_text: 'Photograph', indexed_at: new Date(), content_type: document.contentType };
  await insertDocument(store.db, row, pieces());
  return hash.digest('hex');
}

/**
 * Fetches the Binary and hashes the file it carries as the body arrives (node:http and zlib, so the
 * client's own costs stay small and visible): the base64 runs from after `"content":"` to the next quote.
 */
async function migratedFileHash(url: string, headers: Record<string, string>): Promise<string> {
  const response = await new Promise<IncomingMessage>((resolve, reject) => get(url, { headers }, resolve).on('error', reject));
  if (response.statusCode !== 200) throw new Error(`migrate answered ${response.statusCode}`);
  const body = response.headers['content-encoding'] === 'gzip' ? response.pipe(createGunzip()) : response;
  const hash = createHash('sha256');
  let head = '';
  let inContent = false;
  let carry = '';
  for await (const piece of body.setEncoding('latin1')) {
    let text = piece as string;
    if (!inContent) {
      head += text;
      const at = head.indexOf('"content":"');
      if (at < 0) continue;
      inContent = true;
      text = head.slice(at + '"content":"'.length);
    }
    const end = text.indexOf('"');
    const base64 = carry + (end < 0 ? text : text.slice(0, end));
    const whole = base64.length - (base64.length % 4);
    hash.update(Buffer.from(base64.slice(0, whole), 'base64'));
    carry = base64.slice(whole);
    if (end >= 0) break;
  }
  return hash.digest('hex');
}

async function main(): Promise<void> {
  let dispose: (() => Promise<void>) | undefined;
  const store = await openBenchStore(SERVER_URL, 10, (d) => (dispose = d));
  const app = await buildProvider({ store });
  let closing: Promise<void> | undefined;
  const closeApp = () => (closing ??= app.close());
  try {
    const expected = await insertBenchDocument(store, { id: 'bench-document', binaryId: BINARY_ID, patientId: '4', bytes: MEGABYTES * MB, contentType: 'application/octet-stream' });
    // Retrieved for patient2 (an ordinary patient whose documents may be shared), whose PDS record stays as it is.
    const retrieveSha256 = await insertBenchDocument(store, { id: 'bench-retrieve-document', binaryId: RETRIEVE_BINARY_ID, patientId: '2', bytes: RETRIEVE_BYTES, contentType: 'application/pdf' });
    // The migrating consumer must be the patient's practice on PDS (documents.md §6).
    await store.db.updateTable('pds_person').set({ gp_ods: 'A20047' }).where('nhs_number', '=', '9690937308').execute();
    const document = (await findDocumentByBinaryId(store.db, ODS, BINARY_ID))!;

    const ceiling = await withPeakRss(async () => {
      let length = 0;
      for await (const chunk of readDocumentContent(store.db, document)) length += Buffer.from(chunk).toString('base64').length;
      return length;
    });

    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/${ODS}/${SERVICE_ROOTS.documents.path}/Binary/${BINARY_ID}`;
    const headers = gpconnectHeaders('migrateDocument', { toAsid: ASID, now: Math.floor(Date.now() / 1000) });
    const ours = await withPeakRss(() => migratedFileHash(url, { ...headers, 'accept-encoding': ENCODING }));
    if (ours.result !== expected) throw new Error('the migrated file differs from the stored one');

    const mbPerS = (seconds: number) => Math.round((MEGABYTES / seconds) * 10) / 10;
    console.log(`document of ${MEGABYTES} MB (${document.size_bytes} bytes) on PostgreSQL`);
    console.log(`ceiling (read chunks + base64): ${mbPerS(ceiling.seconds)} MB/s, RSS rise ${Math.round(ceiling.rssRiseMb)} MB`);
    console.log(`migrate over HTTP, ${ENCODING} (hash checked): ${mbPerS(ours.seconds)} MB/s, RSS rise ${Math.round(ours.rssRiseMb)} MB`);
    console.log(`ratio: ${Math.round((ceiling.seconds / ours.seconds) * 100)}% of the ceiling`);
    // Retrieval runs its own provider in a process of its own: this one is done.
    await closeApp();

    await benchRetrieval({
      databaseUrl: store.url,
      ods: ODS,
      toAsid: ASID,
      binaryId: RETRIEVE_BINARY_ID,
      documentBytes: RETRIEVE_BYTES,
      sha256: retrieveSha256,
      durationSeconds: envCount('BENCH_DURATION_S', 10),
      warmupSeconds: 2,
      connections: envCount('BENCH_DOWNLOAD_CONNECTIONS', 4),
      concurrent: envCount('BENCH_CONCURRENT_DOWNLOADS', 20),
      rounds: envCount('BENCH_DOWNLOAD_ROUNDS', 3),
    });
  } finally {
    await closeApp();
    await dispose?.();
  }
}

await main();
