// The order a slot wants, and equivalence of a wanted order with an active one by order kind.
import { Decimal, ZERO, canon } from './decimal.js';
import type { ManagedOrderType, OrderRow, OrderSide, OrderType } from './rows.js';
import type { Slot } from './strategy.js';

export interface OrderIntent {
  slot: Slot;
  side: OrderSide;
  type: ManagedOrderType;
  price?: Decimal;
  triggerPrice?: Decimal;
  qty?: Decimal;
  reduceOnly?: boolean;
  closePosition?: boolean;
}

const sameDecimal = (a: Decimal | undefined, b: Decimal | undefined) =>
  a === undefined || b === undefined ? a === b : a.eq(b);

/** Fields compared for each order kind, with the venue's defaults filled in. */
export function equivalent(intent: OrderIntent, active: OrderRow): boolean {
  if (intent.side !== active.side || intent.type !== active.type) return false;
  const closePosition = active.closePosition ?? false;
  if ((intent.closePosition ?? false) !== closePosition) return false;
  if (usesTrigger(intent.type) && !sameDecimal(intent.triggerPrice, active.triggerPrice)) return false;
  if (usesLimitPrice(intent.type) && !sameDecimal(intent.price, active.price)) return false;
  if (closePosition) return true; // a close-position order closes whatever is open: qty and reduceOnly are implied
  if ((intent.reduceOnly ?? false) !== (active.reduceOnly ?? false)) return false;
  // What is still open counts, not what was first asked (lesson 17).
  return sameDecimal(intent.qty, remainingQty(active));
}

/** The open remainder of an order: its quantity less its cumulative fills. */
export function remainingQty(row: OrderRow): Decimal | undefined {
  if (row.qty === undefined || !row.filledQty || row.filledQty.lte(ZERO)) return row.qty;
  return row.qty.minus(row.filledQty);
}

/**
 * The amend that leaves `intent.qty` open on a partly filled order: venues amend the total
 * quantity (Binance cancels an order amended to no more than it executed), so the fills are added.
 */
export function amendIntentFor(intent: OrderIntent, active: OrderRow): OrderIntent {
  if (intent.qty === undefined || !active.filledQty || active.filledQty.lte(ZERO)) return intent;
  return { ...intent, qty: intent.qty.plus(active.filledQty) };
}

/**
 * Same kind, only price or quantity differ: the venue can amend it in place. A stop (an untriggered
 * STOP_MARKET / TAKE_PROFIT_MARKET with a quantity) only where the venue amends its trigger price
 * and quantity (`stopsAmendable`, Bybit V5): no second conditional order, no window with two.
 */
export function amendable(intent: OrderIntent, active: OrderRow, stopsAmendable = false): boolean {
  if (stopsAmendable && (intent.type === 'STOP_MARKET' || intent.type === 'TAKE_PROFIT_MARKET')) {
    return (
      active.type === intent.type && intent.side === active.side && !intent.closePosition && !active.closePosition &&
      intent.qty !== undefined && (intent.reduceOnly ?? false) === (active.reduceOnly ?? false) && !(active.filledQty && active.filledQty.gt(ZERO))
    );
  }
  return (
    intent.type === 'LIMIT' &&
    active.type === 'LIMIT' &&
    intent.side === active.side &&
    (intent.reduceOnly ?? false) === (active.reduceOnly ?? false) &&
    // A partly filled exit keeps its place in the book; a partly filled entry is a consumed step.
    (intent.reduceOnly === true || !(active.filledQty && active.filledQty.gt(ZERO)))
  );
}

function usesTrigger(type: OrderType): boolean {
  return type === 'STOP_MARKET' || type === 'TAKE_PROFIT_MARKET' || type === 'STOP' || type === 'TAKE_PROFIT';
}

function usesLimitPrice(type: OrderType): boolean {
  return type === 'LIMIT' || type === 'STOP' || type === 'TAKE_PROFIT';
}

export interface PlainOrderFields {
  side: string;
  type: string;
  price?: string;
  triggerPrice?: string;
  qty?: string;
  reduceOnly?: boolean;
  closePosition?: boolean;
}

/** The order's fields as they cross a boundary: canonical decimal strings, absent fields left out. */
export function plainOrderFields(o: Omit<OrderIntent, 'slot' | 'type'> & { type: string }): PlainOrderFields {
  const out: PlainOrderFields = { side: o.side, type: o.type };
  if (o.price) out.price = canon(o.price);
  if (o.triggerPrice) out.triggerPrice = canon(o.triggerPrice);
  if (o.qty) out.qty = canon(o.qty);
  if (o.reduceOnly !== undefined) out.reduceOnly = o.reduceOnly;
  if (o.closePosition !== undefined) out.closePosition = o.closePosition;
  return out;
}
