// What stands between the wire and the Bybit routes, as rest-gateway.ts does for Binance: the IP
// limiter (HTTP 403), the order limiter (retCode 10006 with the X-Bapi-Limit headers), the shared
// fault rules, then the venue (rest.ts); every request is recorded in the request log before its
// answer is written, with the retCode of an error answer as `code`. Fault rules on Bybit:
//  - status: HTTP `status` (default 503) with a plain-text body; with a `code`, Bybit's JSON
//    envelope carrying that retCode, HTTP 200 unless `status` is set (10016 "Server error." is
//    Bybit's 5xx-class code); `apply` runs the request first.
//  - preset (Binance's documented answers): their HTTP status with their message as plain text.
//  - rate_limit: retCode 10006 (HTTP 200); with `status` (403, 429) that HTTP status as plain text.
//  - reject: the JSON envelope with `code` (default 10001), HTTP 200 unless `status` is set.
//  - delay, timeout_after_apply, reset_after_apply: as for Binance.
import { PRESETS } from '../fault-presets.js';
import type { Faults, RestFaultRule } from '../faults.js';
import type { RestRequest } from '../binance-rest.js';
import type { RateLimiter } from '../rate-limits.js';
import type { RequestLog } from '../request-log.js';
import type { Answer } from '../rest-gateway.js';
import { MSG, envelope } from './errors.js';
import { loggedParams } from './params.js';
import { ORDER_COST, bybitLimitHeaders } from './rate-limits.js';
import type { BybitRest } from './rest.js';

export interface BybitGatewayDeps {
  rest: () => BybitRest;
  faults: Faults;
  limiter: RateLimiter;
  requests: RequestLog;
  wallNow: () => number;
  venueNow: () => number;
  serverTime: () => number;
}

export async function serveBybit(deps: BybitGatewayDeps, req: RestRequest): Promise<Answer> {
  const { method, path } = req;
  const rest = deps.rest();
  const params = loggedParams(req.query, req.body, method);
  const orderRoute = rest.isOrderRoute(method, path);
  const headers = () => (orderRoute ? bybitLimitHeaders(deps.limiter, deps.venueNow()) : {});
  const log = (applied: boolean, status: number, retCode?: number, fault?: RestFaultRule) => {
    deps.requests.record({
      method, path, params, applied, status, ...(method === 'POST' ? { body: req.body } : {}),
      ...(fault ? { fault: fault.kind } : {}), ...(fault?.preset ? { preset: fault.preset } : {}), ...(retCode ? { code: retCode } : {}),
    }, deps.wallNow());
  };
  const json = (status: number, retCode: number, retMsg: string, extra: Record<string, string> = {}): Answer =>
    ({ kind: 'json', status, body: envelope({}, deps.serverTime(), retCode, retMsg), headers: { ...headers(), ...extra } });
  const text = (status: number, body: string): Answer => ({ kind: 'text', status, text: body, headers: headers() });

  const ip = deps.limiter.admitRequest(1);
  if (!ip.ok) {
    log(false, 403);
    return text(403, 'access too frequent');
  }
  if (orderRoute) {
    const orders = deps.limiter.admitOrders(ORDER_COST);
    if (!orders.ok) {
      log(false, 200, 10006);
      return json(200, 10006, MSG.tooManyVisits);
    }
  }

  const fault = rest.has(method, path) ? deps.faults.take(method, path, params) : undefined;
  if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms ?? 1000));
  const applyFirst = (fault?.kind === 'status' || fault?.kind === 'preset') && fault.apply === true;
  const failure = fault ? faultAnswer(fault, json, text) : undefined;
  if (fault && failure && !applyFirst) {
    if (fault.kind === 'preset' && !PRESETS[fault.preset!].counted) deps.limiter.refundWeight(1);
    log(false, failure.status, failure.retCode, fault);
    return failure.answer;
  }

  const out = rest.handle(req);
  if (orderRoute && out.applied) deps.limiter.countOrders(ORDER_COST);
  if (applyFirst && failure) {
    log(out.applied, failure.status, failure.retCode, fault);
    return failure.answer;
  }
  if (fault?.kind === 'timeout_after_apply') {
    log(out.applied, 0, out.body.retCode, fault);
    return { kind: 'hang' };
  }
  if (fault?.kind === 'reset_after_apply') {
    log(out.applied, 0, out.body.retCode, fault);
    return { kind: 'reset' };
  }
  log(out.applied, out.status, out.body.retCode, fault);
  return { kind: 'json', status: out.status, body: out.body, headers: headers() };
}

type Json = (status: number, retCode: number, retMsg: string) => Answer;
type Text = (status: number, body: string) => Answer;

/** The answer a failing fault rule gives on Bybit (undefined for the kinds that do not answer by themselves). */
function faultAnswer(f: RestFaultRule, json: Json, text: Text): { answer: Answer; status: number; retCode?: number } | undefined {
  switch (f.kind) {
    case 'status': {
      if (f.code !== undefined) {
        const status = f.status ?? 200;
        return { answer: json(status, f.code, f.msg ?? MSG.serverError), status, retCode: f.code };
      }
      const status = f.status ?? 503;
      return { answer: text(status, f.msg ?? 'Service Unavailable'), status };
    }
    case 'preset': {
      const preset = PRESETS[f.preset!];
      const status = f.status ?? preset.status;
      return { answer: text(status, f.msg ?? preset.msg), status };
    }
    case 'rate_limit': {
      if (f.status !== undefined && f.status !== 200) return { answer: text(f.status, f.status === 403 ? 'access too frequent' : MSG.tooManyVisits), status: f.status };
      return { answer: json(200, 10006, MSG.tooManyVisits), status: 200, retCode: 10006 };
    }
    case 'reject': {
      const status = f.status ?? 200;
      const code = f.code ?? 10001;
      return { answer: json(status, code, f.msg ?? 'Rejected by the simulator.'), status, retCode: code };
    }
    default:
      return undefined;
  }
}
