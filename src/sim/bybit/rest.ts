// Bybit V5 REST as ccxt `bybit` calls it: the route table (routes-market.ts, routes-private.ts),
// the signed-request checks (X-BAPI-API-KEY, X-BAPI-TIMESTAMP, X-BAPI-RECV-WINDOW, X-BAPI-SIGN =
// hex HMAC-SHA256(secret, timestamp + key + recvWindow + (GET ? query string : raw JSON body)))
// and the V5 envelope `{retCode, retMsg, result, retExtInfo, time}`, HTTP 200 for errors too.
// A wrong or missing key is 10003, a bad signature 10004, a timestamp outside
// [server - recvWindow, server + 1000) 10002. Rate limits, faults and the request log sit in front
// of it (gateway.ts).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RestRequest } from '../binance-rest.js';
import { BybitError, MSG, asBybit, envelope } from './errors.js';
import { readParams, type BybitParams } from './params.js';
import type { BybitContext, BybitRoute } from './route.js';
import { marketRoutes } from './routes-market.js';
import { privateRoutes } from './routes-private.js';

export interface BybitCredentials {
  apiKey: string;
  secret: string;
}

export interface BybitResponse {
  status: number;
  body: { retCode: number; retMsg: string; result: unknown; retExtInfo: object; time: number };
  /** True when the route's handler ran (it may still have answered a retCode); false when refused before it. */
  applied: boolean;
}

export class BybitRest {
  private readonly routes = new Map<string, BybitRoute>();

  constructor(private readonly ctx: BybitContext, private readonly creds: BybitCredentials) {
    for (const r of [...marketRoutes(ctx), ...privateRoutes(ctx)]) this.routes.set(`${r.method} ${r.path}`, r);
  }

  has(method: string, path: string): boolean {
    return this.routes.has(`${method} ${path}`);
  }

  isOrderRoute(method: string, path: string): boolean {
    return this.routes.get(`${method} ${path}`)?.order === true;
  }

  handle(req: RestRequest): BybitResponse {
    const time = this.ctx.serverTime();
    const route = this.routes.get(`${req.method} ${req.path}`);
    if (!route) return { status: 404, body: envelope({}, time, 10017, 'Route not found.'), applied: false };
    let params: BybitParams;
    try {
      if (route.auth === 'signed') this.authenticate(req);
      params = readParams(req.query, req.body, req.method);
    } catch (error) {
      const e = asBybit(error);
      return { status: 200, body: envelope({}, time, e.retCode, e.retMsg), applied: false };
    }
    try {
      return { status: 200, body: envelope(route.handler(params), time), applied: true };
    } catch (error) {
      const e = asBybit(error);
      return { status: 200, body: envelope({}, time, e.retCode, e.retMsg), applied: true };
    }
  }

  private authenticate(req: RestRequest): void {
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const key = header('x-bapi-api-key');
    if (!key || key !== this.creds.apiKey) throw new BybitError(10003, MSG.apiKey);
    const timestamp = header('x-bapi-timestamp') ?? '';
    const recvWindow = header('x-bapi-recv-window') ?? '5000';
    const sign = (header('x-bapi-sign') ?? '').toLowerCase();
    const payloads = req.method === 'GET' ? [req.query, safeDecode(req.query)] : [req.body];
    if (!payloads.some((payload) => sameHex(sign, createHmac('sha256', this.creds.secret).update(timestamp + key + recvWindow + payload).digest('hex')))) {
      throw new BybitError(10004, MSG.sign);
    }
    const ts = Number(timestamp);
    const window = Number(recvWindow);
    const now = this.ctx.serverTime();
    if (!/^\d+$/.test(timestamp) || !Number.isFinite(window) || window <= 0 || ts < now - window || ts >= now + 1000) {
      throw new BybitError(10002, `invalid request, please check your server timestamp or recv_window param. req_timestamp[${timestamp}],server_timestamp[${now}],recv_window[${recvWindow}]`);
    }
  }
}

function sameHex(given: string, expected: string): boolean {
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

function safeDecode(query: string): string {
  try {
    return decodeURIComponent(query);
  } catch {
    return query;
  }
}
