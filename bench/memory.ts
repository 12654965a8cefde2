/** A process's memory while work runs: what the servers in it hold. */

const MB = 1024 * 1024;

/** Resident set size, and what JavaScript holds: the V8 heap plus memory outside it (Buffers). */
export interface Memory {
  rssMb: number;
  heapMb: number;
}

export function memoryNow(): Memory {
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rssMb: rss / MB, heapMb: (heapUsed + external) / MB };
}

/**
 * Memory when created and the highest seen until stop(), sampled every 10 ms (each figure on its own).
 * With `collectEveryMs` (the process must run with --expose-gc), it also forces a full garbage
 * collection that often and keeps the highest heap+Buffers left after one: what is live, garbage not
 * counted. That changes how the process collects, so it is best measured apart from the rest.
 */
export class MemorySampler {
  readonly before = memoryNow();
  readonly peak: Memory = { ...this.before };
  /** heap+Buffers after a collection at the start, and the highest after one since (collectEveryMs only). */
  liveBeforeMb: number | undefined;
  livePeakMb: number | undefined;
  readonly #timer = setInterval(() => this.#sample(), 10);
  readonly #collector: NodeJS.Timeout | undefined;

  constructor(collectEveryMs?: number) {
    if (collectEveryMs === undefined) return;
    const gc = globalThis.gc;
    if (!gc) throw new Error('forced collections need node --expose-gc');
    // Twice: the Buffers' memory outside the heap is released only by the collection after the one
    // that finds them unreachable.
    const collected = () => {
      gc();
      gc();
      return memoryNow().heapMb;
    };
    this.liveBeforeMb = this.livePeakMb = collected();
    this.#collector = setInterval(() => (this.livePeakMb = Math.max(this.livePeakMb!, collected())), collectEveryMs);
  }

  #sample(): Memory {
    const now = memoryNow();
    this.peak.rssMb = Math.max(this.peak.rssMb, now.rssMb);
    this.peak.heapMb = Math.max(this.peak.heapMb, now.heapMb);
    return now;
  }

  /** Stops sampling; what memory is at that moment. */
  stop(): Memory {
    clearInterval(this.#timer);
    clearInterval(this.#collector);
    return this.#sample();
  }
}

/** Runs `work` under a MemorySampler of this process. */
export async function sampleMemory<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; before: Memory; peak: Memory }> {
  const sampler = new MemorySampler();
  const began = process.hrtime.bigint();
  try {
    const result = await work();
    return { result, seconds: Number(process.hrtime.bigint() - began) / 1e9, before: sampler.before, peak: sampler.peak };
  } finally {
    sampler.stop();
  }
}
