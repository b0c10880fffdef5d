// Binance spot REST payloads: exchangeInfo, account, an order (query), a placement answer in its
// three response types (ACK, RESULT, FULL with fills), a cancel answer (origClientOrderId = the
// order's client id, clientOrderId = the cancel's own), an order list with or without its order
// reports, and a trade row of myTrades. Decimals are strings with 8 places.
import { Decimal } from 'decimal.js';
import type { AssetBalance } from './balances.js';
import type { Cancel, ListCancel } from './engine.js';
import { maxNotional, maxPrice, minPrice } from './filters.js';
import { f8 } from './frames.js';
import { isStopType, type RespType } from './order-request.js';
import type { FeeConfig } from './settlement.js';
import { ORDER_TYPES, type OrderList, type SpotOrder, type SpotSymbolSpec, type SpotTrade } from './types.js';

const STP = 'EXPIRE_MAKER';
const d8 = (v: string) => new Decimal(v).toFixed(8);

export function exchangeInfo(specs: SpotSymbolSpec[], serverTime: number) {
  return {
    timezone: 'UTC', serverTime,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
    ],
    exchangeFilters: [],
    symbols: specs.map((s) => ({
      symbol: s.symbol, status: 'TRADING', baseAsset: s.baseAsset, baseAssetPrecision: 8, quoteAsset: s.quoteAsset, quotePrecision: 8,
      quoteAssetPrecision: 8, baseCommissionPrecision: 8, quoteCommissionPrecision: 8, orderTypes: [...ORDER_TYPES],
      icebergAllowed: false, ocoAllowed: true, otoAllowed: true, quoteOrderQtyMarketAllowed: true, allowTrailingStop: false,
      cancelReplaceAllowed: false, amendAllowed: false, isSpotTradingAllowed: true, isMarginTradingAllowed: false,
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: f8(minPrice(s)), maxPrice: f8(maxPrice(s)), tickSize: d8(s.tickSize) },
        { filterType: 'LOT_SIZE', minQty: d8(s.minQty), maxQty: d8(s.maxQty), stepSize: d8(s.stepSize) },
        { filterType: 'NOTIONAL', minNotional: d8(s.minNotional), applyMinToMarket: true, maxNotional: f8(maxNotional(s)), applyMaxToMarket: false, avgPriceMins: 5 },
        { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
        { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: 5 },
      ],
      permissions: [], permissionSets: [['SPOT']], defaultSelfTradePreventionMode: STP,
      allowedSelfTradePreventionModes: ['NONE', 'EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
    })),
  };
}

export function accountJson(balances: AssetBalance[], fees: FeeConfig, omitZero: boolean, now: number) {
  const bps = (d: Decimal) => d.times(10000).toNumber();
  return {
    makerCommission: bps(fees.maker), takerCommission: bps(fees.taker), buyerCommission: 0, sellerCommission: 0,
    commissionRates: { maker: f8(fees.maker), taker: f8(fees.taker), buyer: f8(new Decimal(0)), seller: f8(new Decimal(0)) },
    canTrade: true, canWithdraw: true, canDeposit: true, brokered: false, requireSelfTradePrevention: false, preventSor: false,
    updateTime: now, accountType: 'SPOT',
    balances: balances.filter((b) => !omitZero || !b.free.plus(b.locked).isZero()).map((b) => ({ asset: b.asset, free: f8(b.free), locked: f8(b.locked) })),
    permissions: ['SPOT'], uid: 354937868,
  };
}

/** Query Order, Current Open Orders, All Orders. */
export function orderJson(o: SpotOrder) {
  return {
    symbol: o.symbol, orderId: o.orderId, orderListId: o.orderListId, clientOrderId: o.clientOrderId, price: f8(o.price),
    origQty: f8(o.origQty), executedQty: f8(o.executedQty), cummulativeQuoteQty: f8(o.cummulativeQuoteQty), status: o.status,
    timeInForce: o.timeInForce ?? 'GTC', type: o.type, side: o.side, stopPrice: f8(o.stopPrice), icebergQty: f8(new Decimal(0)),
    time: o.time, updateTime: o.updateTime, isWorking: o.working, workingTime: o.workingTime,
    origQuoteOrderQty: f8(o.origQuoteOrderQty), selfTradePreventionMode: STP,
  };
}

function ack(o: SpotOrder) {
  return { symbol: o.symbol, orderId: o.orderId, orderListId: o.orderListId, clientOrderId: o.clientOrderId, transactTime: o.updateTime };
}

/** The RESULT fields of an order report (placements and order lists). */
export function orderReport(o: SpotOrder) {
  return {
    ...ack(o), price: f8(o.price), origQty: f8(o.origQty), executedQty: f8(o.executedQty), origQuoteOrderQty: f8(o.origQuoteOrderQty),
    cummulativeQuoteQty: f8(o.cummulativeQuoteQty), status: o.status, timeInForce: o.timeInForce ?? 'GTC', type: o.type, side: o.side,
    ...(isStopType(o.type) ? { stopPrice: f8(o.stopPrice) } : {}), workingTime: o.workingTime, selfTradePreventionMode: STP,
  };
}

export function fillJson(t: SpotTrade) {
  return { price: f8(t.price), qty: f8(t.qty), commission: f8(t.commission), commissionAsset: t.commissionAsset, tradeId: t.id };
}

export function placementJson(o: SpotOrder, fills: SpotTrade[], resp: RespType) {
  if (resp === 'ACK') return ack(o);
  if (resp === 'RESULT') return orderReport(o);
  return { ...orderReport(o), fills: fills.map(fillJson) };
}

export function cancelJson(c: Cancel) {
  const o = c.order;
  return {
    symbol: o.symbol, origClientOrderId: o.clientOrderId, orderId: o.orderId, orderListId: o.orderListId, clientOrderId: c.cancelClientId,
    transactTime: o.updateTime, price: f8(o.price), origQty: f8(o.origQty), executedQty: f8(o.executedQty), origQuoteOrderQty: f8(o.origQuoteOrderQty),
    cummulativeQuoteQty: f8(o.cummulativeQuoteQty), status: o.status, timeInForce: o.timeInForce ?? 'GTC', type: o.type, side: o.side,
    ...(isStopType(o.type) ? { stopPrice: f8(o.stopPrice) } : {}), selfTradePreventionMode: STP,
  };
}

/** An order list; `reports` adds orderReports (placement answers: RESULT reports; cancel answers: the cancels). */
export function orderListJson(list: OrderList, reports?: 'placed' | ListCancel) {
  const base = {
    orderListId: list.orderListId, contingencyType: list.contingencyType, listStatusType: list.listStatusType,
    listOrderStatus: list.listOrderStatus, listClientOrderId: list.listClientOrderId, transactionTime: list.transactionTime,
    symbol: list.symbol, orders: list.orders.map((o) => ({ symbol: o.symbol, orderId: o.orderId, clientOrderId: o.clientOrderId })),
  };
  if (reports === undefined) return base;
  return { ...base, orderReports: reports === 'placed' ? list.orders.map(orderReport) : reports.cancels.map(cancelJson) };
}

export function tradeJson(t: SpotTrade) {
  return {
    symbol: t.symbol, id: t.id, orderId: t.orderId, orderListId: t.orderListId, price: f8(t.price), qty: f8(t.qty), quoteQty: f8(t.quoteQty),
    commission: f8(t.commission), commissionAsset: t.commissionAsset, time: t.time, isBuyer: t.isBuyer, isMaker: t.isMaker, isBestMatch: true,
  };
}
