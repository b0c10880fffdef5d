// Binance USD-M REST as ccxt `binanceusdm` calls it: signed requests (HMAC-SHA256 over the query
// or form body, timestamp and recvWindow checks), the routes, Binance's payload shapes, error
// codes and HTTP statuses, and the used-weight header.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { SimEngine, decimalParam, isOpen } from './engine.js';
import { SimError, type SimAlgoOrder, type SimOrder, type Side } from './sim-types.js';
import type { UserStream } from './user-stream.js';

export interface RestRequest {
  method: string;
  path: string;
  query: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface RestResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Credentials {
  apiKey: string;
  secret: string;
}

type Params = Record<string, string>;
type Handler = (p: Params) => unknown;

const str = (v: Decimal) => (v.isZero() ? '0' : v.toFixed());

export class BinanceRest {
  private readonly routes = new Map<string, { signed: boolean; keyOnly?: boolean; weight: number; handler: Handler }>();

  constructor(
    private readonly engine: SimEngine,
    stream: UserStream,
    private readonly creds: Credentials,
    private readonly serverTime: () => number,
    /** The retention window has passed for every finished order: queries no longer serve them. */
    private readonly forgetFinished: () => boolean = () => false,
  ) {
    const e = engine;
    const pub = (method: string, path: string, handler: Handler, weight = 1) => this.routes.set(`${method} ${path}`, { signed: false, weight, handler });
    const priv = (method: string, path: string, handler: Handler, weight = 1) => this.routes.set(`${method} ${path}`, { signed: true, weight, handler });
    const keyOnly = (method: string, path: string, handler: Handler) => this.routes.set(`${method} ${path}`, { signed: false, keyOnly: true, weight: 1, handler });

    pub('GET', '/fapi/v1/ping', () => ({}));
    pub('GET', '/fapi/v1/time', () => ({ serverTime: this.serverTime() }));
    pub('GET', '/fapi/v1/exchangeInfo', () => this.exchangeInfo(), 1);
    pub('GET', '/fapi/v1/premiumIndex', (p) => this.premiumIndex(p.symbol));
    pub('GET', '/fapi/v1/ticker/price', (p) => this.tickerPrice(p.symbol));
    pub('GET', '/fapi/v2/ticker/price', (p) => this.tickerPrice(p.symbol));

    for (const v of ['v2', 'v3']) {
      priv('GET', `/fapi/${v}/account`, () => this.account(), 5);
      priv('GET', `/fapi/${v}/balance`, () => this.balance(), 5);
      priv('GET', `/fapi/${v}/positionRisk`, (p) => this.positionRisk(p.symbol), 5);
    }
    priv('GET', '/fapi/v1/leverageBracket', (p) => this.leverageBracket(p.symbol));
    priv('GET', '/fapi/v1/positionSide/dual', () => ({ dualSidePosition: e.opts.positionMode === 'hedge' }));
    priv('GET', '/fapi/v1/openOrders', (p) => [...e.orders.values()].filter((o) => isOpen(o.status) && (!p.symbol || o.symbol === p.symbol)).map(orderJson), 1);
    priv('GET', '/fapi/v1/openAlgoOrders', (p) => [...e.algos.values()].filter((a) => a.algoStatus === 'NEW' && (!p.symbol || a.symbol === p.symbol)).map(algoJson), 1);
    priv('GET', '/fapi/v1/order', (p) => orderJson(this.orderOrThrow(p, -2013, 'Order does not exist.')));
    priv('POST', '/fapi/v1/order', (p) => orderJson(e.placeOrder(this.orderRequest(p))));
    priv('PUT', '/fapi/v1/order', (p) => orderJson(e.amendOrder(need(p, 'symbol'), this.orderRef(p), p.quantity, p.price)));
    priv('DELETE', '/fapi/v1/order', (p) => orderJson(e.cancelOrder(need(p, 'symbol'), this.orderRef(p))));
    priv('DELETE', '/fapi/v1/allOpenOrders', (p) => {
      e.cancelAll(need(p, 'symbol'));
      return { code: 200, msg: 'The operation of cancel all open order is done.' };
    });
    priv('GET', '/fapi/v1/algoOrder', (p) => algoJson(this.algoOrThrow(p, -2013, 'Order does not exist.')));
    priv('POST', '/fapi/v1/algoOrder', (p) => {
      if (p.algoType !== 'CONDITIONAL') throw new SimError(-1116, 'Invalid algoType.');
      return algoJson(e.placeAlgo(this.orderRequest(p, p.clientAlgoId)));
    });
    priv('DELETE', '/fapi/v1/algoOrder', (p) => algoJson(e.cancelAlgo(this.algoRef(p))));
    priv('DELETE', '/fapi/v1/algoOpenOrders', (p) => {
      e.cancelAllAlgo(need(p, 'symbol'));
      return { code: 200, msg: 'The operation of cancel all open order is done.' };
    });
    priv('GET', '/fapi/v1/userTrades', (p) => this.userTrades(p), 5);

    keyOnly('POST', '/fapi/v1/listenKey', () => ({ listenKey: stream.create() }));
    keyOnly('PUT', '/fapi/v1/listenKey', (p) => {
      if (!stream.keepAlive(p.listenKey)) throw new SimError(-1125, 'This listenKey does not exist.');
      return {};
    });
    keyOnly('DELETE', '/fapi/v1/listenKey', (p) => {
      stream.close(p.listenKey);
      return {};
    });
  }

  has(method: string, path: string): boolean {
    return this.routes.has(`${method} ${path}`);
  }

  weightOf(method: string, path: string): number {
    return this.routes.get(`${method} ${path}`)?.weight ?? 1;
  }

  handle(req: RestRequest): RestResponse {
    const route = this.routes.get(`${req.method} ${req.path}`);
    if (!route) return { status: 404, body: { code: -5000, msg: `Path ${req.path}, Method ${req.method} is invalid` } };
    try {
      if (route.signed || route.keyOnly) this.checkKey(req);
      const params = route.signed ? this.verified(req) : { ...Object.fromEntries(new URLSearchParams(req.query)), ...Object.fromEntries(new URLSearchParams(req.body)) };
      return { status: 200, body: route.handler(params) };
    } catch (error) {
      if (error instanceof SimError) return { status: error.httpStatus, body: { code: error.code, msg: error.msg } };
      return { status: 500, body: { code: -1000, msg: 'An unknown error occurred while processing the request.' } };
    }
  }

  // ---- authentication ----------------------------------------------------------------------

  private checkKey(req: RestRequest): void {
    const key = req.headers['x-mbx-apikey'];
    if (key !== this.creds.apiKey) throw new SimError(-2015, 'Invalid API-key, IP, or permissions for action.', 401);
  }

  /** Verifies the signature over what came before `&signature=`, then timestamp and recvWindow. */
  private verified(req: RestRequest): Params {
    const payload = [req.query, req.body].filter(Boolean).join('');
    const m = /(^|&)signature=([0-9a-fA-F]+)$/.exec(payload) ?? /(^|&)signature=([0-9a-fA-F]+)(&|$)/.exec(payload);
    if (!m) throw new SimError(-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
    const signed = payload.slice(0, m.index);
    const expected = createHmac('sha256', this.creds.secret).update(signed).digest('hex');
    const given = m[2]!.toLowerCase();
    if (expected.length !== given.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(given))) {
      throw new SimError(-1022, 'Signature for this request is not valid.');
    }
    const params = Object.fromEntries(new URLSearchParams(signed));
    const timestamp = Number(params.timestamp);
    if (!Number.isFinite(timestamp)) throw new SimError(-1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
    const recvWindow = params.recvWindow ? Number(params.recvWindow) : 5000;
    if (!Number.isFinite(recvWindow) || recvWindow <= 0 || recvWindow > 60_000) throw new SimError(-1131, 'recvWindow must be less than 60000');
    const now = this.serverTime();
    if (timestamp >= now + 1000) throw new SimError(-1021, "Timestamp for this request was 1000ms ahead of the server's time.");
    if (now - timestamp > recvWindow) throw new SimError(-1021, 'Timestamp for this request is outside of the recvWindow.');
    return params;
  }

  // ---- request helpers ---------------------------------------------------------------------

  private orderRequest(p: Params, clientId?: string) {
    return {
      symbol: need(p, 'symbol'),
      side: side(need(p, 'side')),
      type: need(p, 'type'),
      quantity: p.quantity,
      price: p.price,
      positionSide: p.positionSide,
      reduceOnly: p.reduceOnly === 'true',
      closePosition: p.closePosition === 'true',
      timeInForce: p.timeInForce,
      clientOrderId: clientId ?? p.newClientOrderId,
      triggerPrice: p.triggerPrice ?? p.stopPrice,
      workingType: p.workingType,
    };
  }

  private orderRef(p: Params): { orderId?: number; clientOrderId?: string } {
    if (p.orderId) return { orderId: Number(p.orderId) };
    if (p.origClientOrderId) return { clientOrderId: p.origClientOrderId };
    throw new SimError(-1102, "Either orderId or origClientOrderId must be sent.");
  }

  private algoRef(p: Params): { algoId?: number; clientAlgoId?: string } {
    if (p.algoId) return { algoId: Number(p.algoId) };
    if (p.clientAlgoId) return { clientAlgoId: p.clientAlgoId };
    throw new SimError(-1102, 'Either algoId or clientAlgoId must be sent.');
  }

  private orderOrThrow(p: Params, code: number, msg: string): SimOrder {
    const o = this.engine.findOrder(need(p, 'symbol'), this.orderRef(p));
    if (!o || (this.forgetFinished() && !isOpen(o.status))) throw new SimError(code, msg);
    return o;
  }

  private algoOrThrow(p: Params, code: number, msg: string): SimAlgoOrder {
    const a = this.engine.findAlgo(this.algoRef(p));
    if (!a || (this.forgetFinished() && a.algoStatus !== 'NEW' && a.algoStatus !== 'TRIGGERING')) throw new SimError(code, msg);
    return a;
  }

  // ---- payloads ------------------------------------------------------------------------------

  private exchangeInfo() {
    return {
      timezone: 'UTC',
      serverTime: this.serverTime(),
      futuresType: 'U_MARGINED',
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
        { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
      ],
      exchangeFilters: [],
      assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
      symbols: [...this.engine.symbols.values()].map((s) => ({
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

  private premiumIndex(symbol: string | undefined) {
    const row = (s: string) => ({ symbol: s, markPrice: this.engine.marks.get(s) ?? '0', indexPrice: this.engine.marks.get(s) ?? '0', lastFundingRate: '0.0001', nextFundingTime: 0, interestRate: '0.0001', time: this.serverTime() });
    return symbol ? row(this.engine.spec(symbol).symbol) : [...this.engine.symbols.keys()].map(row);
  }

  private tickerPrice(symbol: string | undefined) {
    const row = (s: string) => ({ symbol: s, price: this.engine.marks.get(s) ?? '0', time: this.serverTime() });
    return symbol ? row(this.engine.spec(symbol).symbol) : [...this.engine.symbols.keys()].map(row);
  }

  private account() {
    const e = this.engine;
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
        maxWithdrawAmount: available, updateTime: this.serverTime(),
      }],
      positions: [...e.positions.values()].filter((p) => !new Decimal(p.positionAmt).isZero()).map((p) => ({
        symbol: p.symbol, positionSide: p.positionSide, positionAmt: p.positionAmt, unrealizedProfit: str(e.unrealized(p)), isolatedMargin: '0',
        notional: str(new Decimal(p.positionAmt).mul(e.marks.get(p.symbol) ?? p.entryPrice)), isolatedWallet: '0', initialMargin: '0', maintMargin: '0', updateTime: p.updateTime,
      })),
    };
  }

  private balance() {
    const e = this.engine;
    return [{ accountAlias: 'sim', asset: 'USDT', balance: str(e.wallet), crossWalletBalance: str(e.wallet), crossUnPnl: '0', availableBalance: str(e.available()), maxWithdrawAmount: str(e.available()), marginAvailable: true, updateTime: this.serverTime() }];
  }

  private positionRisk(symbol: string | undefined) {
    const e = this.engine;
    return [...e.positions.values()]
      .filter((p) => (!symbol || p.symbol === symbol) && !new Decimal(p.positionAmt).isZero())
      .map((p) => {
        const mark = e.marks.get(p.symbol) ?? p.entryPrice;
        const notional = new Decimal(p.positionAmt).mul(mark);
        return {
          symbol: p.symbol, positionSide: p.positionSide, positionAmt: p.positionAmt, entryPrice: p.entryPrice, breakEvenPrice: p.entryPrice, markPrice: mark,
          unRealizedProfit: str(e.unrealized(p)), liquidationPrice: '0', isolatedMargin: '0', notional: str(notional), marginAsset: 'USDT', isolatedWallet: '0',
          initialMargin: str(notional.abs().div(e.opts.leverage)), maintMargin: '0', positionInitialMargin: str(notional.abs().div(e.opts.leverage)),
          openOrderInitialMargin: '0', adl: 0, bidNotional: '0', askNotional: '0', updateTime: p.updateTime,
        };
      });
  }

  private leverageBracket(symbol: string | undefined) {
    const row = (s: string) => ({
      symbol: s, notionalCoef: 1,
      brackets: [{ bracket: 1, initialLeverage: this.engine.opts.leverage, notionalCap: 10_000_000, notionalFloor: 0, maintMarginRatio: 0.004, cum: 0 }],
    });
    return symbol ? [row(symbol)] : [...this.engine.symbols.keys()].map(row);
  }

  private userTrades(p: Params) {
    const symbol = need(p, 'symbol');
    const start = p.startTime ? Number(p.startTime) : undefined;
    const end = p.endTime ? Number(p.endTime) : undefined;
    const from = p.fromId ? Number(p.fromId) : undefined;
    const limit = Math.min(1000, p.limit ? Number(p.limit) : 500);
    if (from !== undefined && (start !== undefined || end !== undefined)) throw new SimError(-1128, 'Combination of optional parameters invalid.');
    if (start !== undefined && end !== undefined && end - start > 7 * 24 * 60 * 60 * 1000) throw new SimError(-1127, 'More than 7 days between startTime and endTime.');
    const rows = this.engine.trades
      .filter((t) => t.symbol === symbol && (start === undefined || t.time >= start) && (end === undefined || t.time <= end) && (from === undefined || t.id >= from));
    // From a start (time or id) the oldest rows come first; without one, the latest `limit`.
    return (start !== undefined || from !== undefined ? rows.slice(0, limit) : rows.slice(-limit))
      .map((t) => ({
        buyer: t.buyer, commission: t.commission, commissionAsset: t.commissionAsset, id: t.id, maker: t.maker, orderId: t.orderId, price: t.price, qty: t.qty,
        quoteQty: t.quoteQty, realizedPnl: t.realizedPnl, side: t.side, positionSide: t.positionSide, symbol: t.symbol, time: t.time,
      }));
  }
}

export function orderJson(o: SimOrder) {
  return {
    orderId: o.orderId, symbol: o.symbol, status: o.status, clientOrderId: o.clientOrderId, price: o.price, avgPrice: o.avgPrice, origQty: o.origQty,
    executedQty: o.executedQty, cumQty: o.executedQty, cumQuote: o.cumQuote, timeInForce: o.timeInForce, type: o.type, reduceOnly: o.reduceOnly,
    closePosition: o.closePosition, side: o.side, positionSide: o.positionSide, stopPrice: o.stopPrice, workingType: 'CONTRACT_PRICE', priceProtect: false,
    origType: o.origType, priceMatch: 'NONE', selfTradePreventionMode: 'EXPIRE_MAKER', goodTillDate: 0, time: o.time, updateTime: o.updateTime,
  };
}

export function algoJson(a: SimAlgoOrder) {
  return {
    algoId: a.algoId, clientAlgoId: a.clientAlgoId, algoType: 'CONDITIONAL', orderType: a.orderType, symbol: a.symbol, side: a.side, positionSide: a.positionSide,
    timeInForce: 'GTC', quantity: a.quantity, algoStatus: a.algoStatus, actualOrderId: a.actualOrderId, actualPrice: '0', triggerPrice: a.triggerPrice, price: a.price,
    icebergQuantity: null, selfTradePreventionMode: 'EXPIRE_MAKER', workingType: a.workingType, priceMatch: 'NONE', closePosition: a.closePosition,
    priceProtect: false, reduceOnly: a.reduceOnly, activatePrice: '', callbackRate: '', createTime: a.createTime, updateTime: a.updateTime,
    triggerTime: a.triggerTime, goodTillDate: 0,
  };
}

function need(p: Params, name: string): string {
  const v = p[name];
  if (v === undefined || v === '') throw new SimError(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
  return v;
}

function side(v: string): Side {
  if (v !== 'BUY' && v !== 'SELL') throw new SimError(-1117, 'Invalid side.');
  return v;
}

export { decimalParam };
