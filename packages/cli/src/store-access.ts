import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '@gpconnect/store';
import type { Settings } from './settings.ts';

export class StoreBusyError extends Error {}

/**
 * The embedded store is a single-process database: two processes opening the same PGlite directory
 * would corrupt it. Whoever opens it holds a lock file naming its pid; a second process is refused
 * while that pid is alive, and takes over a lock left behind by one that died.
 */
function acquireLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'gpconnect.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(path);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(path, 'utf8'));
      if (isAlive(holder)) {
        throw new StoreBusyError(
          `the embedded store in ${dataDir} is in use by another gpconnect process (pid ${holder}); stop it first, ` +
            'or run against PostgreSQL (DATABASE_URL), which any number of processes can share',
        );
      }
      unlinkSync(path);
    }
  }
  throw new StoreBusyError(`could not lock the embedded store in ${dataDir}`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Opens the configured store (migrated); closing it releases the embedded store's lock. */
export async function openConfiguredStore(settings: Settings, onConnectionError?: (error: Error) => void): Promise<Store> {
  if (settings.databaseUrl) return openStore({ databaseUrl: settings.databaseUrl, onConnectionError });
  const release = acquireLock(settings.dataDir);
  try {
    const store = await openStore({ dataDir: join(settings.dataDir, 'pglite') });
    return {
      ...store,
      close: async () => {
        try {
          await store.close();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** Runs `work` with the store open, closing it afterwards. */
export async function withStore<T>(settings: Settings, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openConfiguredStore(settings);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
