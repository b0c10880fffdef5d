// Binance spot rows from the venue's raw strings (issue 14): executionReport -> order row and fill
// row (fee, fee asset, trade id), outboundAccountPosition -> balances (free + locked), REST order,
// myTrades, account and exchangeInfo filters. Money stays decimal; a bad figure names its field.
import { Decimal } from '../../src/domain/decimal.js';
import {
  balanceRowsOfAccount, balanceRowsOfAccountPosition, executionRowOfReport, executionRowOfTrade, filtersOf, heldOf, orderRowOfReport, orderRowOfRest,
} from '../../src/venues/binance-spot/normalize.js';
import { BinanceSpotStream } from '../../src/venues/binance-spot/stream.js';
import type { StreamItem } from '../../src/venues/port.js';

const report = (over: Record<string, unknown>) => ({
  e: 'executionReport', E: 1_700_000_000_100, s: 'BTCUSDT', c: 'AbCdEfGhIjKlMnOpQrSt', S: 'SELL', o: 'LIMIT_MAKER', f: 'GTC', q: '0.00999000', p: '65650.00000000',
  P: '0.00000000', g: 7, C: '', x: 'NEW', X: 'NEW', i: 41, l: '0.00000000', z: '0.00000000', L: '0.00000000', n: '0', N: null, T: 1_700_000_000_000, t: -1,
  Z: '0.00000000', ...over,
});

test('an OCO take-profit leg (LIMIT_MAKER) is a LIMIT order row with its price, no reduce-only', () => {
  const row = orderRowOfReport(report({}));
  expect(row).toMatchObject({ kind: 'order', symbol: 'BTCUSDT', managedSide: 'BOTH', customOrderId: 'AbCdEfGhIjKlMnOpQrSt', exchangeOrderId: '41', side: 'SELL', type: 'LIMIT', status: 'NEW', reduceOnly: false, closePosition: false, transactionTimeMs: 1_700_000_000_000, eventTimeMs: 1_700_000_000_100 });
  expect(row.price!.toFixed()).toBe('65650');
  expect(row.qty!.toFixed()).toBe('0.00999');
  expect(row.triggerPrice).toBeUndefined();
});

test('an OCO stop-loss leg (STOP_LOSS) is a STOP_MARKET with its trigger and no price; STOP_LOSS_LIMIT a STOP', () => {
  const stop = orderRowOfReport(report({ o: 'STOP_LOSS', p: '0.00000000', P: '63700.00000000' }));
  expect(stop).toMatchObject({ type: 'STOP_MARKET', price: undefined });
  expect(stop.triggerPrice!.toFixed()).toBe('63700');
  const limit = orderRowOfReport(report({ o: 'STOP_LOSS_LIMIT', p: '63600.00000000', P: '63700.00000000' }));
  expect(limit.type).toBe('STOP');
  expect(limit.price!.toFixed()).toBe('63600');
  expect(orderRowOfReport(report({ o: 'ICEBERG_SOMETHING' }))).toMatchObject({ type: 'UNKNOWN', venueType: 'ICEBERG_SOMETHING' });
});

test('a cancel report carries the order\'s own client id (C), not the cancel request\'s (c)', () => {
  const row = orderRowOfReport(report({ x: 'CANCELED', X: 'CANCELED', c: 'web_cancel_123', C: 'AbCdEfGhIjKlMnOpQrSt' }));
  expect(row).toMatchObject({ status: 'CANCELED', customOrderId: 'AbCdEfGhIjKlMnOpQrSt' });
});

test('statuses: EXPIRED (the other OCO leg), EXPIRED_IN_MATCH, PENDING_CANCEL still open; an unknown status is malformed', () => {
  expect(orderRowOfReport(report({ x: 'EXPIRED', X: 'EXPIRED' })).status).toBe('EXPIRED');
  expect(orderRowOfReport(report({ X: 'EXPIRED_IN_MATCH' })).status).toBe('EXPIRED');
  expect(orderRowOfReport(report({ X: 'PENDING_CANCEL' })).status).toBe('NEW');
  expect(() => orderRowOfReport(report({ X: 'HALF_DONE' }))).toThrow(/X: unknown order status/);
});

test('a TRADE report: the fill with its price, quantity, commission and commission asset, the trade id; the order row its cumulative fill and average', () => {
  const e = report({ o: 'LIMIT', S: 'BUY', x: 'TRADE', X: 'FILLED', l: '0.00999000', z: '0.00999000', L: '64350.00000000', n: '0.00000999', N: 'BTC', t: 9001, Z: '642.85650000' });
  const fill = executionRowOfReport(e);
  expect(fill).toMatchObject({ kind: 'execution', symbol: 'BTCUSDT', customOrderId: 'AbCdEfGhIjKlMnOpQrSt', exchangeOrderId: '41', tradeId: '9001', side: 'BUY', feeAsset: 'BTC' });
  expect([fill.price.toFixed(), fill.qty.toFixed(), fill.fee!.toFixed()]).toEqual(['64350', '0.00999', '0.00000999']);
  const order = orderRowOfReport(e);
  expect([order.status, order.filledQty!.toFixed(), order.avgPrice!.toFixed()]).toEqual(['FILLED', '0.00999', '64350']);
  expect(() => executionRowOfReport({ ...e, l: '0.00000000' })).toThrow(/l: a fill quantity must be greater than zero/);
  expect(() => executionRowOfReport({ ...e, L: 'abc' })).toThrow(/L/);
});

test('outboundAccountPosition and the account: the wallet is free + locked, available the free part', () => {
  const rows = balanceRowsOfAccountPosition({ e: 'outboundAccountPosition', B: [{ a: 'BTC', f: '0.00000000', l: '0.00999000' }, { a: 'USDT', f: '9357.14350000', l: '0.00000000' }] });
  expect(rows.map((r) => [r.asset, r.walletBalance!.toFixed(), r.availableBalance!.toFixed()])).toEqual([['BTC', '0.00999', '0'], ['USDT', '9357.1435', '9357.1435']]);
  const account = { balances: [{ asset: 'BTC', free: '0.00100000', locked: '0.00999000' }] };
  expect(balanceRowsOfAccount(account)[0]!.walletBalance!.toFixed()).toBe('0.01099');
  expect(heldOf(account, 'BTC').toFixed()).toBe('0.01099');
  expect(heldOf(account, 'ETH').isZero()).toBe(true);
});

test('REST order and myTrades rows (a trade has no client id: the remembered one is filled in)', () => {
  const o = orderRowOfRest({ symbol: 'BTCUSDT', orderId: 42, orderListId: 7, clientOrderId: 'slLegId0000000000000', price: '0.00000000', origQty: '0.00999000', executedQty: '0.00000000', cummulativeQuoteQty: '0.00000000', status: 'NEW', type: 'STOP_LOSS', side: 'SELL', stopPrice: '63700.00000000', time: 1, updateTime: 2 });
  expect(o).toMatchObject({ type: 'STOP_MARKET', customOrderId: 'slLegId0000000000000', exchangeOrderId: '42', status: 'NEW', transactionTimeMs: 2 });
  const t = executionRowOfTrade({ symbol: 'BTCUSDT', id: 5, orderId: 42, price: '63700.00000000', qty: '0.00999000', commission: '6.36363000', commissionAsset: 'USDT', time: 3, isBuyer: false }, (id) => (id === '42' ? 'slLegId0000000000000' : undefined));
  expect(t).toMatchObject({ side: 'SELL', tradeId: '5', exchangeOrderId: '42', customOrderId: 'slLegId0000000000000', feeAsset: 'USDT', transactionTimeMs: 3 });
  expect(t.fee!.toFixed()).toBe('6.36363');
});

test('exchangeInfo filters: PRICE_FILTER, LOT_SIZE and NOTIONAL (or the older MIN_NOTIONAL)', () => {
  const info = { filters: [{ filterType: 'PRICE_FILTER', tickSize: '0.01000000' }, { filterType: 'LOT_SIZE', minQty: '0.00001000', stepSize: '0.00001000' }, { filterType: 'NOTIONAL', minNotional: '5.00000000' }] };
  expect(filtersOf(info)).toEqual({ tickSize: new Decimal('0.01'), stepSize: new Decimal('0.00001'), minQty: new Decimal('0.00001'), minNotional: new Decimal('5') });
  expect(filtersOf({ filters: [info.filters[0], info.filters[1], { filterType: 'MIN_NOTIONAL', minNotional: '10.00000000' }] })!.minNotional.toFixed()).toBe('10');
  expect(filtersOf({ filters: [] })).toBeUndefined();
});

describe('the stream reads raw events', () => {
  function stream() {
    const logged: Array<[string, Record<string, unknown>]> = [];
    const ex = { handleMessage: () => undefined, watchOrders: () => new Promise(() => undefined), watchMyTrades: () => new Promise(() => undefined), watchBalance: () => new Promise(() => undefined), clients: {} };
    const s = new BinanceSpotStream(ex as never, { log: (e, f) => logged.push([e, f as Record<string, unknown>]), scrub: (t) => t, onOrderIdentity: () => undefined });
    const items: StreamItem[] = [];
    const it = s.items()[Symbol.asyncIterator]();
    const drain = async (n: number) => {
      for (let i = 0; i < n; i++) items.push((await it.next()).value);
      return items;
    };
    return { s, logged, drain };
  }

  test('a TRADE report gives the fill first, then the order row; a malformed figure is one malformed item', async () => {
    const { s, drain } = stream();
    s.onEvent(report({ o: 'LIMIT', S: 'BUY', x: 'TRADE', X: 'FILLED', l: '0.00999000', z: '0.00999000', L: '64350.00000000', n: '0.00000999', N: 'BTC', t: 9001 }));
    s.onEvent(report({ q: 'not-a-number' }));
    const items = await drain(3);
    expect(items.map((i) => i.kind)).toEqual(['execution', 'order', 'malformed']);
    expect((items[2] as { reason: string }).reason).toMatch(/q/);
  });

  test('listStatus is said, not applied; eventStreamTerminated is a gap', async () => {
    const { s, logged } = stream();
    s.onEvent({ e: 'listStatus', s: 'BTCUSDT', g: 7, c: 'OCO', l: 'ALL_DONE', L: 'ALL_DONE', C: 'Lsome', O: [] });
    expect(logged).toEqual([['venue_event_skipped', expect.objectContaining({ venueEvent: 'listStatus:ALL_DONE:ALL_DONE', symbol: 'BTCUSDT', customOrderId: 'Lsome' })]]);
    s.onEvent({ e: 'eventStreamTerminated', E: 1 });
    expect(logged.some(([e, f]) => e === 'stream_watch_failed' && f.loop === 'eventStreamTerminated')).toBe(true);
  });
});
