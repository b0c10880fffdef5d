// Group commit: the writes of one turn of the event loop share one transaction; each caller
// learns its own batch's outcome; later values never overtake earlier ones.
import type { DurableEntry, DurableKv } from '../../src/store/durable-kv.js';
import { groupCommit } from '../../src/store/group-commit.js';

/** A backend that records each transaction and can be told to fail or hold the next one. */
function recordingBackend() {
  const committed = new Map<string, unknown>();
  const transactions: string[][] = [];
  let failNext = false;
  let hold: Promise<void> | undefined;
  const kv: DurableKv = {
    async *entries() { yield* committed.entries(); },
    set: async (k, v) => kv.setMany([[k, v]]),
    async setMany(entries: readonly DurableEntry[]) {
      transactions.push(entries.map(([k]) => k));
      if (hold) await hold;
      if (failNext) {
        failNext = false;
        throw new Error('disk full');
      }
      for (const [k, v] of entries) committed.set(k, v);
    },
    close: async () => undefined,
  };
  return { kv, committed, transactions, failNext: () => (failNext = true), holdNext: (p: Promise<void>) => (hold = p), release: () => (hold = undefined) };
}

test('writes asked for in the same turn go to the backend as one transaction', async () => {
  const b = recordingBackend();
  const kv = groupCommit(b.kv);
  await Promise.all([kv.set('ctx:sl', 1), kv.set('ctx:tp', 2), kv.set('ladder:x', 3)]);
  expect(b.transactions).toEqual([['ctx:sl', 'ctx:tp', 'ladder:x']]);
  expect(b.committed).toEqual(new Map<string, unknown>([['ctx:sl', 1], ['ctx:tp', 2], ['ladder:x', 3]]));
});

test('a failed transaction rejects every write in it and none is durable', async () => {
  const b = recordingBackend();
  const kv = groupCommit(b.kv);
  b.failNext();
  const results = await Promise.allSettled([kv.set('ctx:sl', 1), kv.set('ctx:tp', 2)]);
  expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  expect(b.committed.size).toBe(0);
  await kv.set('ctx:sl', 1);
  expect(b.committed.get('ctx:sl')).toBe(1);
});

test('writes asked for while a transaction is in flight form the next one, in order', async () => {
  const b = recordingBackend();
  const kv = groupCommit(b.kv);
  let open!: () => void;
  b.holdNext(new Promise<void>((resolve) => (open = resolve)));
  const first = kv.set('ctx:a', 'pending');
  await Promise.resolve();
  await Promise.resolve();
  b.release();
  const second = kv.set('ctx:a', 'active');
  const third = kv.set('ctx:b', 'pending');
  open();
  await Promise.all([first, second, third]);
  expect(b.transactions).toEqual([['ctx:a'], ['ctx:a', 'ctx:b']]);
  expect(b.committed.get('ctx:a')).toBe('active');
});

test('the last value of a key in one batch is the one written; a caller\'s setMany stays whole', async () => {
  const b = recordingBackend();
  const kv = groupCommit(b.kv, 2);
  await Promise.all([kv.set('k', 1), kv.set('k', 2), kv.setMany([['x', 1], ['y', 2], ['z', 3]])]);
  expect(b.committed.get('k')).toBe(2);
  // maxBatch counts callers: the three-entry setMany is never split across transactions.
  expect(b.transactions.some((t) => t.includes('x') && t.includes('y') && t.includes('z'))).toBe(true);
});

test('close waits for the writes already asked for', async () => {
  const b = recordingBackend();
  const kv = groupCommit(b.kv);
  const write = kv.set('ctx:a', 1);
  // Closed in the same turn: the write has not even been handed to the backend yet.
  await kv.close();
  await write;
  expect(b.committed.get('ctx:a')).toBe(1);
});
