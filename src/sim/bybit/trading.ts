// POST /v5/order/create, /amend, /cancel and /cancel-all on the shared engine (create-order,
// amend-order, cancel-order, cancel-all pages). positionIdx 0 is the engine's BOTH side, 1 LONG,
// 2 SHORT, and must match the account's mode (10001). orderLinkId is the engine's client id; it must
// be unique among the account's orders that still exist (110072). An order with a triggerPrice is a
// conditional order: the engine's algo order whose stop type follows from triggerDirection and
// side, refused when the price already passed it (110092 rising / 110093 falling). reduceOnly and
// closeOnTrigger both make an order reduce-only; one that would increase its position is 110017.
// A PostOnly order that would take, or a FOK order that cannot fill at once, is accepted and then
// cancelled (status Cancelled with its rejectReason), as Bybit does.
import { Decimal } from 'decimal.js';
import { algoFrame, orderFrame } from '../engine-frames.js';
import { decimalParam, validPrice, validQty } from '../engine-rules.js';
import { SimError, type AlgoType, type PositionSide, type Side, type SimOrder, type WorkingType } from '../sim-types.js';
import { BybitError, MSG } from './errors.js';
import { bybitOrderId, type OrderKey } from './ids.js';
import type { OrderMeta } from './ledger.js';
import { childOf, isOpenKey, linkIdOf, symbolOf, triggerDirection, untriggered } from './order-rows.js';
import { filterMatches, keyFrom, openKeys, retained, type QueryContext } from './order-queries.js';
import { category, flag, intParam, need, type BybitParams } from './params.js';

const LINK_ID = /^[A-Za-z0-9_-]{1,36}$/;
const TIFS: Record<string, string> = { GTC: 'GTC', IOC: 'IOC', FOK: 'FOK', PostOnly: 'GTX' };
const IDX_SIDE: Record<number, PositionSide> = { 0: 'BOTH', 1: 'LONG', 2: 'SHORT' };

interface Ack {
  orderId: string;
  orderLinkId: string;
}

function linear(p: BybitParams): void {
  if (category(p) !== 'linear') throw new BybitError(10001, `${MSG.params}: the simulator serves category linear only`);
}

function sideOf(p: BybitParams): Side {
  const s = need(p, 'side');
  if (s !== 'Buy' && s !== 'Sell') throw new BybitError(10001, `${MSG.params}: side invalid`);
  return s === 'Buy' ? 'BUY' : 'SELL';
}

function positionSideOf(ctx: QueryContext, p: BybitParams): PositionSide {
  const idx = intParam(p, 'positionIdx') ?? 0;
  const hedge = ctx.engine.opts.positionMode === 'hedge';
  if (hedge ? idx !== 1 && idx !== 2 : idx !== 0) throw new BybitError(10001, MSG.positionIdx);
  return IDX_SIDE[idx]!;
}

function workingTypeOf(v: string | undefined): WorkingType {
  if (v === undefined || v === '' || v === 'LastPrice') return 'CONTRACT_PRICE';
  if (v === 'MarkPrice' || v === 'IndexPrice') return 'MARK_PRICE'; // index = mark in the simulator
  throw new BybitError(10001, `${MSG.params}: triggerBy invalid`);
}

/** 1: the price must rise to the trigger (so it is above the watched price now); 2: fall to it. */
function checkDirection(direction: 1 | 2, trigger: Decimal, current: Decimal, by: WorkingType): void {
  const name = by === 'MARK_PRICE' ? 'MarkPrice' : 'LastPrice';
  if (direction === 1 && trigger.lte(current)) throw new BybitError(110092, `expect Rising, but trigger_price[${trigger.toFixed()}] <= current[${current.toFixed()}]??${name}`);
  if (direction === 2 && trigger.gte(current)) throw new BybitError(110093, `expect Falling, but trigger_price[${trigger.toFixed()}] >= current[${current.toFixed()}]??${name}`);
}

function watched(ctx: QueryContext, symbol: string, by: WorkingType): Decimal {
  return by === 'MARK_PRICE' ? ctx.engine.mark(symbol) : ctx.engine.lastPrice(symbol);
}

/** Hedge mode: a closing order on the side that opens its position index (Buy on 1, Sell on 2). */
function opens(ps: PositionSide, side: Side): boolean {
  return (ps === 'LONG' && side === 'BUY') || (ps === 'SHORT' && side === 'SELL');
}

/** An orderLinkId is taken while any order that carried it still exists (open, or finished and still served). */
function linkIdInUse(ctx: QueryContext, linkId: string): boolean {
  return ctx.ledger.withLinkId(linkId).some((k) => retained(ctx, k));
}

function ack(ctx: QueryContext, key: OrderKey): Ack {
  const clientId = key.kind === 'order' ? ctx.engine.orders.get(key.id)?.clientOrderId : ctx.engine.algos.get(key.id)?.clientAlgoId;
  return { orderId: bybitOrderId(key), orderLinkId: linkIdOf(clientId ?? '') };
}

export function createOrder(ctx: QueryContext, p: BybitParams): Ack {
  linear(p);
  const e = ctx.engine;
  const symbol = e.spec(need(p, 'symbol')).symbol;
  const side = sideOf(p);
  const orderType = need(p, 'orderType');
  if (orderType !== 'Limit' && orderType !== 'Market') throw new BybitError(10001, `${MSG.params}: orderType invalid`);
  const limit = orderType === 'Limit';
  const qty = need(p, 'qty');
  const positionSide = positionSideOf(ctx, p);
  const linkId = p.orderLinkId || undefined;
  if (linkId !== undefined && !LINK_ID.test(linkId)) throw new BybitError(10001, `${MSG.params}: orderLinkId invalid (at most 36 of A-Z a-z 0-9 - _)`);
  if (linkId !== undefined && linkIdInUse(ctx, linkId)) throw new BybitError(110072, MSG.duplicate);
  const tif = limit ? TIFS[p.timeInForce || 'GTC'] : 'GTC';
  if (tif === undefined) throw new BybitError(10001, `${MSG.params}: timeInForce invalid`);
  const closing = flag(p, 'reduceOnly') || flag(p, 'closeOnTrigger');
  const hedge = e.opts.positionMode === 'hedge';
  if (closing && hedge && opens(positionSide, side)) throw new BybitError(110017, MSG.reduceOnly);
  const price = limit ? need(p, 'price') : undefined;
  const meta: OrderMeta = { closeOnTrigger: flag(p, 'closeOnTrigger'), lastPriceOnCreated: e.lastPrice(symbol).toFixed() };
  const common = { symbol, side, quantity: qty, price, positionSide, reduceOnly: !hedge && closing, clientOrderId: linkId, timeInForce: tif };

  if (p.triggerPrice !== undefined && p.triggerPrice !== '' && p.triggerPrice !== '0') {
    const dir = p.triggerDirection === '1' ? 1 : p.triggerDirection === '2' ? 2 : undefined;
    if (dir === undefined) throw new BybitError(10001, `${MSG.params}: triggerDirection must be 1 or 2 for a conditional order`);
    const by = workingTypeOf(p.triggerBy);
    checkDirection(dir, decimalParam(p.triggerPrice, 'triggerPrice'), watched(ctx, symbol, by), by);
    if (closing && !hedge) {
      const amt = new Decimal(e.positionsOf(symbol).find((x) => x.positionSide === 'BOTH')?.positionAmt ?? '0');
      if ((side === 'BUY' && amt.isPositive()) || (side === 'SELL' && amt.isNegative())) throw new BybitError(110017, MSG.reduceOnly);
    }
    const stop = (dir === 1) === (side === 'BUY');
    const type: AlgoType = limit ? (stop ? 'STOP' : 'TAKE_PROFIT') : (stop ? 'STOP_MARKET' : 'TAKE_PROFIT_MARKET');
    ctx.ledger.expect(meta);
    try {
      const algo = e.placeAlgo({ ...common, type, triggerPrice: p.triggerPrice, workingType: by });
      return ack(ctx, { kind: 'algo', id: algo.algoId });
    } finally {
      ctx.ledger.settle();
    }
  }

  ctx.ledger.expect(meta);
  try {
    const order = e.placeOrder({ ...common, type: limit ? 'LIMIT' : 'MARKET' });
    return ack(ctx, { kind: 'order', id: order.orderId });
  } catch (error) {
    if (error instanceof SimError && (error.code === -5022 || error.code === -5021)) {
      const reason = error.code === -5022 ? 'EC_PostOnlyWillTakeLiquidity' : 'EC_CancelForNoFullFill';
      return ack(ctx, acceptThenCancel(ctx, { ...common, price: price!, meta: { ...meta, rejectReason: reason } }));
    }
    throw error;
  } finally {
    ctx.ledger.settle();
  }
}

/** The order is created (New) and cancelled at once; both rows reach the stream. */
function acceptThenCancel(ctx: QueryContext, r: { symbol: string; side: Side; quantity: string; price: string; positionSide: PositionSide; reduceOnly: boolean; clientOrderId?: string; timeInForce: string; meta: OrderMeta }): OrderKey {
  const e = ctx.engine;
  const t = e.clockNow();
  const id = e.takeOrderId();
  const order: SimOrder = {
    orderId: id, clientOrderId: r.clientOrderId ?? `x-sim-${id}-0`, symbol: r.symbol, side: r.side, positionSide: r.positionSide, type: 'LIMIT', origType: 'LIMIT',
    price: new Decimal(r.price).toFixed(), origQty: new Decimal(r.quantity).toFixed(), executedQty: '0', cumQuote: '0', avgPrice: '0', status: 'NEW',
    timeInForce: r.timeInForce, reduceOnly: r.reduceOnly, closePosition: false, stopPrice: '0', time: t, updateTime: t, owner: 'api',
  };
  const book = { bids: '0', asks: '0' };
  ctx.ledger.expect(r.meta);
  e.orders.set(id, order);
  e.publish(orderFrame(order, { T: t, E: t + 1 }, 'NEW', book));
  order.status = 'CANCELED';
  e.touchBooks(r.symbol);
  e.publish(orderFrame(order, { T: t, E: t + 1 }, 'CANCELED', book));
  return { kind: 'order', id };
}

/** The open order named by orderId / orderLinkId on `symbol`, or 110001. */
function openTarget(ctx: QueryContext, p: BybitParams, symbol: string): OrderKey {
  if (!p.orderId && !p.orderLinkId) throw new BybitError(10001, `${MSG.params}: orderId or orderLinkId is required`);
  const key = keyFrom(ctx, p);
  if (!key || symbolOf(ctx.engine, key) !== symbol || !isOpenKey(ctx.engine, key)) throw new BybitError(110001, MSG.notExists);
  return key;
}

export function amendOrder(ctx: QueryContext, p: BybitParams): Ack {
  linear(p);
  const e = ctx.engine;
  const spec = e.spec(need(p, 'symbol'));
  const key = openTarget(ctx, p, spec.symbol);
  const algo = key.kind === 'algo' ? e.algos.get(key.id)! : undefined;
  if (algo && untriggered(algo)) {
    const limit = algo.orderType === 'STOP' || algo.orderType === 'TAKE_PROFIT';
    const quantity = p.qty ? validQty(spec, p.qty).toFixed() : algo.quantity;
    const price = p.price && limit ? validPrice(spec, p.price).toFixed() : algo.price;
    const workingType = p.triggerBy ? workingTypeOf(p.triggerBy) : (algo.workingType as WorkingType);
    let trigger = algo.triggerPrice;
    if (p.triggerPrice !== undefined && p.triggerPrice !== '' && p.triggerPrice !== '0') {
      const tp = validPrice(spec, p.triggerPrice, 'triggerPrice');
      checkDirection(triggerDirection(algo), tp, watched(ctx, spec.symbol, workingType), workingType);
      trigger = tp.toFixed();
    }
    if (quantity === algo.quantity && price === algo.price && trigger === algo.triggerPrice && workingType === algo.workingType) throw new BybitError(10001, MSG.unchanged);
    Object.assign(algo, { quantity, price, triggerPrice: trigger, workingType, updateTime: e.clockNow() });
    const t = e.clockNow();
    e.publish(algoFrame(algo, { T: t, E: t + 1 }));
    return ack(ctx, key);
  }
  if (p.triggerPrice !== undefined && p.triggerPrice !== '' && p.triggerPrice !== '0') throw new BybitError(10001, `${MSG.params}: the trigger price of an active order cannot be amended`);
  const order = algo ? childOf(e, algo)! : e.orders.get(key.id)!;
  e.amendOrder(spec.symbol, { orderId: order.orderId }, p.qty || order.origQty, p.price || order.price);
  return ack(ctx, key);
}

/** Ends one open Bybit order: an untriggered conditional order is deactivated, anything else cancelled. */
function cancelKey(ctx: QueryContext, key: OrderKey, symbol: string): void {
  const e = ctx.engine;
  if (key.kind === 'order') {
    e.cancelOrder(symbol, { orderId: key.id });
    return;
  }
  const algo = e.algos.get(key.id)!;
  if (untriggered(algo)) e.cancelAlgo({ algoId: algo.algoId });
  else e.cancelOrder(symbol, { orderId: childOf(e, algo)!.orderId });
}

export function cancelOrder(ctx: QueryContext, p: BybitParams): Ack {
  linear(p);
  const symbol = ctx.engine.spec(need(p, 'symbol')).symbol;
  const key = openTarget(ctx, p, symbol);
  cancelKey(ctx, key, symbol);
  return ack(ctx, key);
}

export function cancelAll(ctx: QueryContext, p: BybitParams): { list: Ack[]; success: string } {
  linear(p);
  const e = ctx.engine;
  let symbol: string | undefined;
  if (p.symbol) symbol = e.spec(p.symbol).symbol;
  else if (!p.baseCoin && !p.settleCoin) throw new BybitError(10001, `${MSG.params}: symbol, baseCoin or settleCoin is required`);
  else if (p.settleCoin && p.settleCoin !== 'USDT') return { list: [], success: '1' };
  const keys = openKeys(e, symbol).filter((k) => {
    const s = symbolOf(e, k)!;
    return (!p.baseCoin || symbol !== undefined || e.symbols.get(s)?.baseAsset === p.baseCoin) && filterMatches(e, k, p.orderFilter);
  });
  const list: Ack[] = [];
  for (const key of keys) {
    if (!isOpenKey(e, key)) continue; // a cancel on the way may have ended it (a reduce-only knock-out)
    cancelKey(ctx, key, symbolOf(e, key)!);
    list.push(ack(ctx, key));
  }
  return { list, success: '1' };
}
