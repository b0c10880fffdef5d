import { classifyVenueError } from '../../src/domain/error-classifier.js';

const c = (exchange: 'generic' | 'binance' | 'bybit', action: 'place' | 'cancel' | 'amend', code?: number | string, extra: { httpStatus?: number; targetTerminal?: boolean } = {}) =>
  classifyVenueError({ exchange, action, code, httpStatus: extra.httpStatus, targetTerminal: extra.targetTerminal ?? false });

test.each([
  ['binance', 'cancel', -2011, true, 'benign_race'],
  ['binance', 'cancel', -2011, false, 'unknown'],
  ['binance', 'amend', -2013, true, 'benign_race'],
  ['bybit', 'cancel', 110001, true, 'benign_race'],
  ['binance', 'place', -1003, false, 'retry'],
  ['bybit', 'place', 10006, false, 'retry'],
  ['binance', 'place', -1007, false, 'unknown'],
  ['binance', 'place', -1021, false, 'retry'],
  ['binance', 'place', -1000, false, 'unknown'],
  ['binance', 'place', -4116, false, 'lookup'],
  ['binance', 'place', -20132, false, 'lookup'],
  ['bybit', 'place', 110072, false, 'lookup'],
  ['binance', 'place', -2021, false, 'block'],
  ['binance', 'place', -4164, false, 'block'],
  ['generic', 'place', -2019, false, 'block'],
  ['binance', 'place', '-1006', false, 'unknown'],
] as const)('%s %s %s (terminal evidence %s) -> %s', (exchange, action, code, terminal, expected) => {
  expect(c(exchange, action, code, { targetTerminal: terminal })).toBe(expected);
});

test('HTTP 429/418 retry, 5xx and missing codes are unknown outcomes', () => {
  expect(c('binance', 'place', undefined, { httpStatus: 429 })).toBe('retry');
  expect(c('binance', 'place', undefined, { httpStatus: 418 })).toBe('retry');
  expect(c('binance', 'place', undefined, { httpStatus: 503 })).toBe('unknown');
  expect(c('binance', 'place')).toBe('unknown');
});
