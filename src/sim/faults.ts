// Fault switches, in-process and through the control API. REST rules apply to the next N
// matching requests; stream switches and the retention switch apply until cleared.
import { PRESETS, exemptFromOverload, isPresetName, type PresetName } from './fault-presets.js';
import type { Params } from './rest-params.js';

export type RestFaultKind = 'timeout_after_apply' | 'reset_after_apply' | 'status' | 'rate_limit' | 'reject' | 'delay' | 'preset';
const KINDS: readonly string[] = ['timeout_after_apply', 'reset_after_apply', 'status', 'rate_limit', 'reject', 'delay', 'preset'];

export interface RestFaultRule {
  kind: RestFaultKind;
  /** preset only: one of Binance's documented failure answers (fault-presets.ts). */
  preset?: PresetName;
  /** The path itself or a prefix followed by "/" ("/fapi/v1/order" matches "/fapi/v1/order/test", not "/fapi/v1/orders"). */
  path?: string;
  method?: string;
  count?: number;
  /** status: the HTTP status (5xx); rate_limit: 429 or 418. */
  status?: number;
  retryAfterSec?: number;
  code?: number;
  msg?: string;
  ms?: number;
  /**
   * status, and presets whose outcome is unknown: the engine applies the request first, then the
   * failure is answered (an unknown outcome that happened). Refused for presets Binance documents
   * as certain failures.
   */
  apply?: boolean;
}

export interface StreamFaults {
  silent: boolean;
  duplicate: boolean;
  reorder: boolean;
  delayMs: number;
  /** A TRADE_LITE frame before each fill's ORDER_TRADE_UPDATE (on by default, as Binance pushes it). */
  tradeLite: boolean;
  /** A fill's ACCOUNT_UPDATE before its ORDER_TRADE_UPDATE (seen on Binance; JKorf/Binance.Net#546). */
  accountFirst: boolean;
}

export class Faults {
  rest: Array<RestFaultRule & { remaining: number }> = [];
  stream: StreamFaults = { silent: false, duplicate: false, reorder: false, delayMs: 0, tradeLite: true, accountFirst: false };
  clockSkewMs = 0;
  /**
   * Binance stops serving finished orders after a retention window: while set, order and algo
   * order queries answer -2013 for every order that is no longer open (userTrades still lists fills).
   */
  forgetFinished = false;

  addRest(rule: RestFaultRule): void {
    if (!KINDS.includes(rule.kind)) throw new Error(`unknown fault kind ${String(rule.kind)}`);
    if (rule.kind === 'preset') {
      if (!isPresetName(rule.preset)) throw new Error(`unknown preset ${String(rule.preset)}; one of ${Object.keys(PRESETS).join(', ')}`);
      if (rule.apply && PRESETS[rule.preset].outcome === 'failure') throw new Error(`preset ${rule.preset} is a documented failure: it cannot be applied`);
    }
    this.rest.push({ ...rule, remaining: rule.count ?? 1 });
  }

  /**
   * Takes the first rule matching this request, counting it down. An `overloaded_1008` preset does
   * not match a request Binance exempts from -1008 (reduce-only, close-position, cancel): it stays
   * armed for the next one.
   */
  take(method: string, path: string, params: Params = {}): RestFaultRule | undefined {
    const i = this.rest.findIndex((r) => r.remaining > 0 && (!r.method || r.method === method) && (!r.path || path === r.path || path.startsWith(`${r.path}/`))
      && !(r.kind === 'preset' && r.preset === 'overloaded_1008' && exemptFromOverload(method, path, params)));
    if (i < 0) return undefined;
    const rule = this.rest[i]!;
    rule.remaining--;
    if (rule.remaining <= 0) this.rest.splice(i, 1);
    return rule;
  }

  clear(): void {
    this.rest = [];
    this.stream = { silent: false, duplicate: false, reorder: false, delayMs: 0, tradeLite: true, accountFirst: false };
    this.clockSkewMs = 0;
    this.forgetFinished = false;
  }

  describe() {
    return { rest: this.rest.map((r) => ({ ...r })), stream: { ...this.stream }, clockSkewMs: this.clockSkewMs, forgetFinished: this.forgetFinished };
  }
}
