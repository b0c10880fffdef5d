// Fault switches, in-process and through the control API. REST rules apply to the next N
// matching requests; stream switches and the retention switch apply until cleared.
export type RestFaultKind = 'timeout_after_apply' | 'reset_after_apply' | 'status' | 'rate_limit' | 'reject' | 'delay';

export interface RestFaultRule {
  kind: RestFaultKind;
  /** Path prefix, e.g. "/fapi/v1/order" (also matches "/fapi/v1/orders"? no: exact or prefix with "/"). */
  path?: string;
  method?: string;
  count?: number;
  /** status: the HTTP status (5xx); rate_limit: 429 or 418. */
  status?: number;
  retryAfterSec?: number;
  code?: number;
  msg?: string;
  ms?: number;
  /** status only: the engine applies the request first, then the status is answered (an unknown outcome that happened). */
  apply?: boolean;
}

export interface StreamFaults {
  silent: boolean;
  duplicate: boolean;
  reorder: boolean;
  delayMs: number;
}

export class Faults {
  rest: Array<RestFaultRule & { remaining: number }> = [];
  stream: StreamFaults = { silent: false, duplicate: false, reorder: false, delayMs: 0 };
  clockSkewMs = 0;
  /**
   * Binance stops serving finished orders after a retention window: while set, order and algo
   * order queries answer -2013 for every order that is no longer open (userTrades still lists fills).
   */
  forgetFinished = false;

  addRest(rule: RestFaultRule): void {
    this.rest.push({ ...rule, remaining: rule.count ?? 1 });
  }

  /** Takes the first rule matching this request, counting it down. */
  take(method: string, path: string): RestFaultRule | undefined {
    const i = this.rest.findIndex((r) => r.remaining > 0 && (!r.method || r.method === method) && (!r.path || path === r.path || path.startsWith(`${r.path}/`)));
    if (i < 0) return undefined;
    const rule = this.rest[i]!;
    rule.remaining--;
    if (rule.remaining <= 0) this.rest.splice(i, 1);
    return rule;
  }

  clear(): void {
    this.rest = [];
    this.stream = { silent: false, duplicate: false, reorder: false, delayMs: 0 };
    this.clockSkewMs = 0;
    this.forgetFinished = false;
  }

  describe() {
    return { rest: this.rest.map((r) => ({ ...r })), stream: { ...this.stream }, clockSkewMs: this.clockSkewMs, forgetFinished: this.forgetFinished };
  }
}
