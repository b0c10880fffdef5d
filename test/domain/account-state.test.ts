import { AccountState } from '../../src/domain/account-state.js';
import { Decimal } from '../../src/domain/decimal.js';
import type { OrderRow, PositionRow } from '../../src/domain/rows.js';

const d = (s: string) => new Decimal(s);
const KEY = 'generic:linear:BTCUSDT:LONG';
const order = (over: Partial<OrderRow>): OrderRow => ({ kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: 'a', side: 'SELL', type: 'LIMIT', status: 'NEW', price: d('1'), qty: d('1'), ...over });
const position = (size: string): PositionRow => ({ kind: 'position', symbol: 'BTCUSDT', managedSide: 'LONG', size: d(size), entryPrice: d('100') });
const all = () => true;

describe('AccountState', () => {
  test('a snapshot requested before a stream row cannot overwrite it (lesson 7)', () => {
    const s = new AccountState('linear');
    const fence = s.fence();
    s.applyPosition(position('2'), KEY); // the stream row lands while the REST call is in flight
    s.applySnapshot({ positions: [position('1')] }, all, () => KEY, () => KEY, fence);
    expect(s.positions.get(KEY)!.size.toFixed()).toBe('2');
    s.applySnapshot({ positions: [position('1')] }, all, () => KEY, () => KEY, s.fence());
    expect(s.positions.get(KEY)!.size.toFixed()).toBe('1');
  });

  test('an open order absent from an older snapshot is kept; from a newer one it is removed', () => {
    const s = new AccountState('linear');
    const fence = s.fence();
    s.applyOrder(order({}), KEY);
    expect(s.applySnapshot({ openOrders: [] }, all, () => KEY, () => KEY, fence).removedOrders).toHaveLength(0);
    expect(s.applySnapshot({ openOrders: [] }, all, () => KEY, () => KEY, s.fence()).removedOrders).toHaveLength(1);
  });

  test('a late NEW after a terminal row never resurrects the order', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({}), KEY);
    s.applyOrder(order({ status: 'CANCELED' }), KEY);
    expect(s.applyOrder(order({ status: 'NEW' }), KEY).ignored).toBe(true);
    expect(s.orders.size).toBe(0);
  });

  test('AMENDED keeps the order active with the new values', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({}), KEY);
    s.applyOrder(order({ status: 'AMENDED', price: d('2') }), KEY);
    expect(s.findOrder({ customOrderId: 'a' })!.row).toMatchObject({ status: 'NEW' });
    expect(s.findOrder({ customOrderId: 'a' })!.row.price!.toFixed()).toBe('2');
  });

  test('margin-only balance frames keep the wallet balance (lesson 6)', () => {
    const s = new AccountState('linear');
    s.applyBalance({ kind: 'balance', asset: 'USDT', walletBalance: d('1000') });
    s.applyBalance({ kind: 'balance', asset: 'USDT' });
    expect(s.balances.get('USDT')!.walletBalance.toFixed()).toBe('1000');
  });

  test('spot position: VWAP of true fill prices, fills once per trade id, base fees reduce size', () => {
    const s = new AccountState('spot');
    const fill = (tradeId: string, price: string, qty: string, fee?: string) => ({ kind: 'execution' as const, symbol: 'BTCUSDT', managedSide: 'LONG' as const, tradeId, side: 'BUY' as const, price: d(price), qty: d(qty), ...(fee ? { fee: d(fee), feeAsset: 'BTC' } : {}) });
    expect(s.applyExecution(fill('1', '60000', '0.004'), KEY)).toBe(true);
    expect(s.applyExecution(fill('2', '60500', '0.006'), KEY)).toBe(true);
    expect(s.applyExecution(fill('2', '60500', '0.006'), KEY)).toBe(false);
    expect(s.positions.get(KEY)!.entryPrice.toFixed()).toBe('60300');
    s.applyExecution(fill('3', '60300', '0.01', '0.00001'), KEY);
    expect(s.positions.get(KEY)!.size.toFixed()).toBe('0.01999');
  });
});

// ---- behaviours from SPEC lessons 7, 12, 14, 15 and section 2 (table-driven where general) ----

const SCOPE = KEY;
const positionAt = (size: string, transactionTimeMs?: number): PositionRow => ({ ...position(size), ...(transactionTimeMs !== undefined ? { transactionTimeMs } : {}) });
const filters = { tickSize: d('0.1'), stepSize: d('0.001'), minQty: d('0.001'), minNotional: d('5') };
const qtyOf = (s: AccountState, ids: { customOrderId?: string; exchangeOrderId?: string }) => s.findOrder(ids)?.row.filledQty?.toFixed();

describe('AccountState: fill evidence is NEW fill evidence only (section 2, lesson 14)', () => {
  test.each([
    // [description, rows before, the row under test, expected fillEvidence]
    ['a first PARTIALLY_FILLED row with filledQty 0.3', [order({})], order({ status: 'PARTIALLY_FILLED', filledQty: d('0.3') }), true],
    ['cumulative filledQty grows 0.3 -> 0.5', [order({}), order({ status: 'PARTIALLY_FILLED', filledQty: d('0.3') })], order({ status: 'PARTIALLY_FILLED', filledQty: d('0.5') }), true],
    ['the same cumulative filledQty again', [order({}), order({ status: 'PARTIALLY_FILLED', filledQty: d('0.3') })], order({ status: 'PARTIALLY_FILLED', filledQty: d('0.3') }), false],
    ['a late lower cumulative filledQty', [order({}), order({ status: 'PARTIALLY_FILLED', filledQty: d('0.5') })], order({ status: 'PARTIALLY_FILLED', filledQty: d('0.3') }), false],
    ['a CANCELED row with the same cumulative filledQty', [order({}), order({ status: 'PARTIALLY_FILLED', filledQty: d('0.3') })], order({ status: 'CANCELED', filledQty: d('0.3') }), false],
    ['a CANCELED row with filledQty 0 on a fresh order', [order({})], order({ status: 'CANCELED', filledQty: d('0') }), false],
    ['a CANCELED row without filledQty', [order({})], order({ status: 'CANCELED' }), false],
    ['a CANCELED row whose filledQty grew', [order({}), order({ status: 'PARTIALLY_FILLED', filledQty: d('0.3') })], order({ status: 'CANCELED', filledQty: d('0.4') }), true],
    ['a FILLED row completing the order', [order({}), order({ status: 'PARTIALLY_FILLED', filledQty: d('0.3') })], order({ status: 'FILLED', filledQty: d('1') }), true],
    ['a duplicate FILLED row after the order is terminal (with filledQty)', [order({}), order({ status: 'FILLED', filledQty: d('1') })], order({ status: 'FILLED', filledQty: d('1') }), false],
    ['a duplicate FILLED row after the order is terminal (without filledQty)', [order({}), order({ status: 'FILLED' })], order({ status: 'FILLED' }), false],
    ['a FILLED row without filledQty for an unknown order', [], order({ status: 'FILLED' }), true],
    ['a FILLED row with filledQty for an unknown order', [], order({ status: 'FILLED', filledQty: d('1') }), true],
    ['a NEW row without filledQty', [], order({}), false],
    ['an AMENDED row with the same filledQty', [order({ status: 'PARTIALLY_FILLED', filledQty: d('0.3') })], order({ status: 'AMENDED', filledQty: d('0.3'), price: d('2') }), false],
  ] as const)('%s -> fillEvidence %s', (_desc, before, row, expected) => {
    const s = new AccountState('linear');
    for (const r of before) s.applyOrder(r, SCOPE);
    expect(s.applyOrder(row, SCOPE).fillEvidence).toBe(expected);
  });

  test('a duplicate FILLED row after the order is terminal is ignored', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({}), SCOPE);
    s.applyOrder(order({ status: 'FILLED', filledQty: d('1') }), SCOPE);
    const dup = s.applyOrder(order({ status: 'FILLED', filledQty: d('1') }), SCOPE);
    expect(dup).toMatchObject({ fillEvidence: false, ignored: true, becameActive: false });
    expect(s.orders.size).toBe(0);
  });

  test('a duplicate FILLED row identified by venue id only after terminal is ignored', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({ exchangeOrderId: '111' }), SCOPE);
    s.applyOrder(order({ exchangeOrderId: '111', status: 'FILLED', filledQty: d('1') }), SCOPE);
    const dup = s.applyOrder(order({ customOrderId: undefined, exchangeOrderId: '111', status: 'FILLED', filledQty: d('1') }), SCOPE);
    expect(dup).toMatchObject({ fillEvidence: false, ignored: true });
    expect(s.orders.size).toBe(0);
  });
});

describe('AccountState: cumulative filledQty never decreases (lesson 14)', () => {
  type Step = readonly [OrderRow['status'], string];
  test.each([
    ['PARTIALLY_FILLED 0.5 then PARTIALLY_FILLED 0.3', [['PARTIALLY_FILLED', '0.5'], ['PARTIALLY_FILLED', '0.3']], '0.5'],
    ['PARTIALLY_FILLED 0.5 then NEW 0.2', [['PARTIALLY_FILLED', '0.5'], ['NEW', '0.2']], '0.5'],
    ['PARTIALLY_FILLED 0.5 then AMENDED 0', [['PARTIALLY_FILLED', '0.5'], ['AMENDED', '0']], '0.5'],
    ['0.2, 0.6, 0.4', [['PARTIALLY_FILLED', '0.2'], ['PARTIALLY_FILLED', '0.6'], ['PARTIALLY_FILLED', '0.4']], '0.6'],
    ['0.2, 0.6, 0.7', [['PARTIALLY_FILLED', '0.2'], ['PARTIALLY_FILLED', '0.6'], ['PARTIALLY_FILLED', '0.7']], '0.7'],
  ] as ReadonlyArray<readonly [string, readonly Step[], string]>)('%s keeps the highest cumulative figure', (_d, steps, expected) => {
    const s = new AccountState('linear');
    for (const [status, q] of steps) s.applyOrder(order({ status, filledQty: d(q) }), SCOPE);
    expect(qtyOf(s, { customOrderId: 'a' })).toBe(expected);
  });

  test('a late row without filledQty keeps the known cumulative figure', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({ status: 'PARTIALLY_FILLED', filledQty: d('0.5') }), SCOPE);
    s.applyOrder(order({ status: 'AMENDED', price: d('2') }), SCOPE);
    expect(qtyOf(s, { customOrderId: 'a' })).toBe('0.5');
  });

  test('a snapshot listing a lower filledQty (fence after the row) does not lower it', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({ status: 'PARTIALLY_FILLED', filledQty: d('0.5') }), SCOPE);
    s.applySnapshot({ openOrders: [order({ status: 'PARTIALLY_FILLED', filledQty: d('0.3') })] }, all, () => SCOPE, () => SCOPE, s.fence());
    expect(qtyOf(s, { customOrderId: 'a' })).toBe('0.5');
  });

  test('a late PARTIALLY_FILLED row keeps the status partially filled after a late NEW', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({ status: 'PARTIALLY_FILLED', filledQty: d('0.5') }), SCOPE);
    s.applyOrder(order({ status: 'NEW', filledQty: d('0') }), SCOPE);
    expect(s.findOrder({ customOrderId: 'a' })!.row.status).toBe('PARTIALLY_FILLED');
  });
});

describe('AccountState: a terminal order never reopens (lesson 14)', () => {
  const TERMINALS = ['FILLED', 'CANCELED', 'REJECTED', 'EXPIRED', 'TRIGGERED'] as const;
  const LATE = ['NEW', 'PARTIALLY_FILLED', 'AMENDED'] as const;

  test.each(TERMINALS.flatMap((t) => LATE.map((l) => [t, l] as const)))('after %s, a late %s row is ignored and the order stays gone', (terminal, late) => {
    const s = new AccountState('linear');
    s.applyOrder(order({ exchangeOrderId: '111' }), SCOPE);
    s.applyOrder(order({ exchangeOrderId: '111', status: terminal }), SCOPE);
    const r = s.applyOrder(order({ exchangeOrderId: '111', status: late }), SCOPE);
    expect(r).toMatchObject({ ignored: true, becameActive: false });
    expect(s.orders.size).toBe(0);
    expect(s.findOrder({ customOrderId: 'a' })).toBeUndefined();
    expect(s.terminalStatusOf({ customOrderId: 'a', exchangeOrderId: '111' })).toBe(terminal);
  });

  test.each(TERMINALS.flatMap((t) => (['before', 'after'] as const).map((when) => [t, when] as const)))(
    'after %s, a snapshot (fence taken %s the terminal row) listing it open does not reopen it',
    (terminal, when) => {
      const s = new AccountState('linear');
      s.applyOrder(order({ exchangeOrderId: '111' }), SCOPE);
      const fenceBefore = s.fence();
      s.applyOrder(order({ exchangeOrderId: '111', status: terminal }), SCOPE);
      const fence = when === 'before' ? fenceBefore : s.fence();
      s.applySnapshot({ openOrders: [order({ exchangeOrderId: '111' })] }, all, () => SCOPE, () => SCOPE, fence);
      expect(s.orders.size).toBe(0);
      expect(s.findOrder({ customOrderId: 'a' })).toBeUndefined();
      expect(s.findOrder({ exchangeOrderId: '111' })).toBeUndefined();
    },
  );

  test.each(['before', 'after'] as const)('a snapshot listing it by venue id only (fence %s the terminal row) does not reopen it', (when) => {
    const s = new AccountState('linear');
    s.applyOrder(order({ exchangeOrderId: '111' }), SCOPE);
    const fenceBefore = s.fence();
    s.applyOrder(order({ exchangeOrderId: '111', status: 'CANCELED' }), SCOPE);
    const fence = when === 'before' ? fenceBefore : s.fence();
    s.applySnapshot({ openOrders: [order({ customOrderId: undefined, exchangeOrderId: '111' })] }, all, () => SCOPE, () => SCOPE, fence);
    expect(s.orders.size).toBe(0);
  });
});

describe('AccountState: ownership needs both identities (lesson 15)', () => {
  test('with A/111 stored, a row A/222 is a different order; ours is unchanged', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({ customOrderId: 'A', exchangeOrderId: '111', price: d('1') }), SCOPE);
    const r = s.applyOrder(order({ customOrderId: 'A', exchangeOrderId: '222', price: d('5') }), SCOPE);
    expect(r.key).not.toBe('c:A');
    expect(s.orders.size).toBe(2);
    const ours = s.orders.get('c:A')!;
    expect(ours.row.exchangeOrderId).toBe('111');
    expect(ours.row.price!.toFixed()).toBe('1');
    expect(s.findOrder({ exchangeOrderId: '222' })!.row.exchangeOrderId).toBe('222');
    expect(s.findOrder({ exchangeOrderId: '111' })!.key).toBe('c:A');
  });

  test.each(['FILLED', 'CANCELED'] as const)('with A/111 stored, a %s row A/222 does not terminate ours', (status) => {
    const s = new AccountState('linear');
    s.applyOrder(order({ customOrderId: 'A', exchangeOrderId: '111' }), SCOPE);
    s.applyOrder(order({ customOrderId: 'A', exchangeOrderId: '222', status }), SCOPE);
    expect(s.orders.get('c:A')?.row.exchangeOrderId).toBe('111');
    expect(s.terminalStatusOf({ customOrderId: 'A', exchangeOrderId: '111' })).toBeUndefined();
  });

  test('after A/111 is terminal, a NEW row A/222 is stored as its own order (not a late row of 111)', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({ customOrderId: 'A', exchangeOrderId: '111' }), SCOPE);
    s.applyOrder(order({ customOrderId: 'A', exchangeOrderId: '111', status: 'CANCELED' }), SCOPE);
    const r = s.applyOrder(order({ customOrderId: 'A', exchangeOrderId: '222' }), SCOPE);
    expect(r.ignored).toBe(false);
    expect(r.becameActive).toBe(true);
    expect(s.orders.size).toBe(1);
    expect(s.findOrder({ exchangeOrderId: '222' })!.row.exchangeOrderId).toBe('222');
    expect(s.terminalStatusOf({ customOrderId: 'A', exchangeOrderId: '111' })).toBe('CANCELED');
    expect(s.terminalStatusOf({ customOrderId: 'A', exchangeOrderId: '222' })).toBeUndefined();
  });

  test('a snapshot listing both A/111 and A/222 keeps them as two orders; ours is unchanged', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({ customOrderId: 'A', exchangeOrderId: '111', price: d('1') }), SCOPE);
    s.applySnapshot(
      { openOrders: [order({ customOrderId: 'A', exchangeOrderId: '111', price: d('1') }), order({ customOrderId: 'A', exchangeOrderId: '222', price: d('5') })] },
      all, () => SCOPE, () => SCOPE, s.fence(),
    );
    expect(s.orders.size).toBe(2);
    expect(s.findOrder({ exchangeOrderId: '111' })?.row.exchangeOrderId).toBe('111');
    expect(s.findOrder({ exchangeOrderId: '111' })?.row.price!.toFixed()).toBe('1');
    expect(s.findOrder({ exchangeOrderId: '222' })?.row.exchangeOrderId).toBe('222');
  });

  test('after A/111 is terminal, a snapshot listing A/222 open stores it as its own order', () => {
    const s = new AccountState('linear');
    s.applyOrder(order({ customOrderId: 'A', exchangeOrderId: '111' }), SCOPE);
    s.applyOrder(order({ customOrderId: 'A', exchangeOrderId: '111', status: 'CANCELED' }), SCOPE);
    s.applySnapshot({ openOrders: [order({ customOrderId: 'A', exchangeOrderId: '222' })] }, all, () => SCOPE, () => SCOPE, s.fence());
    expect(s.findOrder({ exchangeOrderId: '222' })?.row.exchangeOrderId).toBe('222');
    expect(s.terminalStatusOf({ customOrderId: 'A', exchangeOrderId: '111' })).toBe('CANCELED');
  });
});

describe('AccountState: fillIsNewerThanPosition follows venue transaction time (lesson 14)', () => {
  test.each([
    // [position row time, fill time, newer]
    [5000, 4000, false],
    [5000, 4999, false],
    [5000, 5000, false],
    [5000, 5001, true],
    [5000, undefined, true],
    [undefined, 5000, true],
    [undefined, undefined, true],
  ] as const)('position at %s, fill at %s -> newer %s', (posT, fillT, expected) => {
    const s = new AccountState('linear');
    s.applyPosition(positionAt('1', posT), SCOPE);
    expect(s.fillIsNewerThanPosition(SCOPE, fillT)).toBe(expected);
  });

  test('no position row at all -> newer', () => {
    const s = new AccountState('linear');
    expect(s.fillIsNewerThanPosition(SCOPE, 5000)).toBe(true);
  });

  test('another scope\'s position time does not apply', () => {
    const s = new AccountState('linear');
    s.applyPosition(positionAt('1', 5000), 'generic:linear:ETHUSDT:LONG');
    expect(s.fillIsNewerThanPosition(SCOPE, 4000)).toBe(true);
  });

  test('the latest applied time counts: a later position row at 6000 makes a fill at 5500 not newer', () => {
    const s = new AccountState('linear');
    s.applyPosition(positionAt('1', 5000), SCOPE);
    s.applyPosition(positionAt('2', 6000), SCOPE);
    expect(s.fillIsNewerThanPosition(SCOPE, 5500)).toBe(false);
    expect(s.fillIsNewerThanPosition(SCOPE, 6001)).toBe(true);
  });
});

describe('AccountState: filter trust needs hydrated filters for the scope symbol', () => {
  const trustedBaseline = { order: 'trusted', position: 'trusted', filter: 'trusted', context: 'trusted' } as const;

  test('trustOf: baseline trusted, no filters for the symbol -> filter untrusted, the rest trusted', () => {
    const s = new AccountState('linear');
    s.baselineTrust = { ...trustedBaseline };
    expect(s.trustOf(SCOPE)).toEqual({ order: 'trusted', position: 'trusted', filter: 'untrusted', context: 'trusted' });
  });

  test('trustOf: filters of another symbol do not count', () => {
    const s = new AccountState('linear');
    s.baselineTrust = { ...trustedBaseline };
    s.applySnapshot({ filters: { ETHUSDT: filters } }, all, () => SCOPE, () => SCOPE, s.fence());
    expect(s.trustOf(SCOPE).filter).toBe('untrusted');
  });

  test('trustOf: baseline trusted with filters for the symbol -> filter trusted', () => {
    const s = new AccountState('linear');
    s.baselineTrust = { ...trustedBaseline };
    s.applySnapshot({ filters: { BTCUSDT: filters } }, all, () => SCOPE, () => SCOPE, s.fence());
    expect(s.trustOf(SCOPE).filter).toBe('trusted');
  });

  test('trustAfterSnapshot: filter stays untrusted without filters; the other subjects become trusted', () => {
    const s = new AccountState('linear');
    s.trustAfterSnapshot(SCOPE, ['order', 'position', 'filter', 'context']);
    expect(s.trustOf(SCOPE)).toEqual({ order: 'trusted', position: 'trusted', filter: 'untrusted', context: 'trusted' });
  });

  test('trustAfterSnapshot: a filter trusted earlier is not kept trusted when the symbol has no filters', () => {
    const s = new AccountState('linear');
    s.baselineTrust = { ...trustedBaseline };
    s.setTrust(SCOPE, 'filter', 'trusted');
    s.trustAfterSnapshot(SCOPE, ['filter']);
    expect(s.trustOf(SCOPE).filter).toBe('untrusted');
  });

  test('trustAfterSnapshot: with filters for the symbol, filter becomes trusted', () => {
    const s = new AccountState('linear');
    s.applySnapshot({ filters: { BTCUSDT: filters } }, all, () => SCOPE, () => SCOPE, s.fence());
    s.trustAfterSnapshot(SCOPE, ['filter']);
    expect(s.trustOf(SCOPE).filter).toBe('trusted');
  });
});
