// Public spot routes ccxt uses for markets and prices: ping, time, exchangeInfo, ticker/price,
// ticker/bookTicker (bid = ask = the last price), ticker/24hr (the last price; no volume history),
// depth (one level at the last price on each side).
import { Decimal } from 'decimal.js';
import { SimError } from '../sim-types.js';
import type { Params } from '../rest-params.js';
import { f8 } from './frames.js';
import { exchangeInfo } from './payloads.js';
import type { SpotRestContext, SpotRoute } from './rest.js';

const DEPTH_QTY = new Decimal('1000');

export function marketRoutes(ctx: SpotRestContext): SpotRoute[] {
  const e = ctx.engine;
  const pub = (path: string, handler: SpotRoute['handler']): SpotRoute => ({ method: 'GET', path, auth: 'none', handler });
  /** One symbol's row, or every symbol's when `symbol` is absent; `symbols=["A","B"]` selects several. */
  const each = <T>(p: Params, row: (symbol: string) => T): T | T[] => {
    if (p.symbol) return row(e.spec(p.symbol).symbol);
    if (!p.symbols) return [...e.symbols.keys()].map(row);
    return symbolList(p).map((s) => row(e.spec(s).symbol));
  };
  return [
    pub('/api/v3/ping', () => ({})),
    pub('/api/v3/time', () => ({ serverTime: ctx.serverTime() })),
    pub('/api/v3/exchangeInfo', () => exchangeInfo([...e.symbols.values()], ctx.serverTime())),
    pub('/api/v3/ticker/price', (p) => each(p, (s) => ({ symbol: s, price: f8(e.lastPrice(s)) }))),
    pub('/api/v3/ticker/bookTicker', (p) => each(p, (s) => {
      const last = f8(e.lastPrice(s));
      return { symbol: s, bidPrice: last, bidQty: f8(DEPTH_QTY), askPrice: last, askQty: f8(DEPTH_QTY) };
    })),
    pub('/api/v3/ticker/24hr', (p) => each(p, (s) => {
      const last = f8(e.lastPrice(s));
      const now = ctx.venueNow();
      return {
        symbol: s, priceChange: '0.00000000', priceChangePercent: '0.000', weightedAvgPrice: last, prevClosePrice: last, lastPrice: last,
        lastQty: '0.00000000', bidPrice: last, bidQty: f8(DEPTH_QTY), askPrice: last, askQty: f8(DEPTH_QTY), openPrice: last, highPrice: last,
        lowPrice: last, volume: '0.00000000', quoteVolume: '0.00000000', openTime: now - 86_400_000, closeTime: now, firstId: -1, lastId: -1, count: 0,
      };
    })),
    pub('/api/v3/depth', (p) => {
      const last = f8(e.lastPrice(e.spec(p.symbol).symbol));
      return { lastUpdateId: 1, bids: [[last, f8(DEPTH_QTY)]], asks: [[last, f8(DEPTH_QTY)]] };
    }),
  ];
}

function symbolList(p: Params): string[] {
  if (!p.symbols) return [];
  try {
    const list: unknown = JSON.parse(p.symbols);
    if (Array.isArray(list)) return list.map(String);
  } catch {
    // answered below
  }
  throw new SimError(-1100, "Illegal characters found in parameter 'symbols'; legal range is '^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'.");
}
