// The history endpoints' paging rules (trade/rest-api All-Orders, Query-All-Algo-Orders,
// Account-Trade-List; account/rest-api Get-Income-History), on the venue clock:
//  - allOrders / allAlgoOrders: "If orderId (algoId) is set, it will get orders >= that orderId.
//    Otherwise most recent orders are returned." "The query time period must be less then 7 days
//    (default as the recent 7 days)." limit default 500, max 1000; allAlgoOrders also pages (`page`).
//  - userTrades: "If startTime and endTime are both not sent, then the last 7 days' data will be
//    returned." "The time between startTime and endTime cannot be longer than 7 days." "fromId cannot
//    be sent with startTime or endTime." "Only support querying trade in the past 6 months."
//  - income: "If neither startTime nor endTime is sent, the recent 7-day data will be returned."
//    "Income history only contains data for the last three months." limit default 100, max 1000.
// Rows always come oldest first. From a starting point (an id or startTime) the page is the oldest
// `limit` rows after it; without one, the newest `limit` rows (as userTrades already behaved).
import { Decimal } from 'decimal.js';
import type { SimEngine } from './engine.js';
import { SimError, type SimAlgoOrder, type SimOrder, type SimTrade } from './sim-types.js';
import { algoServed, orderServed, DAY_MS } from './retention.js';
import { intParam, limitParam, need, type Params } from './rest-params.js';
import { algoJson, orderJson, str, tradeJson } from './payloads.js';

const WEEK_MS = 7 * DAY_MS;

/** The same instant `months` calendar months earlier (UTC). */
export function monthsBefore(now: number, months: number): number {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}

interface Window {
  start?: number;
  end?: number;
}

/**
 * startTime/endTime as these endpoints read them: a span over 7 days is -1127; one bound alone
 * covers the 7 days from (or up to) it; neither covers the last 7 days unless `open` (an id was
 * given, which pages by id instead).
 */
function window(p: Params, now: number, open: boolean): Window {
  const start = intParam(p, 'startTime');
  const end = intParam(p, 'endTime');
  if (start !== undefined && end !== undefined) {
    if (end - start > WEEK_MS) throw new SimError(-1127, 'More than 168 hours between startTime and endTime.');
    return { start, end };
  }
  if (start !== undefined) return { start, end: start + WEEK_MS };
  if (end !== undefined) return { start: end - WEEK_MS, end };
  return open ? {} : { start: now - WEEK_MS, end: now };
}

const inWindow = (t: number, w: Window) => (w.start === undefined || t >= w.start) && (w.end === undefined || t <= w.end);

/** Oldest `limit` rows from a starting point, or the newest `limit`; `page` (1-based) steps on in that direction. */
function pageOf<T>(rows: T[], limit: number, fromStart: boolean, page = 1): T[] {
  const skip = (page - 1) * limit;
  if (fromStart) return rows.slice(skip, skip + limit);
  const end = rows.length - skip;
  return end <= 0 ? [] : rows.slice(Math.max(0, end - limit), end);
}

function pageParam(p: Params): number {
  const page = intParam(p, 'page') ?? 1;
  if (page < 1) throw new SimError(-1130, "Data sent for parameter 'page' is not valid.");
  return page;
}

export function allOrders(e: SimEngine, p: Params, now: number, forgetFinished: boolean) {
  const symbol = e.spec(need(p, 'symbol')).symbol;
  const fromId = intParam(p, 'orderId');
  const w = window(p, now, fromId !== undefined);
  const limit = limitParam(p, 500, 1000);
  const rows = [...e.orders.values()]
    .filter((o: SimOrder) => o.symbol === symbol && (fromId === undefined || o.orderId >= fromId) && inWindow(o.time, w) && orderServed(o, now, forgetFinished))
    .sort((a, b) => a.orderId - b.orderId);
  return pageOf(rows, limit, fromId !== undefined || p.startTime !== undefined).map(orderJson);
}

export function allAlgoOrders(e: SimEngine, p: Params, now: number, forgetFinished: boolean) {
  const symbol = e.spec(need(p, 'symbol')).symbol;
  const fromId = intParam(p, 'algoId');
  const w = window(p, now, fromId !== undefined);
  const limit = limitParam(p, 500, 1000);
  const rows = [...e.algos.values()]
    .filter((a: SimAlgoOrder) => a.symbol === symbol && (fromId === undefined || a.algoId >= fromId) && inWindow(a.createTime, w) && algoServed(a, now, forgetFinished))
    .sort((a, b) => a.algoId - b.algoId);
  return pageOf(rows, limit, fromId !== undefined || p.startTime !== undefined, pageParam(p)).map(algoJson);
}

export function userTrades(e: SimEngine, p: Params, now: number) {
  const symbol = need(p, 'symbol');
  const fromId = intParam(p, 'fromId');
  const orderId = intParam(p, 'orderId');
  if (fromId !== undefined && (p.startTime !== undefined || p.endTime !== undefined)) throw new SimError(-1128, 'Combination of optional parameters invalid.');
  const w = window(p, now, fromId !== undefined || orderId !== undefined);
  const limit = limitParam(p, 500, 1000);
  const oldest = monthsBefore(now, 6);
  const rows = e.trades.filter((t: SimTrade) => t.symbol === symbol && t.time >= oldest && (fromId === undefined || t.id >= fromId)
    && (orderId === undefined || t.orderId === orderId) && inWindow(t.time, w));
  return pageOf(rows, limit, fromId !== undefined || p.startTime !== undefined).map(tradeJson);
}

export interface IncomeRow {
  symbol: string;
  incomeType: string;
  income: string;
  asset: string;
  info: string;
  time: number;
  tranId: number;
  tradeId: string;
}

/**
 * Income rows: REALIZED_PNL and COMMISSION of each fill (tranId = the trade id, unique within its
 * type as the page says), and the account events' records (funding fees, `engine.incomeHistory`).
 */
export function incomeRows(e: SimEngine): IncomeRow[] {
  const rows: IncomeRow[] = [];
  for (const t of e.trades) {
    if (!new Decimal(t.realizedPnl).isZero()) rows.push({ symbol: t.symbol, incomeType: 'REALIZED_PNL', income: t.realizedPnl, asset: 'USDT', info: 'REALIZED_PNL', time: t.time, tranId: t.id, tradeId: String(t.id) });
    if (!new Decimal(t.commission).isZero()) rows.push({ symbol: t.symbol, incomeType: 'COMMISSION', income: str(new Decimal(t.commission).neg()), asset: t.commissionAsset, info: 'COMMISSION', time: t.time, tranId: t.id, tradeId: String(t.id) });
  }
  for (const r of e.incomeHistory) rows.push({ ...r });
  // Stable: rows of one instant keep their order (a fill's pnl before its commission).
  return rows.map((r, i) => [r, i] as const).sort(([a, i], [b, j]) => a.time - b.time || i - j).map(([r]) => r);
}

export function income(e: SimEngine, p: Params, now: number) {
  const w = window(p, now, false);
  const limit = limitParam(p, 100, 1000);
  const oldest = monthsBefore(now, 3);
  const rows = incomeRows(e).filter((r) => (!p.symbol || r.symbol === p.symbol) && (!p.incomeType || r.incomeType === p.incomeType) && r.time >= oldest && inWindow(r.time, w));
  return pageOf(rows, limit, p.startTime !== undefined, pageParam(p));
}
