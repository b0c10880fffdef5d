// Public market-data routes (market-data/rest-api pages; weights from each page).
import { SimError } from './sim-types.js';
import { DEPTH_LIMITS, depth, depthWeight, klines, klinesWeight, ticker24hr } from './market-data.js';
import { exchangeInfo, premiumIndex, tickerPrice } from './payloads.js';
import { intParam, limitParam, need, type Params } from './rest-params.js';
import { bySymbol, type RestContext, type RouteDef } from './rest-route.js';

const limitOf = (p: Params) => {
  try {
    return intParam(p, 'limit');
  } catch {
    return undefined; // the handler answers the bad value; the weight takes the default
  }
};

export function marketRoutes(ctx: RestContext): RouteDef[] {
  const e = ctx.engine;
  const pub = (path: string, weight: RouteDef['weight'], handler: RouteDef['handler']): RouteDef => ({ method: 'GET', path, auth: 'none', weight, handler });
  return [
    pub('/fapi/v1/ping', 1, () => ({})),
    pub('/fapi/v1/time', 1, () => ({ serverTime: ctx.serverTime() })),
    pub('/fapi/v1/exchangeInfo', 1, () => exchangeInfo(e, ctx.serverTime(), ctx.rateLimits())),
    pub('/fapi/v1/premiumIndex', bySymbol(10), (p) => premiumIndex(e, p.symbol, ctx.serverTime())),
    pub('/fapi/v1/ticker/price', bySymbol(2), (p) => tickerPrice(e, p.symbol, ctx.serverTime())),
    pub('/fapi/v2/ticker/price', bySymbol(2), (p) => tickerPrice(e, p.symbol, ctx.serverTime())),
    pub('/fapi/v1/ticker/24hr', bySymbol(40), (p) => (p.symbol ? ticker24hr(e, e.spec(p.symbol).symbol, ctx.venueNow()) : [...e.symbols.keys()].map((s) => ticker24hr(e, s, ctx.venueNow())))),
    pub('/fapi/v1/depth', (p) => depthWeight(limitOf(p)), (p) => {
      const limit = intParam(p, 'limit') ?? 500;
      if (!DEPTH_LIMITS.includes(limit)) throw new SimError(-1130, "Data sent for parameter 'limit' is not valid.");
      return depth(e, e.spec(need(p, 'symbol')).symbol, limit, ctx.venueNow());
    }),
    pub('/fapi/v1/klines', (p) => klinesWeight(limitOf(p)), (p) => klines(e, ctx.venueNow(), {
      symbol: e.spec(need(p, 'symbol')).symbol, interval: need(p, 'interval'), startTime: intParam(p, 'startTime'), endTime: intParam(p, 'endTime'), limit: limitParam(p, 500, 1500),
    })),
  ];
}
