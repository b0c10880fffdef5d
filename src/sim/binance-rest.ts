// Binance USD-M REST as ccxt `binanceusdm` calls it: the route table (built by the
// rest-routes-*.ts modules), API-key and signature checks (HMAC-SHA256 over the query or form body,
// timestamp and recvWindow), and Binance's error body with its HTTP status. Rate limits, faults and
// the request log sit in front of it (rest-gateway.ts).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SimEngine, decimalParam } from './engine.js';
import { SimError } from './sim-types.js';
import type { UserStream } from './user-stream.js';
import { BINANCE_RATE_LIMITS, type OrderCost, type RateLimitConfig } from './rate-limits.js';
import type { Params } from './rest-params.js';
import type { RestContext, RouteDef } from './rest-route.js';
import { accountRoutes } from './rest-routes-account.js';
import { algoRoutes } from './rest-routes-algo.js';
import { marketRoutes } from './rest-routes-market.js';
import { orderRoutes } from './rest-routes-orders.js';
import { streamRoutes } from './rest-routes-stream.js';

export interface RestRequest {
  method: string;
  path: string;
  query: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface RestResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** True when the route's handler ran (it may still have answered an error code); false when refused before it (unknown route, key, signature, timestamp). */
  applied: boolean;
}

export interface Credentials {
  apiKey: string;
  secret: string;
}

export class BinanceRest {
  private readonly routes = new Map<string, RouteDef>();

  constructor(
    engine: SimEngine,
    stream: UserStream,
    private readonly creds: Credentials,
    private readonly serverTime: () => number,
    /** The retention window has passed for every finished order: queries no longer serve them. */
    forgetFinished: () => boolean = () => false,
    rateLimits: () => RateLimitConfig = () => BINANCE_RATE_LIMITS,
  ) {
    const ctx: RestContext = { engine, stream, serverTime, venueNow: () => engine.clockNow(), forgetFinished, rateLimits };
    for (const r of [...marketRoutes(ctx), ...accountRoutes(ctx), ...orderRoutes(ctx), ...algoRoutes(ctx), ...streamRoutes(ctx)]) this.routes.set(`${r.method} ${r.path}`, r);
  }

  has(method: string, path: string): boolean {
    return this.routes.has(`${method} ${path}`);
  }

  /** The documented IP weight of this request (some depend on `symbol` or `limit`); 1 for an unknown route. */
  weightOf(method: string, path: string, params: Params = {}): number {
    const w = this.routes.get(`${method} ${path}`)?.weight ?? 1;
    return typeof w === 'number' ? w : w(params);
  }

  /** What the request costs on the order limiters; undefined for a route that places no order. */
  orderCostOf(method: string, path: string): OrderCost | undefined {
    return this.routes.get(`${method} ${path}`)?.orders;
  }

  handle(req: RestRequest): RestResponse {
    const route = this.routes.get(`${req.method} ${req.path}`);
    if (!route) return { status: 404, body: { code: -5000, msg: `Path ${req.path}, Method ${req.method} is invalid` }, applied: false };
    let params: Params;
    try {
      if (route.auth !== 'none') this.checkKey(req);
      params = route.auth === 'signed' ? this.verified(req) : { ...Object.fromEntries(new URLSearchParams(req.body)), ...Object.fromEntries(new URLSearchParams(req.query)) };
    } catch (error) {
      return { ...errorAnswer(error), applied: false };
    }
    try {
      return { status: 200, body: route.handler(params), applied: true };
    } catch (error) {
      return { ...errorAnswer(error), applied: true };
    }
  }

  // ---- authentication ----------------------------------------------------------------------

  private checkKey(req: RestRequest): void {
    const key = req.headers['x-mbx-apikey'];
    if (key !== this.creds.apiKey) throw new SimError(-2015, 'Invalid API-key, IP, or permissions for action.', 401);
  }

  /** Verifies the signature over what came before `&signature=`, then timestamp and recvWindow. */
  private verified(req: RestRequest): Params {
    const payload = [req.query, req.body].filter(Boolean).join('');
    const m = /(^|&)signature=([0-9a-fA-F]+)$/.exec(payload) ?? /(^|&)signature=([0-9a-fA-F]+)(&|$)/.exec(payload);
    if (!m) throw new SimError(-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
    const signed = payload.slice(0, m.index);
    const expected = createHmac('sha256', this.creds.secret).update(signed).digest('hex');
    const given = m[2]!.toLowerCase();
    if (expected.length !== given.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(given))) {
      throw new SimError(-1022, 'Signature for this request is not valid.');
    }
    const params = Object.fromEntries(new URLSearchParams(signed));
    const timestamp = Number(params.timestamp);
    if (!Number.isFinite(timestamp)) throw new SimError(-1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
    const recvWindow = params.recvWindow ? Number(params.recvWindow) : 5000;
    if (!Number.isFinite(recvWindow) || recvWindow <= 0 || recvWindow > 60_000) throw new SimError(-1131, 'recvWindow must be less than 60000');
    // general-info "Timing Security": timestamp < serverTime + 1000 and serverTime - timestamp <= recvWindow.
    const now = this.serverTime();
    if (timestamp >= now + 1000) throw new SimError(-1021, "Timestamp for this request was 1000ms ahead of the server's time.");
    if (now - timestamp > recvWindow) throw new SimError(-1021, 'Timestamp for this request is outside of the recvWindow.');
    return params;
  }
}

function errorAnswer(error: unknown): { status: number; body: unknown } {
  if (error instanceof SimError) return { status: error.httpStatus, body: { code: error.code, msg: error.msg } };
  return { status: 500, body: { code: -1000, msg: 'An unknown error occurred while processing the request.' } };
}

// Payload builders moved to payloads.ts; re-exported for existing importers.
export { orderJson, algoJson } from './payloads.js';
export { decimalParam };
