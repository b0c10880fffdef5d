// GET /api/v3/myTrades and GET /api/v3/allOrders as Binance spot pages them: at most 24 hours
// between startTime and endTime (-1127); myTrades takes fromId or a time range, not both (-1128);
// from fromId / orderId / startTime the oldest rows first, otherwise the newest `limit` (default
// 500, max 1000; a larger one is served as 1000). Rows always come oldest first.
import { SimError } from '../sim-types.js';
import { intParam, limitParam, type Params } from '../rest-params.js';
import type { SpotEngine } from './engine.js';
import type { SpotOrder, SpotTrade } from './types.js';

const DAY_MS = 24 * 60 * 60 * 1000;

interface Window {
  start?: number;
  end?: number;
}

function window(p: Params): Window {
  const start = intParam(p, 'startTime');
  const end = intParam(p, 'endTime');
  if (start !== undefined && end !== undefined && end - start > DAY_MS) throw new SimError(-1127, 'More than 24 hours between startTime and endTime.');
  if (start !== undefined && end === undefined) return { start, end: start + DAY_MS };
  if (end !== undefined && start === undefined) return { start: end - DAY_MS, end };
  return { start, end };
}

function page<T>(rows: T[], fromOldest: boolean, limit: number): T[] {
  return fromOldest ? rows.slice(0, limit) : rows.slice(Math.max(0, rows.length - limit));
}

export function myTrades(e: SpotEngine, symbol: string, p: Params): SpotTrade[] {
  const fromId = intParam(p, 'fromId');
  const orderId = intParam(p, 'orderId');
  if (fromId !== undefined && (p.startTime || p.endTime)) throw new SimError(-1128, 'Combination of optional parameters invalid.');
  const w = window(p);
  const limit = limitParam(p, 500, 1000);
  const rows = e.trades.filter((t) => t.symbol === symbol
    && (orderId === undefined || t.orderId === orderId)
    && (fromId === undefined || t.id >= fromId)
    && (w.start === undefined || t.time >= w.start)
    && (w.end === undefined || t.time <= w.end));
  return page(rows, fromId !== undefined || p.startTime !== undefined, limit);
}

export function allOrders(e: SpotEngine, symbol: string, p: Params, served: (o: SpotOrder) => boolean): SpotOrder[] {
  const orderId = intParam(p, 'orderId');
  const w = window(p);
  const limit = limitParam(p, 500, 1000);
  const rows = e.ordersOf(symbol).filter((o) => served(o)
    && (orderId === undefined || o.orderId >= orderId)
    && (w.start === undefined || o.time >= w.start)
    && (w.end === undefined || o.time <= w.end)).sort((a, b) => a.orderId - b.orderId);
  return page(rows, orderId !== undefined || p.startTime !== undefined, limit);
}
