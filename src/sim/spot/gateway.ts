// What stands between the wire and the spot routes: the fault rules of ../faults.ts (a backend
// that fails with a 5xx, a Binance code, a hang after applying, a reset, a delay, a documented
// failure preset), then the venue (rest.ts). Every request is recorded in the request log before
// its answer is written. Request-weight and order-count limits are not modelled for spot.
import { PRESETS } from '../fault-presets.js';
import type { Faults, RestFaultRule } from '../faults.js';
import { requestParams, type RequestLog } from '../request-log.js';
import type { SpotRequest, SpotRest } from './rest.js';

export type Answer =
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'text'; status: number; text: string }
  /** Applied, never answered (the client times out). */
  | { kind: 'hang' }
  /** Applied, then the socket is destroyed. */
  | { kind: 'reset' };

export interface GatewayDeps {
  rest: () => SpotRest;
  faults: Faults;
  requests: RequestLog;
  wallNow: () => number;
}

export async function serveSpot(deps: GatewayDeps, req: SpotRequest): Promise<Answer> {
  const { method, path } = req;
  const rest = deps.rest();
  const params = requestParams(req.query, req.body);
  const log = (applied: boolean, status: number, answer: unknown, fault?: RestFaultRule) => {
    const code = status !== 200 && answer && typeof answer === 'object' && typeof (answer as { code?: unknown }).code === 'number' ? (answer as { code: number }).code : undefined;
    deps.requests.record({
      method, path, params, applied, status,
      ...(fault ? { fault: fault.kind } : {}), ...(fault?.preset ? { preset: fault.preset } : {}), ...(code !== undefined ? { code } : {}),
    }, deps.wallNow());
  };

  const fault = rest.has(method, path) ? deps.faults.take(method, path, params) : undefined;
  if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms ?? 1000));
  const preset = fault?.kind === 'preset' ? PRESETS[fault.preset!] : undefined;
  const failure = (f: RestFaultRule): Answer => {
    if (preset) {
      const status = f.status ?? preset.status;
      const msg = f.msg ?? preset.msg;
      return preset.code !== undefined ? { kind: 'json', status, body: { code: preset.code, msg } } : { kind: 'text', status, text: msg };
    }
    if (f.kind === 'status') {
      const status = f.status ?? 503;
      if (f.code !== undefined) return { kind: 'json', status, body: { code: f.code, msg: f.msg ?? PRESETS.internal_503.msg } };
      return { kind: 'text', status, text: f.msg ?? (f.apply ? PRESETS.unknown_503.msg : 'Service Unavailable') };
    }
    if (f.kind === 'rate_limit') {
      const status = f.status ?? 429;
      return { kind: 'json', status, body: { code: -1003, msg: status === 418 ? 'Way too many requests; IP banned.' : 'Too many requests; current limit is 6000 request weight per 1 MINUTE.' } };
    }
    return { kind: 'json', status: f.status ?? 400, body: { code: f.code ?? -1000, msg: f.msg ?? 'Rejected by the simulator.' } };
  };
  const answered = (a: Answer) => (a.kind === 'json' ? a.body : undefined);
  const statusOf = (a: Answer) => (a.kind === 'json' || a.kind === 'text' ? a.status : 0);

  // A status or preset fault answers before the venue sees the request, unless `apply` says the
  // venue processed it first (Binance: a 503 "Unknown error" is "execution status unknown").
  const applyFirst = (fault?.kind === 'status' || fault?.kind === 'preset') && fault.apply === true;
  if (fault && !applyFirst && ['status', 'preset', 'rate_limit', 'reject'].includes(fault.kind)) {
    const a = failure(fault);
    log(false, statusOf(a), answered(a) ?? (fault.code !== undefined ? { code: fault.code } : undefined), fault);
    return a;
  }

  const out = rest.handle(req);
  if (applyFirst) {
    const a = failure(fault!);
    log(out.applied, statusOf(a), answered(a), fault);
    return a;
  }
  if (fault?.kind === 'timeout_after_apply' || fault?.kind === 'reset_after_apply') {
    log(out.applied, 0, out.body, fault);
    return { kind: fault.kind === 'timeout_after_apply' ? 'hang' : 'reset' };
  }
  log(out.applied, out.status, out.body, fault);
  return { kind: 'json', status: out.status, body: out.body };
}
