// Engine orders presented as Bybit V5 linear orders (GET /v5/order/realtime and /history rows, and
// the `order` topic's rows). A regular engine order is one Bybit order; an algo (conditional)
// order and the order its trigger created are ONE Bybit order with the algo's id and orderLinkId:
// Untriggered, Triggered, then the triggered order's New / PartiallyFilled / Filled / Cancelled, or
// Deactivated when cancelled before the trigger. Every row carries `category` and `tpslMode`
// (ccxt tells contract from spot orders by the presence of `tpslMode`).
import { Decimal } from 'decimal.js';
import { isOpen, type SimEngine } from '../engine.js';
import type { PositionSide, SimAlgoOrder, SimOrder } from '../sim-types.js';
import { bybitOrderId, type OrderKey } from './ids.js';
import type { BybitLedger } from './ledger.js';

export interface RowContext {
  engine: SimEngine;
  ledger: BybitLedger;
}

export type BybitRow = Record<string, unknown>;

const str = (v: Decimal) => (v.isZero() ? '0' : v.toFixed());
/** Client ids the engine makes up when none was sent (and the venue's own liquidation orders): Bybit shows "". */
const MADE_UP = /^(x-(sim|algo)-\d+-\d+|autoclose-\d+|adl_autoclose)$/;

export function linkIdOf(clientId: string): string {
  return MADE_UP.test(clientId) ? '' : clientId;
}

export function positionIdx(ps: PositionSide): 0 | 1 | 2 {
  return ps === 'LONG' ? 1 : ps === 'SHORT' ? 2 : 0;
}

/** Bybit triggerDirection from the engine's stop type: 1 triggers when the price rises to it, 2 when it falls. */
export function triggerDirection(a: Pick<SimAlgoOrder, 'orderType' | 'side'>): 1 | 2 {
  const stop = a.orderType === 'STOP_MARKET' || a.orderType === 'STOP';
  return (a.side === 'BUY') === stop ? 1 : 2;
}

export function childOf(engine: SimEngine, a: SimAlgoOrder): SimOrder | undefined {
  return a.actualOrderId ? engine.orders.get(Number(a.actualOrderId)) : undefined;
}

/** Untriggered: still waiting for its price (NEW, or TRIGGERING for the instant of a trigger). */
export function untriggered(a: SimAlgoOrder): boolean {
  return a.algoStatus === 'NEW' || a.algoStatus === 'TRIGGERING';
}

export function symbolOf(engine: SimEngine, key: OrderKey): string | undefined {
  return key.kind === 'order' ? engine.orders.get(key.id)?.symbol : engine.algos.get(key.id)?.symbol;
}

/** Open: a regular order still working, an untriggered conditional order, or a triggered one whose order works. */
export function isOpenKey(engine: SimEngine, key: OrderKey): boolean {
  if (key.kind === 'order') {
    const o = engine.orders.get(key.id);
    return o !== undefined && isOpen(o.status);
  }
  const a = engine.algos.get(key.id);
  if (!a) return false;
  if (untriggered(a)) return true;
  const child = childOf(engine, a);
  return a.algoStatus === 'TRIGGERED' && child !== undefined && isOpen(child.status);
}

export function existsKey(engine: SimEngine, key: OrderKey): boolean {
  return key.kind === 'order' ? engine.orders.has(key.id) && engine.orders.get(key.id)!.algoId === undefined : engine.algos.has(key.id);
}

export interface OrderFacts {
  createdTime: number;
  updatedTime: number;
  filledQty: Decimal;
  status: string;
  symbol: string;
  conditional: boolean;
}

/** Times, fill and status of a Bybit order (for the history's windows and retention). */
export function factsOf(engine: SimEngine, key: OrderKey): OrderFacts | undefined {
  if (key.kind === 'order') {
    const o = engine.orders.get(key.id);
    if (!o) return undefined;
    return { createdTime: o.time, updatedTime: o.updateTime, filledQty: new Decimal(o.executedQty), status: regularStatus(o), symbol: o.symbol, conditional: false };
  }
  const a = engine.algos.get(key.id);
  if (!a) return undefined;
  const child = childOf(engine, a);
  return {
    createdTime: a.createTime, updatedTime: Math.max(a.updateTime, child?.updateTime ?? 0), filledQty: new Decimal(child?.executedQty ?? '0'),
    status: algoStatus(engine, a), symbol: a.symbol, conditional: true,
  };
}

function regularStatus(o: SimOrder): string {
  switch (o.status) {
    case 'NEW': return 'New';
    case 'PARTIALLY_FILLED': return 'PartiallyFilled';
    case 'FILLED': return 'Filled';
    case 'REJECTED': return 'Rejected';
    default: return 'Cancelled'; // CANCELED, EXPIRED (IOC/market remainder, reduce-only), EXPIRED_IN_MATCH (SMP)
  }
}

function algoStatus(engine: SimEngine, a: SimAlgoOrder): string {
  switch (a.algoStatus) {
    case 'NEW': return 'Untriggered';
    case 'TRIGGERING': return 'Triggered';
    case 'CANCELED':
    case 'EXPIRED': return 'Deactivated';
    case 'REJECTED': return 'Rejected';
    default: {
      const child = childOf(engine, a);
      return child ? regularStatus(child) : 'Triggered';
    }
  }
}

function cancelType(o: SimOrder | undefined, algo?: SimAlgoOrder): string {
  if (algo && (algo.algoStatus === 'CANCELED')) return 'CancelByUser';
  if (algo && algo.algoStatus === 'EXPIRED') return 'CancelAllBeforeLiq';
  if (!o) return 'UNKNOWN';
  if (o.status === 'CANCELED') return 'CancelByUser';
  if (o.status === 'EXPIRED_IN_MATCH') return 'CancelBySmp';
  if (o.status === 'EXPIRED') return o.expiryReason === 4 ? 'CancelByReduceOnly' : o.expiryReason === 5 ? 'CancelAllBeforeLiq' : 'UNKNOWN';
  return 'UNKNOWN';
}

function timeInForce(type: string, tif: string | undefined): string {
  if (type === 'Market') return 'IOC';
  return tif === 'GTX' ? 'PostOnly' : (tif ?? 'GTC');
}

/** The executed side of a (possibly absent) engine order. */
function execution(ctx: RowContext, o: SimOrder | undefined, qty: Decimal, price: Decimal, open: boolean) {
  const executed = new Decimal(o?.executedQty ?? '0');
  const leaves = open ? Decimal.max(qty.sub(executed), 0) : new Decimal(0);
  return {
    avgPrice: o && !executed.isZero() ? o.avgPrice : '0',
    leavesQty: str(leaves), leavesValue: str(leaves.mul(price)),
    cumExecQty: str(executed), cumExecValue: o ? o.cumQuote : '0', cumExecFee: o ? ctx.ledger.feeOf(o.orderId) : '0',
  };
}

function base(key: OrderKey, symbol: string, linkId: string, meta: { closeOnTrigger: boolean; rejectReason?: string; lastPriceOnCreated?: string } | undefined): BybitRow {
  return {
    category: 'linear', symbol, orderId: bybitOrderId(key), orderLinkId: linkIdOf(linkId), blockTradeId: '', isLeverage: '', orderIv: '',
    rejectReason: meta?.rejectReason ?? 'EC_NoError', lastPriceOnCreated: meta?.lastPriceOnCreated ?? '', closeOnTrigger: meta?.closeOnTrigger ?? false,
    takeProfit: '', stopLoss: '', tpTriggerBy: '', slTriggerBy: '', tpLimitPrice: '', slLimitPrice: '', tpslMode: '', placeType: '',
    smpType: 'None', smpGroup: 0, smpOrderId: '', createType: 'CreateByUser',
  };
}

export function regularRow(ctx: RowContext, o: SimOrder): BybitRow {
  const key: OrderKey = { kind: 'order', id: o.orderId };
  const type = o.type === 'LIMIT' ? 'Limit' : 'Market';
  const price = type === 'Limit' ? new Decimal(o.price) : new Decimal(0);
  return {
    ...base(key, o.symbol, o.clientOrderId, ctx.ledger.meta(key)),
    side: o.side === 'BUY' ? 'Buy' : 'Sell', positionIdx: positionIdx(o.positionSide), orderStatus: regularStatus(o), cancelType: cancelType(o),
    orderType: type, price: str(price), qty: o.origQty, timeInForce: timeInForce(type, o.timeInForce),
    ...execution(ctx, o, new Decimal(o.origQty), price, isOpen(o.status)),
    stopOrderType: '', triggerPrice: '0', triggerDirection: 0, triggerBy: '', reduceOnly: o.reduceOnly,
    createdTime: String(o.time), updatedTime: String(o.updateTime),
  };
}

/** A conditional order, before or after its trigger; `status` overrides the orderStatus (the Triggered frame). */
export function conditionalRow(ctx: RowContext, a: SimAlgoOrder, status?: string): BybitRow {
  const key: OrderKey = { kind: 'algo', id: a.algoId };
  const child = childOf(ctx.engine, a);
  const type = a.orderType === 'STOP' || a.orderType === 'TAKE_PROFIT' ? 'Limit' : 'Market';
  const price = type === 'Limit' ? new Decimal(a.price) : new Decimal(0);
  const qty = new Decimal(child?.origQty ?? a.quantity);
  return {
    ...base(key, a.symbol, a.clientAlgoId, ctx.ledger.meta(key)),
    side: a.side === 'BUY' ? 'Buy' : 'Sell', positionIdx: positionIdx(a.positionSide), orderStatus: status ?? algoStatus(ctx.engine, a), cancelType: cancelType(child, a),
    orderType: type, price: str(price), qty: str(qty), timeInForce: timeInForce(type, a.timeInForce),
    ...execution(ctx, child, qty, price, isOpenKey(ctx.engine, key)),
    stopOrderType: 'Stop', triggerPrice: a.triggerPrice, triggerDirection: triggerDirection(a), triggerBy: a.workingType === 'MARK_PRICE' ? 'MarkPrice' : 'LastPrice',
    reduceOnly: a.reduceOnly, createdTime: String(a.createTime), updatedTime: String(Math.max(a.updateTime, child?.updateTime ?? 0)),
  };
}

export function rowOf(ctx: RowContext, key: OrderKey, status?: string): BybitRow | undefined {
  if (key.kind === 'order') {
    const o = ctx.engine.orders.get(key.id);
    return o ? regularRow(ctx, o) : undefined;
  }
  const a = ctx.engine.algos.get(key.id);
  return a ? conditionalRow(ctx, a, status) : undefined;
}
