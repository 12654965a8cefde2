import { fork, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { SERVICE_ROOTS } from '@gpconnect/provider';
import { gpconnectHeaders } from '@gpconnect/provider/testing';
import type { ServerOrigins, ServerReply, ServerRequest } from './document-server.ts';
import { runDownloads } from './load-process.ts';
import type { DownloadResult, DownloadSpec } from './load-protocol.ts';
import { warnIfBusy } from './machine.ts';
import type { Memory } from './memory.ts';

/**
 * Retrieve a document (documents.md §5) of a file just under the 5 MB limit: GET Binary/{id} through
 * the provider's whole pipeline (fresh JWT and Ssp-* headers per request, audit on) against the
 * ceiling's bare route streaming the same stored chunks as a Binary of base64 (ceiling.ts). Provider
 * and ceiling share a process of their own (document-server.ts), the downloads run in another
 * (download.ts). Three measures:
 *
 * - MB/s of document bytes delivered at `connections` downloads at a time, provider against ceiling;
 * - time to the first byte of the body, p50 and p99, from the same runs;
 * - the server process's memory while `concurrent` downloads run together, `rounds` times over for
 *   the provider (once for the ceiling, the reference, to keep the run short): the highest resident
 *   set size and JavaScript memory (heap + Buffers) each round reaches above what it was before the
 *   first, and what is left a second after the last; then one more round collecting garbage every
 *   250 ms, whose highest heap + Buffers is what the downloads hold (the peaks before count garbage
 *   the process has not collected yet). A server holding whole documents would rise by `concurrent`
 *   times the file and its base64.
 */

const MB = 1024 * 1024;

export interface RetrievalOptions {
  databaseUrl: string;
  ods: string;
  toAsid: string;
  binaryId: string;
  documentBytes: number;
  /** SHA-256 (hex) of the stored file: both sides must deliver exactly it. */
  sha256: string;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  concurrent: number;
  /** Rounds of `concurrent` downloads the provider's memory is sampled over; the ceiling's, one. */
  rounds: number;
}

interface Side {
  name: 'ceiling' | 'provider';
  url: string;
  /** The length of this side's Binary JSON (the provider's carries meta.versionId, the ceiling's not). */
  bodyBytes: number;
}

/**
 * Runs `work` against a fresh document-server.ts process, given the Binary's URL on its provider and
 * on its ceiling; the process ends with it.
 */
async function withServer<T>(options: RetrievalOptions, work: (child: ChildProcess, urls: Record<Side['name'], string>) => Promise<T>): Promise<T> {
  const child = fork(fileURLToPath(new URL('./document-server.ts', import.meta.url)), [options.databaseUrl], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const origins = await new Promise<ServerOrigins>((resolve, reject) => {
      child.once('message', (message) => resolve(message as ServerOrigins));
      child.once('exit', (code) => reject(new Error(`the document server ended (exit code ${code}) before it listened`)));
    });
    const path = `Binary/${options.binaryId}`;
    return await work(child, { provider: `${origins.provider}/${options.ods}/${SERVICE_ROOTS.documents.path}/${path}`, ceiling: `${origins.ceiling}/ceiling/${options.ods}/${path}` });
  } finally {
    if (child.connected) child.disconnect();
    if (child.exitCode === null) await once(child, 'exit');
  }
}

function ask(child: ChildProcess, request: ServerRequest): Promise<ServerReply> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as ServerReply));
    child.send(request);
  });
}

/** One retrieval, read whole: the Binary must carry exactly the stored file. Returns the body's length. */
async function confirm(url: string, options: RetrievalOptions): Promise<number> {
  const headers = gpconnectHeaders('retrieveDocument', { toAsid: options.toAsid, now: Math.floor(Date.now() / 1000), traceId: randomUUID() });
  const response = await new Promise<IncomingMessage>((resolve, reject) => get(url, { headers }, resolve).on('error', reject));
  const pieces: Buffer[] = [];
  for await (const piece of response) pieces.push(piece as Buffer);
  const body = Buffer.concat(pieces);
  const problem = (message: string) => new Error(`retrieve a document, ${url}: ${message}; answered ${response.statusCode}: ${body.subarray(0, 300).toString()}`);
  if (response.statusCode !== 200) throw problem('not 200');
  const binary = JSON.parse(body.toString()) as { resourceType?: string; id?: string; content?: string };
  if (binary.resourceType !== 'Binary' || binary.id !== options.binaryId) throw problem(`expected Binary/${options.binaryId}`);
  const file = Buffer.from(binary.content ?? '', 'base64');
  if (file.length !== options.documentBytes || createHash('sha256').update(file).digest('hex') !== options.sha256) throw problem('the file differs from the stored one');
  return body.length;
}

async function downloads(side: Side, options: RetrievalOptions, run: Pick<DownloadSpec, 'connections' | 'durationSeconds' | 'downloadsPerConnection'>): Promise<DownloadResult> {
  const result = await runDownloads({ url: side.url, interaction: 'retrieveDocument', toAsid: options.toAsid, expectedBodyBytes: side.bodyBytes, ...run });
  if (result.failures > 0 || result.downloads === 0) throw new Error(`${side.name}: ${result.failures} failed downloads of ${result.failures + result.downloads} (${result.failureSamples.join('; ')})`);
  return result;
}

/** The server's memory over `rounds` rounds of `concurrent` downloads at once, against what it was before the first. */
async function memoryRounds(child: ChildProcess, side: Side, options: RetrievalOptions, rounds: number) {
  const peaks: Memory[] = [];
  let before: Memory | undefined;
  for (let round = 0; round < rounds; round++) {
    const started = (await ask(child, 'memory:start')) as { started: Memory };
    before ??= started.started;
    await downloads(side, options, { connections: options.concurrent, downloadsPerConnection: 1 });
    peaks.push(((await ask(child, 'memory:stop')) as { peak: Memory }).peak);
  }
  await sleep(1000);
  await ask(child, 'memory:start');
  const after = ((await ask(child, 'memory:stop')) as { now: Memory }).now;
  // One more round, collecting garbage every 250 ms: what the downloads hold, garbage not counted.
  await ask(child, 'memory:start-live');
  await downloads(side, options, { connections: options.concurrent, downloadsPerConnection: 1 });
  const { live } = (await ask(child, 'memory:stop')) as { live: { beforeMb: number; peakMb: number } };
  const rise = (m: Memory) => ({ rssMb: m.rssMb - before!.rssMb, heapMb: m.heapMb - before!.heapMb });
  const peakRises = peaks.map(rise);
  return { before: before!, peakRises, highestRssRiseMb: Math.max(...peakRises.map((p) => p.rssMb)), afterRise: rise(after), liveRiseMb: live.peakMb - live.beforeMb };
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);

export async function benchRetrieval(options: RetrievalOptions) {
  const began = Date.now();
  const fileMb = options.documentBytes / MB;
  const base64Mb = (Math.ceil(options.documentBytes / 3) * 4) / MB;
  const wholeMb = options.concurrent * (fileMb + base64Mb);
  const bodyBytes = {} as Record<Side['name'], number>;
  const side = (name: Side['name'], urls: Record<Side['name'], string>): Side => ({ name, url: urls[name], bodyBytes: bodyBytes[name] });

  // Memory first, each side in a fresh server process, so that no earlier run has already grown it;
  // the ceiling's process then serves the throughput runs.
  const memoryOf = async (name: Side['name'], child: ChildProcess, urls: Record<Side['name'], string>) => {
    bodyBytes[name] ??= await confirm(urls[name], options);
    return memoryRounds(child, side(name, urls), options, name === 'provider' ? options.rounds : 1);
  };
  console.log(`\nretrieve a document of ${options.documentBytes} bytes (${fixed(fileMb, 2)} MB), checked byte for byte from both sides`);
  console.log(
    `retrieve a document: ${options.concurrent} concurrent downloads, ${options.rounds} rounds (the ceiling 1) and one collecting garbage, each side in a fresh server process ` +
      `(holding them whole would take ${options.concurrent} x (${fixed(fileMb)} MB file + ${fixed(base64Mb)} MB base64) = ${Math.round(wholeMb)} MB)...`,
  );
  const providerMemory = await withServer(options, (child, urls) => memoryOf('provider', child, urls));
  const { ceilingMemory, ceiling, provider } = await withServer(options, async (child, urls) => {
    const ceilingMemory = await memoryOf('ceiling', child, urls);
    const memory = { provider: providerMemory, ceiling: ceilingMemory };
    for (const name of ['provider', 'ceiling'] as const) {
      const m = memory[name];
      console.log(
        `  ${name.padEnd(8)} RSS ${Math.round(m.before.rssMb)} MB before; peak rise per round ${m.peakRises.map((p) => `+${Math.round(p.rssMb)}`).join(' ')} MB ` +
          `(heap+Buffers ${m.peakRises.map((p) => `+${Math.round(p.heapMb)}`).join(' ')}); 1 s after the last: RSS +${Math.round(m.afterRise.rssMb)}, heap+Buffers ${Math.round(m.afterRise.heapMb)} MB; ` +
          `live (collected every 250 ms) +${Math.round(m.liveRiseMb)} MB`,
      );
    }
    const share = (mb: number) => `${Math.round(mb)} MB (${Math.round((mb / wholeMb) * 100)}% of holding the downloads whole)`;
    console.log(`  provider: highest RSS rise ${share(providerMemory.highestRssRiseMb)}; live memory rise ${share(providerMemory.liveRiseMb)}`);

    const sides = { ceiling: side('ceiling', urls), provider: side('provider', urls) };
    const spec = (durationSeconds: number) => ({ connections: options.connections, durationSeconds });
    console.log(`retrieve a document: warm-up (${options.warmupSeconds} s each), then ${options.durationSeconds} s each at ${options.connections} connections...`);
    await downloads(sides.ceiling, options, spec(options.warmupSeconds));
    await downloads(sides.provider, options, spec(options.warmupSeconds));
    const ceilingBusy = await warnIfBusy('retrieve a document ceiling');
    const ceiling = await downloads(sides.ceiling, options, spec(options.durationSeconds));
    const providerBusy = await warnIfBusy('retrieve a document provider');
    const provider = await downloads(sides.provider, options, spec(options.durationSeconds));
    return { ceilingMemory, ceiling: { ...ceiling, machineBusyBeforePercent: ceilingBusy }, provider: { ...provider, machineBusyBeforePercent: providerBusy } };
  });
  const mbPerS = (r: DownloadResult) => (r.downloads * fileMb) / r.seconds;
  const row = (name: string, r: DownloadResult) =>
    `  ${name.padEnd(8)} ${fixed(mbPerS(r)).padStart(6)} MB/s (${r.downloads} downloads)  first byte p50 ${fixed(r.firstByteMs.p50)} ms, p99 ${fixed(r.firstByteMs.p99)} ms  whole p50 ${Math.round(r.wholeMs.p50)} ms, p99 ${Math.round(r.wholeMs.p99)} ms`;
  console.log(row('ceiling', ceiling));
  console.log(row('provider', provider));
  const ratio = mbPerS(provider) / mbPerS(ceiling);
  console.log(`  provider/ceiling ${fixed(ratio * 100)}% of the ceiling's MB/s\nretrieve a document: ${Math.round((Date.now() - began) / 1000)} s in all`);
  return { documentBytes: options.documentBytes, connections: options.connections, ceiling, provider, ratio, memory: { provider: providerMemory, ceiling: ceilingMemory }, holdingWholeMb: wholeMb };
}
