// The simulator's venue clock: wall time plus an offset that only grows. `advance(ms)` jumps the
// venue's day forward (retention windows, the 24-hour socket limit, funding) without waiting,
// while signed requests keep being checked against the client's wall clock (plus any skew fault):
// a compressed day must not turn every request into -1021.
export class SimClock {
  private advancedMs = 0;

  now(): number {
    return Date.now() + this.advancedMs;
  }

  /** Jumps the venue clock forward; a negative or non-finite value is refused (time never runs back). */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`advanceMs must be a non-negative number, got ${ms}`);
    this.advancedMs += ms;
    return this.now();
  }

  /** How far the venue clock runs ahead of the wall clock. */
  offsetMs(): number {
    return this.advancedMs;
  }

  reset(): void {
    this.advancedMs = 0;
  }
}
