// Parameter and filter rules of New Order, New Algo Order and Modify Order, with the codes and
// messages of Binance's USD-M error-code page. Pure functions: the engine decides when to apply them.
import { Decimal } from 'decimal.js';
import { SimError, type Side, type StpMode, type SymbolSpec, type WorkingType } from './sim-types.js';

const ZERO = new Decimal(0);

/** PERCENT_PRICE as exchangeInfo advertises it (multiplierUp 1.05, multiplierDown 0.95). */
export const PERCENT_PRICE = { up: new Decimal('1.05'), down: new Decimal('0.95') };
/** exchangeInfo `triggerProtect`: the largest mark/last gap a price-protected trigger tolerates. */
export const TRIGGER_PROTECT = new Decimal('0.05');

export function decimalParam(value: string, name: string): Decimal {
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(value)) throw new SimError(-1100, `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`);
  return new Decimal(value);
}

/** LOT_SIZE: -4003 zero or below, -1111 off the step, -4004 below minQty, -4005 above maxQty. */
export function validQty(spec: SymbolSpec, value: string | undefined): Decimal {
  if (value === undefined) throw new SimError(-1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.");
  const q = decimalParam(value, 'quantity');
  if (q.lte(ZERO)) throw new SimError(-4003, 'Quantity less than zero.');
  if (!q.mod(new Decimal(spec.stepSize)).isZero()) throw new SimError(-1111, 'Precision is over the maximum defined for this asset.');
  if (q.lt(new Decimal(spec.minQty))) throw new SimError(-4004, 'Quantity less than min quantity.');
  if (q.gt(new Decimal(spec.maxQty))) throw new SimError(-4005, 'Quantity greater than max quantity.');
  return q;
}

/** PRICE_FILTER: -4001 zero or below, -4014 off the tick. */
export function validPrice(spec: SymbolSpec, value: string | undefined, name = 'price'): Decimal {
  if (value === undefined) throw new SimError(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
  const p = decimalParam(value, name);
  if (p.lte(ZERO)) throw new SimError(-4001, 'Price less than 0.');
  if (!p.mod(new Decimal(spec.tickSize)).isZero()) throw new SimError(-4014, 'Price not increased by tick size.');
  return p;
}

/** PERCENT_PRICE (common-definition): BUY price <= mark × multiplierUp, SELL price >= mark × multiplierDown. */
export function percentPriceError(side: Side, price: Decimal, mark: Decimal): SimError | undefined {
  if (side === 'BUY' && price.gt(mark.mul(PERCENT_PRICE.up))) return new SimError(-4016, 'Price is higher than mark price multiplier cap.');
  if (side === 'SELL' && price.lt(mark.mul(PERCENT_PRICE.down))) return new SimError(-4024, 'Price is lower than mark price multiplier floor.');
  return undefined;
}

export function checkPercentPrice(side: Side, price: Decimal, mark: Decimal): void {
  const error = percentPriceError(side, price, mark);
  if (error) throw error;
}

const TIME_IN_FORCE = ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'];

/** LIMIT orders: GTC unless sent; GTD is accepted and kept as GTC-like (no expiry date modelled). */
export function timeInForceOf(value: string | undefined, allowed: readonly string[] = TIME_IN_FORCE): string {
  if (value === undefined || value === '') return 'GTC';
  if (!allowed.includes(value)) throw new SimError(-1115, 'Invalid timeInForce.');
  return value;
}

export function workingTypeOf(value: string | undefined): WorkingType {
  if (value === undefined || value === '' || value === 'CONTRACT_PRICE') return 'CONTRACT_PRICE';
  if (value === 'MARK_PRICE') return 'MARK_PRICE';
  throw new SimError(-4031, `Invalid parameter working type: ${value}`);
}

/** Binance made STP mandatory (2024-12-10): EXPIRE_MAKER by default; NONE is refused. */
export function stpModeOf(value: string | undefined): StpMode {
  if (value === undefined || value === '') return 'EXPIRE_MAKER';
  if (value === 'EXPIRE_MAKER' || value === 'EXPIRE_TAKER' || value === 'EXPIRE_BOTH') return value;
  throw new SimError(-5039, 'Invalid self trade prevention mode');
}

/** Whether a limit price trades against the market at the last price (a BUY at or above it, a SELL at or below). */
export function crossesLast(side: Side, price: Decimal, last: Decimal): boolean {
  return side === 'BUY' ? price.gte(last) : price.lte(last);
}

/**
 * New Order: STOP/STOP_MARKET trigger for a BUY when the watched price is >= stopPrice, for a
 * SELL when <=; TAKE_PROFIT/TAKE_PROFIT_MARKET the other way round.
 */
export function triggerHolds(type: string, side: Side, trigger: Decimal, price: Decimal): boolean {
  const stop = type === 'STOP_MARKET' || type === 'STOP';
  if (side === 'BUY') return stop ? price.gte(trigger) : price.lte(trigger);
  return stop ? price.lte(trigger) : price.gte(trigger);
}

/** priceProtect: the trigger waits while |mark - last| / mark exceeds triggerProtect. */
export function protectionBlocks(mark: Decimal, last: Decimal): boolean {
  return mark.isZero() ? false : mark.sub(last).abs().div(mark).gt(TRIGGER_PROTECT);
}
