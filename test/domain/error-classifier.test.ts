// Error classes by the venues' documented semantics (SPEC section 5, lesson 13): only a documented
// definite rejection blocks; a 5xx, a missing code and an unlisted code are unknown outcomes.
// The classifier is venue-neutral (src/domain/error-classifier.ts); the code tables are the venue
// plug-ins' (src/venues/*/error-codes.ts), looked up by the scope's exchange.
import { classifyForExchange } from '../../src/venues/registry.js';

type Ex = 'generic' | 'binance' | 'bybit';
type Action = 'place' | 'cancel' | 'amend';
const c = (exchange: Ex, action: Action, code?: number | string, extra: { httpStatus?: number; targetTerminal?: boolean } = {}) =>
  classifyForExchange(exchange, { action, code, httpStatus: extra.httpStatus, targetTerminal: extra.targetTerminal ?? false });

describe('order-missing codes depend on the action and on terminal evidence', () => {
  test.each([
    ['binance', 'cancel', -2011, true, 'benign_race'],
    ['binance', 'cancel', -2011, false, 'unknown'],
    ['binance', 'amend', -2013, true, 'benign_race'],
    ['binance', 'place', -2013, false, 'block'],
    ['bybit', 'cancel', 110001, true, 'benign_race'],
    ['bybit', 'amend', 110008, false, 'unknown'],
  ] as const)('%s %s %s (terminal evidence %s) -> %s', (exchange, action, code, terminal, expected) => {
    expect(c(exchange, action, code, { targetTerminal: terminal })).toBe(expected);
  });
});

describe('HTTP status first: 429/418 retry, any 5xx is unknown whatever its code', () => {
  test.each([
    [503, -1001, 'unknown'],
    [503, -2019, 'unknown'],
    [500, -1000, 'unknown'],
    [502, undefined, 'unknown'],
    [503, -2013, 'unknown'],
    [503, -4116, 'unknown'],
    [429, -1003, 'retry'],
    [418, -1003, 'retry'],
    [429, undefined, 'retry'],
    [418, undefined, 'retry'],
    [400, -1001, 'unknown'],
    [400, -2019, 'block'],
    [401, -2015, 'block'],
    [403, undefined, 'unknown'],
  ] as const)('HTTP %s with code %s -> %s', (httpStatus, code, expected) => {
    expect(c('binance', 'place', code, { httpStatus })).toBe(expected);
  });

  test('a 5xx on cancel with an order-missing code is still unknown, even with terminal evidence', () => {
    expect(c('binance', 'cancel', -2011, { httpStatus: 503, targetTerminal: true })).toBe('unknown');
  });
});

describe('Binance codes (no HTTP status known)', () => {
  test.each([
    // execution status unknown
    [-1000, 'unknown'], [-1001, 'unknown'], [-1006, 'unknown'], [-1007, 'unknown'], [-1008, 'unknown'], ['-1006', 'unknown'],
    // refused before processing
    [-1003, 'retry'], [-1015, 'retry'], [-1021, 'retry'], [-5028, 'retry'],
    // duplicate client ids
    [-4116, 'lookup'], [-20132, 'lookup'],
    // documented definite rejections
    [-1002, 'block'], [-1013, 'block'], [-1014, 'block'], [-1022, 'block'], [-1100, 'block'], [-1102, 'block'], [-1106, 'block'],
    [-1111, 'block'], [-1116, 'block'], [-1117, 'block'], [-1121, 'block'], [-1131, 'block'],
    [-2010, 'block'], [-2014, 'block'], [-2015, 'block'], [-2018, 'block'], [-2019, 'block'], [-2020, 'block'], [-2021, 'block'],
    [-2022, 'block'], [-2024, 'block'], [-2025, 'block'], [-2027, 'block'], [-2028, 'block'],
    [-4003, 'block'], [-4004, 'block'], [-4005, 'block'], [-4014, 'block'], [-4015, 'block'], [-4016, 'block'], [-4024, 'block'],
    [-4045, 'block'], [-4061, 'block'], [-4118, 'block'], [-4120, 'block'], [-4130, 'block'], [-4131, 'block'], [-4164, 'block'],
    [-5021, 'block'], [-5022, 'block'],
    // unlisted: unknown outcome, never a block (lesson 13)
    [-9999, 'unknown'], [-4509, 'unknown'], [-1010, 'unknown'], [-2012, 'unknown'], [-1016, 'unknown'], [12345, 'unknown'], ['not-a-code', 'unknown'],
  ] as const)('place %s -> %s', (code, expected) => {
    expect(c('binance', 'place', code)).toBe(expected);
  });

  test('generic uses the Binance table', () => {
    expect(c('generic', 'place', -2019)).toBe('block');
    expect(c('generic', 'place', -9999)).toBe('unknown');
  });

  test('-5027 "No need to modify the order" is a benign race for amend only', () => {
    expect(c('binance', 'amend', -5027)).toBe('benign_race');
    expect(c('binance', 'place', -5027)).toBe('unknown');
    expect(c('binance', 'cancel', -5027)).toBe('unknown');
  });

  test('missing or empty codes are unknown', () => {
    expect(c('binance', 'place')).toBe('unknown');
    expect(c('binance', 'place', '')).toBe('unknown');
    expect(c('binance', 'place', undefined, { httpStatus: 400 })).toBe('unknown');
  });
});

describe('Bybit codes', () => {
  test.each([
    [10000, 'unknown'], [10016, 'unknown'], [10019, 'unknown'],
    [10006, 'retry'], [10018, 'retry'], [10002, 'retry'],
    [110072, 'lookup'],
    [10001, 'block'], [10003, 'block'], [10004, 'block'], [10005, 'block'], [110007, 'block'], [110017, 'block'], [110094, 'block'],
    [110001, 'block'], // order missing on place
    [99999, 'unknown'], [110999, 'unknown'],
  ] as const)('place %s -> %s', (code, expected) => {
    expect(c('bybit', 'place', code)).toBe(expected);
  });

  test('Bybit codes are not read from the Binance table and vice versa', () => {
    expect(c('bybit', 'place', -2019)).toBe('unknown');
    expect(c('binance', 'place', 110007)).toBe('unknown');
  });
});
