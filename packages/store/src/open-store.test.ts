import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createScratchDatabase, testStoreBackends } from './testing.ts';
import { openStore } from './open-store.ts';
import { insertPractice, findPractice, setPracticeCapabilities } from './repositories/practices.ts';
import { insertAuditEvents, queryAuditEvents } from './repositories/audit.ts';
import { findPdsPerson, replaceFixturePdsPeople } from './repositories/pds.ts';

for (const backend of testStoreBackends()) {
  describe(`store on ${backend.name}`, () => {
    test('migrations create the schema and types come back the same on both drivers', async () => {
      const store = await backend.open();
      try {
        await insertPractice(store.db, { odsCode: 'A1', name: 'Practice', asid: '1', capabilities: ['foundations'], organisationId: '1' });
        const practice = await findPractice(store.db, 'A1');
        assert.deepEqual(practice?.capabilities, ['foundations']);
        assert.ok(practice?.created_at instanceof Date);
        const row = await sql<{ n: number; d: string }>`select 9007199254740::int8 as n, date '2020-02-29' as d`.execute(store.db);
        assert.deepEqual(row.rows[0], { n: 9007199254740, d: '2020-02-29' });
        // bytea: a Buffer both ways, every byte value and an empty one intact.
        const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
        const binary = await sql<{ b: Buffer; e: Buffer }>`select ${bytes}::bytea as b, ${new Uint8Array(0)}::bytea as e`.execute(store.db);
        assert.ok(Buffer.isBuffer(binary.rows[0]!.b));
        assert.deepEqual([binary.rows[0]!.b, binary.rows[0]!.e], [bytes, Buffer.alloc(0)]);
        assert.equal(await setPracticeCapabilities(store.db, 'A1', []), true);
        assert.equal(await setPracticeCapabilities(store.db, 'NOPE', []), false);
      } finally {
        await store.close();
      }
    });

    test('audit events are written in one batch and read back newest first', async () => {
      const store = await backend.open();
      try {
        const base = { method: 'GET', path: '/x', outcome_code: 'OK', http_status: 200, duration_ms: 1.5 };
        await insertAuditEvents(store.db, [
          { ...base, occurred_at: new Date('2026-01-01T00:00:00Z'), trace_id: 'a' },
          { ...base, occurred_at: new Date('2026-01-01T00:00:01Z'), trace_id: 'b', outcome_code: 'BAD_REQUEST', http_status: 400 },
        ]);
        const all = await queryAuditEvents(store.db);
        assert.deepEqual(all.map((e) => e.trace_id), ['b', 'a']);
        assert.ok(all[0]!.seq > all[1]!.seq);
        assert.deepEqual((await queryAuditEvents(store.db, { outcomeCode: 'BAD_REQUEST' })).map((e) => e.trace_id), ['b']);
      } finally {
        await store.close();
      }
    });

    test('a transaction that fails leaves nothing behind, and concurrent transactions and queries all complete', async () => {
      const store = await backend.open();
      try {
        await insertPractice(store.db, { odsCode: 'A1', name: 'P', asid: '1', capabilities: [], organisationId: '1' });
        await assert.rejects(
          store.db.transaction().execute(async (trx) => {
            await insertPractice(trx, { odsCode: 'A2', name: 'P', asid: '2', capabilities: [], organisationId: '1' });
            await insertPractice(trx, { odsCode: 'A3', name: 'P', asid: '1', capabilities: [], organisationId: '1' });
          }),
        );
        assert.equal(await findPractice(store.db, 'A2'), undefined);
        // Transactions and plain queries issued together all complete; none sees another's partial work.
        await Promise.all(
          Array.from({ length: 10 }, (_, i) => [
            store.db.transaction().execute(async (trx) => {
              await insertPractice(trx, { odsCode: `B${i}`, name: 'P', asid: `b${i}`, capabilities: [], organisationId: '1' });
              assert.ok(await findPractice(trx, `B${i}`));
            }),
            findPractice(store.db, 'A1').then((found) => assert.equal(found?.ods_code, 'A1')),
          ]).flat(),
        );
        const count = await store.db.selectFrom('practice').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        assert.equal(Number(count.n), 11);
      } finally {
        await store.close();
      }
    });

    test('reloading fixture PDS records restores them exactly', async () => {
      const store = await backend.open();
      try {
        const person = {
          nhsNumber: '9690937278',
          demographics: { name: { family: 'SAMUAL', given: ['Lucien'] }, gender: 'male' as const, birthDate: '1938-12-11' },
          gpOds: 'B82617', sensitive: false, deceasedAt: null, supersededBy: null, invalidated: false,
        };
        await replaceFixturePdsPeople(store.db, 'f', [person]);
        await replaceFixturePdsPeople(store.db, 'f', [{ ...person, gpOds: 'X' }]);
        await replaceFixturePdsPeople(store.db, 'f', [person]);
        assert.deepEqual(await findPdsPerson(store.db, '9690937278'), { ...person, version: 1 });
      } finally {
        await store.close();
      }
    });
  });
}

describe('store on a PostgreSQL server', { skip: !process.env['GPC_TEST_POSTGRES_URL'] && 'GPC_TEST_POSTGRES_URL is not set' }, () => {
  test('an idle connection killed by the server is reported, not fatal, and the next query reconnects', async () => {
    const backend = testStoreBackends().find((b) => b.name === 'postgres')!;
    const errors: Error[] = [];
    const store = await backend.open({ onConnectionError: (error) => errors.push(error) });
    try {
      const before = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(store.db);
      const pid = before.rows[0]!.pid;
      const admin = await openStore({ databaseUrl: process.env['GPC_TEST_POSTGRES_URL'] });
      try {
        await sql`select pg_terminate_backend(${pid})`.execute(admin.db);
      } finally {
        await admin.close();
      }
      for (let i = 0; i < 50 && errors.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(errors.length, 1, 'the dropped connection was reported once');
      const after = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(store.db);
      assert.notEqual(after.rows[0]!.pid, pid, 'a fresh connection served the next query');
    } finally {
      await store.close();
    }
  });

  test('the audit trail is written while every pooled connection is taken', async () => {
    const database = await createScratchDatabase(process.env['GPC_TEST_POSTGRES_URL']!);
    const store = await openStore({ databaseUrl: database.url, poolSize: 1 });
    let release = () => {};
    try {
      const held = new Promise<void>((resolve) => (release = resolve));
      let holding!: () => void;
      const taken = new Promise<void>((resolve) => (holding = resolve));
      const transaction = store.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        holding();
        await held;
      });
      await taken;
      const timeout = (ms: number) => new Promise<'timed out'>((resolve) => setTimeout(() => resolve('timed out'), ms).unref());
      // The pool is exhausted: a query through it waits for the transaction...
      const pooled = sql`select 1`.execute(store.db);
      assert.equal(await Promise.race([pooled.then(() => 'answered' as const), timeout(300)]), 'timed out');
      // ...but the audit batch commits through its own connection.
      const audit = insertAuditEvents(store.auditDb, [{ occurred_at: new Date(), method: 'GET', path: '/x', outcome_code: 'OK', http_status: 200, duration_ms: 1 }]);
      assert.equal(await Promise.race([audit.then(() => 'written' as const), timeout(5000)]), 'written');
      release();
      await Promise.all([transaction, pooled]);
      assert.deepEqual((await queryAuditEvents(store.db)).map((e) => e.path), ['/x']);
    } finally {
      release();
      await store.close();
      await database.drop();
    }
  });
});
