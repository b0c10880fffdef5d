// A keyv store as a DurableKv: the harness's in-memory map (which can be told to fail writes)
// and anything else keyv serves. keyv has no transactions: setMany writes one entry after the
// other, so it is atomic only where the map underneath cannot fail half-way.
import type Keyv from 'keyv';
import type { DurableEntry, DurableKv } from './durable-kv.js';

export function keyvKv(keyv: Keyv): DurableKv {
  const set = async (key: string, value: unknown): Promise<void> => {
    const ok = await keyv.set(key, value);
    if (ok === false) throw new Error('store refused the write');
  };
  return {
    async *entries() {
      const iterate = (keyv as unknown as { iterator?: (ns?: string) => AsyncIterable<[string, unknown]> }).iterator;
      if (!iterate) throw new Error('the configured keyv store cannot be iterated; use SQLite or the in-memory store');
      for await (const [key, value] of iterate.call(keyv, undefined)) yield [key, value] as const;
    },
    set,
    async setMany(entries: readonly DurableEntry[]) {
      for (const [key, value] of entries) await set(key, value);
    },
    close: async () => keyv.disconnect(),
  };
}

/** Whether a store handed to the runtime is already a DurableKv (rather than a keyv instance). */
export function isDurableKv(store: unknown): store is DurableKv {
  const s = store as Partial<DurableKv>;
  return typeof s.entries === 'function' && typeof s.setMany === 'function';
}
