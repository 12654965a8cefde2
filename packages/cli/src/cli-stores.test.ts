import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreeSlots, openStore } from '@gpconnect/store';
import { createScratchDatabase, type ScratchDatabase } from '@gpconnect/store/testing';
import { loadNationalRoster } from '@gpconnect/testdata';
import { bundleEntries, ODS, registerRea, runCli, searchRea, startUp } from './test-support.ts';

/**
 * The gpconnect command over stores it did not seed itself: one seeded weeks ago (the rolling
 * appointment capacity is topped up), and PostgreSQL shared between processes. Apart from cli.test.ts
 * so the two files' processes run side by side.
 */

describe('gpconnect up keeps the rolling appointment capacity ahead of the calendar', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gpconnect-topup-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('a store seeded 20 days ago gets the next two weeks of free slots at start, without a reset', async () => {
    const loadedAt = new Date(Date.now() - 20 * 24 * 3600 * 1000);
    const seeded = await openStore({ dataDir: join(dataDir, 'pglite') });
    try {
      await loadNationalRoster(seeded.db, { today: loadedAt.toISOString().slice(0, 10), now: loadedAt });
      await seeded.db.insertInto('audit_event').values({ occurred_at: loadedAt, method: 'GET', path: '/marker', outcome_code: 'OK', http_status: 200, duration_ms: 1 }).execute();
    } finally {
      await seeded.close();
    }
    const system = await startUp({ GPCONNECT_DATA_DIR: dataDir });
    assert.match(system.banner, /Topped up the roster's appointment capacity: \d+ slots added/);
    assert.doesNotMatch(system.banner, /Seeded/);
    assert.equal((await system.stop()).code, 0);
    const store = await openStore({ dataDir: join(dataDir, 'pglite') });
    try {
      const now = new Date();
      const free = await findFreeSlots(store.db, ODS, now, new Date(now.getTime() + 14 * 24 * 3600 * 1000));
      assert.ok(free.length >= 100, `${free.length} free slots in the next two weeks`);
      assert.equal((await store.db.selectFrom('audit_event').select('path').where('path', '=', '/marker').execute()).length, 1, 'nothing was reset');
    } finally {
      await store.close();
    }
  });
});

const serverUrl = process.env['GPC_TEST_POSTGRES_URL'];

describe('gpconnect on PostgreSQL (DATABASE_URL)', { skip: !serverUrl && 'GPC_TEST_POSTGRES_URL is not set' }, () => {
  let database: ScratchDatabase;
  let env: Record<string, string>;
  before(async () => {
    database = await createScratchDatabase(serverUrl!);
    env = { DATABASE_URL: database.url, GPCONNECT_DATA_DIR: join(tmpdir(), 'gpconnect-unused') };
  });
  after(async () => database.drop());

  test('processes share the store: a capability switched off by the CLI reaches the running provider, and reset works while it serves', async () => {
    const system = await startUp(env);
    try {
      assert.match(system.banner, /store: PostgreSQL at 127\.0\.0\.1:5432\/gpc_test_/);
      assert.doesNotMatch(system.banner, /postgres@/, 'no credentials printed');
      assert.equal((await registerRea(system.url)).status, 200);
      assert.equal((await runCli(['practice', 'capabilities', ODS, '--disable', 'foundations'], env)).code, 0);
      // The provider caches practice rows for up to 2 s.
      let status = 0;
      for (let i = 0; i < 40 && status !== 403; i++) {
        status = (await searchRea(system.url)).status;
        if (status !== 403) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(status, 403, 'foundations switched off answers 403 ACCESS DENIED');
      assert.equal((await runCli(['practice', 'capabilities', ODS, '--enable', 'foundations'], env)).code, 0);
      const reset = await runCli(['reset'], env);
      assert.equal(reset.code, 0, reset.stderr);
      let total = -1;
      for (let i = 0; i < 40 && total !== 0; i++) {
        const response = await searchRea(system.url);
        total = response.status === 200 ? await bundleEntries(response) : -1;
        if (total !== 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(total, 0, 'the reset removed the registration');
    } finally {
      assert.equal((await system.stop()).code, 0);
    }
  });
});
