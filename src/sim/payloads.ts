// Binance USD-M REST payload shapes built from the engine's books: orders, algo orders, trades,
// exchangeInfo, account, balance, positionRisk (V2 and V3), leverage brackets.
import { Decimal } from 'decimal.js';
import type { SimEngine } from './engine.js';
import type { PositionSide, SimAlgoOrder, SimOrder, SimPosition, SimTrade } from './sim-types.js';
import { BINANCE_RATE_LIMITS, type RateLimitConfig } from './rate-limits.js';

export const str = (v: Decimal) => (v.isZero() ? '0' : v.toFixed());

/** The highest leverage the simulated brackets allow (ccxt refuses more before sending). */
export const MAX_LEVERAGE = 125;
/** The single bracket's notional cap (maxNotionalValue). */
const NOTIONAL_CAP = 10_000_000;

export function orderJson(o: SimOrder) {
  return {
    orderId: o.orderId, symbol: o.symbol, status: o.status, clientOrderId: o.clientOrderId, price: o.price, avgPrice: o.avgPrice, origQty: o.origQty,
    executedQty: o.executedQty, cumQty: o.executedQty, cumQuote: o.cumQuote, timeInForce: o.timeInForce, type: o.type, reduceOnly: o.reduceOnly,
    closePosition: o.closePosition, side: o.side, positionSide: o.positionSide, stopPrice: o.stopPrice, workingType: o.workingType ?? 'CONTRACT_PRICE', priceProtect: o.priceProtect ?? false,
    origType: o.origType, priceMatch: 'NONE', selfTradePreventionMode: o.stpMode ?? 'EXPIRE_MAKER', goodTillDate: 0, time: o.time, updateTime: o.updateTime,
  };
}

export function algoJson(a: SimAlgoOrder) {
  return {
    algoId: a.algoId, clientAlgoId: a.clientAlgoId, algoType: 'CONDITIONAL', orderType: a.orderType, symbol: a.symbol, side: a.side, positionSide: a.positionSide,
    timeInForce: a.timeInForce ?? 'GTC', quantity: a.quantity, algoStatus: a.algoStatus, actualOrderId: a.actualOrderId, actualPrice: a.actualPrice ?? '0', triggerPrice: a.triggerPrice, price: a.price,
    icebergQuantity: null, selfTradePreventionMode: a.stpMode ?? 'EXPIRE_MAKER', workingType: a.workingType, priceMatch: 'NONE', closePosition: a.closePosition,
    priceProtect: a.priceProtect ?? false, reduceOnly: a.reduceOnly, activatePrice: '', callbackRate: '', createTime: a.createTime, updateTime: a.updateTime,
    triggerTime: a.triggerTime, goodTillDate: 0,
  };
}

export function tradeJson(t: SimTrade) {
  return {
    buyer: t.buyer, commission: t.commission, commissionAsset: t.commissionAsset, id: t.id, maker: t.maker, orderId: t.orderId, price: t.price, qty: t.qty,
    quoteQty: t.quoteQty, realizedPnl: t.realizedPnl, side: t.side, positionSide: t.positionSide, symbol: t.symbol, time: t.time,
  };
}

export function exchangeInfo(engine: SimEngine, serverTime: number, limits: RateLimitConfig = BINANCE_RATE_LIMITS) {
  return {
    timezone: 'UTC',
    serverTime,
    futuresType: 'U_MARGINED',
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: limits.weightPerMinute },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: limits.ordersPerMinute },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: limits.ordersPer10s },
    ],
    exchangeFilters: [],
    assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
    symbols: [...engine.symbols.values()].map((s) => ({
      symbol: s.symbol, pair: s.symbol, contractType: 'PERPETUAL', deliveryDate: 4133404800000, onboardDate: 1569398400000, status: 'TRADING',
      maintMarginPercent: '2.5000', requiredMarginPercent: '5.0000', baseAsset: s.baseAsset, quoteAsset: s.quoteAsset, marginAsset: s.quoteAsset,
      pricePrecision: s.pricePrecision, quantityPrecision: s.quantityPrecision, baseAssetPrecision: 8, quotePrecision: 8, underlyingType: 'COIN',
      underlyingSubType: [], triggerProtect: '0.0500', liquidationFee: '0.012500', marketTakeBound: '0.05', maxMoveOrderLimit: 10000,
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: s.tickSize, maxPrice: '10000000', tickSize: s.tickSize },
        { filterType: 'LOT_SIZE', minQty: s.minQty, maxQty: s.maxQty, stepSize: s.stepSize },
        { filterType: 'MARKET_LOT_SIZE', minQty: s.minQty, maxQty: s.maxQty, stepSize: s.stepSize },
        { filterType: 'MAX_NUM_ORDERS', limit: 200 },
        { filterType: 'MAX_NUM_ALGO_ORDERS', limit: 10 },
        { filterType: 'MIN_NOTIONAL', notional: s.minNotional },
        { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
      ],
      orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
      timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
    })),
  };
}

export function account(e: SimEngine, now: number) {
  const wallet = str(e.wallet);
  let upnl = new Decimal(0);
  for (const p of e.positions.values()) upnl = upnl.add(e.unrealized(p));
  const available = str(e.available());
  const used = str(e.usedMargin());
  return {
    totalInitialMargin: used, totalMaintMargin: '0', totalWalletBalance: wallet, totalUnrealizedProfit: str(upnl), totalMarginBalance: str(e.wallet.add(upnl)),
    totalPositionInitialMargin: used, totalOpenOrderInitialMargin: '0', totalCrossWalletBalance: wallet, totalCrossUnPnl: str(upnl),
    availableBalance: available, maxWithdrawAmount: available,
    assets: [{
      asset: 'USDT', walletBalance: wallet, unrealizedProfit: str(upnl), marginBalance: str(e.wallet.add(upnl)), maintMargin: '0', initialMargin: used,
      positionInitialMargin: used, openOrderInitialMargin: '0', crossWalletBalance: wallet, crossUnPnl: str(upnl), availableBalance: available,
      maxWithdrawAmount: available, updateTime: now,
    }],
    positions: [...e.positions.values()].filter((p) => !new Decimal(p.positionAmt).isZero()).map((p) => ({
      symbol: p.symbol, positionSide: p.positionSide, positionAmt: p.positionAmt, unrealizedProfit: str(e.unrealized(p)), isolatedMargin: '0',
      notional: str(new Decimal(p.positionAmt).mul(e.marks.get(p.symbol) ?? p.entryPrice)), isolatedWallet: '0', initialMargin: '0', maintMargin: '0', updateTime: p.updateTime,
    })),
  };
}

export function balance(e: SimEngine, now: number) {
  return [{ accountAlias: 'sim', asset: 'USDT', balance: str(e.wallet), crossWalletBalance: str(e.wallet), crossUnPnl: '0', availableBalance: str(e.available()), maxWithdrawAmount: str(e.available()), marginAvailable: true, updateTime: now }];
}

/** The position sides of the account's current mode. */
function modeSides(e: SimEngine): PositionSide[] {
  return e.opts.positionMode === 'hedge' ? ['LONG', 'SHORT'] : ['BOTH'];
}

/** The stored position, or a flat one; never creates an entry in the engine's map. */
function positionOf(e: SimEngine, symbol: string, positionSide: PositionSide): SimPosition {
  for (const p of e.positionsOf(symbol)) if (p.positionSide === positionSide) return p;
  return { symbol, positionSide, positionAmt: '0', entryPrice: '0', updateTime: 0 };
}

function riskRow(e: SimEngine, p: SimPosition) {
  const mark = e.marks.get(p.symbol) ?? p.entryPrice;
  const notional = new Decimal(p.positionAmt).mul(mark);
  const margin = str(notional.abs().div(e.leverageOf(p.symbol)));
  return {
    symbol: p.symbol, positionSide: p.positionSide, positionAmt: p.positionAmt, entryPrice: p.entryPrice, breakEvenPrice: p.entryPrice, markPrice: mark,
    unRealizedProfit: str(e.unrealized(p)), liquidationPrice: '0', isolatedMargin: '0', notional: str(notional), marginAsset: 'USDT', isolatedWallet: '0',
    initialMargin: margin, maintMargin: '0', positionInitialMargin: margin, openOrderInitialMargin: '0', adl: 0, bidNotional: '0', askNotional: '0', updateTime: p.updateTime,
  };
}

/**
 * Position-Information-V3: "only symbol that has position or open orders will be returned". A
 * position side with an amount, and (flat) every position side an open regular or algo order of
 * the account rests on.
 */
export function positionRiskV3(e: SimEngine, symbol: string | undefined) {
  const want = (s: string) => !symbol || s === symbol;
  const rows = new Map<string, SimPosition>();
  for (const p of e.positions.values()) if (want(p.symbol) && !new Decimal(p.positionAmt).isZero()) rows.set(`${p.symbol}|${p.positionSide}`, p);
  const sides = modeSides(e);
  const resting: Array<{ symbol: string; positionSide: PositionSide }> = [
    ...e.openOrderList(symbol || undefined),
    ...e.openAlgoList(symbol || undefined),
  ];
  for (const o of resting) {
    const key = `${o.symbol}|${o.positionSide}`;
    if (want(o.symbol) && sides.includes(o.positionSide) && !rows.has(key)) rows.set(key, positionOf(e, o.symbol, o.positionSide));
  }
  return [...rows.values()].sort(bySymbolAndSide).map((p) => riskRow(e, p));
}

/** Position-Information-V2: every symbol, every position side of the mode, flat ones included, with leverage and margin type. */
export function positionRiskV2(e: SimEngine, symbol: string | undefined) {
  const symbols = symbol ? [e.spec(symbol).symbol] : [...e.symbols.keys()];
  return symbols.flatMap((s) => modeSides(e).map((side) => {
    const p = positionOf(e, s, side);
    return {
      ...riskRow(e, p), leverage: String(e.leverageOf(s)), maxNotionalValue: String(NOTIONAL_CAP), marginType: e.marginTypeOf(s) === 'ISOLATED' ? 'isolated' : 'cross',
      isAutoAddMargin: 'false',
    };
  }));
}

function bySymbolAndSide(a: SimPosition, b: SimPosition): number {
  const order = { BOTH: 0, LONG: 1, SHORT: 2 };
  return a.symbol === b.symbol ? order[a.positionSide] - order[b.positionSide] : a.symbol < b.symbol ? -1 : 1;
}

export function leverageBracket(e: SimEngine, symbol: string | undefined) {
  const row = (s: string) => ({
    symbol: s, notionalCoef: 1,
    brackets: [{ bracket: 1, initialLeverage: MAX_LEVERAGE, notionalCap: NOTIONAL_CAP, notionalFloor: 0, maintMarginRatio: 0.004, cum: 0 }],
  });
  return symbol ? [row(e.spec(symbol).symbol)] : [...e.symbols.keys()].map(row);
}

export function premiumIndex(e: SimEngine, symbol: string | undefined, now: number) {
  const row = (s: string) => ({ symbol: s, markPrice: e.marks.get(s) ?? '0', indexPrice: e.marks.get(s) ?? '0', lastFundingRate: '0.0001', nextFundingTime: 0, interestRate: '0.0001', time: now });
  return symbol ? row(e.spec(symbol).symbol) : [...e.symbols.keys()].map(row);
}

export function tickerPrice(e: SimEngine, symbol: string | undefined, now: number) {
  const row = (s: string) => ({ symbol: s, price: e.lasts.get(s) ?? e.marks.get(s) ?? '0', time: now }); // the last price, not the mark
  return symbol ? row(e.spec(symbol).symbol) : [...e.symbols.keys()].map(row);
}
