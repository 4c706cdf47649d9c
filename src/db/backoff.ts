/** Exponential backoff between reconnection attempts: first delay, doubling up to a ceiling. */
export class Backoff {
  private failures = 0;
  private nextAttemptAt = 0;

  constructor(
    private readonly firstMs: number,
    private readonly maxMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  failed(): number {
    const delay = Math.min(this.maxMs, this.firstMs * 2 ** this.failures);
    this.failures++;
    this.nextAttemptAt = this.now() + delay;
    return delay;
  }

  reset(): void {
    this.failures = 0;
    this.nextAttemptAt = 0;
  }

  remainingMs(): number {
    return Math.max(0, this.nextAttemptAt - this.now());
  }

  get attempts(): number {
    return this.failures;
  }
}
