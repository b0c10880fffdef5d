// The spot user-data events, field by field as Binance's spot "User Data Stream" page lists them:
// executionReport, outboundAccountPosition, balanceUpdate, listStatus, eventStreamTerminated.
// Numbers are strings with 8 decimals; ids, times and flags are JSON numbers and booleans.
import type { Decimal } from 'decimal.js';
import type { AssetBalance } from './balances.js';
import { isOpenStatus, type OrderList, type SpotEvent, type SpotOrder, type SpotTrade } from './types.js';

export const f8 = (d: Decimal) => d.toFixed(8);
const ZERO8 = '0.00000000';

export type ExecutionType = 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED' | 'REJECTED' | 'TRADE_PREVENTION';

export interface Execution {
  x: ExecutionType;
  trade?: SpotTrade;
  /** CANCELED: the cancel request's own client id; `c` carries it and `C` the order's. */
  cancelClientId?: string;
}

export function executionReport(o: SpotOrder, ex: Execution, now: number): SpotEvent {
  const t = ex.trade;
  const canceled = ex.x === 'CANCELED';
  const frame: SpotEvent = {
    e: 'executionReport', E: now, s: o.symbol,
    c: canceled && ex.cancelClientId ? ex.cancelClientId : o.clientOrderId,
    S: o.side, o: o.type, f: o.timeInForce ?? 'GTC', q: f8(o.origQty), p: f8(o.price), P: f8(o.stopPrice), F: ZERO8,
    g: o.orderListId, C: canceled ? o.clientOrderId : '', x: ex.x, X: o.status, r: 'NONE', i: o.orderId,
    l: t ? f8(t.qty) : ZERO8, z: f8(o.executedQty), L: t ? f8(t.price) : ZERO8,
    n: t ? f8(t.commission) : '0', N: t ? t.commissionAsset : null,
    T: t ? t.time : o.updateTime, t: t ? t.id : -1, I: o.orderId * 2 + (t ? 1 : 0),
    w: o.working && isOpenStatus(o.status), m: t ? t.isMaker : false, M: false, O: o.time,
    Z: f8(o.cummulativeQuoteQty), Y: t ? f8(t.quoteQty) : ZERO8, Q: f8(o.origQuoteOrderQty),
    V: 'EXPIRE_MAKER',
  };
  if (o.working) frame.W = o.workingTime;
  return frame;
}

export function accountPosition(rows: AssetBalance[], now: number): SpotEvent {
  return { e: 'outboundAccountPosition', E: now, u: now, B: rows.map((r) => ({ a: r.asset, f: f8(r.free), l: f8(r.locked) })) };
}

export function balanceUpdate(asset: string, delta: Decimal, now: number): SpotEvent {
  return { e: 'balanceUpdate', E: now, a: asset, d: f8(delta), T: now };
}

export function listStatus(list: OrderList, now: number): SpotEvent {
  return {
    e: 'listStatus', E: now, s: list.symbol, g: list.orderListId, c: list.contingencyType, l: list.listStatusType,
    L: list.listOrderStatus, r: 'NONE', C: list.listClientOrderId, T: now,
    O: list.orders.map((o) => ({ s: o.symbol, i: o.orderId, c: o.clientOrderId })),
  };
}

export function streamTerminated(now: number): SpotEvent {
  return { e: 'eventStreamTerminated', E: now };
}
