import { randomUUID } from 'node:crypto';
import { Agent, get } from 'node:http';
import { performance } from 'node:perf_hooks';
import { gpconnectHeaders } from '@gpconnect/provider/testing';
import type { DownloadResult, DownloadSpec } from './load-protocol.ts';
import { percentile } from './percentile.ts';

/**
 * Whole-document downloads, in a process of their own (forked through load-process.ts with the
 * DownloadSpec as argument), so that the server's process holds only the server: its memory can be
 * sampled while it serves. node:http only counts the body's bytes (no parsing, no decoding), which
 * keeps the client's share of the shared CPU small and the same for provider and ceiling; run.ts's
 * autocannon cannot tell the first byte of a body from its end.
 */

interface Timing {
  firstByteMs: number;
  wholeMs: number;
}

/** One GET with fresh headers; rejects with a description when it is not a 200 of the expected length. */
function download(spec: DownloadSpec, agent: Agent): Promise<Timing> {
  const headers = gpconnectHeaders(spec.interaction, { toAsid: spec.toAsid, now: Math.floor(Date.now() / 1000), traceId: randomUUID() });
  const sent = performance.now();
  return new Promise((resolve, reject) => {
    get(spec.url, { agent, headers }, (response) => {
      let firstByteAt: number | undefined;
      let bytes = 0;
      response.on('data', (piece: Buffer) => {
        firstByteAt ??= performance.now();
        bytes += piece.length;
      });
      response.on('error', reject);
      response.on('end', () => {
        const ended = performance.now();
        if (response.statusCode !== 200 || bytes !== spec.expectedBodyBytes) reject(new Error(`status ${response.statusCode}, ${bytes} of ${spec.expectedBodyBytes} bytes`));
        else resolve({ firstByteMs: (firstByteAt ?? ended) - sent, wholeMs: ended - sent });
      });
    }).on('error', reject);
  });
}

async function runDownloads(spec: DownloadSpec): Promise<DownloadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const timings: Timing[] = [];
  const failureSamples: string[] = [];
  let failures = 0;
  const began = performance.now();
  const deadline = spec.durationSeconds === undefined ? Number.POSITIVE_INFINITY : began + spec.durationSeconds * 1000;
  const perConnection = spec.downloadsPerConnection ?? Number.POSITIVE_INFINITY;
  // Each connection downloads one document after another; a failure ends that connection's turn.
  const connection = async () => {
    for (let made = 0; made < perConnection && performance.now() < deadline; made++) {
      try {
        timings.push(await download(spec, agent));
      } catch (error) {
        failures++;
        if (failureSamples.length < 5) failureSamples.push((error as Error).message);
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: spec.connections }, connection));
  const seconds = (performance.now() - began) / 1000;
  agent.destroy();
  const summary = (values: number[]) => {
    const sorted = Float64Array.from(values).sort();
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN };
  };
  return {
    downloads: timings.length,
    failures,
    failureSamples,
    seconds,
    firstByteMs: summary(timings.map((t) => t.firstByteMs)),
    wholeMs: summary(timings.map((t) => t.wholeMs)),
  };
}

const spec = JSON.parse(process.argv[2] ?? '') as DownloadSpec;
const result = await runDownloads(spec);
process.send!(result, () => process.disconnect());
