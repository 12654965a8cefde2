import { openStore, type Store } from '@gpconnect/store';
import { createScratchDatabase } from '@gpconnect/store/testing';
import { loadNationalRoster } from '@gpconnect/testdata';

/**
 * The database the bench runs on: a scratch database of its own on the PostgreSQL server (so a run
 * never touches anyone's data and leaves nothing behind), migrated and seeded with the national
 * roster for today. The scratch-database helper is the one the store's test backends use for "one
 * test or one process under test"; reusing it keeps the create/drop SQL in one place.
 *
 * `onCreated` receives the disposer as soon as the database exists, before the slow part (migrating,
 * seeding), so that an interrupt at any point after creation still drops it.
 */
export async function openBenchStore(serverUrl: string, poolSize: number, onCreated: (dispose: () => Promise<void>) => void): Promise<Store & { url: string }> {
  const database = await createScratchDatabase(serverUrl, 'gpc_bench');
  let store: Store | undefined;
  let disposed: Promise<void> | undefined;
  // Closes the pool, then drops the database (forcing out any connection left); runs once.
  const dispose = () =>
    (disposed ??= (async () => {
      try {
        await store?.close();
      } finally {
        await database.drop();
      }
    })());
  onCreated(dispose);
  store = await openStore({ databaseUrl: database.url, poolSize });
  const now = new Date();
  await loadNationalRoster(store.db, { today: now.toISOString().slice(0, 10), now });
  return Object.assign(store, { url: database.url });
}
