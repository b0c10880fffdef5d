// Account events that end or charge positions outside the order book: liquidation and ADL
// (the venue closes a position with an order of its own), funding fees, and account
// configuration changes. Each one changes the engine's books the way Binance's would and
// publishes the user-data frames Binance documents, in the order it sends them.
import { Decimal } from 'decimal.js';
import { decimalParam, isOpen, type SimEngine } from './engine.js';
import { SimError, type PositionSide, type Side, type SimOrder, type SimPosition, type SimTrade } from './sim-types.js';
import { EXPIRED_BY_LIQUIDATION, accountUpdate, algoRow, leverageConfig, marginCall, multiAssetsConfig, orderRow, stampAt, type BookNotional } from './account-frames.js';

/** One row of GET /fapi/v1/income, as Binance serves it (strings for amounts, `tradeId` "" when none). */
export interface SimIncome {
  symbol: string;
  incomeType: 'FUNDING_FEE';
  income: string;
  asset: string;
  info: string;
  time: number;
  tranId: number;
  tradeId: string;
}

export interface LiquidationRequest {
  symbol: string;
  /** LONG or SHORT in hedge mode, BOTH (or absent) in one-way mode. */
  positionSide?: string;
  /** The fill price (Binance: the bankruptcy price); the mark when absent. */
  price?: string;
  /** How much to close; the whole position when absent (ADL often closes part). */
  quantity?: string;
  kind: 'liquidation' | 'adl';
  /** TRADE: an ordinary fill row; CALCULATED: "Liquidation Execution", which ccxt turns into no trade. */
  execution: 'TRADE' | 'CALCULATED';
  /** The stream's order type `o`; LIQUIDATION for a liquidation, MARKET for ADL unless set. */
  orderType?: string;
}

export interface LiquidationResult {
  order: SimOrder;
  trade: SimTrade;
  expiredOrderIds: number[];
  expiredAlgoIds: number[];
}

const ZERO = new Decimal(0);
const str = (v: Decimal) => (v.isZero() ? '0' : v.toFixed());
/** The maintenance margin rate GET /fapi/v1/leverageBracket advertises (bracket 1). */
const MAINT_MARGIN_RATE = new Decimal('0.004');
/** Event-Order-Update: an ADL order's client id is exactly this; a liquidation's starts with "autoclose-". */
const ADL_CLIENT_ID = 'adl_autoclose';

/**
 * Closes (part of) a position with the venue's own order. A liquidation first pushes MARGIN_CALL,
 * then expires the position's open orders (`er`=5) and conditional orders (ALGO_UPDATE EXPIRED),
 * then the `autoclose-` order; ADL (the user had margin enough) sends only the `adl_autoclose`
 * order. Both end with ACCOUNT_UPDATE (`m`=ORDER: the position changed through an order).
 */
export function liquidate(engine: SimEngine, req: LiquidationRequest): LiquidationResult {
  if (req.kind !== 'liquidation' && req.kind !== 'adl') throw new SimError(-1102, "kind must be 'liquidation' or 'adl'.");
  if (req.execution !== 'TRADE' && req.execution !== 'CALCULATED') throw new SimError(-1102, "execution must be 'TRADE' or 'CALCULATED'.");
  engine.spec(req.symbol);
  const positionSide = positionSideOf(engine, req.positionSide);
  const position = engine.position(req.symbol, positionSide);
  const amt = new Decimal(position.positionAmt);
  if (amt.isZero()) throw new SimError(-2022, `No ${positionSide} position on ${req.symbol} to ${req.kind === 'adl' ? 'deleverage' : 'liquidate'}.`);
  const mark = engine.mark(req.symbol);
  const price = req.price === undefined ? mark : positive(req.price, 'price');
  const qty = req.quantity === undefined ? amt.abs() : positive(req.quantity, 'quantity');
  if (qty.gt(amt.abs())) throw new SimError(-2022, `quantity ${qty.toFixed()} exceeds the position (${amt.abs().toFixed()}).`);
  const t = engine.clockNow();
  const at = stampAt(t);
  const expiredOrderIds: number[] = [];
  const expiredAlgoIds: number[] = [];

  if (req.kind === 'liquidation') {
    const maintenance = amt.abs().mul(mark).mul(MAINT_MARGIN_RATE);
    engine.publish(marginCall(at, str(engine.wallet), [{ position: { ...position }, markPrice: str(mark), unrealized: str(engine.unrealized(position)), maintenanceMargin: str(maintenance) }]));
    for (const o of engine.openOrderList(req.symbol)) {
      if (o.positionSide !== positionSide || !isOpen(o.status)) continue;
      o.status = 'EXPIRED';
      o.expiryReason = EXPIRED_BY_LIQUIDATION;
      o.updateTime = t;
      engine.touchBooks(req.symbol);
      expiredOrderIds.push(o.orderId);
      engine.publish(orderRow(o, at, bookNotional(engine, req.symbol), { execution: 'EXPIRED', expiryReason: EXPIRED_BY_LIQUIDATION }));
    }
    for (const a of engine.openAlgoList(req.symbol)) {
      if (a.positionSide !== positionSide || a.algoStatus !== 'NEW') continue;
      a.algoStatus = 'EXPIRED';
      a.updateTime = t;
      expiredAlgoIds.push(a.algoId);
      engine.publish(algoRow(a, at));
    }
  }

  const orderType = req.orderType ?? (req.kind === 'liquidation' ? 'LIQUIDATION' : 'MARKET');
  const priced = orderType !== 'MARKET';
  const orderId = engine.takeOrderId();
  const order: SimOrder = {
    orderId, clientOrderId: req.kind === 'adl' ? ADL_CLIENT_ID : `autoclose-${orderId}`, symbol: req.symbol, side: closingSide(amt), positionSide,
    // The stored type is the book's own (LIMIT at the bankruptcy price, or MARKET); the stream row says `orderType`.
    type: priced ? 'LIMIT' : 'MARKET', origType: orderType, price: priced ? str(price) : '0', origQty: str(qty), executedQty: '0', cumQuote: '0', avgPrice: '0',
    status: 'NEW', timeInForce: 'IOC', reduceOnly: false, closePosition: false, stopPrice: '0', time: t, updateTime: t, owner: 'manual', // the venue's, not the API's
  };
  engine.orders.set(orderId, order);
  engine.publish(orderRow(order, at, bookNotional(engine, req.symbol), { execution: 'NEW', orderType }));

  const realized = closePosition(position, price, qty, t);
  engine.wallet = engine.wallet.add(realized);
  order.executedQty = str(qty);
  order.cumQuote = str(price.mul(qty));
  order.avgPrice = str(price);
  order.status = 'FILLED';
  engine.touchBooks(req.symbol); // the position and the order changed in place
  // No commission: Binance's liquidation clearance fee goes to the insurance fund, not to a trade row.
  const trade: SimTrade = {
    id: engine.takeTradeId(), orderId, symbol: req.symbol, side: order.side, positionSide, price: str(price), qty: str(qty), quoteQty: str(price.mul(qty)),
    realizedPnl: str(realized), commission: '0', commissionAsset: 'USDT', maker: false, buyer: order.side === 'BUY', time: t,
  };
  engine.trades.push(trade);
  engine.publish(orderRow(order, at, bookNotional(engine, req.symbol), { execution: req.execution, orderType, trade }));
  engine.publish(accountUpdate('ORDER', at, { wallet: str(engine.wallet), change: '0' }, [{ position: { ...position }, unrealized: str(engine.unrealized(position)) }]));
  return { order: { ...order }, trade: { ...trade }, expiredOrderIds, expiredAlgoIds };
}

export interface FundingRequest {
  symbol: string;
  /** The funding rate, e.g. "0.0001": longs pay shorts when positive. */
  rate: string;
}

export interface FundingResult {
  /** The wallet change (negative when paid); "0" and no frame when the symbol has no position. */
  fee: string;
  income?: SimIncome;
}

/**
 * Settles funding on every position of the symbol at the mark: fee = -(signed amount × mark × rate).
 * Cross margin pushes ACCOUNT_UPDATE `m`=FUNDING_FEE with the balance row only (no `P`), and the
 * settlement becomes an income record (`engine.incomeHistory`) that GET /fapi/v1/income can serve.
 */
export function settleFunding(engine: SimEngine, req: FundingRequest): FundingResult {
  engine.spec(req.symbol);
  const rate = decimalParam(String(req.rate), 'rate');
  const mark = engine.mark(req.symbol);
  let fee = ZERO;
  let any = false;
  for (const p of engine.positions.values()) {
    if (p.symbol !== req.symbol || new Decimal(p.positionAmt).isZero()) continue;
    any = true;
    fee = fee.sub(new Decimal(p.positionAmt).mul(mark).mul(rate));
  }
  if (!any) return { fee: '0' };
  fee = fee.toDecimalPlaces(8); // Binance books funding to 8 decimals
  const t = engine.clockNow();
  engine.wallet = engine.wallet.add(fee);
  const income: SimIncome = { symbol: req.symbol, incomeType: 'FUNDING_FEE', income: fee.toFixed(8), asset: 'USDT', info: 'FUNDING_FEE', time: t, tranId: engine.takeTranId(), tradeId: '' };
  engine.incomeHistory.push(income);
  engine.publish(accountUpdate('FUNDING_FEE', stampAt(t), { wallet: str(engine.wallet), change: str(fee) }, undefined));
  return { fee: str(fee), income: { ...income } };
}

/** ACCOUNT_CONFIG_UPDATE `ac` for a leverage change (the REST route POST /fapi/v1/leverage can call this). */
export function publishLeverage(engine: SimEngine, symbol: string, leverage: number): void {
  engine.spec(symbol);
  if (!Number.isInteger(leverage) || leverage < 1 || leverage > 125) throw new SimError(-4028, 'Leverage is not valid');
  engine.publish(leverageConfig(stampAt(engine.clockNow()), symbol, leverage));
}

/** ACCOUNT_CONFIG_UPDATE `ai` for a Multi-Assets mode change. */
export function publishMultiAssets(engine: SimEngine, multiAssets: boolean): void {
  engine.publish(multiAssetsConfig(stampAt(engine.clockNow()), multiAssets));
}

// ---- control API bodies ------------------------------------------------------------------------

type Body = Record<string, unknown>;
const opt = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

/** POST /__sim/liquidate {"symbol","positionSide","price"?,"quantity"?,"kind","execution","orderType"?}. */
export function liquidateFromBody(engine: SimEngine, b: Body): LiquidationResult {
  return liquidate(engine, {
    symbol: String(b.symbol), positionSide: opt(b.positionSide), price: opt(b.price), quantity: opt(b.quantity),
    kind: (b.kind ?? 'liquidation') as LiquidationRequest['kind'], execution: (b.execution ?? 'TRADE') as LiquidationRequest['execution'], orderType: opt(b.orderType),
  });
}

/** POST /__sim/funding {"symbol","rate"}. */
export function fundingFromBody(engine: SimEngine, b: Body): FundingResult {
  return settleFunding(engine, { symbol: String(b.symbol), rate: String(b.rate) });
}

/** POST /__sim/account-config {"symbol","leverage"} and/or {"multiAssets":true|false}: one frame each. */
export function accountConfigFromBody(engine: SimEngine, b: Body): { published: number } {
  let published = 0;
  if (b.leverage !== undefined) {
    publishLeverage(engine, String(b.symbol), Number(b.leverage));
    published++;
  }
  if (b.multiAssets !== undefined) {
    if (typeof b.multiAssets !== 'boolean') throw new SimError(-1102, 'multiAssets must be true or false.');
    publishMultiAssets(engine, b.multiAssets);
    published++;
  }
  if (published === 0) throw new SimError(-1102, 'Send "leverage" (with "symbol") or "multiAssets".');
  return { published };
}

// ---- helpers -----------------------------------------------------------------------------------

function positionSideOf(engine: SimEngine, value: string | undefined): PositionSide {
  if (engine.opts.positionMode === 'one_way') {
    if (value !== undefined && value !== 'BOTH') throw new SimError(-4061, "Order's position side does not match user's setting.");
    return 'BOTH';
  }
  if (value !== 'LONG' && value !== 'SHORT') throw new SimError(-4061, "Order's position side does not match user's setting.");
  return value;
}

function positive(value: string, name: string): Decimal {
  const v = decimalParam(value, name);
  if (v.lte(ZERO)) throw new SimError(-1102, `${name} must be positive.`);
  return v;
}

function closingSide(amt: Decimal): Side {
  return amt.isPositive() ? 'SELL' : 'BUY';
}

/**
 * Reduces the position by qty at price; returns the realized PnL, which also accumulates into the
 * position's `cr`. The entry stays until the position is flat.
 */
function closePosition(p: SimPosition, price: Decimal, qty: Decimal, t: number): Decimal {
  const amt = new Decimal(p.positionAmt);
  const sign = amt.isPositive() ? 1 : -1;
  const realized = price.sub(new Decimal(p.entryPrice)).mul(qty).mul(sign);
  const next = amt.sub(qty.mul(sign));
  p.positionAmt = str(next);
  if (next.isZero()) p.entryPrice = '0';
  p.cumRealized = str(new Decimal(p.cumRealized ?? '0').add(realized));
  p.updateTime = t;
  return realized;
}

/** The symbol's open buy and sell notional (what is left of each open order at its price). */
function bookNotional(engine: SimEngine, symbol: string): BookNotional {
  let bids = ZERO;
  let asks = ZERO;
  for (const o of engine.openOrderList(symbol)) {
    const left = new Decimal(o.origQty).sub(new Decimal(o.executedQty)).mul(new Decimal(o.price));
    if (o.side === 'BUY') bids = bids.add(left);
    else asks = asks.add(left);
  }
  return { bids: str(bids), asks: str(asks) };
}
