// The runtime's one retry schedule: 1 s, doubling with each failure in a row, up to a cap. The
// scope's retries (30 s), failed hydrations (60 s, with jitter on top) and the stream reader's
// resubscription (30 s) all wait by it.

/** The wait before the next try after the `attempt`-th failure in a row (1-based; 0 waits 1 s too). */
export function doublingBackoffMs(attempt: number, capMs: number): number {
  return Math.min(capMs, 1_000 * 2 ** Math.max(0, attempt - 1));
}
