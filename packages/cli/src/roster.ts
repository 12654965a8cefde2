import type { Database, Kysely } from '@gpconnect/store';
import { isRosterLoaded, loadNationalRoster, NATIONAL_ROSTER, type NationalRosterLoadSummary } from '@gpconnect/testdata';

/** The UTC calendar day of `now`: the day the roster's relative dates are computed from. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Loads the national roster into its own practice unless it has been loaded there before. */
export async function seedIfEmpty(db: Kysely<Database>, now: Date): Promise<NationalRosterLoadSummary | undefined> {
  if (await isRosterLoaded(db, NATIONAL_ROSTER.practice.odsCode)) return undefined;
  return loadNationalRoster(db, { today: utcDay(now), now });
}
