import { ALL_CAPABILITIES, type Capability } from '@gpconnect/fhir';
import { listPractices, setPracticeCapabilities, setStructuredAreasDisabled, type PracticeRow } from '@gpconnect/store';
import type { Settings } from '../settings.ts';
import { withStore } from '../store-access.ts';

export class UnknownPracticeError extends Error {}
export class UnknownCapabilityError extends Error {}

export function practices(settings: Settings): Promise<PracticeRow[]> {
  return withStore(settings, (store) => listPractices(store.db));
}

function checkCapabilities(names: readonly string[]): Capability[] {
  const unknown = names.filter((name) => !ALL_CAPABILITIES.includes(name as Capability));
  if (unknown.length) throw new UnknownCapabilityError(`unknown capability ${unknown.join(', ')}; the capabilities are ${ALL_CAPABILITIES.join(', ')}`);
  return names as Capability[];
}

/**
 * Switches capabilities of a practice on and off (an interaction whose capability is off answers with
 * the spec's error) and returns the capabilities now on. A running provider sees the change within
 * its practice cache time.
 */
export function changeCapabilities(settings: Settings, ods: string, change: { enable?: readonly string[]; disable?: readonly string[] }): Promise<Capability[]> {
  return changeSwitchSet(settings, ods, 'capabilities', ALL_CAPABILITIES, { add: checkCapabilities(change.enable ?? []), remove: checkCapabilities(change.disable ?? []) });
}

/** Access Record Structured's clinical areas (structured.md §7), as the switches name them. */
export const STRUCTURED_AREAS = ['allergies', 'medications', 'consultations', 'problems', 'immunisations', 'uncategorised', 'investigations', 'referrals', 'diaryEntries', 'documents'] as const;

function checkAreas(names: readonly string[]): string[] {
  const unknown = names.filter((name) => !(STRUCTURED_AREAS as readonly string[]).includes(name));
  if (unknown.length) throw new UnknownCapabilityError(`unknown clinical area ${unknown.join(', ')}; the areas are ${STRUCTURED_AREAS.join(', ')}`);
  return [...names];
}

/** Switches Access Record Structured areas on and off at a practice; returns the areas now switched off. */
export function changeStructuredAreas(settings: Settings, ods: string, change: { enable?: readonly string[]; disable?: readonly string[] }): Promise<string[]> {
  return changeSwitchSet(settings, ods, 'structured_areas_disabled', STRUCTURED_AREAS, { add: checkAreas(change.disable ?? []), remove: checkAreas(change.enable ?? []) });
}

/**
 * Adds and removes names in one of a practice's switch lists, under a row lock so two changes at
 * once cannot each undo the other's, and returns the list now stored, in the catalogue's order.
 */
function changeSwitchSet<T extends string>(
  settings: Settings,
  ods: string,
  column: 'capabilities' | 'structured_areas_disabled',
  catalogue: readonly T[],
  change: { add: readonly string[]; remove: readonly string[] },
): Promise<T[]> {
  return withStore(settings, async (store) =>
    store.db.transaction().execute(async (trx) => {
      const practice = await trx.selectFrom('practice').select(column).where('ods_code', '=', ods).forUpdate().executeTakeFirst();
      if (!practice) throw new UnknownPracticeError(`no practice ${ods} in this store`);
      const current = new Set<string>(practice[column] as string[]);
      for (const name of change.add) current.add(name);
      for (const name of change.remove) current.delete(name);
      const next = catalogue.filter((name) => current.has(name));
      if (column === 'capabilities') await setPracticeCapabilities(trx, ods, next);
      else await setStructuredAreasDisabled(trx, ods, next);
      return next;
    }),
  );
}
