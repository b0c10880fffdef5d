// Binance's documented failure answers as fault presets (general-info "HTTP Return Codes" and
// "HTTP 503 Status: Message Variants & Handling"; error-code -1000/-1001/-1007/-1008). Each preset
// fixes the HTTP status, the body and whether the venue may have applied the request:
//  - outcome "unknown": the venue may or may not have applied it; the rule's `apply` decides.
//  - outcome "failure": Binance documents a 100% failure; the request is never applied and `apply`
//    is refused.
// `counted: false` follows the page's "Rate-limit counting: not counted" (the weight is given back).
import type { Params } from './rest-params.js';

export type PresetName = 'unknown_503' | 'unavailable_503' | 'internal_503' | 'unknown_1000' | 'timeout_1007' | 'overloaded_1008' | '408';

export interface Preset {
  status: number;
  /** A Binance JSON error body; without it the answer is `text` as text/plain. */
  code?: number;
  msg: string;
  outcome: 'unknown' | 'failure';
  counted: boolean;
}

export const PRESETS: Record<PresetName, Preset> = {
  // 503 A: "the API successfully sent the request but not get a response within the timeout period
  // ... the execution status is UNKNOWN and could have been a success".
  unknown_503: { status: 503, code: -1000, msg: 'Unknown error, please check your request or try again later.', outcome: 'unknown', counted: true },
  // 503 B: "a failure API operation and the service might be unavailable at the moment"; not counted.
  unavailable_503: { status: 503, msg: 'Service Unavailable.', outcome: 'failure', counted: false },
  // 503 D / -1001 DISCONNECTED: "a failure API operation and you can resend your request".
  internal_503: { status: 503, code: -1001, msg: 'Internal error; unable to process your request. Please try again.', outcome: 'failure', counted: true },
  // -1000 UNKNOWN, a 5XX ("the issue is on Binance's side"): nothing says it did not happen.
  unknown_1000: { status: 500, code: -1000, msg: 'An unknown error occured while processing the request.', outcome: 'unknown', counted: true },
  // HTTP 408 "a timeout has occurred while waiting for a response from the backend server", with
  // -1007 TIMEOUT "Send status unknown; execution status unknown."
  timeout_1007: { status: 408, code: -1007, msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.', outcome: 'unknown', counted: true },
  // The same backend timeout answered as a bare 408, without a Binance code.
  '408': { status: 408, msg: 'Request Timeout', outcome: 'unknown', counted: true },
  // 503 C / -1008: "System overload; 100% failure ... Not counted"; reduce-only, close-position and
  // cancel requests are exempt (see exemptFromOverload).
  overloaded_1008: { status: 503, code: -1008, msg: 'Request throttled by system-level protection. Reduce-only/close-position orders are exempt. Please try again.', outcome: 'failure', counted: false },
};

export function isPresetName(v: unknown): v is PresetName {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(PRESETS, v);
}

/**
 * -1008 exemption: "When a request reduces exposure (closePosition = true, or positionSide = BOTH
 * with reduceOnly = true, or LONG+SELL, or SHORT+BUY), it is not affected"; "Close-position,
 * reduce-only, and cancel orders are exempt". A batch is exempt when every order in it is.
 */
export function exemptFromOverload(method: string, path: string, params: Params): boolean {
  if (method === 'DELETE') return true;
  if (path === '/fapi/v1/batchOrders' && params.batchOrders) {
    try {
      const items = JSON.parse(params.batchOrders) as Array<Record<string, unknown>>;
      return Array.isArray(items) && items.length > 0 && items.every((i) => reducing(Object.fromEntries(Object.entries(i ?? {}).map(([k, v]) => [k, String(v)]))));
    } catch {
      return false;
    }
  }
  return reducing(params);
}

function reducing(p: Params): boolean {
  if (p.closePosition === 'true') return true;
  if (p.reduceOnly === 'true' && (p.positionSide === undefined || p.positionSide === 'BOTH')) return true;
  return (p.positionSide === 'LONG' && p.side === 'SELL') || (p.positionSide === 'SHORT' && p.side === 'BUY');
}
