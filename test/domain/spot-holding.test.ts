// The spot holding the app protects (issue 14, docs/VENUES.md "Binance spot"): the base asset is
// the market's own (not guessed from a quote list), other users' sells lock base asset that is
// theirs, dust is judged at the price now, and an entry the trades do not explain is taken once
// per position life.
import { AccountState } from '../../src/domain/account-state.js';
import { Decimal, ZERO } from '../../src/domain/decimal.js';
import type { ExecutionRow, Filters, OrderRow, PositionRow } from '../../src/domain/rows.js';
import type { ScopeKey } from '../../src/domain/scope.js';
import { applySpotFill, baseLockedByOthers } from '../../src/domain/spot-position.js';

const d = (v: string) => new Decimal(v);
const sell = (qty: string, extra: Partial<OrderRow> = {}): OrderRow => ({
  kind: 'order', symbol: 'BTCUSDT', managedSide: 'BOTH', side: 'SELL', type: 'LIMIT', status: 'NEW', qty: d(qty), price: d('70000'), ...extra,
});

test('other users\' open sells lock their unfilled quantity, an order list once; buys and ended orders lock no base asset', () => {
  expect(baseLockedByOthers([]).toFixed()).toBe('0');
  expect(baseLockedByOthers([sell('0.004'), sell('0.002', { filledQty: d('0.0005'), status: 'PARTIALLY_FILLED' })]).toFixed()).toBe('0.0055');
  // An OCO's two legs lock the same base asset once.
  expect(baseLockedByOthers([sell('0.003', { listId: '7' }), sell('0.003', { listId: '7', type: 'STOP_MARKET' }), sell('0.001', { listId: '8' })]).toFixed()).toBe('0.004');
  expect(baseLockedByOthers([sell('0.004', { side: 'BUY' }), sell('0.004', { status: 'CANCELED' }), sell('0.004', { status: 'FILLED' })]).toFixed()).toBe('0');
});

test('a fee paid in the market\'s base asset reduces the holding, whatever the quote is called', () => {
  const fill: ExecutionRow = { kind: 'execution', symbol: 'FOOXYZ', managedSide: 'BOTH', tradeId: '1', side: 'BUY', price: d('2'), qty: d('10'), fee: d('0.01'), feeAsset: 'FOO' };
  expect(applySpotFill({ size: ZERO, entryPrice: ZERO }, fill, 'FOO').size.toFixed()).toBe('9.99');
  // Without market data, XYZ is no known quote: the fee cannot be told to be in the base asset.
  expect(applySpotFill({ size: ZERO, entryPrice: ZERO }, fill).size.toFixed()).toBe('10');
});

const KEY = 'binance:spot:BTCUSDT:LONG' as ScopeKey;
const FILTERS: Filters = { tickSize: d('0.01'), stepSize: d('0.00001'), minQty: d('0.00001'), minNotional: d('5'), baseAsset: 'BTC' };
const buy = (id: string, price: string, qty: string): ExecutionRow => ({ kind: 'execution', symbol: 'BTCUSDT', managedSide: 'BOTH', tradeId: id, side: 'BUY', price: d(price), qty: d(qty) });

test('a holding is dust at the price of the fill that left it, not at its entry', () => {
  const s = new AccountState('spot');
  s.applySnapshot({ filters: { BTCUSDT: FILTERS } }, () => true, () => undefined, () => KEY, s.fence());
  s.applyExecution(buy('1', '65000', '0.0002'), KEY);
  expect(s.positions.get(KEY)!.size.toFixed()).toBe('0.0002');
  // A sell at 40000 leaves 0.0001: 4 USDT at the price now (6.5 at the entry): below the 5 USDT minimum.
  s.applyExecution({ ...buy('2', '40000', '0.0001'), side: 'SELL' }, KEY);
  expect(s.positions.get(KEY)!.size.toFixed()).toBe('0');
});

test('an estimated entry is taken when the life starts and kept by later snapshots; a known entry always replaces it', () => {
  const s = new AccountState('spot');
  const row = (entry: string, estimated: boolean, size = '0.01'): PositionRow => ({ kind: 'position', symbol: 'BTCUSDT', managedSide: 'LONG', size: d(size), entryPrice: d(entry), ...(estimated ? { entryEstimated: true } : {}) });
  const snapshot = (r: PositionRow) => s.applySnapshot({ positions: [r] }, () => true, () => undefined, () => KEY, s.fence());
  snapshot(row('65000', true));
  expect(s.positions.get(KEY)!.entryPrice.toFixed()).toBe('65000');
  snapshot(row('64000', true));
  expect(s.positions.get(KEY)!.entryPrice.toFixed()).toBe('65000');
  snapshot(row('64800', false));
  expect(s.positions.get(KEY)!.entryPrice.toFixed()).toBe('64800');
  // Flat in between: a new life takes the new estimate.
  snapshot(row('0', false, '0'));
  snapshot(row('63000', true));
  expect(s.positions.get(KEY)!.entryPrice.toFixed()).toBe('63000');
});
