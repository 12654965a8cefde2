import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { GpConnectError } from '@gpconnect/fhir';
import { testStoreBackends } from '../../../store/src/testing.ts';
import { bundleEntries, expectOperationOutcome, expectResource, startProvider, type ProviderUnderTest } from '../test-support.ts';
import { AssemblyLimit } from './assembly-limit.ts';

const body = {
  resourceType: 'Parameters',
  parameter: [{ name: 'patientNHSNumber', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9690937286' } }, { name: 'includeProblems' }, { name: 'includeConsultations' }],
};

test('AssemblyLimit: runs up to its cap, queues up to its queue in order, refuses the rest, and frees slots as work ends', async () => {
  const limit = new AssemblyLimit(2, 1, 60_000);
  const releases: (() => void)[] = [];
  const started: number[] = [];
  const job = (n: number) => limit.run(() => new Promise<number>((resolve) => {
    started.push(n);
    releases.push(() => resolve(n));
  }));
  const first = job(1);
  const second = job(2);
  const third = job(3);
  await assert.rejects(job(4), (error: unknown) => error instanceof GpConnectError && error.definition.httpStatus === 429);
  await Promise.resolve();
  assert.deepEqual(started, [1, 2], 'two run; the third waits');
  releases[0]!();
  assert.equal(await first, 1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(started, [1, 2, 3], 'the waiting one takes the freed slot');
  releases[1]!();
  releases[2]!();
  assert.deepEqual([await second, await third], [2, 3]);
  // A failed assembly frees its slot too.
  await assert.rejects(limit.run(() => Promise.reject(new Error('boom'))), /boom/);
  const again = await Promise.all([limit.run(async () => 'a'), limit.run(async () => 'b')]);
  assert.deepEqual(again, ['a', 'b']);
});

test('AssemblyLimit: a request that waits longer than its limit is refused, and leaves the queue', async () => {
  const limit = new AssemblyLimit(1, 5, 30);
  let release!: () => void;
  const running = limit.run(() => new Promise<void>((resolve) => (release = resolve)));
  const started = Date.now();
  await assert.rejects(limit.run(async () => 'too late'), (error: unknown) => error instanceof GpConnectError && error.definition.httpStatus === 429);
  assert.ok(Date.now() - started >= 25, 'refused only after waiting');
  release();
  await running;
  assert.equal(await limit.run(async () => 'next'), 'next', 'the timed-out waiter took no slot');
});

// A burst needs requests that really wait on the database at once: PGlite answers in process, so
// one request's queries finish before the next arrives. On PostgreSQL (CI) they overlap.
const backend = testStoreBackends().find((b) => b.name === 'postgres');

describe('a burst of structured records sheds load with 429 instead of collapsing', { skip: backend ? false : 'GPC_TEST_POSTGRES_URL is not set' }, () => {
  let provider: ProviderUnderTest;
  before(async () => {
    provider = await startProvider(backend!, { config: { structuredAssemblies: { concurrent: 1, queued: 1, maxWaitMs: 60_000 } } });
  });
  after(async () => provider.close());

  test('beyond one running and one waiting, requests are refused at once with a Retry-After; the rest are served whole', async () => {
    const responses = await Promise.all(Array.from({ length: 8 }, () => provider.send('getStructuredRecord', { body })));
    const served = responses.filter((r) => r.statusCode === 200);
    const refused = responses.filter((r) => r.statusCode === 429);
    assert.equal(served.length + refused.length, 8, `only 200 and 429: ${responses.map((r) => r.statusCode).join(',')}`);
    assert.ok(served.length >= 2 && refused.length >= 1, `served ${served.length}, refused ${refused.length}`);
    for (const response of refused) {
      expectOperationOutcome(response, 'TOO_MANY_REQUESTS');
      assert.equal(response.headers['retry-after'], '1');
    }
    for (const response of served) assert.ok(bundleEntries(expectResource(response, 'Bundle') as { entry: { resource: Record<string, unknown> }[] }).length > 50);
    // Once the burst is over the slots are free again.
    expectResource(await provider.send('getStructuredRecord', { body }), 'Bundle');
  });

  test('a record is sent gzip-encoded to a consumer that accepts it', async () => {
    const response = await provider.send('getStructuredRecord', { body, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(response.headers['content-encoding'], 'gzip');
    const bundle = JSON.parse(gunzipSync(response.rawPayload).toString('utf8')) as { resourceType: string; entry: unknown[] };
    assert.equal(bundle.resourceType, 'Bundle');
    assert.ok(response.rawPayload.length * 4 < Buffer.byteLength(JSON.stringify(bundle)), 'several-fold smaller');
  });
});
