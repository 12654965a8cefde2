import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GpConnectError } from '@gpconnect/fhir';
import { queryAuditEvents } from '@gpconnect/store';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { auditedTransaction } from './audit-event.ts';
import type { GpConnectContext } from './request-context.ts';

const NOW = new Date('2026-11-24T10:00:00Z');
const context = (traceId: string): GpConnectContext => ({
  startedAt: process.hrtime.bigint(),
  method: 'PUT',
  path: '/B82617/STU3/1/gpconnect/Appointment/1',
  traceId,
  fromAsid: '200000000359',
  toAsid: '918999198738',
  interactionId: 'urn:nhs:names:services:gpconnect:fhir:rest:update:appointment-1',
  format: 'json',
});

for (const backend of testStoreBackends()) {
  describe(`general.md §12 a write's audit record commits with the write (${backend.name})`, () => {
    test('committed: the record is stored once and the response hook is told; thrown: neither the record nor the mark is left', async () => {
      const store = await backend.open();
      try {
        const done = context('trace-done');
        assert.equal(await auditedTransaction(store.db, done, 200, NOW, async () => 'written'), 'written');
        assert.equal(done.auditCommittedStatus, 200);
        assert.deepEqual((await queryAuditEvents(store.db, { traceId: 'trace-done' })).map((a) => [a.http_status, a.outcome_code, a.method, a.path]), [[200, 'OK', 'PUT', '/B82617/STU3/1/gpconnect/Appointment/1']]);

        const lost = context('trace-lost');
        const conflict = new GpConnectError('FHIR_CONSTRAINT_VIOLATION', 'changed by another request');
        await assert.rejects(
          auditedTransaction(store.db, lost, 200, NOW, async () => {
            throw conflict;
          }),
          (error) => error === conflict,
        );
        assert.equal(lost.auditCommittedStatus, undefined, 'the response hook still writes the error response record');
        assert.deepEqual(await queryAuditEvents(store.db, { traceId: 'trace-lost' }), []);
      } finally {
        await store.close();
      }
    });
  });
}
