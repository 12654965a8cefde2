import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { queryAuditEvents } from '@gpconnect/store';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { AuditWriter } from './audit-writer.ts';

const event = (traceId: string) => ({ occurred_at: new Date(), trace_id: traceId, method: 'GET', path: '/x', outcome_code: 'OK', http_status: 200, duration_ms: 1 });

for (const backend of testStoreBackends()) {
  describe(`audit group commit (${backend.name})`, () => {
    test('events written together resolve only once stored, in far fewer statements than events', async () => {
      const store = await backend.open();
      try {
        let statements = 0;
        const counting = store.db.withPlugin({
          transformQuery: (args) => {
            if (args.node.kind === 'InsertQueryNode') statements++;
            return args.node;
          },
          transformResult: async (args) => args.result,
        });
        const writer = new AuditWriter(counting);
        await Promise.all(Array.from({ length: 200 }, (_, i) => writer.write(event(`t${i}`))));
        const stored = await queryAuditEvents(store.db, { limit: 1000 });
        assert.equal(stored.length, 200);
        assert.ok(statements <= 3, `expected batching, got ${statements} insert statements`);
      } finally {
        await store.close();
      }
    });

    test('a failed write rejects its waiters and does not block later events', async () => {
      const store = await backend.open();
      try {
        const writer = new AuditWriter(store.db);
        await assert.rejects(writer.write({ ...event('bad'), http_status: 'x' as unknown as number }));
        await writer.write(event('good'));
        assert.deepEqual((await queryAuditEvents(store.db)).map((e) => e.trace_id), ['good']);
      } finally {
        await store.close();
      }
    });
  });
}
