// Issue 14: on spot, what a sell leaves below the symbol's minimum tradable quantity (a fee's
// worth of base asset) is dust, not a position to protect: the derived position reads flat.
import { AccountState } from '../../src/domain/account-state.js';
import { Decimal } from '../../src/domain/decimal.js';
import type { ExecutionRow } from '../../src/domain/rows.js';
import { isSpotDust } from '../../src/domain/spot-position.js';

const d = (s: string) => new Decimal(s);
const filters = { tickSize: d('0.01'), stepSize: d('0.00001'), minQty: d('0.00001'), minNotional: d('5') };
const fill = (tradeId: string, side: 'BUY' | 'SELL', qty: string, price: string, fee?: string): ExecutionRow => ({
  kind: 'execution', symbol: 'BTCUSDT', managedSide: 'BOTH', tradeId, side, qty: d(qty), price: d(price), ...(fee ? { fee: d(fee), feeAsset: 'BTC' } : {}),
});

test.each([
  ['0', '65000', true],
  ['0.000009', '65000', true], // rounds down to zero steps
  ['0.00005', '65000', true], // 3.25 USDT: below the 5 USDT minimum notional
  ['0.0001', '65000', false], // 6.5 USDT
  ['0.0001', '0', false], // no price known: the quantity alone decides
])('size %s at %s: dust %s', (size, price, dust) => {
  expect(isSpotDust(d(size), d(price), filters)).toBe(dust);
});

test('without filters only a zero holding is dust', () => {
  expect(isSpotDust(d('0.000001'), d('65000'), undefined)).toBe(false);
});

test('a take-profit sell that leaves the buy commission\'s remainder: the derived position is flat', () => {
  const state = new AccountState('spot');
  state.filters.set('BTCUSDT', filters);
  const key = 'binance:spot:BTCUSDT:LONG' as never;
  state.applyExecution(fill('1', 'BUY', '0.01', '65000', '0.00001'), key);
  state.applyExecution(fill('2', 'BUY', '0.00999', '64350', '0.00000999'), key);
  expect(state.positions.get(key)!.size.toFixed()).toBe('0.01997001');
  state.applyExecution(fill('3', 'SELL', '0.01997', '65321.75'), key);
  expect(state.positions.get(key)).toMatchObject({ size: d('0'), entryPrice: d('0') });
});
