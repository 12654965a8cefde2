import type { AddressInfo } from 'node:net';
import { buildProvider } from '@gpconnect/provider';
import { openStore } from '@gpconnect/store';
import { startCeiling } from './ceiling.ts';
import { MemorySampler, type Memory } from './memory.ts';

/**
 * The provider and the ceiling in a process of their own for the document retrieval bench (forked
 * by documents.ts with the database URL), as run.ts holds them, with nothing else in it: the load
 * comes from other processes, so the memory sampled here is what serving costs. It tells its two
 * origins over IPC, then answers the orchestrator's memory requests until the parent disconnects.
 * Forked with --expose-gc, for the live-memory round.
 */

/** Start sampling (`memory:start-live` also forcing a collection every 250 ms), or stop and report. */
export type ServerRequest = 'memory:start' | 'memory:start-live' | 'memory:stop';
export type ServerReply = { started: Memory } | { before: Memory; peak: Memory; now: Memory; live?: { beforeMb: number; peakMb: number } };
export interface ServerOrigins {
  provider: string;
  ceiling: string;
}

const [databaseUrl] = process.argv.slice(2) as [string];
const store = await openStore({ databaseUrl, poolSize: 10 });
const provider = await buildProvider({ store, logger: false });
await provider.listen({ port: 0, host: '127.0.0.1' });
const ceiling = await startCeiling(store.db);
const origins: ServerOrigins = { provider: `http://127.0.0.1:${(provider.server.address() as AddressInfo).port}`, ceiling: ceiling.origin };
process.send!(origins);

let sampler: MemorySampler | undefined;
process.on('message', (request: ServerRequest) => {
  if (request !== 'memory:stop') {
    sampler = new MemorySampler(request === 'memory:start-live' ? 250 : undefined);
    process.send!({ started: sampler.before } satisfies ServerReply);
  } else if (sampler) {
    const now = sampler.stop();
    process.send!({ before: sampler.before, peak: sampler.peak, now, ...(sampler.liveBeforeMb === undefined ? {} : { live: { beforeMb: sampler.liveBeforeMb, peakMb: sampler.livePeakMb! } }) } satisfies ServerReply);
  }
});
process.once('disconnect', () => {
  sampler?.stop();
  void ceiling.close().then(() => provider.close()).then(() => store.close());
});
