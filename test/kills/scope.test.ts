// Kills for src/domain/scope.ts (mutation testing, docs/TESTING.md). A scope is one symbol-side of
// one account product; its key round-trips; LONG enters by buying and exits by selling, SHORT
// mirrors (SPEC sections 3 and 4).
import { entrySide, exitSide, oppositeSide, parseScopeKey, scopeKey, withSide, type Scope } from '../../src/domain/scope.js';

const btc: Scope = { exchange: 'binance', product: 'linear', symbol: 'BTCUSDT', managedSide: 'LONG' };

test('a scope key round-trips', () => {
  expect(scopeKey(btc)).toBe('binance:linear:BTCUSDT:LONG');
  expect(parseScopeKey(scopeKey(btc))).toEqual(btc);
  const short: Scope = { exchange: 'bybit', product: 'spot', symbol: 'ETHUSDT', managedSide: 'SHORT' };
  expect(parseScopeKey(scopeKey(short))).toEqual(short);
});

test.each(['', 'binance', 'binance:linear', 'binance:linear:BTCUSDT', 'binance:linear:BTCUSDT:BOTH', ':linear:BTCUSDT:LONG', 'binance::BTCUSDT:LONG', 'binance:linear::LONG', 'binance:linear:BTCUSDT:long'])(
  'the malformed key %j is refused',
  (key) => {
    expect(() => parseScopeKey(key)).toThrow(`malformed scope key ${JSON.stringify(key)}`);
  },
);

test('sides', () => {
  expect(oppositeSide('LONG')).toBe('SHORT');
  expect(oppositeSide('SHORT')).toBe('LONG');
  expect(entrySide('LONG')).toBe('BUY');
  expect(entrySide('SHORT')).toBe('SELL');
  expect(exitSide('LONG')).toBe('SELL');
  expect(exitSide('SHORT')).toBe('BUY');
});

test('withSide keeps the rest of the scope and does not change the original', () => {
  expect(withSide(btc, 'SHORT')).toEqual({ ...btc, managedSide: 'SHORT' });
  expect(btc.managedSide).toBe('LONG');
});
