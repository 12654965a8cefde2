import { insertDocuments, pdsPersonRow, recordFixtureLoad, type Database, type Kysely } from '@gpconnect/store';
import { parseIsoDate } from '../dates.ts';
import { NATIONAL_ROSTER } from '../roster.ts';
import { GENERATED_FIXTURE, planGeneratedPatient, type GeneratedPatient, type GenerationTarget } from './plan-generated-patient.ts';
import { testRangeNhsNumbers } from './test-range-nhs-numbers.ts';

export const MIN_ITEMS = 10;
export const MAX_ITEMS = 3_000;
/** Clinical item rows per INSERT: 12 columns each, well inside PostgreSQL's 65,535 bind parameters. */
const ITEM_CHUNK = 1_000;
/** Batches written at once, each on its own connection. */
const WRITERS = 2;

export interface GenerateRecordsOptions {
  /** Practice to register the patients at; the roster's practice by default. It must exist, with its practitioners. */
  practiceOds?: string | undefined;
  patients: number;
  /** Record items per patient, 10 to 3,000. */
  items: number;
  seed: number;
  /** ISO date records are generated up to (dates are before it, recalls after it). */
  today: string;
  now: Date;
  /** Whether patients have documents (letters of a few hundred bytes to 2 KB, photographs up to 1 MB); true by default. */
  documents?: boolean | undefined;
  /** How many patients at most (the 1st, 51st, 101st...) have a photograph over 5 MB; 20 by default, 0 for none. */
  largeDocuments?: number | undefined;
  /** Patients per transaction. */
  batchSize?: number | undefined;
  onProgress?: ((patientsDone: number, patientsTotal: number) => void) | undefined;
}

export interface GenerateRecordsSummary {
  practiceOds: string;
  patients: number;
  clinicalItems: number;
  documents: number;
  /** The documents' files, in bytes. */
  documentBytes: number;
  /** Generated patients of an earlier run at this practice that were removed first. */
  replacedPatients: number;
}

function checkOptions(options: GenerateRecordsOptions): void {
  parseIsoDate(options.today);
  if (!Number.isInteger(options.patients) || options.patients < 1) throw new RangeError('patients must be a whole number of at least 1');
  if (!Number.isInteger(options.items) || options.items < MIN_ITEMS || options.items > MAX_ITEMS) throw new RangeError(`items must be a whole number from ${MIN_ITEMS} to ${MAX_ITEMS}`);
  if (!Number.isInteger(options.seed)) throw new RangeError('seed must be a whole number');
  if (options.largeDocuments !== undefined && (!Number.isInteger(options.largeDocuments) || options.largeDocuments < 0)) throw new RangeError('largeDocuments must be a whole number of at least 0');
}

async function readTarget(db: Kysely<Database>, practiceOds: string): Promise<GenerationTarget> {
  const practice = await db.selectFrom('practice').select(['organisation_id', 'name']).where('ods_code', '=', practiceOds).executeTakeFirst();
  if (!practice) throw new Error(`practice ${practiceOds} does not exist: create it first (gpconnect reset --practice ${practiceOds} --asid ...)`);
  const ids = async (table: 'practitioner' | 'location') => (await db.selectFrom(table).select('id').where('practice_ods', '=', practiceOds).orderBy('id').execute()).map((r) => r.id);
  const practitionerIds = await ids('practitioner');
  if (practitionerIds.length === 0) throw new Error(`practice ${practiceOds} has no practitioners to record the generated records`);
  // The first other organisation of the practice's directory with an ODS code writes the hospital's letters (the roster's R1A14).
  const hospital = await db
    .selectFrom('organisation')
    .select(['id', 'ods_code'])
    .where('practice_ods', '=', practiceOds)
    .where('id', '!=', practice.organisation_id)
    .where('ods_code', 'is not', null)
    .orderBy('id')
    .executeTakeFirst();
  return {
    practiceOds,
    practiceName: practice.name,
    organisationId: practice.organisation_id,
    hospital: hospital ? { id: hospital.id, odsCode: hospital.ods_code! } : undefined,
    practitionerIds,
    locationIds: await ids('location'),
  };
}

/** One batch in one transaction: its patients, their record items and documents (multi-row INSERTs) and their PDS records. */
async function writeBatch(db: Kysely<Database>, batch: readonly GeneratedPatient[]): Promise<{ items: number; documents: number; documentBytes: number }> {
  return db.transaction().execute(async (trx) => {
    await trx.insertInto('patient').values(batch.map((b) => b.patient)).execute();
    const items = batch.flatMap((b) => b.clinicalItems);
    for (let i = 0; i < items.length; i += ITEM_CHUNK) await trx.insertInto('clinical_item').values(items.slice(i, i + ITEM_CHUNK)).execute();
    const documents = batch.flatMap((b) => b.documents);
    const documentBytes = await insertDocuments(trx, documents);
    await trx.insertInto('pds_person').values(batch.map((b) => pdsPersonRow(b.pdsPerson, GENERATED_FIXTURE))).execute();
    return { items: items.length, documents: documents.length, documentBytes };
  });
}

/** Removes the generated patients with their records and documents, their PDS records and the load record at the practice. */
async function removeGeneration(db: Kysely<Database>, practiceOds: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('clinical_item').where('practice_ods', '=', practiceOds).where('fixture', '=', GENERATED_FIXTURE).execute();
    // The files first, in one statement, rather than by the cascade document by document.
    await trx
      .deleteFrom('document_content')
      .where('practice_ods', '=', practiceOds)
      .where('binary_id', 'in', (eb) => eb.selectFrom('document').select('binary_id').where('practice_ods', '=', practiceOds).where('fixture', '=', GENERATED_FIXTURE))
      .execute();
    await trx.deleteFrom('document').where('practice_ods', '=', practiceOds).where('fixture', '=', GENERATED_FIXTURE).execute();
    const removed = await trx.deleteFrom('patient').where('practice_ods', '=', practiceOds).where('fixture', '=', GENERATED_FIXTURE).executeTakeFirst();
    await trx.deleteFrom('pds_person').where('fixture', '=', GENERATED_FIXTURE).where('gp_ods', '=', practiceOds).execute();
    await trx.deleteFrom('fixture_load').where('practice_ods', '=', practiceOds).where('fixture', '=', GENERATED_FIXTURE).execute();
    return Number(removed.numDeletedRows);
  });
}

/** Test-range numbers already used in this deployment (another practice's generation, patients registered through the API) and the roster's. */
async function takenNumbers(db: Kysely<Database>): Promise<Set<string>> {
  const onPds = await db.selectFrom('pds_person').select('nhs_number').where('nhs_number', 'like', '999%').execute();
  const held = await db.selectFrom('patient').select('nhs_number').where('nhs_number', 'like', '999%').execute();
  const roster = NATIONAL_ROSTER;
  return new Set([
    ...onPds.map((r) => r.nhs_number),
    ...held.map((r) => r.nhs_number),
    ...roster.patients.map((p) => p.nhsNumber),
    ...roster.accessRecordHtmlPatients.people.map((p) => p.nhsNumber),
    ...roster.pdsOnlyPatients.people.map((p) => p.nhsNumber),
    ...roster.reservedNumbers.neverOnPds,
  ]);
}

/**
 * `gpconnect testdata generate`: replaces the practice's generated records (fixture
 * `generated-records`) with `patients` new ones of `items` record items each, their documents and
 * their PDS records.
 * The same seed, practice directory, date and store give byte-identical rows. Written in batches, one
 * transaction per batch with multi-row INSERTs, two batches at a time; the removal of the previous generation is its own
 * transaction, so an interrupted run leaves a partial generation that the next run replaces.
 */
export async function generateRecords(db: Kysely<Database>, options: GenerateRecordsOptions): Promise<GenerateRecordsSummary> {
  checkOptions(options);
  const practiceOds = options.practiceOds ?? NATIONAL_ROSTER.practice.odsCode;
  const target = await readTarget(db, practiceOds);
  const replacedPatients = await removeGeneration(db, practiceOds);
  const numbers = testRangeNhsNumbers(options.patients, options.seed, await takenNumbers(db));
  const batchSize = options.batchSize ?? 50;
  const planOptions = { target, seed: options.seed, items: options.items, today: options.today, now: options.now, documents: options.documents, largeDocuments: options.largeDocuments };
  let clinicalItems = 0;
  let documents = 0;
  let documentBytes = 0;
  let patientsDone = 0;
  // Planning is CPU in this process, writing is work in the database: the next batch is planned while
  // earlier ones are written, on up to WRITERS connections at once.
  const writing = new Set<Promise<void>>();
  try {
    for (let first = 0; first < options.patients; first += batchSize) {
      const batch: GeneratedPatient[] = [];
      for (const [k, nhsNumber] of numbers.slice(first, first + batchSize).entries()) {
        batch.push(planGeneratedPatient(planOptions, first + k + 1, nhsNumber));
        // Let the writes in flight send their next statement.
        await new Promise((resolve) => setImmediate(resolve));
      }
      while (writing.size >= WRITERS) await Promise.race(writing);
      const write: Promise<void> = writeBatch(db, batch).then((written) => {
        writing.delete(write);
        clinicalItems += written.items;
        documents += written.documents;
        documentBytes += written.documentBytes;
        patientsDone += batch.length;
        options.onProgress?.(patientsDone, options.patients);
      });
      writing.add(write);
      // A failed write is reported by the next wait on the writes in flight, not as an unhandled rejection.
      write.catch(() => undefined);
    }
  } finally {
    await Promise.allSettled(writing);
  }
  await Promise.all(writing);
  await recordFixtureLoad(db, practiceOds, GENERATED_FIXTURE, options.today, options.now);
  return { practiceOds, patients: options.patients, clinicalItems, documents, documentBytes, replacedPatients };
}
