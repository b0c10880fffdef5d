// Group commit: every write asked for in the same turn of the event loop goes to the backend as
// one transaction (one fsync). A protective pass writes its SL and TP contexts together, and
// 10,000 scopes protected at once share a handful of commits instead of 20,000. Each caller is
// answered by its own batch's outcome: a failed batch rejects every write in it, and none of them
// is durable, so no caller acts on a context that was not written.
import type { DurableEntry, DurableKv } from './durable-kv.js';

interface Waiting {
  entries: readonly DurableEntry[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function groupCommit(backend: DurableKv, maxBatch = 2_000): DurableKv {
  let queue: Waiting[] = [];
  let scheduled = false;
  let draining: Promise<void> | undefined;
  const commit = async (batch: Waiting[]): Promise<void> => {
    // The last write of a key in a batch wins, as it would have one after the other.
    const latest = new Map<string, unknown>();
    for (const w of batch) for (const [key, value] of w.entries) latest.set(key, value);
    try {
      await backend.setMany([...latest]);
      for (const w of batch) w.resolve();
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  };
  // One commit at a time, in order: writes asked for while one is in flight form the next batch
  // (a later value of a key never overtakes an earlier one).
  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      await commit(batch);
    }
    draining = undefined;
  };
  const enqueue = (entries: readonly DurableEntry[]): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      queue.push({ entries, resolve, reject });
      if (scheduled || draining) return;
      scheduled = true;
      // A microtask: after the synchronous code that planned the pass, before any I/O.
      queueMicrotask(() => {
        scheduled = false;
        draining ??= drain();
      });
    });
  return {
    entries: () => backend.entries(),
    set: (key, value) => enqueue([[key, value]]),
    // A caller's several writes stay in one batch: all durable or none.
    setMany: (entries) => (entries.length === 0 ? Promise.resolve() : enqueue(entries)),
    async close() {
      // Writes asked for in this very turn have not started yet: they are committed first.
      if (queue.length > 0) draining ??= drain();
      await draining;
      await backend.close();
    },
  };
}
