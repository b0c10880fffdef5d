// Readers of raw venue payload fields (the strings of the venue's own JSON, never ccxt's parsed
// floats), shared by every plug-in's normalizer. A malformed value throws an error naming the field
// and the value: the stream turns it into a `malformed` item and goes on.
import { type Decimal, parseDecimal } from '../domain/decimal.js';

/** A figure from a string, or from a finite number at this untyped boundary (a non-finite one throws). */
export function rawDecimal(value: unknown, field: string): Decimal {
  return parseDecimal(typeof value === 'number' ? value : String(value), field);
}

/** A figure that may be absent: venues send "", "0" or "0.00000000" for a price an order does not have. */
export function optionalDecimal(value: unknown, field: string): Decimal | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const d = rawDecimal(value, field);
  return d.isZero() ? undefined : d;
}

export function rawText(v: unknown, field: string): string {
  if ((typeof v === 'string' && v.length > 0) || (typeof v === 'number' && Number.isFinite(v))) return String(v);
  throw new Error(`${field}: expected a non-empty value (got ${JSON.stringify(v)})`);
}

/**
 * A venue time (epoch ms) when the payload carries a usable one. `none` lists the venue's own
 * "no time" values besides absent and empty (Binance USD-M and Bybit 0 / "0", Binance spot 0 / -1).
 */
export function rawTime(v: unknown, field: string, none: readonly unknown[] = [0, '0']): number | undefined {
  if (v === undefined || v === null || v === '' || none.includes(v)) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${field}: not an epoch-milliseconds time (got ${JSON.stringify(v)})`);
  return n;
}

export function rawOrderSide(v: unknown, field: string): 'BUY' | 'SELL' {
  if (v === 'BUY' || v === 'SELL') return v;
  throw new Error(`${field}: not an order side (got ${JSON.stringify(v)})`);
}
