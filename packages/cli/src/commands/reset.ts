import { loadNationalRoster, NATIONAL_ROSTER, type NationalRosterLoadSummary } from '@gpconnect/testdata';
import type { Settings } from '../settings.ts';
import { withStore } from '../store-access.ts';
import { utcDay } from '../roster.ts';

export interface ResetOptions {
  /** The practice to (re)load the roster into; the roster's own practice by default. */
  practice?: string;
  /** Needed only when the practice does not exist yet. */
  asid?: string;
  name?: string;
}

/**
 * Restores a practice's national test roster to its exact starting state (what the API created
 * there is removed), creating the practice first when it does not exist.
 */
export function reset(settings: Settings, options: ResetOptions = {}, now: Date = new Date()): Promise<NationalRosterLoadSummary> {
  return withStore(settings, (store) =>
    loadNationalRoster(store.db, {
      practiceOds: options.practice ?? NATIONAL_ROSTER.practice.odsCode,
      ...(options.asid ? { asid: options.asid } : {}),
      ...(options.name ? { practiceName: options.name } : {}),
      today: utcDay(now),
      now,
    }),
  );
}
