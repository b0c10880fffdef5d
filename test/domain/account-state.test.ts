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
