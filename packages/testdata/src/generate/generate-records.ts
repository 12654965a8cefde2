import { pdsPersonRow, recordFixtureLoad, type Database, type Kysely } from '@gpconnect/store';
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
  /** Patients per transaction. */
  batchSize?: number | undefined;
  onProgress?: ((patientsDone: number, patientsTotal: number) => void) | undefined;
}

export interface GenerateRecordsSummary {
  practiceOds: string;
  patients: number;
  clinicalItems: number;
  /** Generated patients of an earlier run at this practice that were removed first. */
  replacedPatients: number;
}

function checkOptions(options: GenerateRecordsOptions): void {
  parseIsoDate(options.today);
  if (!Number.isInteger(options.patients) || options.patients < 1) throw new RangeError('patients must be a whole number of at least 1');
  if (!Number.isInteger(options.items) || options.items < MIN_ITEMS || options.items > MAX_ITEMS) throw new RangeError(`items must be a whole number from ${MIN_ITEMS} to ${MAX_ITEMS}`);
  if (!Number.isInteger(options.seed)) throw new RangeError('seed must be a whole number');
}

async function readTarget(db: Kysely<Database>, practiceOds: string): Promise<GenerationTarget> {
  const practice = await db.selectFrom('practice').select('organisation_id').where('ods_code', '=', practiceOds).executeTakeFirst();
  if (!practice) throw new Error(`practice ${practiceOds} does not exist: create it first (gpconnect reset --practice ${practiceOds} --asid ...)`);
  const ids = async (table: 'practitioner' | 'location') => (await db.selectFrom(table).select('id').where('practice_ods', '=', practiceOds).orderBy('id').execute()).map((r) => r.id);
  const practitionerIds = await ids('practitioner');
  if (practitionerIds.length === 0) throw new Error(`practice ${practiceOds} has no practitioners to record the generated records`);
  return { practiceOds, organisationId: practice.organisation_id, practitionerIds, locationIds: await ids('location') };
}

/** One batch in one transaction: its patients, their record items (multi-row INSERTs) and their PDS records. */
async function writeBatch(db: Kysely<Database>, batch: readonly GeneratedPatient[]): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx.insertInto('patient').values(batch.map((b) => b.patient)).execute();
    const items = batch.flatMap((b) => b.clinicalItems);
    for (let i = 0; i < items.length; i += ITEM_CHUNK) await trx.insertInto('clinical_item').values(items.slice(i, i + ITEM_CHUNK)).execute();
    await trx.insertInto('pds_person').values(batch.map((b) => pdsPersonRow(b.pdsPerson, GENERATED_FIXTURE))).execute();
    return items.length;
  });
}

/** Removes the generated patients (their records go with them), their PDS records and the load record at the practice. */
async function removeGeneration(db: Kysely<Database>, practiceOds: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('clinical_item').where('practice_ods', '=', practiceOds).where('fixture', '=', GENERATED_FIXTURE).execute();
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
 * `generated-records`) with `patients` new ones of `items` record items each, and their PDS records.
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
  const planOptions = { target, seed: options.seed, items: options.items, today: options.today, now: options.now };
  let clinicalItems = 0;
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
      const write: Promise<void> = writeBatch(db, batch).then((items) => {
        writing.delete(write);
        clinicalItems += items;
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
  return { practiceOds, patients: options.patients, clinicalItems, replacedPatients };
}
