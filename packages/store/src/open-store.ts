import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { MIGRATIONS } from './migrations/index.ts';
import { PgliteDialect } from './pglite-dialect.ts';
import { PreparingClient } from './prepared.ts';
import type { Database } from './schema.ts';

export interface StoreConfig {
  /** A PostgreSQL connection string. When absent the embedded PGlite store is used. */
  databaseUrl?: string | undefined;
  /** Directory of the embedded store's files; absent means in memory (tests). */
  dataDir?: string | undefined;
  /** Connections in the PostgreSQL pool. */
  poolSize?: number;
  /** Start the embedded store from a dump of another (see `dumpPgliteStore`); tests use it to skip initdb. */
  pgliteImage?: Blob | File | undefined;
  /** Told when the server drops an idle pooled connection (restart, failover, admin kill). */
  onConnectionError?: ((error: Error) => void) | undefined;
}

export interface Store {
  readonly db: Kysely<Database>;
  /**
   * What the audit trail is written through: on PostgreSQL a connection of its own, so that the
   * commit every response waits for never queues for a pooled connection behind the requests
   * themselves (with the pool busy, each audit batch would wait for a read to finish). The embedded
   * store has one connection: there it is `db`.
   */
  readonly auditDb: Kysely<Database>;
  readonly kind: 'postgres' | 'pglite';
  close(): Promise<void>;
  /** The embedded database itself, when this is a PGlite store. */
  readonly pglite?: PGlite;
}

const BYTEA = 17;
const INT8 = 20;
const DATE = 1082;

/**
 * Both drivers return the same JavaScript values: int8 as number (sequence numbers stay well below
 * 2^53) and SQL dates as ISO strings (a Date would shift them by the local time zone).
 */
const parseInt8 = (value: string) => Number(value);
const keepText = (value: string) => value;
/**
 * bytea as pg has it, a Buffer, in PostgreSQL's hex format both ways: Node's hex codec instead of
 * PGlite's own, which goes byte by byte through arrays and takes seconds over a file of a few MB.
 */
const parseBytea = (value: string) => Buffer.from(value.slice(2), 'hex');
const serializeBytea = (value: Uint8Array) => `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;

/** Opens the store selected by `config` and brings its schema up to date. */
export async function openStore(config: StoreConfig = {}): Promise<Store> {
  const store = config.databaseUrl ? openPostgres(config.databaseUrl, config.poolSize ?? 10, config.onConnectionError) : await openPglite(config.dataDir, config.pgliteImage);
  try {
    await migrateToLatest(store.db);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

function openPostgres(connectionString: string, max: number, onConnectionError: StoreConfig['onConnectionError']): Store {
  const db = postgresDb(connectionString, max, onConnectionError);
  const auditDb = postgresDb(connectionString, 1, onConnectionError);
  return {
    db,
    auditDb,
    kind: 'postgres',
    close: async () => {
      await Promise.all([db.destroy(), auditDb.destroy()]);
    },
  };
}

function postgresDb(connectionString: string, max: number, onConnectionError: StoreConfig['onConnectionError']): Kysely<Database> {
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString,
    max,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8 ? parseInt8 : oid === DATE ? keepText : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client whose connection the server closes emits 'error' on the pool; unhandled, that
  // would take the whole process down. pg has already discarded the client, so the next query
  // simply opens a fresh connection: report it and carry on.
  pool.on('error', (error) => onConnectionError?.(error));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

async function openPglite(dataDir: string | undefined, image: Blob | File | undefined): Promise<Store> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(image ? { loadDataDir: image } : {}),
    parsers: { [INT8]: parseInt8, [DATE]: keepText, [BYTEA]: parseBytea },
    serializers: { [BYTEA]: serializeBytea },
  });
  const db = new Kysely<Database>({ dialect: new PgliteDialect(pglite) });
  return { db, auditDb: db, kind: 'pglite', pglite, close: () => db.destroy() };
}

/** A snapshot of an embedded store that `openStore({ pgliteImage })` can start from. */
export async function dumpPgliteStore(store: Store): Promise<Blob | File> {
  if (!store.pglite) throw new Error('only an embedded store can be dumped');
  return store.pglite.dumpDataDir('none');
}

const migrationProvider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
