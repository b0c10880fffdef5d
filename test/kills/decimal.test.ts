// Kills for src/domain/decimal.ts (mutation testing, docs/TESTING.md). From SPEC section 3: all
// money arithmetic in decimal.js, non-finite input rejected with a reason; decimal.ts's contract:
// canonical decimal text at every boundary (no exponent, no trailing zeros, never "-0").
import { Decimal, InvalidDecimalError, canon, canonOptional, parseDecimal, parseOptionalDecimal } from '../../src/domain/decimal.js';

describe('parseDecimal', () => {
  test.each([NaN, Infinity, -Infinity])('the non-finite number %s is rejected with a reason naming the field', (value) => {
    expect(() => parseDecimal(value, 'qty')).toThrow(InvalidDecimalError);
    expect(() => parseDecimal(value, 'qty')).toThrow(/^qty: not a finite number/);
  });

  test('a finite number at an untyped boundary is taken by its decimal text', () => {
    expect(canon(parseDecimal(0.1, 'price'))).toBe('0.1');
    expect(canon(parseDecimal(63700, 'price'))).toBe('63700');
  });

  test.each(['abc', '', ' ', '1.2.3', '1,5', '0x10', 'NaN', 'Infinity', '1e5', '--1'])('the text %j is not a decimal number', (value) => {
    expect(() => parseDecimal(value, 'price')).toThrow(/^price: not a decimal number/);
  });

  test.each([[null], [undefined], [true], [{}], [[]]])('%j is not a decimal string', (value) => {
    expect(() => parseDecimal(value, 'price')).toThrow(/^price: expected a decimal string/);
  });

  test('the error keeps the field, the value and the reason', () => {
    try {
      parseDecimal('x1', 'stopLossPct');
      throw new Error('expected a rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidDecimalError);
      const e = error as InvalidDecimalError;
      expect([e.field, e.value, e.reason, e.name]).toEqual(['stopLossPct', 'x1', 'not a decimal number', 'InvalidDecimalError']);
      expect(e.message).toBe('stopLossPct: not a decimal number (got "x1")');
    }
  });

  test.each([[' 1.50 ', '1.5'], ['.5', '0.5'], ['5.', '5'], ['+2', '2'], ['-0.010', '-0.01'], ['007', '7']])('%j parses to %s', (text, expected) => {
    expect(canon(parseDecimal(text, 'x'))).toBe(expected);
  });
});

describe('parseOptionalDecimal', () => {
  test.each([[undefined], [null], ['']])('%j is absent', (value) => {
    expect(parseOptionalDecimal(value, 'x')).toBeUndefined();
  });
  test('a present value is parsed, and a bad one rejected', () => {
    expect(canon(parseOptionalDecimal('0.25', 'x')!)).toBe('0.25');
    expect(() => parseOptionalDecimal('zero', 'x')).toThrow(InvalidDecimalError);
  });
});

describe('canonical text', () => {
  test.each([
    [new Decimal('1e-7'), '0.0000001'],
    [new Decimal('63700.0'), '63700'],
    [new Decimal('-0'), '0'],
    [new Decimal('0.000'), '0'],
    [new Decimal('1.2300'), '1.23'],
    [new Decimal('123456789012345678901234567890'), '123456789012345678901234567890'],
  ])('%s -> %s', (value, expected) => {
    expect(canon(value)).toBe(expected);
  });
  test('canonOptional passes absence through', () => {
    expect(canonOptional(undefined)).toBeUndefined();
    expect(canonOptional(new Decimal('2.50'))).toBe('2.5');
  });
});
