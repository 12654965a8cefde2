import { structuredRecordParameters } from '@gpconnect/sdk';
import { findPractice, type Database, type Kysely } from '@gpconnect/store';
import { GENERATED_FIXTURE, generateRecords, loadNationalRoster } from '@gpconnect/testdata';

/**
 * The records the structured-record scenarios read: generated patients of ~300 items at the roster's
 * practice and of ~1,000 items at a second practice (one generation per practice), sampled in turn so
 * that no single cached record is measured; and, for the scale run, many small filler records at a
 * third practice to grow the tables the queries use.
 */

export const LARGE_RECORD_PRACTICE = { practiceOds: 'A99999', asid: '200000000999' };
const FILLER_PRACTICE = { practiceOds: 'A99998', asid: '200000000998' };

export interface GeneratedSet {
  practiceOds: string;
  nhsNumbers: string[];
}

async function generatedNhsNumbers(db: Kysely<Database>, practiceOds: string): Promise<string[]> {
  const rows = await db.selectFrom('patient').select('nhs_number').where('practice_ods', '=', practiceOds).where('fixture', '=', GENERATED_FIXTURE).orderBy('id').execute();
  return rows.map((r) => r.nhs_number);
}

export async function prepareStructuredRecords(db: Kysely<Database>, rosterOds: string, sizes: { patients300: number; patients1000: number }): Promise<{ items300: GeneratedSet; items1000: GeneratedSet }> {
  const now = new Date();
  const today = now.toISOString().slice(0, 10);
  await generateRecords(db, { practiceOds: rosterOds, patients: sizes.patients300, items: 300, seed: 300, today, now });
  await loadNationalRoster(db, { ...LARGE_RECORD_PRACTICE, today, now });
  await generateRecords(db, { practiceOds: LARGE_RECORD_PRACTICE.practiceOds, patients: sizes.patients1000, items: 1000, seed: 1000, today, now });
  return {
    items300: { practiceOds: rosterOds, nhsNumbers: await generatedNhsNumbers(db, rosterOds) },
    items1000: { practiceOds: LARGE_RECORD_PRACTICE.practiceOds, nhsNumbers: await generatedNhsNumbers(db, LARGE_RECORD_PRACTICE.practiceOds) },
  };
}

/** Grows the store by `patients` small records at a practice of their own (the scale run). */
export async function addFillerPatients(db: Kysely<Database>, patients: number, onProgress: (done: number, total: number) => void): Promise<void> {
  const now = new Date();
  const today = now.toISOString().slice(0, 10);
  if (!(await findPractice(db, FILLER_PRACTICE.practiceOds))) await loadNationalRoster(db, { ...FILLER_PRACTICE, today, now });
  // Records only: the scale run grows the tables the structured queries use, not the document store.
  await generateRecords(db, { practiceOds: FILLER_PRACTICE.practiceOds, patients, items: 10, seed: 7, today, now, batchSize: 500, documents: false, onProgress });
}

/** The whole record of each patient, as a consumer asks for it (every area, no filters), one body per patient. */
export function fullRecordBodies(nhsNumbers: readonly string[]): string[] {
  const everything = { allergies: { includeResolved: true }, medications: {}, consultations: {}, problems: {}, immunisations: {}, uncategorised: {}, investigations: {}, referrals: {}, diaryEntries: {} };
  return nhsNumbers.map((nhsNumber) => JSON.stringify(structuredRecordParameters(nhsNumber, everything)));
}
