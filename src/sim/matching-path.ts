// A price move from A to B is walked as the market would trade through it: every resting limit
// order and every conditional order whose level lies on the way is met in the order the price
// reaches it (limits at their price, stops at their trigger), not all stops first. The mark and
// the last price may move together (the usual case) or apart; each item is placed on its own
// path by how far along the move (0 = start, 1 = end) its level lies.
import { Decimal } from 'decimal.js';

const ZERO = new Decimal(0);

export interface Move {
  start: Decimal;
  end: Decimal;
}

/**
 * How far along the move a monotone condition first holds: 0 if it already holds at the start,
 * the level's share of the way if it holds at the end, undefined if it never holds.
 */
export function crossingPoint(move: Move, holds: (price: Decimal) => boolean, level: Decimal): Decimal | undefined {
  if (holds(move.start)) return ZERO;
  if (!holds(move.end)) return undefined;
  const span = move.end.sub(move.start).abs();
  return span.isZero() ? ZERO : Decimal.min(new Decimal(1), level.sub(move.start).abs().div(span));
}

/** The price a fraction of the way along the move, on the tick (the walk's current price). */
export function priceAt(move: Move, at: Decimal, tick: string): Decimal {
  if (at.gte(1)) return move.end;
  if (at.isZero()) return move.start;
  const raw = move.start.add(move.end.sub(move.start).mul(at));
  return raw.div(tick).round().mul(tick);
}

export interface PathItem {
  kind: 'limit' | 'algo';
  id: number;
  at: Decimal;
}

/**
 * The item the walk meets first. At one level a resting limit order trades before a stop it
 * triggers (the stop fires on the trade that prints there); then lower ids (older) first.
 */
export function firstItem(items: PathItem[]): PathItem | undefined {
  let best: PathItem | undefined;
  for (const it of items) {
    if (!best) best = it;
    else {
      const c = it.at.cmp(best.at);
      if (c < 0 || (c === 0 && (rank(it) < rank(best) || (rank(it) === rank(best) && it.id < best.id)))) best = it;
    }
  }
  return best;
}

function rank(it: PathItem): number {
  return it.kind === 'limit' ? 0 : 1;
}
