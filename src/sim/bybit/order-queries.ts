// GET /v5/order/realtime and GET /v5/order/history over the engine's books (open-order and
// order-list pages):
//  - realtime: open orders, newest first; with orderId or orderLinkId (priority orderId >
//    orderLinkId > symbol) or openOnly=1 also the 500 most recently finished orders; orderFilter
//    Order (active orders, triggered conditional ones included), StopOrder (untriggered conditional
//    orders) or, by default, every kind; limit [1, 50], default 20.
//  - history: finished orders only (unified account): fully cancelled, rejected and deactivated
//    ones for 24 hours, orders with fills for 2 years; a window of at most 7 days on createdTime
//    (the last 7 days by default), ignored when an id is named; orderStatus filter.
// The `forgetFinished` fault hides every finished order from both.
import type { SimEngine } from '../engine.js';
import { BybitError, MSG } from './errors.js';
import { parseOrderId, type OrderKey } from './ids.js';
import { existsKey, factsOf, isOpenKey, rowOf, symbolOf, untriggered, type BybitRow, type RowContext } from './order-rows.js';
import { category, intParam, page, type BybitParams } from './params.js';

export const DAY_MS = 24 * 60 * 60_000;
export const WEEK_MS = 7 * DAY_MS;
/** Cancelled, Rejected and Deactivated orders without a fill: found for 24 hours. */
export const UNFILLED_RETENTION_MS = DAY_MS;
/** Orders with fills: "the past 2 years". */
export const FILLED_RETENTION_MS = 730 * DAY_MS;

export interface QueryContext extends RowContext {
  venueNow: () => number;
  forgetFinished: () => boolean;
}

/** The order an orderId or orderLinkId names (orderId first); undefined when it names none. */
export function keyFrom(ctx: RowContext, p: BybitParams): OrderKey | undefined {
  if (p.orderId) {
    const key = parseOrderId(p.orderId);
    return key && existsKey(ctx.engine, key) ? key : undefined;
  }
  if (p.orderLinkId) {
    const keys = ctx.ledger.withLinkId(p.orderLinkId);
    return keys[keys.length - 1];
  }
  return undefined;
}

/** A finished order the history still serves: unfilled ones for 24 hours after their end, filled ones for 2 years. */
export function inHistory(ctx: QueryContext, key: OrderKey): boolean {
  if (ctx.forgetFinished() || isOpenKey(ctx.engine, key)) return false;
  const f = factsOf(ctx.engine, key);
  if (!f) return false;
  const now = ctx.venueNow();
  return f.filledQty.isZero() ? f.updatedTime + UNFILLED_RETENTION_MS >= now : f.createdTime + FILLED_RETENTION_MS >= now;
}

/** Still exists for the duplicate orderLinkId rule: open, among the recent finished ones realtime serves, or in the history. */
export function retained(ctx: QueryContext, key: OrderKey): boolean {
  if (isOpenKey(ctx.engine, key)) return true;
  if (ctx.forgetFinished()) return false;
  return ctx.ledger.isRecentlyClosed(key) || inHistory(ctx, key);
}

/** Every open Bybit order (of one symbol), each once. */
export function openKeys(engine: SimEngine, symbol?: string): OrderKey[] {
  const keys: OrderKey[] = [];
  const seenAlgo = new Set<number>();
  for (const o of engine.openOrderList(symbol)) {
    if (o.algoId === undefined) keys.push({ kind: 'order', id: o.orderId });
    else if (!seenAlgo.has(o.algoId)) {
      seenAlgo.add(o.algoId);
      keys.push({ kind: 'algo', id: o.algoId });
    }
  }
  for (const a of engine.openAlgoList(symbol)) if (!seenAlgo.has(a.algoId)) {
    seenAlgo.add(a.algoId);
    keys.push({ kind: 'algo', id: a.algoId });
  }
  return keys;
}

/** orderFilter: Order = active orders, StopOrder = untriggered conditional orders, absent = every kind. */
export function filterMatches(engine: SimEngine, key: OrderKey, filter: string | undefined): boolean {
  if (filter === undefined || filter === '') return true;
  const waiting = key.kind === 'algo' && untriggered(engine.algos.get(key.id)!);
  if (filter === 'StopOrder') return waiting;
  if (filter === 'Order') return !waiting;
  throw new BybitError(10001, `${MSG.params}: orderFilter invalid`);
}

/** linear: symbol, baseCoin or settleCoin is required; every simulated symbol settles in USDT (another settleCoin lists nothing). */
function scope(ctx: RowContext, p: BybitParams): { symbol?: string } | undefined {
  if (p.symbol) return { symbol: ctx.engine.spec(p.symbol).symbol };
  if (p.settleCoin || p.baseCoin) return p.settleCoin && p.settleCoin !== 'USDT' ? undefined : {};
  throw new BybitError(10001, `${MSG.params}: symbol, baseCoin or settleCoin is required`);
}

function newestFirst(ctx: RowContext, keys: OrderKey[]): OrderKey[] {
  const t = (k: OrderKey) => factsOf(ctx.engine, k)?.createdTime ?? 0;
  return keys.sort((a, b) => t(b) - t(a) || b.id - a.id);
}

function inScope(ctx: RowContext, key: OrderKey, symbol: string | undefined, baseCoin: string | undefined): boolean {
  const s = symbolOf(ctx.engine, key);
  if (s === undefined) return false;
  if (symbol !== undefined && s !== symbol) return false;
  return baseCoin === undefined || ctx.engine.symbols.get(s)?.baseAsset === baseCoin;
}

export function realtime(ctx: QueryContext, p: BybitParams) {
  const cat = category(p);
  if (cat !== 'linear') return { category: cat, list: [], nextPageCursor: '' };
  const within = scope(ctx, p);
  if (!within) return { category: 'linear', list: [], nextPageCursor: '' };
  const { symbol } = within;
  const baseCoin = p.symbol ? undefined : p.baseCoin || undefined;
  const openOnly = intParam(p, 'openOnly') ?? 0;
  const finishedOk = (k: OrderKey) => !ctx.forgetFinished() && ctx.ledger.isRecentlyClosed(k);
  let keys: OrderKey[];
  if (p.orderId || p.orderLinkId) {
    const key = keyFrom(ctx, p);
    keys = key && (isOpenKey(ctx.engine, key) || finishedOk(key)) ? [key] : [];
  } else {
    keys = openKeys(ctx.engine, symbol);
    if (openOnly === 1) keys.push(...ctx.ledger.recentlyClosed().filter(finishedOk));
  }
  const rows = newestFirst(ctx, keys.filter((k) => inScope(ctx, k, symbol, baseCoin) && filterMatches(ctx.engine, k, p.orderFilter)))
    .map((k) => rowOf(ctx, k)!).filter((r): r is BybitRow => r !== undefined);
  return { category: 'linear', ...page(rows, p, 20, 50) };
}

export function history(ctx: QueryContext, p: BybitParams) {
  const cat = category(p);
  if (cat !== 'linear') return { category: cat, list: [], nextPageCursor: '' };
  const symbol = p.symbol ? ctx.engine.spec(p.symbol).symbol : undefined;
  const baseCoin = p.symbol ? undefined : p.baseCoin || undefined;
  const byId = Boolean(p.orderId || p.orderLinkId);
  const window = byId ? undefined : timeWindow(p, ctx.venueNow());
  let keys: OrderKey[];
  if (byId) {
    const key = keyFrom(ctx, p);
    keys = key ? [key] : [];
  } else {
    keys = [];
    for (const o of ctx.engine.orders.values()) if (o.algoId === undefined) keys.push({ kind: 'order', id: o.orderId });
    for (const a of ctx.engine.algos.values()) keys.push({ kind: 'algo', id: a.algoId });
  }
  const statuses = p.orderStatus ? new Set(p.orderStatus.split(',')) : undefined;
  const rows = newestFirst(ctx, keys.filter((k) => {
    if (!inHistory(ctx, k) || !inScope(ctx, k, symbol, baseCoin) || !filterMatches(ctx.engine, k, p.orderFilter)) return false;
    const f = factsOf(ctx.engine, k)!;
    if (statuses && !statuses.has(f.status)) return false;
    return !window || (f.createdTime >= window.start && f.createdTime <= window.end);
  })).map((k) => rowOf(ctx, k)!);
  return { category: 'linear', ...page(rows, p, 20, 50) };
}

/**
 * startTime/endTime as the V5 history endpoints read them: neither = the last 7 days; only
 * startTime = 7 days from it; only endTime = 7 days up to it; both at most 7 days apart (10001).
 */
export function timeWindow(p: BybitParams, now: number): { start: number; end: number } {
  const start = intParam(p, 'startTime');
  const end = intParam(p, 'endTime');
  if (start !== undefined && end !== undefined) {
    if (end < start) throw new BybitError(10001, `${MSG.params}: endTime is before startTime`);
    if (end - start > WEEK_MS) throw new BybitError(10001, `${MSG.params}: the time range between startTime and endTime cannot exceed 7 days`);
    return { start, end };
  }
  if (start !== undefined) return { start, end: start + WEEK_MS };
  if (end !== undefined) return { start: end - WEEK_MS, end };
  return { start: now - WEEK_MS, end: now };
}
