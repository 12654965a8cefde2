import { insertAuditEvents, type Kysely, type NewAuditEvent } from '@gpconnect/store';
import type { Database } from '@gpconnect/store';

interface Waiting {
  event: NewAuditEvent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Writes audit events with group commit: each caller waits until its event is in the database, but
 * events that arrive while a write is in flight go together in the next one, so under load the audit
 * trail costs one round trip per batch rather than one per request.
 */
export class AuditWriter {
  private waiting: Waiting[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxBatch = 500,
  ) {}

  /** Resolves once the event is committed; rejects if the write failed. */
  write(event: NewAuditEvent): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.waiting.push({ event, resolve, reject }));
    this.writing ??= this.drain();
    return done;
  }

  /** Resolves when every event handed in so far has been written (or has failed). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxBatch);
        try {
          await insertAuditEvents(this.db, batch.map((w) => w.event));
          for (const w of batch) w.resolve();
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }
}
