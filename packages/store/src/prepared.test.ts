import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testStoreBackends } from './testing.ts';
import { preparedStatement } from './prepared.ts';

const PRACTICES_NAMED = preparedStatement<{ ods_code: string; n: number }>(
  'test_practices_named',
  `select $1::text as ods_code, cardinality($2::text[]) as n`,
);

test('a statement name cannot be declared again with other text (the same text is allowed)', () => {
  assert.throws(() => preparedStatement('test_practices_named', 'select 1'), /declared twice/);
  assert.equal(preparedStatement('test_practices_named', PRACTICES_NAMED.text).text, PRACTICES_NAMED.text);
});

for (const backend of testStoreBackends()) {
  describe(`prepared statements on ${backend.name}`, () => {
    test('run with their parameters, on their own and inside a transaction', async () => {
      const store = await backend.open();
      try {
        assert.deepEqual(await PRACTICES_NAMED.run(store.db, ['A1', ['x', 'y', 'z']]), [{ ods_code: 'A1', n: 3 }]);
        const inTransaction = await store.db.transaction().execute((trx) => PRACTICES_NAMED.run(trx, ['B2', []]));
        assert.deepEqual(inTransaction, [{ ods_code: 'B2', n: 0 }]);
      } finally {
        await store.close();
      }
    });

    if (backend.name === 'postgres') {
      test('are kept prepared on the connection under their name; other statements are not', async () => {
        const store = await backend.open();
        try {
          const prepared = await store.db.connection().execute(async (connection) => {
            await PRACTICES_NAMED.run(connection, ['A1', []]);
            await PRACTICES_NAMED.run(connection, ['A2', ['x']]);
            await sql`select ${'not prepared'}::text as t`.execute(connection);
            return (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(connection)).rows;
          });
          assert.deepEqual(prepared, [{ name: 'test_practices_named', statement: PRACTICES_NAMED.text }]);
        } finally {
          await store.close();
        }
      });
    }
  });
}
