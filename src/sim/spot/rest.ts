// Binance spot REST (/api/v3, plus two /sapi lists) as ccxt `binance` calls it: the route table (built by the
// routes-*.ts modules), the API-key and signature checks (auth.ts) and Binance's error body
// {code, msg} with its HTTP status. Faults and the request log sit in front (gateway.ts).
import { SimError } from '../sim-types.js';
import type { Params } from '../rest-params.js';
import { checkApiKey, verifyRest, type Credentials } from './auth.js';
import type { SpotEngine } from './engine.js';
import { accountRoutes } from './routes-account.js';
import { listRoutes } from './routes-lists.js';
import { marketRoutes } from './routes-market.js';
import { orderRoutes } from './routes-orders.js';
import { sapiRoutes } from './routes-sapi.js';

export interface SpotRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** none: public; signed: TRADE / USER_DATA (API key and signature). */
  auth: 'none' | 'signed';
  handler: (p: Params) => unknown;
}

export interface SpotRestContext {
  engine: SpotEngine;
  /** The clock signed requests are checked against (the wall clock plus a skew fault). */
  serverTime: () => number;
  /** The venue clock (order times, archiving). */
  venueNow: () => number;
  /** The forgetFinished fault: finished orders are no longer served (-2013). */
  forgetFinished: () => boolean;
}

export interface SpotRequest {
  method: string;
  path: string;
  query: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface SpotResponse {
  status: number;
  body: unknown;
  /** The route's handler ran (it may still have answered an error); false when refused before it. */
  applied: boolean;
}

export class SpotRest {
  private readonly routes = new Map<string, SpotRoute>();
  private readonly serverTime: () => number;

  constructor(ctx: SpotRestContext, private readonly creds: Credentials) {
    for (const r of [...marketRoutes(ctx), ...accountRoutes(ctx), ...orderRoutes(ctx), ...listRoutes(ctx), ...sapiRoutes()]) this.routes.set(`${r.method} ${r.path}`, r);
    this.serverTime = ctx.serverTime;
  }

  has(method: string, path: string): boolean {
    return this.routes.has(`${method} ${path}`);
  }

  handle(req: SpotRequest): SpotResponse {
    const route = this.routes.get(`${req.method} ${req.path}`);
    if (!route) return { status: 404, body: { code: -1000, msg: `Path ${req.path}, Method ${req.method} is invalid` }, applied: false };
    let params: Params;
    try {
      if (route.auth === 'signed') {
        checkApiKey(req.headers['x-mbx-apikey'], this.creds);
        params = verifyRest(req.query, req.body, this.creds, this.serverTime());
      } else {
        params = { ...Object.fromEntries(new URLSearchParams(req.body)), ...Object.fromEntries(new URLSearchParams(req.query)) };
      }
    } catch (error) {
      return { ...errorAnswer(error), applied: false };
    }
    try {
      return { status: 200, body: route.handler(params), applied: true };
    } catch (error) {
      return { ...errorAnswer(error), applied: true };
    }
  }
}

export function errorAnswer(error: unknown): { status: number; body: { code: number; msg: string } } {
  if (error instanceof SimError) return { status: error.httpStatus, body: { code: error.code, msg: error.msg } };
  return { status: 500, body: { code: -1000, msg: 'An unknown error occurred while processing the request.' } };
}
