// Binance spot's symbol filters and parameter formats: PRICE_FILTER, LOT_SIZE and NOTIONAL
// answer -1013 "Filter failure: <FILTER>"; a malformed number or client order id answers -1100
// with the legal range, as Binance words it.
import { Decimal } from 'decimal.js';
import { SimError } from '../sim-types.js';
import type { Params } from '../rest-params.js';
import type { SpotSymbolSpec } from './types.js';

const NUMBER = /^([0-9]{1,20})(\.[0-9]{1,20})?$/;
const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

/** An optional DECIMAL parameter; -1100 when it is not a plain non-negative number. */
export function decimalParam(p: Params, name: string): Decimal | undefined {
  const v = p[name];
  if (v === undefined || v === '') return undefined;
  if (!NUMBER.test(v)) throw new SimError(-1100, `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`);
  return new Decimal(v);
}

/** An optional client id parameter (newClientOrderId, listClientOrderId, ...); -1100 outside the pattern. */
export function clientIdParam(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === '') return undefined;
  if (!CLIENT_ID.test(v)) throw new SimError(-1100, `Illegal characters found in parameter '${name}'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.`);
  return v;
}

const filterFailure = (name: string) => new SimError(-1013, `Filter failure: ${name}`);

export function minPrice(spec: SpotSymbolSpec): Decimal {
  return new Decimal(spec.minPrice ?? spec.tickSize);
}

export function maxPrice(spec: SpotSymbolSpec): Decimal {
  return new Decimal(spec.maxPrice ?? '1000000');
}

export function maxNotional(spec: SpotSymbolSpec): Decimal {
  return new Decimal(spec.maxNotional ?? '9000000');
}

/** PRICE_FILTER: within [minPrice, maxPrice] and on the tick. Zero is "Invalid price." (-1013). */
export function checkPrice(spec: SpotSymbolSpec, price: Decimal): void {
  if (price.isZero()) throw new SimError(-1013, 'Invalid price.');
  if (price.lt(minPrice(spec)) || price.gt(maxPrice(spec)) || !price.mod(spec.tickSize).isZero()) throw filterFailure('PRICE_FILTER');
}

/** LOT_SIZE: within [minQty, maxQty] and on the step. Zero is "Invalid quantity." (-1013). */
export function checkQty(spec: SpotSymbolSpec, qty: Decimal): void {
  if (qty.isZero()) throw new SimError(-1013, 'Invalid quantity.');
  if (qty.lt(spec.minQty) || qty.gt(spec.maxQty) || !qty.minus(spec.minQty).mod(spec.stepSize).isZero()) throw filterFailure('LOT_SIZE');
}

/** NOTIONAL: price x quantity within [minNotional, maxNotional] (market orders: at the last price). */
export function checkNotional(spec: SpotSymbolSpec, notional: Decimal, market: boolean): void {
  if (notional.lt(spec.minNotional)) throw filterFailure('NOTIONAL');
  if (!market && notional.gt(maxNotional(spec))) throw filterFailure('NOTIONAL');
}

/** A quantity rounded down to the symbol's step (a MARKET order by quoteOrderQty). */
export function floorToStep(spec: SpotSymbolSpec, qty: Decimal): Decimal {
  return qty.div(spec.stepSize).floor().times(spec.stepSize);
}
