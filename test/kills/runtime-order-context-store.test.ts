// Kills for the surviving mutants of src/runtime/order-context-store.ts (issue 9, part B,
// docs/MUTATION_SURVIVORS_RUNTIME.md), written from docs/DURABLE_CONTEXT_LIFECYCLE.md (the stored
// record, "One order, one lifecycle", "Moments", "Ownership") and SPEC section 4 (a context is
// written durably BEFORE the venue call, a failed write blocks the submission; custom ids are
// opaque keys) and lesson 14 (rows of an earlier position life never touch the current one). The
// store runs over a hand-written DurableKv (a Map whose writes can be failed or held) and, once,
// over a keyv instance.
import Keyv from 'keyv';
import { LeaseLostError, type DurableEntry, type DurableKv } from '../../src/store/durable-kv.js';
import { ContextWriteError, OrderContextStore, type OrderContext } from '../../src/runtime/order-context-store.js';

const KEY = 'binance:linear:BTCUSDT:LONG';
const SHORT = 'binance:linear:BTCUSDT:SHORT';

class TestKv implements DurableKv {
  readonly map = new Map<string, unknown>();
  readonly writes: string[] = [];
  fail: Error | undefined;
  hold: Array<() => void> | undefined;
  async *entries(): AsyncIterable<DurableEntry> {
    for (const [k, v] of this.map) yield [k, JSON.parse(JSON.stringify(v))] as const;
  }
  async set(key: string, value: unknown): Promise<void> {
    this.writes.push(key);
    if (this.fail) throw this.fail;
    if (this.hold) await new Promise<void>((resolve) => this.hold!.push(resolve));
    this.map.set(key, JSON.parse(JSON.stringify(value)));
  }
  async setMany(entries: readonly DurableEntry[]): Promise<void> {
    for (const [k, v] of entries) await this.set(k, v);
  }
  async close(): Promise<void> {}
}

const ctx = (over: Partial<OrderContext>): OrderContext => ({
  customOrderId: 'c1', scopeKey: KEY, slot: 'TP', generation: 1, status: 'pending', lifecycle: 'submitting', updatedAtMs: 1, ...over,
});

async function fresh(kv = new TestKv()) {
  const store = new OrderContextStore(kv);
  await store.load();
  return { kv, store };
}
async function reload(kv: TestKv) {
  const store = new OrderContextStore(kv);
  await store.load();
  return store;
}

// ---------------------------------------------------------------------------------------------
describe('the durable record and loading it back', () => {
  test('contexts, ladders and fill ids written by one process are what the next one loads', async () => {
    const { kv, store } = await fresh();
    await store.put(ctx({ exchangeOrderId: '77', lifecycle: 'open', status: 'active' }));
    await store.setConsumedSteps(KEY, 2);
    await store.rememberFill('t1', 5);
    expect([...kv.map.keys()].sort()).toEqual(['ctx:c1', 'fill:t1', `ladder:${KEY}`]);
    const next = await reload(kv);
    expect(next.get('c1')).toMatchObject({ scopeKey: KEY, slot: 'TP', lifecycle: 'open', exchangeOrderId: '77' });
    expect(next.byExchangeOrderId('77')?.customOrderId).toBe('c1');
    expect(next.consumedSteps(KEY)).toBe(2);
    expect([...next.fillIds]).toEqual(['t1']);
    expect(next.nextGeneration(KEY, 'TP')).toBe(2);
    expect(next.openOfScope(KEY).map((c) => c.customOrderId)).toEqual(['c1']);
  });

  test('a keyv instance is accepted as the store', async () => {
    const keyv = new Keyv({ store: new Map(), namespace: 'x' });
    const store = new OrderContextStore(keyv);
    await store.put(ctx({}));
    const next = new OrderContextStore(keyv);
    await next.load();
    expect(next.get('c1')).toMatchObject({ slot: 'TP' });
  });

  test('a context stored before lifecycles existed gets one from its status; an active one reached the venue', async () => {
    const kv = new TestKv();
    kv.map.set('ctx:a', { customOrderId: 'a', scopeKey: KEY, slot: 'TP', generation: 1, status: 'active', updatedAtMs: 1 });
    kv.map.set('ctx:p', { customOrderId: 'p', scopeKey: KEY, slot: 'SL', generation: 1, status: 'pending', updatedAtMs: 1 });
    kv.map.set('ctx:t', { customOrderId: 't', scopeKey: KEY, slot: 'DCA1', generation: 1, status: 'terminal', filled: true, updatedAtMs: 1 });
    const store = await reload(kv);
    expect(store.get('a')).toMatchObject({ lifecycle: 'open', reachedVenue: true });
    expect(store.get('p')).toMatchObject({ lifecycle: 'submitting' });
    expect(store.get('p')?.reachedVenue).toBeUndefined();
    expect(store.get('t')).toMatchObject({ lifecycle: 'filled' });
    expect(store.get('t')?.reachedVenue).toBeUndefined();
    expect(store.openOfScope(KEY).map((c) => c.customOrderId).sort()).toEqual(['a', 'p']);
  });

  test('a stored lifecycle is kept as it is', async () => {
    const kv = new TestKv();
    kv.map.set('ctx:u', { customOrderId: 'u', scopeKey: KEY, slot: 'TP', generation: 1, status: 'active', lifecycle: 'unknown', updatedAtMs: 1 });
    const store = await reload(kv);
    expect(store.get('u')?.lifecycle).toBe('unknown');
    expect(store.get('u')?.reachedVenue).toBeUndefined();
  });

  test('keys of other kinds are not read as contexts, ladders or fills', async () => {
    const kv = new TestKv();
    kv.map.set('lease:x', { customOrderId: 'nope', scopeKey: KEY, slot: 'TP', generation: 1, status: 'active', updatedAtMs: 1 });
    kv.map.set('xctx:y', { customOrderId: 'nope2', scopeKey: KEY, slot: 'TP', generation: 1, status: 'active', updatedAtMs: 1 });
    kv.map.set('xfill:z', { atMs: 1 });
    kv.map.set('xladder:z', { scopeKey: KEY, consumedSteps: 3 });
    const store = await reload(kv);
    expect([...store.all()]).toEqual([]);
    expect(store.fillIds.size).toBe(0);
    expect(store.consumedSteps(KEY)).toBe(0);
  });

  test('load replaces what the store held in memory (nothing of an earlier load survives)', async () => {
    const { kv, store } = await fresh();
    await store.put(ctx({ exchangeOrderId: '77', generation: 4 }));
    await store.setConsumedSteps(KEY, 1);
    await store.rememberFill('t1', 1);
    kv.map.clear();
    await store.load();
    expect(store.get('c1')).toBeUndefined();
    expect(store.byExchangeOrderId('77')).toBeUndefined();
    expect(store.consumedSteps(KEY)).toBe(0);
    expect(store.fillIds.size).toBe(0);
    expect(store.nextGeneration(KEY, 'TP')).toBe(1);
    expect(store.openOfScope(KEY)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('a context is written durably before the venue call; a failed write blocks (SPEC 4)', () => {
  test('a failed write throws ContextWriteError naming the id and the cause, and leaves the mirror unchanged', async () => {
    const { kv, store } = await fresh();
    kv.fail = new Error('disk full');
    const error = await store.put(ctx({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContextWriteError);
    expect((error as ContextWriteError).message).toBe('durable context write failed for c1: disk full');
    expect((error as ContextWriteError).customOrderId).toBe('c1');
    expect((error as ContextWriteError).name).toBe('ContextWriteError');
    expect(store.get('c1')).toBeUndefined();
    expect(store.openOfScope(KEY)).toEqual([]);
    expect(store.nextGeneration(KEY, 'TP')).toBe(1);
  });

  test('a cause that is not an Error is named as text', async () => {
    const { kv, store } = await fresh();
    kv.fail = 'refused' as unknown as Error;
    await expect(store.put(ctx({}))).rejects.toThrow('durable context write failed for c1: refused');
  });

  test('every write outcome is told to the observer: ok, failed, lease lost', async () => {
    const { kv, store } = await fresh();
    const seen: Array<[boolean, string, boolean]> = [];
    store.observeWrites((ok, detail, leaseLost) => seen.push([ok, detail, leaseLost]));
    await store.put(ctx({}));
    kv.fail = new Error('disk full');
    await store.put(ctx({ customOrderId: 'c2' })).catch(() => undefined);
    kv.fail = new LeaseLostError('taken over');
    await store.put(ctx({ customOrderId: 'c3' })).catch(() => undefined);
    expect(seen).toEqual([
      [true, '', false],
      [false, 'durable context write failed for c2: disk full', false],
      [false, 'durable context write failed for c3: account lease lost: taken over', true],
    ]);
  });

  test('the time of each durable write is told to every timer until it unsubscribes', async () => {
    const { store } = await fresh();
    const a: number[] = [];
    const b: number[] = [];
    const stopA = store.timeWrites((s) => a.push(s));
    store.timeWrites((s) => b.push(s));
    await store.put(ctx({}));
    await store.setConsumedSteps(KEY, 1);
    stopA();
    await store.rememberFill('t1', 1);
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(3);
    for (const s of [...a, ...b]) {
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(5);
    }
  });

  test('a held write is reported in seconds', async () => {
    const { kv, store } = await fresh();
    const times: number[] = [];
    store.timeWrites((s) => times.push(s));
    kv.hold = [];
    const write = store.put(ctx({}));
    await new Promise((r) => setTimeout(r, 60));
    kv.hold.forEach((release) => release());
    await write;
    expect(times).toHaveLength(1);
    expect(times[0]).toBeGreaterThan(0.04);
    expect(times[0]).toBeLessThan(2);
  });

  test('flush settles only when every write already started has finished', async () => {
    const { kv, store } = await fresh();
    kv.hold = [];
    const writes = [store.put(ctx({})), store.put(ctx({ customOrderId: 'c2' }))];
    let flushed = false;
    const flush = store.flush().then(() => { flushed = true; });
    await new Promise((r) => setTimeout(r, 10));
    expect(flushed).toBe(false);
    kv.hold.forEach((release) => release());
    await flush;
    await Promise.all(writes);
    expect(flushed).toBe(true);
  });

  test('flush with nothing in flight settles at once; a failed write does not make it throw', async () => {
    const { kv, store } = await fresh();
    await store.flush();
    kv.fail = new Error('x');
    const failing = store.put(ctx({})).catch(() => undefined);
    await store.flush();
    await failing;
  });
});

// ---------------------------------------------------------------------------------------------
describe('lookups: by custom id, by venue id, the open contexts of a scope', () => {
  test('an unknown venue id has no context', async () => {
    const { store } = await fresh();
    await store.put(ctx({ exchangeOrderId: '77' }));
    expect(store.byExchangeOrderId('78')).toBeUndefined();
    expect(store.byExchangeOrderId('77')?.customOrderId).toBe('c1');
  });

  test('a venue id learned by an update finds the context', async () => {
    const { store } = await fresh();
    await store.put(ctx({}));
    await store.update('c1', { exchangeOrderId: '55' });
    expect(store.byExchangeOrderId('55')?.customOrderId).toBe('c1');
  });

  test('open contexts per scope: terminal ones leave, other scopes are apart', async () => {
    const { store } = await fresh();
    await store.put(ctx({}));
    await store.put(ctx({ customOrderId: 'c2', slot: 'SL', lifecycle: 'unknown' }));
    await store.put(ctx({ customOrderId: 's1', scopeKey: SHORT }));
    expect(store.openOfScope(KEY).map((c) => c.customOrderId)).toEqual(['c1', 'c2']);
    expect(store.unresolvedOfScope(KEY).map((c) => c.customOrderId)).toEqual(['c2']);
    await store.update('c1', { lifecycle: 'canceled', status: 'terminal' });
    expect(store.openOfScope(KEY).map((c) => c.customOrderId)).toEqual(['c2']);
    await store.update('c2', { lifecycle: 'never_placed', status: 'terminal' });
    expect(store.openOfScope(KEY)).toEqual([]);
    expect(store.unresolvedOfScope(KEY)).toEqual([]);
    expect(store.openOfScope(SHORT).map((c) => c.customOrderId)).toEqual(['s1']);
    // A scope that emptied can hold contexts again.
    await store.put(ctx({ customOrderId: 'c3' }));
    expect(store.openOfScope(KEY).map((c) => c.customOrderId)).toEqual(['c3']);
  });

  test('a terminal context written first is never listed open', async () => {
    const { store } = await fresh();
    await store.put(ctx({ lifecycle: 'filled', status: 'terminal' }));
    expect(store.openOfScope(KEY)).toEqual([]);
    expect([...store.all()].map((c) => c.customOrderId)).toEqual(['c1']);
  });

  test('an update of an unknown id does nothing', async () => {
    const { kv, store } = await fresh();
    await store.update('nope', { lifecycle: 'open' });
    expect(store.get('nope')).toBeUndefined();
    expect(kv.writes).toEqual([]);
  });

  test('an update changes the mirror at once; the write follows', async () => {
    const { kv, store } = await fresh();
    await store.put(ctx({}));
    kv.hold = [];
    const pending = store.update('c1', { lifecycle: 'open', status: 'active' });
    expect(store.get('c1')?.lifecycle).toBe('open');
    await new Promise((r) => setImmediate(r));
    kv.hold.forEach((release) => release());
    await pending;
    expect((kv.map.get('ctx:c1') as OrderContext).lifecycle).toBe('open');
  });
});

// ---------------------------------------------------------------------------------------------
describe('generations: a slot\'s next generation follows the highest one written', () => {
  test('per scope and slot, the highest generation seen counts, whatever the order written', async () => {
    const { store } = await fresh();
    expect(store.nextGeneration(KEY, 'TP')).toBe(1);
    await store.put(ctx({ customOrderId: 'a', generation: 3 }));
    await store.put(ctx({ customOrderId: 'b', generation: 2 }));
    expect(store.nextGeneration(KEY, 'TP')).toBe(4);
    expect(store.nextGeneration(KEY, 'SL')).toBe(1);
    expect(store.nextGeneration(SHORT, 'TP')).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
describe('advance: one order, one lifecycle (DURABLE_CONTEXT_LIFECYCLE)', () => {
  test('an unknown id: nothing', async () => {
    const { store } = await fresh();
    expect(await store.advance('nope', { kind: 'rest_accepted' })).toBeUndefined();
  });

  test('REST accepted: `accepted`, reached the venue, status pending, written durably', async () => {
    const { kv, store } = await fresh();
    await store.put(ctx({}));
    const next = await store.advance('c1', { kind: 'rest_accepted' }, { exchangeOrderId: '9', updatedAtMs: 2 });
    expect(next).toMatchObject({ lifecycle: 'accepted', status: 'pending', reachedVenue: true, exchangeOrderId: '9', updatedAtMs: 2 });
    expect(kv.map.get('ctx:c1')).toMatchObject({ lifecycle: 'accepted', reachedVenue: true });
  });

  test('a timeout: `unknown`, not reached', async () => {
    const { store } = await fresh();
    await store.put(ctx({}));
    const next = await store.advance('c1', { kind: 'rest_unknown' });
    expect(next).toMatchObject({ lifecycle: 'unknown', status: 'pending' });
    expect(next?.reachedVenue).toBeUndefined();
  });

  test('a private row shows it open, partly filled or filled: reached the venue', async () => {
    for (const [status, lifecycle] of [['NEW', 'open'], ['PARTIALLY_FILLED', 'partially_filled'], ['FILLED', 'filled']] as const) {
      const { store } = await fresh();
      await store.put(ctx({ lifecycle: 'unknown' }));
      expect(await store.advance('c1', { kind: 'status', status })).toMatchObject({ lifecycle, reachedVenue: true });
    }
  });

  test('a fill report proves the order reached the venue, whatever state it moves to', async () => {
    const { store } = await fresh();
    await store.put(ctx({ lifecycle: 'unknown' }));
    const next = await store.advance('c1', { kind: 'fill' }, { filled: true });
    expect(next).toMatchObject({ lifecycle: 'unknown', reachedVenue: true, filled: true });
  });

  test('once reached, always reached (a later `vanished` keeps the flag)', async () => {
    const { store } = await fresh();
    await store.put(ctx({ lifecycle: 'open', status: 'active', reachedVenue: true }));
    expect(await store.advance('c1', { kind: 'vanished' })).toMatchObject({ lifecycle: 'unknown', status: 'pending', reachedVenue: true });
  });

  test('nothing changes (same state, only a new time): no write, the context as it stands', async () => {
    const { kv, store } = await fresh();
    await store.put(ctx({ lifecycle: 'open', status: 'active', exchangeOrderId: '9' }));
    const before = kv.writes.length;
    const same = await store.advance('c1', { kind: 'status', status: 'NEW' }, { updatedAtMs: 99, exchangeOrderId: '9' });
    expect(kv.writes.length).toBe(before);
    expect(same?.updatedAtMs).toBe(1);
  });

  test('the same state with a new fact (a venue id learned, a fill flag) is written', async () => {
    const { kv, store } = await fresh();
    await store.put(ctx({ lifecycle: 'open', status: 'active' }));
    const before = kv.writes.length;
    expect(await store.advance('c1', { kind: 'status', status: 'NEW' }, { exchangeOrderId: '9' })).toMatchObject({ exchangeOrderId: '9' });
    expect(kv.writes.length).toBe(before + 1);
    expect(await store.advance('c1', { kind: 'status', status: 'NEW' }, { filled: true })).toMatchObject({ filled: true });
    expect(kv.writes.length).toBe(before + 2);
  });

  test('a context without a stored lifecycle advances from the one its status implies', async () => {
    const kv = new TestKv();
    kv.map.set('ctx:c1', { customOrderId: 'c1', scopeKey: KEY, slot: 'TP', generation: 1, status: 'active', updatedAtMs: 1 });
    const store = await reload(kv);
    expect(await store.advance('c1', { kind: 'fill' })).toMatchObject({ lifecycle: 'partially_filled' });
  });

  test('a terminal state absorbs later reports: no write', async () => {
    const { kv, store } = await fresh();
    await store.put(ctx({ lifecycle: 'canceled', status: 'terminal' }));
    const before = kv.writes.length;
    expect(await store.advance('c1', { kind: 'status', status: 'NEW' })).toMatchObject({ lifecycle: 'canceled' });
    expect(kv.writes.length).toBe(before);
  });

  test('a failed write after the venue call: the mirror keeps the new state, the error reaches the caller', async () => {
    const { kv, store } = await fresh();
    await store.put(ctx({}));
    kv.fail = new Error('disk full');
    await expect(store.advance('c1', { kind: 'rest_accepted' })).rejects.toBeInstanceOf(ContextWriteError);
    expect(store.get('c1')?.lifecycle).toBe('accepted');
  });
});

// ---------------------------------------------------------------------------------------------
describe('fill ids: recorded durably once', () => {
  test('the second record of one trade id writes nothing', async () => {
    const { kv, store } = await fresh();
    await store.rememberFill('t1', 7);
    await store.rememberFill('t1', 8);
    expect(kv.writes).toEqual(['fill:t1']);
    expect(kv.map.get('fill:t1')).toEqual({ atMs: 7 });
  });

  test('a failed record says which trade id', async () => {
    const { kv, store } = await fresh();
    kv.fail = new Error('disk full');
    await expect(store.rememberFill('t9', 1)).rejects.toThrow('fill record write failed for t9: disk full');
    kv.fail = 'no' as unknown as Error;
    await expect(store.rememberFill('t10', 1)).rejects.toThrow('fill record write failed for t10: no');
  });
});

// ---------------------------------------------------------------------------------------------
describe('the DCA ladder and position lives (lesson 14)', () => {
  test('a new scope: no step consumed, life 0; a flat position starts life 1 with no step consumed', async () => {
    const { kv, store } = await fresh();
    expect(store.consumedSteps(KEY)).toBe(0);
    expect(store.lifeOf(KEY)).toBe(0);
    await store.setConsumedSteps(KEY, 2);
    await store.endLife(KEY, 1_000);
    expect(store.consumedSteps(KEY)).toBe(0);
    expect(store.lifeOf(KEY)).toBe(1);
    expect(kv.map.get(`ladder:${KEY}`)).toEqual({ scopeKey: KEY, consumedSteps: 0, life: 1, lifeStartedAtMs: 1_000 });
    await store.endLife(KEY, 2_000);
    expect(store.lifeOf(KEY)).toBe(2);
  });

  test('consuming a step keeps the life and when it began', async () => {
    const { kv, store } = await fresh();
    await store.endLife(KEY, 1_000);
    await store.setConsumedSteps(KEY, 1);
    expect(kv.map.get(`ladder:${KEY}`)).toEqual({ scopeKey: KEY, consumedSteps: 1, life: 1, lifeStartedAtMs: 1_000 });
    expect(store.lifeOf(KEY)).toBe(1);
  });

  test('a first step consumed before any flat: life 0, no start time recorded', async () => {
    const { kv, store } = await fresh();
    await store.setConsumedSteps(KEY, 1);
    expect(kv.map.get(`ladder:${KEY}`)).toEqual({ scopeKey: KEY, consumedSteps: 1, life: 0 });
  });

  test('a failed ladder write names the scope; the memory keeps the new ladder', async () => {
    const { kv, store } = await fresh();
    kv.fail = new Error('disk full');
    await expect(store.setConsumedSteps(KEY, 1)).rejects.toThrow(`ladder write failed for ${KEY}: disk full`);
    expect(store.consumedSteps(KEY)).toBe(1);
    kv.fail = 'no' as unknown as Error;
    await expect(store.endLife(KEY, 5)).rejects.toThrow(`ladder write failed for ${KEY}: no`);
  });

  test('a row with a venue time: the time decides (before the life began: ended; at or after: current)', async () => {
    const { store } = await fresh();
    await store.endLife(KEY, 1_000);
    const old = ctx({ life: 0 });
    const current = ctx({ life: 1 });
    expect(store.ofEndedLife(old, 999)).toBe(true);
    expect(store.ofEndedLife(old, 1_000)).toBe(false);
    expect(store.ofEndedLife(current, 999)).toBe(true);
  });

  test('without a venue time: the life the context was placed in', async () => {
    const { store } = await fresh();
    await store.endLife(KEY, 1_000);
    expect(store.ofEndedLife(ctx({ life: 0 }))).toBe(true);
    expect(store.ofEndedLife(ctx({ life: 1 }))).toBe(false);
  });

  test('a life recorded on the context decides even when the scope never went flat in this store', async () => {
    const { store } = await fresh();
    expect(store.ofEndedLife(ctx({ life: 0 }), 5)).toBe(false);
    expect(store.ofEndedLife(ctx({ life: 0 }))).toBe(false);
  });

  test('contexts that predate recorded lives are dated by their creation (else update) time', async () => {
    const { store } = await fresh();
    expect(store.ofEndedLife(ctx({ createdAtMs: 1 }))).toBe(false);
    await store.endLife(KEY, 1_000);
    expect(store.ofEndedLife(ctx({ createdAtMs: 999, updatedAtMs: 2_000 }))).toBe(true);
    expect(store.ofEndedLife(ctx({ createdAtMs: 1_000, updatedAtMs: 1 }))).toBe(false);
    expect(store.ofEndedLife(ctx({ createdAtMs: undefined, updatedAtMs: 999 }))).toBe(true);
    expect(store.ofEndedLife(ctx({ createdAtMs: undefined, updatedAtMs: 1_000 }))).toBe(false);
  });

  test('a ladder written before lives were dated: the life number decides', async () => {
    const kv = new TestKv();
    kv.map.set(`ladder:${KEY}`, { scopeKey: KEY, consumedSteps: 1, life: 2 });
    const store = await reload(kv);
    expect(store.lifeOf(KEY)).toBe(2);
    expect(store.ofEndedLife(ctx({ life: 1 }), 10)).toBe(true);
    expect(store.ofEndedLife(ctx({ createdAtMs: 1 }))).toBe(false);
    await store.setConsumedSteps(KEY, 2);
    expect(kv.map.get(`ladder:${KEY}`)).toEqual({ scopeKey: KEY, consumedSteps: 2, life: 2 });
  });
});
