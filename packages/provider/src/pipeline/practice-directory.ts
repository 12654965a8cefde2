import { findPractice, type Kysely, type PracticeRow } from '@gpconnect/store';
import type { Database } from '@gpconnect/store';

/**
 * Looks up the practice an ODS code in the path addresses. Practices change rarely (capability
 * switches, from the CLI), so rows are cached for a short time to keep the lookup off every
 * request's critical path; `ttlMs: 0` disables the cache.
 */
export class PracticeDirectory {
  private readonly cache = new Map<string, { row: PracticeRow | undefined; expiresAt: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async find(odsCode: string): Promise<PracticeRow | undefined> {
    const cached = this.cache.get(odsCode);
    if (cached && cached.expiresAt > this.now()) return cached.row;
    const row = await findPractice(this.db, odsCode);
    // Unknown codes are not cached: the cache must not grow with whatever paths clients send.
    if (this.ttlMs > 0 && row) this.cache.set(odsCode, { row, expiresAt: this.now() + this.ttlMs });
    return row;
  }

  /** Forgets cached practices, so that a change made in this process applies to the next request. */
  invalidate(): void {
    this.cache.clear();
  }
}
