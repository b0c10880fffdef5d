// Public market data for a venue with no public tape: the simulator fills at the mark and the only
// trades it knows are the account's own. So (shapes from market-data/rest-api: 24hr-Ticker-Price-
// Change-Statistics, Order-Book, Kline-Candlestick-Data):
//  - klines: candles built from the account's fills; a candle without fills is flat at the previous
//    close; the candle in progress also takes the current mark (its close is the mark).
//  - ticker/24hr: the same prices over the last 24 hours, last price = the mark.
//  - depth: one level at the mark on each side (a market order fills there, in any size up to the
//    lot maximum), then the account's own resting limit orders by price.
import { Decimal } from 'decimal.js';
import type { SimEngine } from './engine.js';
import { SimError, type SimTrade } from './sim-types.js';
import { str } from './payloads.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Kline intervals of a fixed length; 1M (a calendar month) is not served. */
export const INTERVALS: Record<string, number> = {
  '1m': MINUTE, '3m': 3 * MINUTE, '5m': 5 * MINUTE, '15m': 15 * MINUTE, '30m': 30 * MINUTE,
  '1h': HOUR, '2h': 2 * HOUR, '4h': 4 * HOUR, '6h': 6 * HOUR, '8h': 8 * HOUR, '12h': 12 * HOUR,
  '1d': DAY, '3d': 3 * DAY, '1w': 7 * DAY,
};

/** Order-Book "Valid limits". */
export const DEPTH_LIMITS = [5, 10, 20, 50, 100, 500, 1000];

function fillsOf(e: SimEngine, symbol: string): SimTrade[] {
  return e.trades.filter((t) => t.symbol === symbol);
}

/** The account's side of the tape: a taker buy is our taker buy or a taker hitting our maker sell. */
const takerBuy = (t: SimTrade) => (t.buyer && !t.maker) || (!t.buyer && t.maker);

interface Candle {
  open: Decimal; high: Decimal; low: Decimal; close: Decimal;
  volume: Decimal; quote: Decimal; count: number; takerBase: Decimal; takerQuote: Decimal;
}

function candle(previousClose: Decimal, fills: SimTrade[], extra?: Decimal): Candle {
  const prices = fills.map((t) => new Decimal(t.price));
  if (extra) prices.push(extra);
  const all = prices.length ? prices : [previousClose];
  const open = fills.length ? new Decimal(fills[0]!.price) : previousClose;
  let c: Candle = {
    open, high: Decimal.max(open, ...all), low: Decimal.min(open, ...all), close: all[all.length - 1]!,
    volume: new Decimal(0), quote: new Decimal(0), count: fills.length, takerBase: new Decimal(0), takerQuote: new Decimal(0),
  };
  for (const t of fills) {
    c = { ...c, volume: c.volume.add(t.qty), quote: c.quote.add(t.quoteQty) };
    if (takerBuy(t)) c = { ...c, takerBase: c.takerBase.add(t.qty), takerQuote: c.takerQuote.add(t.quoteQty) };
  }
  return c;
}

/** The price before `t`: the last fill before it, else the mark. */
function priceBefore(fills: SimTrade[], t: number, mark: Decimal): Decimal {
  let p: Decimal | undefined;
  for (const f of fills) if (f.time < t) p = new Decimal(f.price);
  return p ?? mark;
}

export function klines(e: SimEngine, now: number, q: { symbol: string; interval: string; startTime?: number; endTime?: number; limit: number }) {
  const iv = INTERVALS[q.interval];
  if (!iv) throw new SimError(-1120, 'Invalid interval.');
  const mark = e.mark(e.spec(q.symbol).symbol);
  const fills = fillsOf(e, q.symbol);
  const last = Math.floor(Math.min(q.endTime ?? now, now) / iv) * iv;
  let first = q.startTime !== undefined ? Math.floor(q.startTime / iv) * iv : last - (q.limit - 1) * iv;
  if (q.startTime === undefined) first = Math.max(first, 0);
  const rows: unknown[] = [];
  let close = priceBefore(fills, first, mark);
  for (let open = first; open <= last && rows.length < q.limit; open += iv) {
    const inside = fills.filter((t) => t.time >= open && t.time < open + iv);
    const current = open + iv > now;
    const c = candle(close, inside, current ? mark : undefined);
    close = c.close;
    rows.push([open, str(c.open), str(c.high), str(c.low), str(c.close), str(c.volume), open + iv - 1, str(c.quote), c.count, str(c.takerBase), str(c.takerQuote), '0']);
  }
  return rows;
}

export function ticker24hr(e: SimEngine, symbol: string, now: number) {
  const mark = e.mark(e.spec(symbol).symbol);
  const fills = fillsOf(e, symbol);
  const from = now - DAY;
  const inside = fills.filter((t) => t.time >= from && t.time <= now);
  const c = candle(priceBefore(fills, from, mark), inside, mark);
  const change = c.close.sub(c.open);
  const lastFill = inside[inside.length - 1];
  return {
    symbol, priceChange: str(change), priceChangePercent: c.open.isZero() ? '0' : change.div(c.open).mul(100).toFixed(3), weightedAvgPrice: str(c.volume.isZero() ? mark : c.quote.div(c.volume)),
    lastPrice: str(mark), lastQty: lastFill ? lastFill.qty : '0', openPrice: str(c.open), highPrice: str(c.high), lowPrice: str(c.low),
    volume: str(c.volume), quoteVolume: str(c.quote), openTime: from, closeTime: now,
    firstId: inside[0]?.id ?? -1, lastId: lastFill?.id ?? -1, count: inside.length,
  };
}

export function depth(e: SimEngine, symbol: string, limit: number, now: number) {
  const spec = e.spec(symbol);
  const mark = e.mark(spec.symbol);
  const bids = new Map<string, Decimal>([[str(mark), new Decimal(spec.maxQty)]]);
  const asks = new Map<string, Decimal>([[str(mark), new Decimal(spec.maxQty)]]);
  for (const o of e.openOrderList(symbol)) {
    if (o.type !== 'LIMIT') continue;
    const book = o.side === 'BUY' ? bids : asks;
    const left = new Decimal(o.origQty).sub(o.executedQty);
    book.set(o.price, (book.get(o.price) ?? new Decimal(0)).add(left));
  }
  const levels = (book: Map<string, Decimal>, descending: boolean) => [...book.entries()]
    .sort(([a], [b]) => (descending ? new Decimal(b).cmp(a) : new Decimal(a).cmp(b)))
    .slice(0, limit)
    .map(([p, qty]) => [p, str(qty)]);
  return { lastUpdateId: e.trades.length + e.orders.size, E: now, T: now, bids: levels(bids, true), asks: levels(asks, false) };
}

/** Order-Book weight by limit: 5-50 cost 2, 100 costs 5, 500 costs 10, 1000 costs 20 (default 500). */
export function depthWeight(limit: number | undefined): number {
  const l = limit ?? 500;
  return l <= 50 ? 2 : l <= 100 ? 5 : l <= 500 ? 10 : 20;
}

/** Kline weight by limit: [1,100) 1, [100,500) 2, [500,1000] 5, above 10 (default 500). */
export function klinesWeight(limit: number | undefined): number {
  const l = limit ?? 500;
  return l < 100 ? 1 : l < 500 ? 2 : l <= 1000 ? 5 : 10;
}
