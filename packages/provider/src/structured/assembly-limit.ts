import { fail } from '@gpconnect/fhir';

/**
 * A cap on structured records assembled at once (issue: a burst sheds load instead of collapsing).
 * Assembling a large record is CPU and memory bound, so beyond a few at a time more of them only
 * make every one slower. Up to `concurrent` run; up to `queued` more wait their turn; anything beyond
 * is refused at once with 429, which a consumer retries after a pause, rather than being served late.
 */
export class AssemblyLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrent: number,
    private readonly queued: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrent) {
      if (this.waiting.length >= this.queued) fail('TOO_MANY_REQUESTS', 'The practice system is busy assembling other records; retry shortly');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
