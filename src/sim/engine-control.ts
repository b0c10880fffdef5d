// Control-API bodies for the engine's switches (called from control.ts): prices (mark and last
// apart), outside liquidity, the order of a trigger's rows, failing triggers, open-order limits.
import type { SimEngine } from './engine.js';
import { decimalParam } from './engine-rules.js';
import { DEFAULT_LIMITS, type EngineLimits } from './engine-settings.js';
import { SimError } from './sim-types.js';

type Body = Record<string, unknown>;
const opt = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

/**
 * POST /__sim/price: `{"symbol","price"}` moves the mark and the last price together;
 * `{"symbol","mark"}` or `{"symbol","last"}` (or both) moves them apart.
 */
export function priceFromBody(e: SimEngine, b: Body) {
  const symbol = String(b.symbol);
  const price = opt(b.price);
  const mark = opt(b.mark) ?? price;
  const last = opt(b.last) ?? price;
  if (mark === undefined && last === undefined) throw new SimError(-1102, 'Send "price", or "mark" and/or "last".');
  e.setPrices(symbol, { mark, last });
  return { symbol, markPrice: e.marks.get(symbol), lastPrice: e.lasts.get(symbol) };
}

/** POST /__sim/liquidity `{"symbol","maxFillQty":"0.004"}`: the outside market fills at most this much of one taker order; `null` lifts the cap. */
export function liquidityFromBody(e: SimEngine, b: Body) {
  const symbol = e.spec(String(b.symbol)).symbol;
  const cap = opt(b.maxFillQty);
  if (cap === undefined) e.settings.liquidity.delete(symbol);
  else {
    const q = decimalParam(cap, 'maxFillQty');
    if (q.lt(0)) throw new SimError(-1102, 'maxFillQty must not be negative.');
    e.settings.liquidity.set(symbol, q);
  }
  return e.settings.describe();
}

/**
 * POST /__sim/trigger-order `{"childFirst":true}`: a triggered order's ORDER_TRADE_UPDATE rows
 * (and its fill's ACCOUNT_UPDATE) come before ALGO_UPDATE TRIGGERED; `{"legacyRejectEvent":true}`
 * also pushes the deprecated CONDITIONAL_ORDER_TRIGGER_REJECT when a trigger is rejected.
 */
export function triggerOrderFromBody(e: SimEngine, b: Body) {
  if (typeof b.childFirst === 'boolean') e.settings.childFirst = b.childFirst;
  if (typeof b.legacyRejectEvent === 'boolean') e.settings.legacyTriggerReject = b.legacyRejectEvent;
  return e.settings.describe();
}

/** POST /__sim/trigger-reject `{"symbol"?,"reason"?,"count"?}`: the next trigger(s) end REJECTED; `{"clear":true}` drops pending ones. */
export function triggerRejectFromBody(e: SimEngine, b: Body) {
  if (b.clear === true) e.settings.clearRejects();
  else {
    const count = b.count === undefined ? 1 : Number(b.count);
    if (!Number.isInteger(count) || count < 1) throw new SimError(-1102, 'count must be a positive integer.');
    const symbol = opt(b.symbol);
    if (symbol !== undefined) e.spec(symbol);
    e.settings.queueRejects({ symbol, reason: opt(b.reason) ?? 'Margin is insufficient.' }, count);
  }
  return e.settings.describe();
}

/** POST /__sim/limits `{"maxOpenOrders"?,"maxAlgoOrders"?,"maxAlgoOrdersTotal"?}` (`{"reset":true}` restores 200/10/200). */
export function limitsFromBody(e: SimEngine, b: Body) {
  const next: EngineLimits = b.reset === true ? { ...DEFAULT_LIMITS } : { ...e.settings.limits };
  for (const key of ['maxOpenOrders', 'maxAlgoOrders', 'maxAlgoOrdersTotal'] as const) {
    if (b[key] === undefined) continue;
    const n = Number(b[key]);
    if (!Number.isInteger(n) || n < 0) throw new SimError(-1102, `${key} must be a non-negative integer.`);
    next[key] = n;
  }
  e.settings.limits = next;
  return e.settings.describe();
}
