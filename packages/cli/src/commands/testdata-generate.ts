import { generateRecords, type GenerateRecordsSummary } from '@gpconnect/testdata';
import type { Settings } from '../settings.ts';
import { withStore } from '../store-access.ts';
import { seedIfEmpty, utcDay } from '../roster.ts';

export interface GenerateOptions {
  practice?: string | undefined;
  patients: number;
  items: number;
  seed: number;
  /** Whether patients have documents; true unless --no-documents. */
  documents?: boolean | undefined;
  /** How many patients at most have a photograph over 5 MB (the 1st, 51st, 101st...). */
  largeDocuments?: number | undefined;
  /** Where the progress bar goes (stderr from the command line); none when undefined. */
  progress?: ((line: string, done: boolean) => void) | undefined;
}

const BAR_WIDTH = 30;

/** `[#####.....]  1200/2000 patients  310 patients/s` */
export function progressLine(done: number, total: number, elapsedMs: number): string {
  const filled = Math.round((done / total) * BAR_WIDTH);
  const rate = elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total} patients  ${rate} patients/s`;
}

/**
 * Replaces the practice's generated records with a new seeded generation, reporting progress as
 * batches commit. Into the roster's practice by default, seeding the roster first on an empty store
 * (the patients need its practice, practitioners and branch surgeries).
 */
export function generate(settings: Settings, options: GenerateOptions, now: Date = new Date()): Promise<GenerateRecordsSummary & { elapsedMs: number }> {
  return withStore(settings, async (store) => {
    if (options.practice === undefined) await seedIfEmpty(store.db, now);
    const started = performance.now();
    const summary = await generateRecords(store.db, {
      practiceOds: options.practice,
      patients: options.patients,
      items: options.items,
      seed: options.seed,
      documents: options.documents,
      largeDocuments: options.largeDocuments,
      today: utcDay(now),
      now,
      onProgress: (done, total) => options.progress?.(progressLine(done, total, performance.now() - started), done === total),
    });
    return { ...summary, elapsedMs: performance.now() - started };
  });
}
