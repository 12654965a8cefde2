import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { dumpPgliteStore, openStore, type Store, type StoreConfig } from './open-store.ts';

/**
 * The stores database suites run against: always the embedded PGlite store, and PostgreSQL as well
 * when GPC_TEST_POSTGRES_URL names a server (CI sets it). Each `open()` gives a fresh, empty,
 * migrated database of its own, dropped again on close, so suites can run in parallel.
 */
export interface TestStoreBackend {
  readonly name: 'pglite' | 'postgres';
  open(options?: Pick<StoreConfig, 'onConnectionError'>): Promise<Store>;
}

export function testStoreBackends(): TestStoreBackend[] {
  const backends: TestStoreBackend[] = [{ name: 'pglite', open: openPgliteFromTemplate }];
  const serverUrl = process.env['GPC_TEST_POSTGRES_URL'];
  if (serverUrl) backends.push({ name: 'postgres', open: (options) => openScratchPostgres(serverUrl, options) });
  return backends;
}

async function withAdminClient<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database on a PostgreSQL server, for one test or one process under test. */
export interface ScratchDatabase {
  readonly url: string;
  /** Drops the database, closing any connection still open on it. */
  drop(): Promise<void>;
}

export async function createScratchDatabase(serverUrl: string, prefix = 'gpc_test'): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (c) => c.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdminClient(serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

async function openScratchPostgres(serverUrl: string, options: Pick<StoreConfig, 'onConnectionError'> = {}): Promise<Store> {
  const database = await createScratchDatabase(serverUrl);
  const store = await openStore({ databaseUrl: database.url, poolSize: 12, ...options });
  return {
    db: store.db,
    auditDb: store.auditDb,
    kind: store.kind,
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
}

/**
 * Creating a PGlite database runs initdb (seconds); restoring a dump of an already migrated one is
 * several times faster, so each test process builds the template once and restores it per store.
 */
let pgliteTemplate: Promise<Blob | File> | undefined;

async function openPgliteFromTemplate(): Promise<Store> {
  pgliteTemplate ??= openStore().then(async (store) => {
    try {
      return await dumpPgliteStore(store);
    } finally {
      await store.close();
    }
  });
  return openStore({ pgliteImage: await pgliteTemplate });
}
