// What stands between the wire and the venue's routes, in Binance's order: the IP rate limiter
// (418 bans, 429 -1003), the account's order limiters (429 -1015), then the fault rules (a backend
// that fails, times out or answers late), then the venue itself (binance-rest.ts). Every request is
// recorded in the request log before its answer is written; every answer carries
// X-MBX-USED-WEIGHT-1M, and order routes X-MBX-ORDER-COUNT-10S / -1M.
import type { BinanceRest, RestRequest } from './binance-rest.js';
import { PRESETS, type Preset } from './fault-presets.js';
import type { Faults, RestFaultRule } from './faults.js';
import type { Admission, RateLimiter } from './rate-limits.js';
import { requestParams, type RequestLog } from './request-log.js';

export type Answer =
  | { kind: 'json'; status: number; body: unknown; headers: Record<string, string> }
  | { kind: 'text'; status: number; text: string; headers: Record<string, string> }
  /** Applied, never answered (the client times out). */
  | { kind: 'hang' }
  /** Applied, then the socket is destroyed. */
  | { kind: 'reset' };

export interface GatewayDeps {
  /** The current venue (replaced by a reset). */
  rest: () => BinanceRest;
  faults: Faults;
  limiter: RateLimiter;
  requests: RequestLog;
  /** Wall clock for the log's `at`. */
  wallNow: () => number;
}

const UNKNOWN_503 = PRESETS.unknown_503.msg;

export async function serveVenue(deps: GatewayDeps, req: RestRequest): Promise<Answer> {
  const { method, path } = req;
  const rest = deps.rest();
  const params = requestParams(req.query, req.body);
  const cost = rest.orderCostOf(method, path);
  const weight = rest.weightOf(method, path, params);
  const headers = () => deps.limiter.headers(cost !== undefined);
  // Recorded (listeners run) before the answer is written: a test may act between the two.
  const log = (applied: boolean, status: number, answer: unknown, fault?: RestFaultRule) => {
    const code = answer && typeof answer === 'object' && typeof (answer as { code?: unknown }).code === 'number' && status !== 200 ? (answer as { code: number }).code : undefined;
    const listenKey = path === '/fapi/v1/listenKey' ? ((answer as { listenKey?: string } | undefined)?.listenKey ?? params.listenKey) : undefined;
    deps.requests.record({
      method, path, params, applied, status,
      ...(fault ? { fault: fault.kind } : {}), ...(fault?.preset ? { preset: fault.preset } : {}), ...(code !== undefined ? { code } : {}), ...(listenKey ? { listenKey } : {}),
    }, deps.wallNow());
  };
  const refuse = (a: Exclude<Admission, { ok: true }>): Answer => {
    log(false, a.status, { code: a.code });
    return { kind: 'json', status: a.status, body: { code: a.code, msg: a.msg }, headers: { ...headers(), 'Retry-After': String(a.retryAfterSec) } };
  };

  const ip = deps.limiter.admitRequest(weight);
  if (!ip.ok) return refuse(ip);
  if (cost) {
    const orders = deps.limiter.admitOrders(cost);
    if (!orders.ok) return refuse(orders);
  }

  const fault = rest.has(method, path) ? deps.faults.take(method, path, params) : undefined;
  if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms ?? 1000));
  const preset = fault?.kind === 'preset' ? PRESETS[fault.preset!] : undefined;
  // A status or preset fault answers before the venue sees the request, unless `apply` says the
  // venue processed it first (Binance: a 503 "Unknown error" is "execution status unknown").
  const applyFirst = (fault?.kind === 'status' || fault?.kind === 'preset') && fault.apply === true;
  if (fault && !applyFirst) {
    if (fault.kind === 'status') {
      log(false, fault.status ?? 503, fault.code !== undefined ? { code: fault.code } : undefined, fault);
      return statusAnswer(fault, headers());
    }
    if (preset) {
      if (!preset.counted) deps.limiter.refundWeight(weight); // "Rate-limit counting: not counted"
      log(false, fault.status ?? preset.status, preset.code !== undefined ? { code: preset.code } : undefined, fault);
      return presetAnswer(preset, fault, headers());
    }
    if (fault.kind === 'rate_limit') {
      const status = fault.status ?? 429;
      log(false, status, { code: -1003 }, fault);
      const msg = status === 418 ? 'Way too many requests; IP banned.' : 'Too many requests; current limit is 2400 requests per minute.';
      return { kind: 'json', status, body: { code: -1003, msg }, headers: { ...headers(), 'Retry-After': String(fault.retryAfterSec ?? 1) } };
    }
    if (fault.kind === 'reject') {
      log(false, fault.status ?? 400, { code: fault.code ?? -1000 }, fault);
      return { kind: 'json', status: fault.status ?? 400, body: { code: fault.code ?? -1000, msg: fault.msg ?? 'Rejected by the simulator.' }, headers: headers() };
    }
  }

  const out = rest.handle(req);
  if (cost && out.applied) deps.limiter.countOrders(cost);
  if (applyFirst) {
    // Applied, then the failure is answered.
    if (preset) {
      log(out.applied, fault!.status ?? preset.status, preset.code !== undefined ? { code: preset.code } : undefined, fault);
      return presetAnswer(preset, fault!, headers());
    }
    log(out.applied, fault!.status ?? 503, fault!.code !== undefined ? { code: fault!.code } : undefined, fault);
    return statusAnswer(fault!, headers());
  }
  if (fault?.kind === 'timeout_after_apply') {
    log(out.applied, 0, out.body, fault);
    return { kind: 'hang' };
  }
  if (fault?.kind === 'reset_after_apply') {
    log(out.applied, 0, out.body, fault);
    return { kind: 'reset' };
  }
  log(out.applied, out.status, out.body, fault);
  return { kind: 'json', status: out.status, body: out.body, headers: { ...headers(), ...(out.headers ?? {}) } };
}

/** A `status` fault's answer: Binance's JSON error when a code is set, else a plain-text body. */
function statusAnswer(fault: RestFaultRule, headers: Record<string, string>): Answer {
  const status = fault.status ?? 503;
  const msg = fault.msg ?? (fault.apply ? UNKNOWN_503 : fault.code !== undefined ? PRESETS.internal_503.msg : 'Service Unavailable');
  if (fault.code !== undefined) return { kind: 'json', status, body: { code: fault.code, msg }, headers };
  return { kind: 'text', status, text: msg, headers };
}

function presetAnswer(preset: Preset, fault: RestFaultRule, headers: Record<string, string>): Answer {
  const status = fault.status ?? preset.status;
  const msg = fault.msg ?? preset.msg;
  if (preset.code !== undefined) return { kind: 'json', status, body: { code: preset.code, msg }, headers };
  return { kind: 'text', status, text: msg, headers };
}
