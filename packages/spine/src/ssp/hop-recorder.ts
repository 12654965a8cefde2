import type { FastifyBaseLogger } from 'fastify';
import { insertSspHops, type Database, type Insertable, type Kysely, type SspHopTable } from '@gpconnect/store';

/**
 * Writes the proxy's hop records behind the traffic: a response never waits for its hop to be
 * committed (the records are the simulator's trace log, not the provider's audit trail, which the
 * provider commits before answering). Hops queue while one batch is written, then go in the next
 * single insert; `flush()` waits until everything recorded so far is in the store.
 */
export class HopRecorder {
  private queue: Insertable<SspHopTable>[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: FastifyBaseLogger,
  ) {}

  record(hop: Insertable<SspHopTable>): void {
    this.queue.push(hop);
    this.writing ??= this.drain();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await insertSspHops(this.db, batch);
      } catch (error) {
        this.log.error({ err: { type: (error as Error).name }, hops: batch.length }, 'could not record proxy hops');
      }
    }
    this.writing = undefined;
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }
}
