import { fail } from '@gpconnect/fhir';

/**
 * A cap on structured records assembled at once (issue: a burst sheds load instead of collapsing).
 * Assembling a large record is CPU and memory bound, so beyond a few at a time more of them only
 * make every one slower. Up to `concurrent` run; up to `queued` more wait their turn, each for at
 * most `maxWaitMs`; a request that finds the queue full, or waits longer, is refused with 429, which a
 * consumer retries after a pause. Refusing only after a wait keeps a burst's excess from spinning on
 * instant refusals, whose own cost would crowd out the records being assembled.
 */
export class AssemblyLimit {
  private active = 0;
  private readonly waiting: { start: () => void }[] = [];

  constructor(
    private readonly concurrent: number,
    private readonly queued: number,
    private readonly maxWaitMs: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrent) await this.waitForSlot();
    else this.active += 1;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, or is freed.
      const next = this.waiting.shift();
      if (next) next.start();
      else this.active -= 1;
    }
  }

  private waitForSlot(): Promise<void> {
    if (this.waiting.length >= this.queued) fail('TOO_MANY_REQUESTS', 'The practice system is busy assembling other records; retry shortly');
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        start: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(new Error('queue timeout'));
      }, this.maxWaitMs);
      this.waiting.push(waiter);
    }).catch(() => fail('TOO_MANY_REQUESTS', `The practice system could not start this record within ${this.maxWaitMs} ms; retry shortly`));
  }
}
