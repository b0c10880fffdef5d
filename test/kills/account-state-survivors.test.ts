// Kills for the surviving mutants of src/domain/account-state.ts (issue 9, docs/MUTATION_SURVIVORS.md).
// Each case states a rule of the local account view as SPEC.md gives it: lesson 2 (fills once per
// trade id), 7 (a snapshot requested before a stream row never overwrites it), 12 (an order that
// vanished is not settled by another order's rows), 14 (trust follows venue time; a terminal order
// never reopens; cumulative figures never fall), 15 (ownership needs both ids), section 2 (a
// terminal row is not an active order; a trigger is fill evidence), section 4 (ids are opaque
// lookup keys; spot positions come from fills, not position rows).
import { AccountState } from '../../src/domain/account-state.js';
import { Decimal } from '../../src/domain/decimal.js';
import type { ExecutionRow, OrderRow, PositionRow } from '../../src/domain/rows.js';

const d = (s: string) => new Decimal(s);
const all = () => true;
const KEY = 'generic:linear:BTCUSDT:LONG';
const OTHER = 'generic:linear:ETHUSDT:LONG';
const order = (over: Partial<OrderRow>): OrderRow => ({
  kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', side: 'SELL', type: 'LIMIT', status: 'NEW', price: d('100'), qty: d('1'), ...over,
});
const position = (size: string, transactionTimeMs?: number): PositionRow => ({
  kind: 'position', symbol: 'BTCUSDT', managedSide: 'LONG', size: d(size), entryPrice: d('100'), ...(transactionTimeMs !== undefined ? { transactionTimeMs } : {}),
});
const exec = (tradeId: string): ExecutionRow => ({ kind: 'execution', symbol: 'BTCUSDT', managedSide: 'LONG', tradeId, side: 'BUY', price: d('100'), qty: d('1') });
/** Applies a REST snapshot that speaks for every scope, all rows in KEY. */
const snapshot = (s: AccountState, snap: Parameters<AccountState['applySnapshot']>[0], fence: number) => s.applySnapshot(snap, all, () => KEY, () => KEY, fence);
const sizeOf = (s: AccountState, key = KEY) => s.positions.get(key)?.size.toFixed();
const priceOf = (s: AccountState, ids: { customOrderId?: string; exchangeOrderId?: string }) => s.findOrder(ids)?.row.price?.toFixed();

describe('a fresh account view claims nothing', () => {
  test('the private stream is not open until it says so', () => {
    const s = new AccountState('linear');
    expect(s.privateStreamReady).toBe(false);
    expect(s.serviceReady).toBe(false);
  });
});

describe('ids are opaque lookup keys (section 4)', () => {
  test('a lookup by venue id alone never finds an order whose client id is the text "undefined"', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({ customOrderId: 'undefined', exchangeOrderId: '9', price: d('50') }), KEY); // another client's order
    s.applyOrder(order({ customOrderId: 'ours', exchangeOrderId: '1', price: d('100') }), KEY);
    expect(priceOf(s, { exchangeOrderId: '1' })).toBe('100');
    expect(s.findOrder({ exchangeOrderId: '2' })).toBeUndefined();
  });

  test('terminal evidence is looked up by the ids given: a missing id matches no order spelled "undefined"', () => {
    const s = new AccountState('linear');
    // Orders whose ids are the text "undefined" ended; lookups that lack that id know nothing of them.
    s.applyOrder(order({ customOrderId: 'undefined', status: 'CANCELED' }), KEY);
    s.applyOrder(order({ customOrderId: 'z', exchangeOrderId: 'undefined', status: 'EXPIRED' }), KEY);
    expect(s.terminalStatusOf({ exchangeOrderId: '5' })).toBeUndefined();
    expect(s.terminalStatusOf({ customOrderId: 'never-seen' })).toBeUndefined();
    // And they are found by their own ids.
    expect(s.terminalStatusOf({ customOrderId: 'undefined' })).toBe('CANCELED');
    expect(s.terminalStatusOf({ exchangeOrderId: 'undefined' })).toBe('EXPIRED');
  });

  test('a terminal row without a venue id says nothing about the order whose venue id is "undefined"', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({ customOrderId: 'a', status: 'CANCELED' }), KEY);
    expect(s.terminalStatusOf({ exchangeOrderId: 'undefined' })).toBeUndefined();
    expect(s.applyOrder(order({ customOrderId: 'b', exchangeOrderId: 'undefined' }), KEY)).toMatchObject({ ignored: false, becameActive: true });
  });

  test('an order row without any id cannot be stored, and the error says which ids are missing', () => {
    const s = new AccountState('linear');
    expect(() => s.applyOrder(order({}), KEY)).toThrow(/customOrderId or exchangeOrderId/);
  });
});

describe('a scope reads its own orders only', () => {
  test('orders of another scope, or of no known scope, are not listed', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1' }), KEY);
    s.applyOrder(order({ customOrderId: 'b', exchangeOrderId: '2', symbol: 'ETHUSDT' }), OTHER);
    s.applyOrder(order({ customOrderId: 'c', exchangeOrderId: '3' }), undefined);
    expect(s.ordersOfScope(KEY).map((o) => o.row.customOrderId)).toEqual(['a']);
    expect(s.ordersOfScope(OTHER).map((o) => o.row.customOrderId)).toEqual(['b']);
  });
});

describe('what an order row proves (section 2, lesson 14)', () => {
  test('a trigger without a quantity is fill evidence; a cancel without one is not', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({ customOrderId: 'sl', exchangeOrderId: '1', type: 'STOP_MARKET' }), KEY);
    expect(s.applyOrder(order({ customOrderId: 'sl', exchangeOrderId: '1', type: 'STOP_MARKET', status: 'TRIGGERED' }), KEY).fillEvidence).toBe(true);
    s.applyOrder(order({ customOrderId: 'tp', exchangeOrderId: '2' }), KEY);
    expect(s.applyOrder(order({ customOrderId: 'tp', exchangeOrderId: '2', status: 'CANCELED' }), KEY).fillEvidence).toBe(false);
  });

  test('a terminal row for an order never seen open is not an active order', () => {
    const s = new AccountState('linear');
    expect(s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1', status: 'FILLED', filledQty: d('1') }), KEY))
      .toEqual({ key: expect.any(String), fillEvidence: true, terminal: true, becameActive: false, ignored: false });
    expect(s.findOrder({ customOrderId: 'a' })).toBeUndefined();
  });

  test('an open row is not terminal; it becomes active once', () => {
    const s = new AccountState('linear');
    expect(s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1' }), KEY)).toMatchObject({ terminal: false, becameActive: true, ignored: false });
    expect(s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1', status: 'PARTIALLY_FILLED', filledQty: d('0.4') }), KEY))
      .toMatchObject({ terminal: false, becameActive: false, fillEvidence: true, ignored: false });
  });

  test('a terminal order id seen again is ignored, by venue id too', () => {
    const s = new AccountState('linear');
    // The terminal row carried the venue id only; the late NEW row carries the client id as well.
    s.applyOrder(order({ exchangeOrderId: '1', status: 'FILLED', filledQty: d('1') }), KEY);
    expect(s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1', status: 'NEW' }), KEY))
      .toMatchObject({ ignored: true, fillEvidence: false, becameActive: false, terminal: false });
    expect(s.orders.size).toBe(0);
  });

  test('a late open row after a cancel is not fill evidence', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1' }), KEY);
    s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1', status: 'CANCELED' }), KEY);
    expect(s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1', status: 'NEW' }), KEY)).toMatchObject({ ignored: true, fillEvidence: false });
  });

  test('a repeated terminal row speaks of the same order as the first', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1' }), KEY);
    const first = s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1', status: 'CANCELED' }), KEY);
    const again = s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1', status: 'CANCELED' }), KEY);
    expect(again).toEqual({ key: first.key, fillEvidence: false, terminal: true, becameActive: false, ignored: true });
  });
});

describe('an order row updates what it says, keeps what it omits', () => {
  test('a first partial fill moves the status to PARTIALLY_FILLED; a late NEW does not move it back', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1' }), KEY);
    s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1', status: 'PARTIALLY_FILLED', filledQty: d('0.3') }), KEY);
    expect(s.findOrder({ customOrderId: 'a' })!.row.status).toBe('PARTIALLY_FILLED');
    s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1', status: 'NEW' }), KEY);
    expect(s.findOrder({ customOrderId: 'a' })!.row.status).toBe('PARTIALLY_FILLED');
  });

  test('a field the later row leaves undefined keeps its known value', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1', price: d('100'), qty: d('2') }), KEY);
    // Adapters map absent venue fields to undefined properties.
    s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1', status: 'PARTIALLY_FILLED', price: undefined, qty: undefined, filledQty: d('1') }), KEY);
    const row = s.findOrder({ customOrderId: 'a' })!.row;
    expect([row.price?.toFixed(), row.qty?.toFixed(), row.filledQty?.toFixed()]).toEqual(['100', '2', '1']);
  });
});

describe('stream rows and snapshot fences (lesson 7)', () => {
  test('rows that arrive after a snapshot was requested survive it, whatever kind came between', () => {
    const s = new AccountState('linear');
    const fence = s.fence();
    s.applyExecution(exec('t1'), KEY);
    s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1' }), KEY);
    expect(snapshot(s, { openOrders: [] }, fence).removedOrders).toEqual([]);
    expect(s.findOrder({ customOrderId: 'a' })).toBeDefined();
  });

  test('an open-orders snapshot requested before a stream row does not overwrite that order', () => {
    const s = new AccountState('linear');
    const fence = s.fence();
    s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1', price: d('100') }), KEY); // amended while the REST call was in flight
    snapshot(s, { openOrders: [order({ customOrderId: 'a', exchangeOrderId: '1', price: d('90') })] }, fence);
    expect(priceOf(s, { customOrderId: 'a' })).toBe('100');
  });

  test('an open-orders snapshot requested after the stream row replaces that order\'s row', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1', price: d('100') }), KEY);
    snapshot(s, { openOrders: [order({ customOrderId: 'a', exchangeOrderId: '1', price: d('110') })] }, s.fence());
    expect(priceOf(s, { customOrderId: 'a' })).toBe('110');
  });

  test('a snapshot that lists an order with both ids leaves one order, found by either id', () => {
    const s = new AccountState('linear');
    // The venue first reported the order by client id alone, then by venue id alone.
    s.applyOrder(order({ customOrderId: 'a' }), KEY);
    s.applyOrder(order({ exchangeOrderId: '1' }), KEY);
    s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1', status: 'PARTIALLY_FILLED', filledQty: d('0.2') }), KEY);
    snapshot(s, { openOrders: [order({ customOrderId: 'a', exchangeOrderId: '1', status: 'PARTIALLY_FILLED', filledQty: d('0.2') })] }, s.fence());
    expect(s.ordersOfScope(KEY)).toHaveLength(1);
    expect(s.findOrder({ exchangeOrderId: '1' })?.row.customOrderId).toBe('a');
    expect(s.findOrder({ customOrderId: 'a' })?.row.exchangeOrderId).toBe('1');
  });
});

describe('an order that vanished is not settled by another order reusing its client id (lessons 12, 15)', () => {
  test('a late terminal row of the vanished order leaves the reusing order open', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1' }), KEY);
    expect(snapshot(s, { openOrders: [] }, s.fence()).removedOrders).toHaveLength(1); // vanished: no terminal evidence
    s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '2', price: d('120') }), KEY); // another client reused the id
    s.applyOrder(order({ customOrderId: 'a', exchangeOrderId: '1', status: 'FILLED', filledQty: d('1') }), KEY);
    expect(s.findOrder({ customOrderId: 'a' })?.row).toMatchObject({ exchangeOrderId: '2', status: 'NEW' });
    expect(s.ordersOfScope(KEY)).toHaveLength(1);
    expect(s.terminalStatusOf({ exchangeOrderId: '1' })).toBe('FILLED');
  });
});

describe('position rows follow venue time (lesson 14)', () => {
  test('a row with the same venue time as the applied one replaces it (two changes in one millisecond)', () => {
    const s = new AccountState('linear');
    expect(s.applyPosition(position('1', 1000), KEY)).toBe(true);
    expect(s.applyPosition(position('2', 1000), KEY)).toBe(true);
    expect(sizeOf(s)).toBe('2');
  });

  test('an older row is refused and says so', () => {
    const s = new AccountState('linear');
    s.applyPosition(position('2', 2000), KEY);
    expect(s.applyPosition(position('1', 1000), KEY)).toBe(false);
    expect(sizeOf(s)).toBe('2');
  });

  test('a snapshot requested after the stream row applies when its venue time is newer or the same', () => {
    const s = new AccountState('linear');
    s.applyPosition(position('1', 1000), KEY);
    snapshot(s, { positions: [position('2', 1000)] }, s.fence());
    expect(sizeOf(s)).toBe('2');
    snapshot(s, { positions: [position('3', 2000)] }, s.fence());
    expect(sizeOf(s)).toBe('3');
  });

  test('a snapshot whose venue time is older than the applied row never replaces it', () => {
    const s = new AccountState('linear');
    s.applyPosition(position('2', 2000), KEY);
    snapshot(s, { positions: [position('1', 1000)] }, s.fence());
    expect(sizeOf(s)).toBe('2');
  });
});

describe('spot positions come from fills (section 4)', () => {
  test('a snapshot without position rows never zeroes a spot position', () => {
    const s = new AccountState('spot');
    s.applyExecution(exec('t1'), KEY);
    expect(sizeOf(s)).toBe('1');
    snapshot(s, { positions: [] }, s.fence());
    expect(sizeOf(s)).toBe('1');
  });
});

describe('fills from a snapshot (lesson 2)', () => {
  test('a snapshot fill is recorded: the same trade from the stream is a duplicate', () => {
    const s = new AccountState('linear');
    snapshot(s, { fills: [exec('t1')] }, s.fence());
    expect(s.hasFill('t1')).toBe(true);
    expect(s.applyExecution(exec('t1'), KEY)).toBe(false);
    expect(s.applyExecution(exec('t2'), KEY)).toBe(true);
  });
});

describe('memory stays bounded in a long-lived process', () => {
  test('the newest 100,000 trade ids are remembered; beyond that the oldest is forgotten', () => {
    const s = new AccountState('linear');
    for (let i = 0; i < 100_000; i++) s.applyExecution(exec(`t${i}`), KEY);
    expect(s.hasFill('t0')).toBe(true);
    s.applyExecution(exec('t100000'), KEY);
    expect(s.hasFill('t0')).toBe(false);
    expect(s.hasFill('t1')).toBe(true);
    expect(s.hasFill('t100000')).toBe(true);
  });

  test('terminal evidence of the newest 25,000 orders (both ids each) is remembered; beyond that the oldest is forgotten', () => {
    const s = new AccountState('linear');
    const cancel = (i: number) => s.applyOrder(order({ customOrderId: `o${i}`, exchangeOrderId: `${i}`, status: 'CANCELED' }), KEY);
    for (let i = 0; i < 25_000; i++) cancel(i);
    expect(s.terminalStatusOf({ customOrderId: 'o0' })).toBe('CANCELED');
    cancel(25_000);
    expect(s.terminalStatusOf({ customOrderId: 'o0' })).toBeUndefined();
    expect(s.terminalStatusOf({ exchangeOrderId: '0' })).toBeUndefined();
    expect(s.terminalStatusOf({ customOrderId: 'o1' })).toBe('CANCELED');
  });
});

describe('one venue order first seen by its custom id alone, then by its venue id alone', () => {
  const K = 'generic:linear:BTCUSDT:LONG';
  const d2 = (s: string) => new Decimal(s);
  const base = { kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', side: 'SELL', type: 'LIMIT', price: d2('1'), qty: d2('1') } as const;

  test('a row with both ids links the two copies: after the fill no phantom open order stays', () => {
    const s = new AccountState('linear');
    s.applyOrder({ ...base, customOrderId: 'A', status: 'NEW' }, K);
    s.applyOrder({ ...base, exchangeOrderId: '1', status: 'NEW' }, K);
    s.applyOrder({ ...base, customOrderId: 'A', exchangeOrderId: '1', status: 'FILLED', filledQty: d2('1') }, K);
    expect(s.ordersOfScope(K)).toEqual([]);
    expect([...s.orders.values()]).toEqual([]);
  });

  test('linked while still open: one order remains, found by either id, with the higher cumulative fill', () => {
    const s = new AccountState('linear');
    s.applyOrder({ ...base, customOrderId: 'A', status: 'NEW' }, K);
    s.applyOrder({ ...base, exchangeOrderId: '1', status: 'PARTIALLY_FILLED', filledQty: d2('0.4') }, K);
    const linked = s.applyOrder({ ...base, customOrderId: 'A', exchangeOrderId: '1', status: 'PARTIALLY_FILLED', filledQty: d2('0.4') }, K);
    // The venue-id copy already knew 0.4: the linking row is not new fill evidence.
    expect(linked.fillEvidence).toBe(false);
    expect(s.ordersOfScope(K)).toHaveLength(1);
    expect(s.findOrder({ exchangeOrderId: '1' })?.row.customOrderId).toBe('A');
    expect(s.findOrder({ customOrderId: 'A' })?.row.filledQty?.toFixed()).toBe('0.4');
  });

  // The domain-changed run's survivors (docs/MUTATION_SURVIVORS.md, last section).
  test('only a copy known by its venue id alone is folded: an order with a custom id of its own is another order, and stays', () => {
    const s = new AccountState('linear');
    s.applyOrder({ ...base, customOrderId: 'A', status: 'NEW' }, K);
    s.applyOrder({ ...base, customOrderId: 'B', exchangeOrderId: '2', status: 'NEW' }, K);
    // A row naming A with B's venue id (a conflicting identity): B is not A's twin.
    s.applyOrder({ ...base, customOrderId: 'A', exchangeOrderId: '2', status: 'NEW' }, K);
    expect(s.findOrder({ customOrderId: 'B' })?.row.exchangeOrderId).toBe('2');
    expect(s.ordersOfScope(K).map((o) => o.row.customOrderId).sort()).toEqual(['A', 'B']);
  });

  test('the folded order keeps the scope the venue-id copy knew when the custom-id copy knew none', () => {
    const s = new AccountState('linear');
    s.applyOrder({ ...base, customOrderId: 'A', status: 'NEW' }, undefined);
    s.applyOrder({ ...base, exchangeOrderId: '1', status: 'NEW' }, K);
    s.applyOrder({ ...base, customOrderId: 'A', exchangeOrderId: '1', status: 'NEW' }, undefined);
    expect(s.ordersOfScope(K).map((o) => o.row.customOrderId)).toEqual(['A']);
  });
});
