// Kills for src/domain/spot-position.ts (mutation testing, docs/TESTING.md). SPEC section 4: spot
// has no venue position rows, the position is derived from fills, fees and balances; lesson 2:
// entry basis is the VWAP of entry fills at their true fill prices.
import { Decimal, ZERO, canon } from '../../src/domain/decimal.js';
import type { ExecutionRow } from '../../src/domain/rows.js';
import { applySpotFill, baseAssetOf, isSpotDust, type DerivedPosition } from '../../src/domain/spot-position.js';

const d = (v: string) => new Decimal(v);
const fill = (side: 'BUY' | 'SELL', price: string, qty: string, fee?: { fee: string; asset: string }): ExecutionRow => ({
  kind: 'execution', symbol: 'BTCUSDT', managedSide: 'LONG', tradeId: `t-${side}-${price}-${qty}`, side, price: d(price), qty: d(qty),
  ...(fee ? { fee: d(fee.fee), feeAsset: fee.asset } : {}),
});
const flat: DerivedPosition = { size: ZERO, entryPrice: ZERO };
const show = (p: DerivedPosition) => ({ size: canon(p.size), entryPrice: canon(p.entryPrice) });

test('the base asset is the symbol less its quote', () => {
  expect(baseAssetOf('BTCUSDT')).toBe('BTC');
  expect(baseAssetOf('ETHBTC')).toBe('ETH');
  expect(baseAssetOf('SOLFDUSD')).toBe('SOL');
  expect(baseAssetOf('BNBEUR')).toBe('BNB');
  // A symbol that is only a quote name, or has no known quote, is its own base.
  expect(baseAssetOf('USDT')).toBe('USDT');
  expect(baseAssetOf('FOOBAR')).toBe('FOOBAR');
});

test('entry is the VWAP of the entry fills', () => {
  let p = applySpotFill(flat, fill('BUY', '100', '1'));
  expect(show(p)).toEqual({ size: '1', entryPrice: '100' });
  p = applySpotFill(p, fill('BUY', '110', '3'));
  expect(show(p)).toEqual({ size: '4', entryPrice: '107.5' });
});

test('a fee paid in the base asset reduces the held size; a fee in the quote does not', () => {
  expect(show(applySpotFill(flat, fill('BUY', '100', '1', { fee: '0.001', asset: 'BTC' })))).toEqual({ size: '0.999', entryPrice: '100' });
  expect(show(applySpotFill(flat, fill('BUY', '100', '1', { fee: '0.1', asset: 'USDT' })))).toEqual({ size: '1', entryPrice: '100' });
  const held = { size: d('2'), entryPrice: d('100') };
  expect(show(applySpotFill(held, fill('SELL', '120', '1', { fee: '0.01', asset: 'BTC' })))).toEqual({ size: '0.99', entryPrice: '100' });
});

test('a sell reduces the size and keeps the entry; selling everything is flat', () => {
  const held = { size: d('2'), entryPrice: d('100') };
  expect(show(applySpotFill(held, fill('SELL', '150', '0.5')))).toEqual({ size: '1.5', entryPrice: '100' });
  expect(show(applySpotFill(held, fill('SELL', '150', '2')))).toEqual({ size: '0', entryPrice: '0' });
  // Selling more than is held (a balance the app did not buy) never goes below flat.
  expect(show(applySpotFill(held, fill('SELL', '150', '3')))).toEqual({ size: '0', entryPrice: '0' });
});

// The domain-changed run's survivors (docs/MUTATION_SURVIVORS.md, last section): issue 14's dust,
// a holding the venue would not let us sell, is not a position to protect.
describe('spot dust', () => {
  const filters = { tickSize: d('0.01'), stepSize: d('0.001'), minQty: d('0.01'), minNotional: d('5') };

  test('nothing held (or less than nothing) is dust, with or without the market\'s filters', () => {
    expect(isSpotDust(ZERO, d('100'), undefined)).toBe(true);
    expect(isSpotDust(d('-0.5'), d('100'), undefined)).toBe(true);
    expect(isSpotDust(d('0.5'), d('100'), undefined)).toBe(false);
  });

  test('below the minimum quantity is dust even when its notional would be enough', () => {
    // 0.005 at 10,000 is worth 50 (above the minimum notional of 5), but the venue sells no less than 0.01.
    expect(isSpotDust(d('0.005'), d('10000'), filters)).toBe(true);
    // Rounded down to the step: 0.0109 sells as 0.010, which is enough.
    expect(isSpotDust(d('0.0109'), d('10000'), filters)).toBe(false);
  });
});
