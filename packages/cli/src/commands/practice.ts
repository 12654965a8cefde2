import { ALL_CAPABILITIES, type Capability } from '@gpconnect/fhir';
import { listPractices, setPracticeCapabilities, type PracticeRow } from '@gpconnect/store';
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
  const enable = checkCapabilities(change.enable ?? []);
  const disable = checkCapabilities(change.disable ?? []);
  return withStore(settings, async (store) =>
    store.db.transaction().execute(async (trx) => {
      // Locked, so two changes at once cannot each undo the other's.
      const practice = await trx.selectFrom('practice').select('capabilities').where('ods_code', '=', ods).forUpdate().executeTakeFirst();
      if (!practice) throw new UnknownPracticeError(`no practice ${ods} in this store`);
      const current = new Set(practice.capabilities as Capability[]);
      for (const capability of enable) current.add(capability);
      for (const capability of disable) current.delete(capability);
      // Keep the catalogue's order so the list reads the same every time.
      const next = ALL_CAPABILITIES.filter((capability) => current.has(capability));
      await setPracticeCapabilities(trx, ods, next);
      return next;
    }),
  );
}
