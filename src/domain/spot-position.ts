// Spot venues send no position rows: the position is derived from the account's own fills.
// Entry basis is the VWAP of entry fills (true fill prices), fees paid in the base asset
// reduce the held size, and a fill is counted once per trade id (dedupe lives in AccountState).
import { Decimal, ZERO } from './decimal.js';
import type { ExecutionRow, Filters, OrderRow } from './rows.js';

export interface DerivedPosition {
  size: Decimal;
  entryPrice: Decimal;
}

const QUOTES = ['USDT', 'USDC', 'FDUSD', 'BUSD', 'TUSD', 'DAI', 'EUR', 'TRY', 'BTC', 'ETH', 'BNB'];

export function baseAssetOf(symbol: string): string {
  const quote = QUOTES.find((q) => symbol.endsWith(q) && symbol.length > q.length);
  return quote ? symbol.slice(0, -quote.length) : symbol;
}

/**
 * Applies one long-side spot fill to a derived position and returns the new one. `baseAsset` comes
 * from the venue's market data; the quote list above is only the fallback when it has none.
 */
export function applySpotFill(current: DerivedPosition, fill: ExecutionRow, baseAsset = baseAssetOf(fill.symbol)): DerivedPosition {
  const baseFee = fill.fee && fill.feeAsset === baseAsset ? fill.fee : ZERO;
  if (fill.side === 'BUY') {
    const held = current.size;
    const cost = current.entryPrice.mul(held).add(fill.price.mul(fill.qty));
    const grossSize = held.add(fill.qty);
    const entryPrice = grossSize.isZero() ? ZERO : cost.div(grossSize);
    return { size: Decimal.max(ZERO, grossSize.sub(baseFee)), entryPrice };
  }
  const size = Decimal.max(ZERO, current.size.sub(fill.qty).sub(baseFee));
  return { size, entryPrice: size.isZero() ? ZERO : current.entryPrice };
}

/**
 * The base asset other users' open sell orders lock (theirs to sell, not ours to protect): each
 * order's unfilled quantity, once per order list (the legs of an OCO lock the same asset).
 */
export function baseLockedByOthers(orders: readonly OrderRow[]): Decimal {
  let locked = ZERO;
  const lists = new Map<string, Decimal>();
  for (const o of orders) {
    if (o.side !== 'SELL' || (o.status !== 'NEW' && o.status !== 'PARTIALLY_FILLED') || !o.qty) continue;
    const open = Decimal.max(ZERO, o.qty.sub(o.filledQty ?? ZERO));
    if (o.listId === undefined) locked = locked.add(open);
    else lists.set(o.listId, Decimal.max(lists.get(o.listId) ?? ZERO, open));
  }
  for (const open of lists.values()) locked = locked.add(open);
  return locked;
}

/**
 * Issue 14: a holding the venue would not let us sell (below LOT_SIZE minQty once rounded down to
 * stepSize, or below the minimum notional at `price`, the price now: what a sell would get) is
 * dust, not a position to protect.
 */
export function isSpotDust(size: Decimal, price: Decimal, filters: Filters | undefined): boolean {
  if (!size.gt(ZERO)) return true;
  if (!filters) return false;
  const tradable = filters.stepSize.gt(ZERO) ? size.div(filters.stepSize).floor().mul(filters.stepSize) : size;
  if (tradable.isZero() || tradable.lt(filters.minQty)) return true;
  return price.gt(ZERO) && tradable.mul(price).lt(filters.minNotional);
}
