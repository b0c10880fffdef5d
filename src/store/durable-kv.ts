// What the service keeps durably (order contexts, ladders, fill ids): key -> JSON value. A write
// resolves only once it is durable; a rejection means the caller must not act as if it were
// (the executor sends nothing whose context is not written). Backends: keyv (the harness's
// in-memory map), SQLite (the embedded default) and PostgreSQL (shared, fenced by the lease).

export type DurableEntry = readonly [key: string, value: unknown];

export interface DurableKv {
  /** Every stored entry, read once when the account starts. */
  entries(): AsyncIterable<DurableEntry>;
  /** One durable write; rejects when it did not become durable. */
  set(key: string, value: unknown): Promise<void>;
  /** Several writes in one transaction: all durable, or none (rejects). */
  setMany(entries: readonly DurableEntry[]): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by a fenced backend when the writer no longer holds the account's lease. */
export class LeaseLostError extends Error {
  constructor(detail: string) {
    super(`account lease lost: ${detail}`);
    this.name = 'LeaseLostError';
  }
}
