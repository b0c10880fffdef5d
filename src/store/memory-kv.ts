// A copy of a store held in memory, for modes that never write (dry run, read-only): the
// runtime's mirror changes as usual, the store it was read from does not.
import type { DurableEntry, DurableKv } from './durable-kv.js';

export function memoryCopy(entries: Iterable<DurableEntry>): DurableKv {
  const map = new Map(entries);
  return {
    async *entries() {
      yield* map.entries();
    },
    set: async (key, value) => void map.set(key, value),
    setMany: async (list) => {
      for (const [key, value] of list) map.set(key, value);
    },
    close: async () => undefined,
  };
}
