// Decimal helpers: every price and quantity in exstate is a decimal.js value inside the
// domain and a canonical decimal string at every boundary (no exponent, no trailing zeros).
import { Decimal } from 'decimal.js';

export { Decimal };

const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export class InvalidDecimalError extends Error {
  constructor(readonly field: string, readonly value: unknown, readonly reason: string) {
    super(`${field}: ${reason} (got ${JSON.stringify(value)})`);
    this.name = 'InvalidDecimalError';
  }
}

/** Parses a decimal from a string (or a finite number at an untyped boundary); rejects with a reason. */
export function parseDecimal(value: unknown, field: string): Decimal {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidDecimalError(field, value, 'not a finite number');
    return new Decimal(String(value));
  }
  if (typeof value !== 'string') throw new InvalidDecimalError(field, value, 'expected a decimal string');
  const text = value.trim();
  if (!DECIMAL_TEXT.test(text)) throw new InvalidDecimalError(field, value, 'not a decimal number');
  return new Decimal(text);
}

/** Like parseDecimal but for optional fields. */
export function parseOptionalDecimal(value: unknown, field: string): Decimal | undefined {
  return value === undefined || value === null || value === '' ? undefined : parseDecimal(value, field);
}

/** Canonical text: "0.01", "63700", never "1e-7" or "63700.0" or "-0". */
export function canon(value: Decimal): string {
  if (value.isZero()) return '0';
  return value.toFixed();
}

export function canonOptional(value: Decimal | undefined): string | undefined {
  return value === undefined ? undefined : canon(value);
}

export const ZERO = new Decimal(0);
export const HUNDRED = new Decimal(100);
