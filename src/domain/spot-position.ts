// Spot venues send no position rows: the position is derived from the account's own fills.
// Entry basis is the VWAP of entry fills (true fill prices), fees paid in the base asset
// reduce the held size, and a fill is counted once per trade id (dedupe lives in AccountState).
import { Decimal, ZERO } from './decimal.js';
import type { ExecutionRow, Filters } from './rows.js';

export interface DerivedPosition {
  size: Decimal;
  entryPrice: Decimal;
}

const QUOTES = ['USDT', 'USDC', 'FDUSD', 'BUSD', 'TUSD', 'DAI', 'EUR', 'TRY', 'BTC', 'ETH', 'BNB'];

export function baseAssetOf(symbol: string): string {
  const quote = QUOTES.find((q) => symbol.endsWith(q) && symbol.length > q.length);
  return quote ? symbol.slice(0, -quote.length) : symbol;
}

/** Applies one long-side spot fill to a derived position and returns the new one. */
export function applySpotFill(current: DerivedPosition, fill: ExecutionRow): DerivedPosition {
  const baseFee = fill.fee && fill.feeAsset === baseAssetOf(fill.symbol) ? fill.fee : ZERO;
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
 * Issue 14: a holding the venue would not let us sell (below LOT_SIZE minQty once rounded down to
 * stepSize, or below the minimum notional at `price`) is dust, not a position to protect.
 */
export function isSpotDust(size: Decimal, price: Decimal, filters: Filters | undefined): boolean {
  if (!size.gt(ZERO)) return true;
  if (!filters) return false;
  const tradable = filters.stepSize.gt(ZERO) ? size.div(filters.stepSize).floor().mul(filters.stepSize) : size;
  if (tradable.isZero() || tradable.lt(filters.minQty)) return true;
  return price.gt(ZERO) && tradable.mul(price).lt(filters.minNotional);
}
