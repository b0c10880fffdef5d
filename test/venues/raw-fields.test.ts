// The raw-field readers every normalizer uses (src/venues/raw-fields.ts): a venue's "no value"
// spellings read as absent, anything malformed throws naming the field and the value.
import { optionalDecimal, rawDecimal, rawOrderSide, rawText, rawTime } from '../../src/venues/raw-fields.js';

test('a time of 0 or "0" is no time (Binance USD-M, Bybit); Binance spot also says -1; a negative or unreadable time throws', () => {
  for (const none of [undefined, null, '', 0, '0']) expect(rawTime(none, 'T')).toBeUndefined();
  expect(rawTime(1_700_000_000_000, 'T')).toBe(1_700_000_000_000);
  expect(rawTime('1700000000000', 'T')).toBe(1_700_000_000_000);
  expect(() => rawTime(-1, 'T')).toThrow('T: not an epoch-milliseconds time (got -1)');
  expect(rawTime(-1, 'E', [0, -1])).toBeUndefined();
  expect(() => rawTime('soon', 'E', [0, -1])).toThrow(/^E: not an epoch-milliseconds time/);
});

test('a figure is decimal from the venue\'s string; an optional one that is absent or zero is undefined; malformed figures throw with the field', () => {
  expect(rawDecimal('0.00100000', 'q').toFixed()).toBe('0.001');
  expect(() => rawDecimal('NaN', 'q')).toThrow(/^q: /);
  expect(() => rawDecimal(undefined, 'q')).toThrow(/^q: /);
  for (const none of [undefined, null, '', '0', '0.00000000']) expect(optionalDecimal(none, 'sp')).toBeUndefined();
  expect(optionalDecimal('63700', 'sp')!.toFixed()).toBe('63700');
});

test('text and order sides', () => {
  expect(rawText('abc', 'c')).toBe('abc');
  expect(rawText(42, 'i')).toBe('42');
  expect(() => rawText('', 'c')).toThrow('c: expected a non-empty value (got "")');
  expect(rawOrderSide('SELL', 'S')).toBe('SELL');
  expect(() => rawOrderSide('Sell', 'S')).toThrow('S: not an order side (got "Sell")');
});
