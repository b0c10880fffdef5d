// One REST route of the simulated venue: who may call it, what it costs on the rate limiters and
// what it answers. The route modules (rest-routes-*.ts) build these; binance-rest.ts serves them.
import type { SimEngine } from './engine.js';
import type { OrderCost, RateLimitConfig } from './rate-limits.js';
import type { Params } from './rest-params.js';
import type { UserStream } from './user-stream.js';

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** none: public; key: the X-MBX-APIKEY header only (USER_STREAM); signed: TRADE / USER_DATA. */
  auth: 'none' | 'key' | 'signed';
  /** IP request weight (x-mbx-used-weight-1m), from the endpoint's documentation page. */
  weight: number | ((p: Params) => number);
  /** Cost on the account's order limiters (X-MBX-ORDER-COUNT-10S / -1M); absent for non-order routes. */
  orders?: OrderCost;
  handler: (p: Params) => unknown;
}

export interface RestContext {
  engine: SimEngine;
  stream: UserStream;
  /** The clock signed requests are checked against (wall clock plus a skew fault). */
  serverTime: () => number;
  /** The venue clock (rows, retention windows, history). */
  venueNow: () => number;
  /** The retention window has passed for every finished order (the forgetFinished fault). */
  forgetFinished: () => boolean;
  /** The limits exchangeInfo advertises. */
  rateLimits: () => RateLimitConfig;
}

/** A route that costs 1 with a symbol and `withoutSymbol` without one (openOrders: 40). */
export const bySymbol = (withoutSymbol: number) => (p: Params) => (p.symbol ? 1 : withoutSymbol);
