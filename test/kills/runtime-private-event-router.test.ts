// Kills for the surviving mutants of src/runtime/private-event-router.ts (issue 9, part B,
// docs/MUTATION_SURVIVORS_RUNTIME.md), written from docs/PRIVATE_EVENT_ROUTING_TABLE.md, SPEC
// sections 1 (steps 3 and 5) and 2 and lessons 3, 5, 6, 14 and 15, and the "Moments" table of
// docs/DURABLE_CONTEXT_LIFECYCLE.md (a DCA fill consumes its step; a flat position ends the life).
// The router runs on a real RuntimeCore, OrderContextStore (harness in-memory store) and
// AccountState; the scope owners are a recording sink.
import { Decimal } from '../../src/domain/decimal.js';
import type { BalanceRow, ExecutionRow, OrderRow, PositionRow } from '../../src/domain/rows.js';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { createFailingStore } from '../../src/conformance/failing-store.js';
import { pendingKey } from '../../src/runtime/confirmation-tracker.js';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import { OrderContextStore, type OrderContext } from '../../src/runtime/order-context-store.js';
import { PrivateEventRouter } from '../../src/runtime/private-event-router.js';
import { RuntimeCore, type ScopeSink } from '../../src/runtime/runtime-core.js';
import type { RuntimeConfig } from '../../src/runtime/runtime-config.js';

const KEY = 'binance:linear:BTCUSDT:LONG';
const SHORT = 'binance:linear:BTCUSDT:SHORT';
const d = (s: string) => new Decimal(s);

function setup(over: Partial<RuntimeConfig> = {}) {
  const product = over.product ?? 'linear';
  const config: RuntimeConfig = {
    exchange: 'binance', product, positionMode: 'hedge', mode: 'demo',
    strategy: parseStrategy({ takeProfitPct: '1', stopLossPct: '5', dca: [{ offsetPct: '1', sizePct: '100' }, { offsetPct: '2', sizePct: '100' }] }),
    eventBurstMs: 1, maxBurstDelayMs: 5, confirmationTimeoutMs: 1000, heartbeatTimeoutMs: 0, gates: { conformancePassed: true, liveConfirmed: false }, ...over,
  };
  const clock = { t: 5_000, now() { return this.t; }, setTimeout: () => 0, clearTimeout: () => undefined };
  const records: JournalRecord[] = [];
  const journal = new Journal(clock);
  journal.subscribe((r) => records.push(r));
  const store = createFailingStore();
  const contexts = new OrderContextStore(store.keyv);
  const core = new RuntimeCore(config, {} as never, contexts, journal, clock);
  const sent: Array<{ key: string; event: { type: string; [k: string]: unknown } }> = [];
  const sink: ScopeSink = { ensure: () => undefined, send: (key, event) => sent.push({ key, event }) };
  core.attach(sink);
  core.state.serviceReady = true;
  // After the startup hydration every scope starts trusted (a full snapshot covered the account).
  core.state.baselineTrust = { order: 'trusted', position: 'trusted', filter: 'trusted', context: 'trusted' };
  return { core, records, clock, contexts, store, sent, router: new PrivateEventRouter(core) };
}
type Env = ReturnType<typeof setup>;

const ctx = (over: Partial<OrderContext>): OrderContext => ({
  customOrderId: 'tp1', scopeKey: KEY, slot: 'TP', generation: 1, status: 'active', lifecycle: 'open', exchangeOrderId: '77', reachedVenue: true, updatedAtMs: 0, ...over,
});
const order = (over: Partial<OrderRow>): OrderRow => ({
  kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: 'tp1', exchangeOrderId: '77', side: 'SELL', type: 'LIMIT', status: 'NEW',
  price: d('66000'), qty: d('0.01'), filledQty: d('0'), reduceOnly: true, ...over,
});
const fill = (over: Partial<ExecutionRow>): ExecutionRow => ({
  kind: 'execution', symbol: 'BTCUSDT', managedSide: 'LONG', tradeId: 't1', side: 'BUY', price: d('64000'), qty: d('0.01'), ...over,
});
const position = (over: Partial<PositionRow> = {}): PositionRow => ({ kind: 'position', symbol: 'BTCUSDT', managedSide: 'LONG', size: d('0.01'), entryPrice: d('65000'), ...over });

const events = (records: JournalRecord[], name: string) => records.filter((r) => r.event === name);
const fields = (r: JournalRecord) => r as unknown as Record<string, unknown>;
const affected = (env: Env) => events(env.records, 'scope_affected').map((r) => `${(fields(r).scope as { managedSide: string }).managedSide}:${fields(r).reason}`);
async function settle() {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

// ---------------------------------------------------------------------------------------------
describe('rows that arrive while the service is not ready wait, and are replayed in arrival order', () => {
  test('buffered rows change nothing until replay; replay applies them in order and says how many', () => {
    const env = setup();
    env.core.state.serviceReady = false;
    env.router.ingest(position({ size: d('0.01'), transactionTimeMs: 1 }));
    env.router.ingest(position({ size: d('0.03'), transactionTimeMs: 2 }));
    expect(env.core.state.positions.get(KEY)).toBeUndefined();
    expect(env.router.replay()).toBe(2);
    expect(env.core.state.positions.get(KEY)?.size.toFixed()).toBe('0.03');
    // The buffer is empty afterwards.
    expect(env.router.replay()).toBe(0);
  });

  test('a ready service applies a row at once', () => {
    const env = setup();
    env.router.ingest(position());
    expect(env.core.state.positions.get(KEY)?.size.toFixed()).toBe('0.01');
    expect(env.router.replay()).toBe(0);
  });

  test('the buffer is bounded: at 100 000 rows it is dropped (`buffer_overflow`) and buffering starts again', () => {
    const env = setup();
    env.core.state.serviceReady = false;
    const row: BalanceRow = { kind: 'balance', asset: 'USDT', walletBalance: d('1') };
    for (let i = 0; i < 100_000; i++) env.router.ingest(row);
    expect(events(env.records, 'buffer_overflow')).toEqual([]);
    env.router.ingest({ kind: 'balance', asset: 'USDT', walletBalance: d('2') });
    expect(events(env.records, 'buffer_overflow')).toEqual([expect.objectContaining({ dropped: 100_000 })]);
    expect(env.router.replay()).toBe(1);
    expect(env.core.state.balances.get('USDT')?.walletBalance.toFixed()).toBe('2');
  });
});

// ---------------------------------------------------------------------------------------------
describe('every row first passes validation and the allowlist', () => {
  test('a malformed row is journaled with its defect and never applied', () => {
    const env = setup();
    env.router.apply(position({ size: d('-1') }));
    expect(events(env.records, 'malformed_row_skipped')).toEqual([expect.objectContaining({ kind: 'position', symbol: 'BTCUSDT', field: 'size' })]);
    expect(env.core.state.positions.get(KEY)).toBeUndefined();
  });

  test('a malformed balance row has no symbol in its line', () => {
    const env = setup();
    env.router.apply({ kind: 'balance', asset: 'USDT', walletBalance: d('-5') });
    const line = fields(events(env.records, 'malformed_row_skipped')[0]!);
    expect(line).toMatchObject({ kind: 'balance', field: 'walletBalance' });
    expect(line).not.toHaveProperty('symbol');
    expect(env.core.state.balances.get('USDT')).toBeUndefined();
  });

  test('a balance row is applied whatever SYMBOLS says; a margin-only frame keeps the balance (lesson 6)', () => {
    const env = setup({ configuredSymbols: ['ETHUSDT'] });
    env.router.apply({ kind: 'balance', asset: 'USDT', walletBalance: d('100'), availableBalance: d('80') });
    env.router.apply({ kind: 'balance', asset: 'USDT', availableBalance: d('70') });
    expect(env.core.state.balances.get('USDT')?.walletBalance.toFixed()).toBe('100');
    expect(events(env.records, 'out_of_scope_event_ignored')).toEqual([]);
  });

  test('a row for a symbol outside SYMBOLS is journaled and dropped', () => {
    const env = setup({ configuredSymbols: ['ETHUSDT'] });
    env.router.apply(position());
    env.router.apply(order({ customOrderId: 'm1', exchangeOrderId: '1' }));
    env.router.apply(fill({}));
    expect(events(env.records, 'out_of_scope_event_ignored').map(fields)).toEqual([
      expect.objectContaining({ symbol: 'BTCUSDT', kind: 'position' }),
      expect.objectContaining({ symbol: 'BTCUSDT', kind: 'order' }),
      expect.objectContaining({ symbol: 'BTCUSDT', kind: 'execution' }),
    ]);
    expect(env.core.state.positions.size).toBe(0);
    expect(env.core.state.orders.size).toBe(0);
    expect(env.core.state.hasFill('t1')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
describe('position rows', () => {
  test('a position row replaces the scope\'s position, trusts it and records the scope', () => {
    const env = setup();
    env.core.state.setTrust(KEY, 'position', 'untrusted');
    env.router.apply(position({ size: d('0.02') }));
    expect(env.core.state.trustOf(KEY).position).toBe('trusted');
    expect(affected(env)).toEqual(['LONG:position']);
  });

  test('a row older than the applied one is ignored and journaled with its time (lesson 14)', () => {
    const env = setup();
    env.router.apply(position({ size: d('0.02'), transactionTimeMs: 20 }));
    env.core.state.setTrust(KEY, 'position', 'untrusted');
    env.router.apply(position({ size: d('0.01'), transactionTimeMs: 10 }));
    expect(events(env.records, 'stale_position_row_ignored').map(fields)).toEqual([expect.objectContaining({ transactionTimeMs: 10 })]);
    expect(env.core.state.trustOf(KEY).position).toBe('untrusted');
    expect(affected(env)).toEqual(['LONG:position']);
  });

  test('a position that goes flat ends its life at the row\'s venue time; its protection is no longer unplaceable', async () => {
    const env = setup();
    env.router.apply(position());
    await env.contexts.setConsumedSteps(KEY, 2);
    env.core.unplaceable.set(KEY, { slot: 'SL', code: '-2021', sinceMs: 1 });
    env.router.apply(position({ size: d('0'), entryPrice: d('0'), transactionTimeMs: 4_000 }));
    await settle();
    expect(env.contexts.consumedSteps(KEY)).toBe(0);
    expect(env.contexts.lifeOf(KEY)).toBe(1);
    // The new life began at the row's time: an order row from before it belongs to the ended life.
    expect(env.contexts.ofEndedLife(ctx({}), 3_999)).toBe(true);
    expect(env.contexts.ofEndedLife(ctx({}), 4_000)).toBe(false);
    expect(env.core.unplaceable.has(KEY)).toBe(false);
    expect(events(env.records, 'protection_placeable')).toHaveLength(1);
  });

  test('a flat row without a venue time ends the life at the clock\'s time', async () => {
    const env = setup();
    env.router.apply(position());
    env.router.apply(position({ size: d('0'), entryPrice: d('0') }));
    await settle();
    expect(env.contexts.lifeOf(KEY)).toBe(1);
    expect(env.contexts.ofEndedLife(ctx({}), 4_999)).toBe(true);
    expect(env.contexts.ofEndedLife(ctx({}), 5_000)).toBe(false);
  });

  test('a flat row for a position that was already flat (or never seen) does not start a new life', async () => {
    const env = setup();
    env.router.apply(position({ size: d('0'), entryPrice: d('0') }));
    env.router.apply(position({ size: d('0'), entryPrice: d('0') }));
    await settle();
    expect(env.contexts.lifeOf(KEY)).toBe(0);
  });

  test('a position that stays open (or grows) keeps its life and its unplaceable protection alert', async () => {
    const env = setup();
    env.router.apply(position());
    env.core.unplaceable.set(KEY, { slot: 'SL', code: '-2021', sinceMs: 1 });
    env.router.apply(position({ size: d('0.02') }));
    await settle();
    expect(env.contexts.lifeOf(KEY)).toBe(0);
    expect(env.core.unplaceable.has(KEY)).toBe(true);
  });

  test('a failing ladder write when the life ends is journaled', async () => {
    const env = setup();
    env.router.apply(position());
    env.store.map.failWrites = 1;
    env.router.apply(position({ size: d('0'), entryPrice: d('0') }));
    await settle();
    expect(events(env.records, 'context_write_failed').map(fields)).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^ladder write failed for binance:linear:BTCUSDT:LONG: /), scope: expect.objectContaining({ managedSide: 'LONG' }) })]);
  });

  test('one-way: a position on one side flattens the other side (its life ends, both scopes recorded)', async () => {
    const env = setup({ positionMode: 'one_way' });
    env.router.apply(position({ managedSide: 'SHORT' }));
    env.core.state.setTrust(SHORT, 'position', 'untrusted');
    env.records.length = 0;
    env.router.apply(position({ managedSide: 'LONG', size: d('0.05'), transactionTimeMs: 3_000 }));
    await settle();
    expect(env.core.state.positions.get(SHORT)?.size.toFixed()).toBe('0');
    expect(env.core.state.positions.get(SHORT)?.entryPrice.toFixed()).toBe('0');
    expect(env.core.state.positions.get(SHORT)?.managedSide).toBe('SHORT');
    expect(env.core.state.trustOf(SHORT).position).toBe('trusted');
    expect(env.contexts.lifeOf(SHORT)).toBe(1);
    expect(env.contexts.ofEndedLife(ctx({ scopeKey: SHORT }), 2_999)).toBe(true);
    expect(affected(env)).toEqual(['LONG:position', 'SHORT:position']);
  });

  test('one-way: the other side flat but known is recorded too; unknown, it is not', () => {
    const known = setup({ positionMode: 'one_way' });
    known.core.know(SHORT);
    known.router.apply(position());
    expect(affected(known)).toEqual(['LONG:position', 'SHORT:position']);
    const unknown = setup({ positionMode: 'one_way' });
    unknown.router.apply(position());
    expect(affected(unknown)).toEqual(['LONG:position']);
    expect(unknown.core.known.has(SHORT)).toBe(false);
  });

  test('one-way: a flat row on one side does not touch the other side', async () => {
    const env = setup({ positionMode: 'one_way' });
    env.router.apply(position({ managedSide: 'SHORT' }));
    env.router.apply(position({ size: d('0'), entryPrice: d('0') }));
    await settle();
    expect(env.core.state.positions.get(SHORT)?.size.toFixed()).toBe('0.01');
    expect(env.contexts.lifeOf(SHORT)).toBe(0);
  });

  test('hedge mode: both sides hold positions side by side', () => {
    const env = setup();
    env.router.apply(position({ managedSide: 'SHORT' }));
    env.router.apply(position());
    expect(env.core.state.positions.get(SHORT)?.size.toFixed()).toBe('0.01');
    expect(affected(env)).toEqual(['SHORT:position', 'LONG:position']);
  });
});

// ---------------------------------------------------------------------------------------------
describe('order rows: identity first (custom id, then venue id), side second', () => {
  test('an echo with only the venue id is routed to the context holding it and completed with our custom id', async () => {
    const env = setup();
    await env.contexts.put(ctx({}));
    env.router.apply(order({ customOrderId: undefined, status: 'NEW' }));
    expect(env.core.state.findOrder({ customOrderId: 'tp1' })?.row.exchangeOrderId).toBe('77');
    expect(affected(env)).toEqual(['LONG:order']);
    expect(events(env.records, 'unowned_order_ignored')).toEqual([]);
  });

  test('an echo with only our custom id is completed with the venue id the context learned', async () => {
    const env = setup();
    await env.contexts.put(ctx({}));
    env.router.apply(order({ exchangeOrderId: undefined }));
    expect(env.core.state.findOrder({ exchangeOrderId: '77' })?.row.customOrderId).toBe('tp1');
  });

  test('an echo by venue id of an order known by that id (its context never learned it) is ours', async () => {
    const env = setup();
    await env.contexts.put(ctx({ exchangeOrderId: undefined, lifecycle: 'accepted', status: 'pending' }));
    env.core.state.applyOrder(order({}), KEY);
    env.router.apply(order({ customOrderId: undefined, status: 'PARTIALLY_FILLED', filledQty: d('0.004') }));
    expect(events(env.records, 'unowned_order_ignored')).toEqual([]);
    expect(env.contexts.get('tp1')).toMatchObject({ lifecycle: 'partially_filled' });
  });

  test('a custom id another client reused (venue ids differ) is not ours: `ownership_conflict` (lesson 15)', async () => {
    const env = setup();
    await env.contexts.put(ctx({ lifecycle: 'canceled', status: 'terminal' }));
    env.router.apply(order({ exchangeOrderId: '999' }));
    expect(events(env.records, 'ownership_conflict').map(fields)).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', customOrderId: 'tp1', exchangeOrderId: '999', contextExchangeOrderId: '77' })]);
    expect(events(env.records, 'unowned_order_ignored')).toHaveLength(1);
    expect(env.contexts.get('tp1')).toMatchObject({ lifecycle: 'canceled' });
  });

  test('the venue id our order showed under the custom id counts when the context has none', async () => {
    const env = setup();
    await env.contexts.put(ctx({ exchangeOrderId: undefined, lifecycle: 'accepted', status: 'pending' }));
    env.core.state.applyOrder(order({ exchangeOrderId: '77' }), KEY);
    env.router.apply(order({ exchangeOrderId: '999' }));
    expect(events(env.records, 'ownership_conflict').map(fields)).toEqual([expect.objectContaining({ contextExchangeOrderId: '77' })]);
  });

  test('unowned order rows update the view but are never managed; routed by their side (lesson 5)', () => {
    const env = setup();
    env.router.apply(order({ customOrderId: 'manual', exchangeOrderId: '5', managedSide: 'SHORT', status: 'NEW' }));
    expect(events(env.records, 'unowned_order_ignored').map(fields)).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', customOrderId: 'manual', exchangeOrderId: '5', status: 'NEW', type: 'LIMIT' })]);
    expect(env.core.state.findOrder({ exchangeOrderId: '5' })?.scopeKey).toBe(SHORT);
    expect(affected(env)).toEqual([]);
  });

  test('an unowned fill on a native product: the row\'s side waits for its position row', () => {
    const env = setup();
    env.router.apply(order({ customOrderId: 'manual', exchangeOrderId: '5', status: 'PARTIALLY_FILLED', filledQty: d('0.005') }));
    expect(env.core.state.trustOf(KEY).position).toBe('untrusted');
    expect(affected(env)).toEqual(['LONG:unowned_fill']);
  });

  test('an unowned fill already carried by a newer position row leaves position trust alone', () => {
    const env = setup();
    env.router.apply(position({ transactionTimeMs: 100 }));
    env.router.apply(order({ customOrderId: 'manual', exchangeOrderId: '5', status: 'FILLED', filledQty: d('0.01'), transactionTimeMs: 100 }));
    expect(env.core.state.trustOf(KEY).position).toBe('trusted');
    expect(affected(env)).toEqual(['LONG:position', 'LONG:unowned_fill']);
  });

  test('an unowned order row without fill evidence records no scope', () => {
    const env = setup();
    env.router.apply(order({ customOrderId: 'manual', exchangeOrderId: '5', status: 'CANCELED' }));
    expect(affected(env)).toEqual([]);
  });

  test('spot: an unowned order fill is not waited for (the fills themselves derive the position); another user\'s sell re-plans the one scope (it locks or frees base asset)', () => {
    const env = setup({ product: 'spot' });
    env.router.apply(order({ customOrderId: 'manual', exchangeOrderId: '5', status: 'FILLED', filledQty: d('0.01'), side: 'BUY' }));
    expect(affected(env)).toEqual([]);
    env.router.apply(order({ customOrderId: 'manual2', exchangeOrderId: '6', status: 'NEW', side: 'SELL' }));
    expect(affected(env)).toEqual(['LONG:unowned_sell']);
    // As the spot venue delivers it (no side): still the symbol's one scope, no two-sided fallback.
    env.router.apply(order({ customOrderId: 'manual3', exchangeOrderId: '7', managedSide: 'BOTH', status: 'NEW', side: 'SELL' }));
    expect(affected(env)).toEqual(['LONG:unowned_sell', 'LONG:unowned_sell']);
    expect(events(env.records, 'route_fallback')).toEqual([]);
  });

  test('side BOTH: the bounded fallback records both sides of the symbol (`route_fallback`)', () => {
    const env = setup();
    env.router.apply(order({ customOrderId: 'manual', exchangeOrderId: '5', managedSide: 'BOTH', status: 'FILLED', filledQty: d('0.01') }));
    expect(events(env.records, 'route_fallback').map(fields)).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', scopes: [expect.objectContaining({ managedSide: 'LONG' }), expect.objectContaining({ managedSide: 'SHORT' })] })]);
    expect(affected(env)).toEqual(['LONG:unowned_fill', 'SHORT:unowned_fill']);
    // Two scopes: the order is stored without one.
    expect(env.core.state.findOrder({ exchangeOrderId: '5' })).toBeUndefined();
  });

  test('one-way mode: a row naming a side still takes the fallback', () => {
    const env = setup({ positionMode: 'one_way' });
    env.router.apply(order({ customOrderId: 'manual', exchangeOrderId: '5', managedSide: 'LONG', status: 'NEW' }));
    expect(events(env.records, 'route_fallback')).toHaveLength(1);
    expect(env.core.state.findOrder({ exchangeOrderId: '5' })?.scopeKey).toBeUndefined();
  });

  test('an unowned order already known under a scope keeps that scope', () => {
    const env = setup();
    env.core.state.applyOrder(order({ customOrderId: 'manual', exchangeOrderId: '5', managedSide: 'BOTH' }), SHORT);
    env.router.apply(order({ customOrderId: 'manual', exchangeOrderId: '5', managedSide: 'BOTH', status: 'PARTIALLY_FILLED', filledQty: d('0.002') }));
    expect(events(env.records, 'route_fallback')).toEqual([]);
    expect(affected(env)).toEqual(['SHORT:unowned_fill']);
  });

  test('an app order row advances the context, records the scope; NEW leaves position trust alone', async () => {
    const env = setup();
    await env.contexts.put(ctx({ lifecycle: 'accepted', status: 'pending', exchangeOrderId: undefined }));
    env.router.apply(order({ exchangeOrderId: '78' }));
    await settle();
    expect(env.contexts.get('tp1')).toMatchObject({ lifecycle: 'open', exchangeOrderId: '78' });
    expect(env.core.state.trustOf(KEY).position).toBe('trusted');
    expect(affected(env)).toEqual(['LONG:order']);
    expect(env.core.state.findOrder({ customOrderId: 'tp1' })?.scopeKey).toBe(KEY);
  });

  test('an app order fill: position untrusted (native), the context learns it traded', async () => {
    const env = setup();
    await env.contexts.put(ctx({}));
    env.router.apply(order({ status: 'PARTIALLY_FILLED', filledQty: d('0.004') }));
    await settle();
    expect(env.core.state.trustOf(KEY).position).toBe('untrusted');
    expect(env.contexts.get('tp1')).toMatchObject({ lifecycle: 'partially_filled', filled: true });
  });

  test('an app order fill older than the applied position row leaves position trust (lesson 14)', async () => {
    const env = setup();
    await env.contexts.put(ctx({}));
    env.router.apply(position({ transactionTimeMs: 200 }));
    env.router.apply(order({ status: 'FILLED', filledQty: d('0.01'), transactionTimeMs: 200 }));
    expect(env.core.state.trustOf(KEY).position).toBe('trusted');
  });

  test('spot: an app order fill does not drop position trust', async () => {
    const env = setup({ product: 'spot' });
    const SPOT = 'binance:spot:BTCUSDT:LONG';
    await env.contexts.put(ctx({ scopeKey: SPOT }));
    env.router.apply(order({ status: 'FILLED', filledQty: d('0.01') }));
    expect(env.core.state.trustOf(SPOT).position).toBe('trusted');
  });

  test('a DCA order with fill evidence consumes its step, durably, once', async () => {
    const env = setup();
    await env.contexts.put(ctx({ customOrderId: 'd2', slot: 'DCA2', exchangeOrderId: '90', side: undefined } as never));
    env.router.apply(order({ customOrderId: 'd2', exchangeOrderId: '90', side: 'BUY', reduceOnly: false, status: 'PARTIALLY_FILLED', filledQty: d('0.002') }));
    env.router.apply(order({ customOrderId: 'd2', exchangeOrderId: '90', side: 'BUY', reduceOnly: false, status: 'PARTIALLY_FILLED', filledQty: d('0.004') }));
    await settle();
    expect(env.contexts.consumedSteps(KEY)).toBe(2);
    expect(events(env.records, 'dca_step_consumed').map(fields)).toEqual([expect.objectContaining({ slot: 'DCA2', step: 2, scope: expect.objectContaining({ managedSide: 'LONG' }) })]);
    const reloaded = new OrderContextStore(env.store.keyv);
    await reloaded.load();
    expect(reloaded.consumedSteps(KEY)).toBe(2);
  });

  test('a lower step filling after a higher one was consumed does not lower the ladder', async () => {
    const env = setup();
    await env.contexts.setConsumedSteps(KEY, 2);
    await env.contexts.put(ctx({ customOrderId: 'd1', slot: 'DCA1', exchangeOrderId: '91' }));
    env.router.apply(order({ customOrderId: 'd1', exchangeOrderId: '91', side: 'BUY', reduceOnly: false, status: 'FILLED', filledQty: d('0.01') }));
    await settle();
    expect(env.contexts.consumedSteps(KEY)).toBe(2);
    expect(events(env.records, 'dca_step_consumed')).toEqual([]);
  });

  test('a DCA row without fill evidence consumes nothing; a TP fill consumes nothing', async () => {
    const env = setup();
    await env.contexts.put(ctx({ customOrderId: 'd1', slot: 'DCA1', exchangeOrderId: '91' }));
    await env.contexts.put(ctx({}));
    env.router.apply(order({ customOrderId: 'd1', exchangeOrderId: '91', side: 'BUY', reduceOnly: false, status: 'NEW' }));
    env.router.apply(order({ status: 'FILLED', filledQty: d('0.01') }));
    await settle();
    expect(env.contexts.consumedSteps(KEY)).toBe(0);
    expect(events(env.records, 'dca_step_consumed')).toEqual([]);
  });

  test('a failing ladder write when a step is consumed is journaled with the slot', async () => {
    const env = setup();
    await env.contexts.put(ctx({ customOrderId: 'd1', slot: 'DCA1', exchangeOrderId: '91' }));
    env.store.map.failWrites = 2;
    env.router.apply(order({ customOrderId: 'd1', exchangeOrderId: '91', side: 'BUY', reduceOnly: false, status: 'FILLED', filledQty: d('0.01') }));
    await settle();
    expect(events(env.records, 'context_write_failed').map(fields)).toContainEqual(expect.objectContaining({ slot: 'DCA1', reason: expect.stringMatching(/^ladder write failed for /), scope: expect.objectContaining({ managedSide: 'LONG' }) }));
  });

  test('a row of an order from an ended life: journaled `previous_life_row`, consumes nothing, trust untouched (lesson 14)', async () => {
    const env = setup();
    await env.contexts.put(ctx({ customOrderId: 'd1', slot: 'DCA1', exchangeOrderId: '91', life: 0 }));
    await env.contexts.endLife(KEY, 1_000);
    env.router.apply(order({ customOrderId: 'd1', exchangeOrderId: '91', side: 'BUY', reduceOnly: false, status: 'FILLED', filledQty: d('0.01'), transactionTimeMs: 900 }));
    await settle();
    expect(events(env.records, 'previous_life_row').map(fields)).toEqual([expect.objectContaining({ customOrderId: 'd1', slot: 'DCA1', status: 'FILLED', scope: expect.objectContaining({ managedSide: 'LONG' }) })]);
    expect(env.contexts.consumedSteps(KEY)).toBe(0);
    expect(env.core.state.trustOf(KEY).position).toBe('trusted');
  });

  test('a fill of an earlier-life order happening in this life counts for this life', async () => {
    const env = setup();
    await env.contexts.put(ctx({ customOrderId: 'd1', slot: 'DCA1', exchangeOrderId: '91', life: 0 }));
    await env.contexts.endLife(KEY, 1_000);
    env.router.apply(order({ customOrderId: 'd1', exchangeOrderId: '91', side: 'BUY', reduceOnly: false, status: 'FILLED', filledQty: d('0.01'), transactionTimeMs: 1_100 }));
    await settle();
    expect(events(env.records, 'previous_life_row')).toEqual([]);
    expect(env.contexts.consumedSteps(KEY)).toBe(1);
  });

  test('a late NEW after a terminal row is ignored and journaled `late_order_row_ignored`', async () => {
    const env = setup();
    await env.contexts.put(ctx({}));
    env.router.apply(order({ status: 'CANCELED' }));
    env.records.length = 0;
    env.router.apply(order({ status: 'NEW' }));
    expect(events(env.records, 'late_order_row_ignored').map(fields)).toEqual([expect.objectContaining({ customOrderId: 'tp1', status: 'NEW', scope: expect.objectContaining({ managedSide: 'LONG' }) })]);
    expect(affected(env)).toEqual([]);
    expect(env.core.state.findOrder({ customOrderId: 'tp1' })).toBeUndefined();
  });

  test('the refused protection now resting at the venue: no longer unplaceable', async () => {
    const env = setup();
    await env.contexts.put(ctx({ customOrderId: 'sl1', slot: 'SL', exchangeOrderId: '60' }));
    env.core.unplaceable.set(KEY, { slot: 'SL', code: '-2021', sinceMs: 1 });
    env.router.apply(order({ customOrderId: 'sl1', exchangeOrderId: '60', type: 'STOP_MARKET', status: 'NEW' }));
    expect(env.core.unplaceable.has(KEY)).toBe(false);
  });

  test('another slot resting, or the refused slot\'s terminal row, leaves the alert', async () => {
    const env = setup();
    await env.contexts.put(ctx({}));
    await env.contexts.put(ctx({ customOrderId: 'sl1', slot: 'SL', exchangeOrderId: '60' }));
    env.core.unplaceable.set(KEY, { slot: 'SL', code: '-2021', sinceMs: 1 });
    env.router.apply(order({ status: 'NEW' }));
    expect(env.core.unplaceable.has(KEY)).toBe(true);
    env.router.apply(order({ customOrderId: 'sl1', exchangeOrderId: '60', type: 'STOP_MARKET', status: 'EXPIRED' }));
    expect(env.core.unplaceable.has(KEY)).toBe(true);
  });

  test('one-way: a terminal row of an app order wakes the opposite side holding a position', async () => {
    const env = setup({ positionMode: 'one_way' });
    env.core.state.applyPosition(position({ managedSide: 'SHORT' }), SHORT);
    await env.contexts.put(ctx({}));
    env.router.apply(order({ status: 'CANCELED' }));
    expect(affected(env)).toEqual(['LONG:order', 'SHORT:opposite_side_cleanup']);
  });

  test('one-way: an active row does not; hedge mode: a terminal row does not', async () => {
    const env = setup({ positionMode: 'one_way' });
    env.core.state.applyPosition(position({ managedSide: 'SHORT' }), SHORT);
    await env.contexts.put(ctx({}));
    env.router.apply(order({ status: 'NEW' }));
    expect(affected(env)).toEqual(['LONG:order']);
    const hedge = setup();
    hedge.core.state.applyPosition(position({ managedSide: 'SHORT' }), SHORT);
    await hedge.contexts.put(ctx({}));
    hedge.router.apply(order({ status: 'CANCELED' }));
    expect(affected(hedge)).toEqual(['LONG:order']);
  });

  test('a row that confirms a pending place tells the waiting scope; one that confirms nothing does not', async () => {
    const env = setup();
    await env.contexts.put(ctx({ lifecycle: 'accepted', status: 'pending' }));
    env.core.tracker.register({ scopeKey: KEY, action: 'cancel', slot: 'TP', customOrderId: 'tp1', state: 'accepted', sinceMs: 0 });
    env.router.apply(order({ status: 'NEW' }));
    await settle();
    expect(env.sent.filter((s) => s.event.type === 'confirmation.resolved')).toEqual([]);
    env.router.apply(order({ status: 'CANCELED' }));
    await settle();
    expect(env.core.tracker.get(pendingKey('cancel', 'tp1'))).toBeUndefined();
    expect(env.sent.filter((s) => s.event.type === 'confirmation.resolved')).toEqual([{ key: KEY, event: { type: 'confirmation.resolved', remaining: 0 } }]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('execution rows: recorded once per trade id; never a confirmation', () => {
  test('an app fill routed by venue id gets our custom id and slot in its line; the context learns it traded', async () => {
    const env = setup();
    await env.contexts.put(ctx({}));
    env.router.apply(fill({ exchangeOrderId: '77', side: 'SELL', tradeId: 'x1' }));
    await settle();
    expect(events(env.records, 'fill').map(fields)).toEqual([expect.objectContaining({ slot: 'TP', customOrderId: 'tp1', exchangeOrderId: '77', tradeId: 'x1', scope: expect.objectContaining({ managedSide: 'LONG' }) })]);
    expect(env.contexts.get('tp1')).toMatchObject({ filled: true, lifecycle: 'partially_filled' });
  });

  test('a fill carrying its own custom id keeps it', async () => {
    const env = setup();
    await env.contexts.put(ctx({}));
    env.router.apply(fill({ customOrderId: 'tp1', exchangeOrderId: '77', tradeId: 'x1' }));
    expect(fields(events(env.records, 'fill')[0]!)).toMatchObject({ customOrderId: 'tp1', slot: 'TP' });
  });

  test('the line says liquidation, and carries no fee fields when the venue sent none', () => {
    const env = setup();
    env.router.apply(fill({ tradeId: 'l1', liquidation: true }));
    const line = fields(events(env.records, 'fill')[0]!);
    expect(line).toMatchObject({ liquidation: true, price: '64000', qty: '0.01', side: 'BUY', symbol: 'BTCUSDT' });
    expect(line).not.toHaveProperty('fee');
    expect(line).not.toHaveProperty('feeAsset');
    expect(line).not.toHaveProperty('realizedPnl');
    expect(line).not.toHaveProperty('customOrderId');
    expect(line).not.toHaveProperty('exchangeOrderId');
    env.router.apply(fill({ tradeId: 'l2' }));
    expect(fields(events(env.records, 'fill')[1]!)).not.toHaveProperty('liquidation');
  });

  test('a duplicate trade id is journaled and changes nothing', () => {
    const env = setup();
    env.router.apply(fill({ tradeId: 'x1' }));
    env.core.state.setTrust(KEY, 'position', 'trusted');
    env.records.length = 0;
    env.router.apply(fill({ tradeId: 'x1' }));
    expect(events(env.records, 'duplicate_fill_ignored').map(fields)).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', tradeId: 'x1' })]);
    expect(events(env.records, 'fill')).toEqual([]);
    expect(affected(env)).toEqual([]);
    expect(env.core.state.trustOf(KEY).position).toBe('trusted');
  });

  test('the trade id is remembered durably: a new process sees the replayed fill as a duplicate', async () => {
    const env = setup();
    env.router.apply(fill({ tradeId: 'x1' }));
    await settle();
    const reloaded = new OrderContextStore(env.store.keyv);
    await reloaded.load();
    expect(reloaded.fillIds.has('x1')).toBe(true);
  });

  test('a failing fill-record write is journaled with the trade id', async () => {
    const env = setup();
    env.store.map.failWrites = 1;
    env.router.apply(fill({ tradeId: 'x1' }));
    await settle();
    expect(events(env.records, 'context_write_failed').map(fields)).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', tradeId: 'x1', reason: expect.stringMatching(/^fill record write failed for x1: /) })]);
  });

  test('native: a fill makes the position untrusted until its position row, and records the scope', () => {
    const env = setup();
    env.router.apply(fill({ tradeId: 'x1' }));
    expect(env.core.state.trustOf(KEY).position).toBe('untrusted');
    expect(affected(env)).toEqual(['LONG:execution']);
  });

  test('native: a fill older than the position row already applied leaves trust', () => {
    const env = setup();
    env.router.apply(position({ transactionTimeMs: 50 }));
    env.router.apply(fill({ tradeId: 'x1', transactionTimeMs: 40 }));
    expect(env.core.state.trustOf(KEY).position).toBe('trusted');
  });

  test('native, unknown side (BOTH): both sides wait for their position rows', () => {
    const env = setup();
    env.router.apply(fill({ tradeId: 'x1', managedSide: 'BOTH' }));
    expect(affected(env)).toEqual(['LONG:execution', 'SHORT:execution']);
    expect(env.core.state.trustOf(SHORT).position).toBe('untrusted');
    const line = fields(events(env.records, 'fill')[0]!);
    expect(line).not.toHaveProperty('scope');
  });

  test('spot: the fill derives the position, which is trusted at once', () => {
    const env = setup({ product: 'spot' });
    const SPOT = 'binance:spot:BTCUSDT:LONG';
    env.core.state.setTrust(SPOT, 'position', 'untrusted');
    env.router.apply(fill({ tradeId: 's1', managedSide: 'BOTH' }));
    expect(env.core.state.positions.get(SPOT)?.size.toFixed()).toBe('0.01');
    expect(env.core.state.trustOf(SPOT).position).toBe('trusted');
    expect(affected(env)).toEqual(['LONG:execution']);
    expect(fields(events(env.records, 'fill')[0]!)).toMatchObject({ scope: expect.objectContaining({ managedSide: 'LONG' }) });
  });

  test('spot: the sell fill that empties the holding ends the life at its venue time; a partial sell does not', async () => {
    const env = setup({ product: 'spot' });
    const SPOT = 'binance:spot:BTCUSDT:LONG';
    env.router.apply(fill({ tradeId: 'b1', managedSide: 'BOTH', side: 'BUY', qty: d('0.02'), transactionTimeMs: 100 }));
    env.router.apply(fill({ tradeId: 's1', managedSide: 'BOTH', side: 'SELL', qty: d('0.01'), transactionTimeMs: 200 }));
    await settle();
    expect(env.contexts.lifeOf(SPOT)).toBe(0);
    env.router.apply(fill({ tradeId: 's2', managedSide: 'BOTH', side: 'SELL', qty: d('0.01'), transactionTimeMs: 300 }));
    await settle();
    expect(env.core.state.positions.get(SPOT)?.size.toFixed()).toBe('0');
    expect(env.contexts.lifeOf(SPOT)).toBe(1);
    expect(env.contexts.ofEndedLife(ctx({ scopeKey: SPOT }), 299)).toBe(true);
    expect(env.contexts.ofEndedLife(ctx({ scopeKey: SPOT }), 300)).toBe(false);
  });

  test('spot: a sell fill on a scope that held nothing, and a buy from flat, start no new life', async () => {
    const env = setup({ product: 'spot' });
    const SPOT = 'binance:spot:BTCUSDT:LONG';
    env.router.apply(fill({ tradeId: 's0', managedSide: 'BOTH', side: 'SELL', qty: d('0.01'), transactionTimeMs: 50 }));
    env.router.apply(fill({ tradeId: 'b1', managedSide: 'BOTH', side: 'BUY', qty: d('0.01'), transactionTimeMs: 100 }));
    await settle();
    expect(env.core.state.positions.get(SPOT)?.size.toFixed()).toBe('0.01');
    expect(env.contexts.lifeOf(SPOT)).toBe(0);
  });

  test('a DCA fill consumes its step; a fill of an ended life does not and is journaled (lesson 14)', async () => {
    const env = setup();
    await env.contexts.put(ctx({ customOrderId: 'd1', slot: 'DCA1', exchangeOrderId: '91' }));
    env.router.apply(fill({ customOrderId: 'd1', exchangeOrderId: '91', tradeId: 'a' }));
    await settle();
    expect(env.contexts.consumedSteps(KEY)).toBe(1);
    await env.contexts.endLife(KEY, 9_000);
    env.core.state.setTrust(KEY, 'position', 'trusted');
    env.records.length = 0;
    env.router.apply(fill({ customOrderId: 'd1', exchangeOrderId: '91', tradeId: 'b', transactionTimeMs: 8_000 }));
    await settle();
    expect(events(env.records, 'previous_life_row').map(fields)).toEqual([expect.objectContaining({ customOrderId: 'd1', slot: 'DCA1', tradeId: 'b' })]);
    expect(env.contexts.consumedSteps(KEY)).toBe(0);
    expect(env.core.state.trustOf(KEY).position).toBe('trusted');
    expect(affected(env)).toEqual([]);
  });
});

describe('more routing by identity and side', () => {
  test('a row whose custom id we do not hold but whose venue id a context holds is ours (identity: custom id, then venue id)', async () => {
    const env = setup();
    await env.contexts.put(ctx({}));
    env.router.apply(order({ customOrderId: 'venue-renamed', exchangeOrderId: '77', status: 'PARTIALLY_FILLED', filledQty: d('0.004') }));
    expect(events(env.records, 'unowned_order_ignored')).toEqual([]);
    expect(affected(env)).toEqual(['LONG:order']);
  });

  test('native: a fill of an app order makes its scope wait for the position row', async () => {
    const env = setup();
    await env.contexts.put(ctx({}));
    env.router.apply(fill({ exchangeOrderId: '77', side: 'SELL', tradeId: 'x1' }));
    expect(env.core.state.trustOf(KEY).position).toBe('untrusted');
    expect(affected(env)).toEqual(['LONG:execution']);
  });

  test('an unowned fill that names its side: its line carries that scope', () => {
    const env = setup();
    env.router.apply(fill({ tradeId: 'u1', managedSide: 'SHORT', side: 'SELL' }));
    expect(fields(events(env.records, 'fill')[0]!)).toMatchObject({ scope: expect.objectContaining({ managedSide: 'SHORT' }) });
    expect(affected(env)).toEqual(['SHORT:execution']);
  });

  test('a fill with realized PnL, fee and fee asset: its line carries them', () => {
    const env = setup();
    env.router.apply(fill({ tradeId: 'p1', realizedPnl: d('-1.5'), fee: d('0.02'), feeAsset: 'USDT' }));
    expect(fields(events(env.records, 'fill')[0]!)).toMatchObject({ realizedPnl: '-1.5', fee: '0.02', feeAsset: 'USDT' });
  });
});
