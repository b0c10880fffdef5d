// Binance spot payloads (user-data events over the WebSocket API and REST rows, read raw: never
// ccxt's parsed floats) -> the runtime's normalized rows. Money stays decimal from the venue's
// strings; a malformed figure throws an error naming the field and the value (the stream turns it
// into a `malformed` item and goes on). Field names: https://developers.binance.com/docs/binance-spot-api-docs/user-data-stream
// (executionReport, outboundAccountPosition) and the REST pages (order, openOrders, myTrades, account).
//
// Spot has no position side: order and fill rows say BOTH (the runtime routes spot fills to the
// LONG scope, and app orders by their context).
import { Decimal } from '../../domain/decimal.js';
import type { BalanceRow, ExecutionRow, Filters, OrderRow, OrderStatus, OrderType } from '../../domain/rows.js';
import { optionalDecimal as optional, rawDecimal as num, rawOrderSide as side, rawText as text, rawTime } from '../raw-fields.js';

type Raw = Record<string, unknown>;

/** Binance spot says -1 for a time an event does not have. */
const time = (v: unknown, field: string) => rawTime(v, field, [0, -1]);

// PENDING_CANCEL is still open (the cancel has not taken effect); EXPIRED_IN_MATCH is Binance's
// self-trade prevention expiry.
const ORDER_STATUS: Record<string, OrderStatus> = {
  NEW: 'NEW', PARTIALLY_FILLED: 'PARTIALLY_FILLED', PENDING_NEW: 'NEW', PENDING_CANCEL: 'NEW',
  FILLED: 'FILLED', CANCELED: 'CANCELED', REJECTED: 'REJECTED', EXPIRED: 'EXPIRED', EXPIRED_IN_MATCH: 'EXPIRED',
};

function statusOf(value: unknown, field: string): OrderStatus {
  const status = ORDER_STATUS[String(value)];
  if (!status) throw new Error(`${field}: unknown order status (got ${JSON.stringify(value)})`);
  return status;
}

// A LIMIT_MAKER (an OCO's take-profit leg) rests as a limit order; STOP_LOSS and TAKE_PROFIT
// become market orders when the last price reaches their stopPrice, the _LIMIT forms limit orders.
const ORDER_TYPE: Record<string, OrderType> = {
  LIMIT: 'LIMIT', LIMIT_MAKER: 'LIMIT', MARKET: 'MARKET', STOP_LOSS: 'STOP_MARKET', STOP_LOSS_LIMIT: 'STOP',
  TAKE_PROFIT: 'TAKE_PROFIT_MARKET', TAKE_PROFIT_LIMIT: 'TAKE_PROFIT',
};

function typeOf(value: unknown): { type: OrderType; venueType?: string } {
  const type = ORDER_TYPE[String(value)];
  return type ? { type } : { type: 'UNKNOWN', venueType: String(value) };
}

const MARKET_TYPES: ReadonlySet<OrderType> = new Set(['MARKET', 'STOP_MARKET', 'TAKE_PROFIT_MARKET']);

/** Binance's orderListId (`g` on a report): -1 for an order in no list. */
function listIdOf(v: unknown): { listId?: string } {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : -1;
  return Number.isSafeInteger(n) && n >= 0 ? { listId: String(n) } : {};
}

function avg(quote: Decimal | undefined, filled: Decimal): Decimal | undefined {
  return quote && filled.gt(0) ? quote.div(filled) : undefined;
}

/**
 * An executionReport -> order row. On a cancel `c` is the cancel request's own id and `C` the
 * order's: the row carries the order's custom id.
 */
export function orderRowOfReport(r: Raw): OrderRow {
  const { type, venueType } = typeOf(r.o);
  const original = typeof r.C === 'string' && r.C ? r.C : undefined;
  const own = typeof r.c === 'string' && r.c ? r.c : undefined;
  const filledQty = num(r.z ?? '0', 'z');
  const transactionTimeMs = time(r.T, 'T');
  const eventTimeMs = time(r.E, 'E');
  return {
    kind: 'order', symbol: text(r.s, 's'), managedSide: 'BOTH', customOrderId: r.x === 'CANCELED' && original ? original : own ?? original,
    exchangeOrderId: text(r.i, 'i'), side: side(r.S, 'S'), type, ...(venueType !== undefined ? { venueType } : {}), status: statusOf(r.X, 'X'), ...listIdOf(r.g),
    price: MARKET_TYPES.has(type) ? undefined : optional(r.p, 'p'), triggerPrice: optional(r.P, 'P'), qty: optional(r.q, 'q'),
    filledQty, avgPrice: avg(optional(r.Z, 'Z'), filledQty), reduceOnly: false, closePosition: false,
    ...(transactionTimeMs !== undefined ? { transactionTimeMs } : {}), ...(eventTimeMs !== undefined ? { eventTimeMs } : {}),
  };
}

/** An executionReport with x=TRADE -> fill row (l last quantity, L last price, n commission in N, t trade id). */
export function executionRowOfReport(r: Raw): ExecutionRow {
  const qty = num(r.l, 'l');
  if (!qty.gt(0)) throw new Error(`l: a fill quantity must be greater than zero (got ${JSON.stringify(r.l)})`);
  const fee = r.n === undefined || r.n === null || r.n === '' ? undefined : num(r.n, 'n');
  const transactionTimeMs = time(r.T, 'T');
  const eventTimeMs = time(r.E, 'E');
  return {
    kind: 'execution', symbol: text(r.s, 's'), managedSide: 'BOTH', ...(typeof r.c === 'string' && r.c ? { customOrderId: r.c } : {}),
    exchangeOrderId: text(r.i, 'i'), tradeId: text(r.t, 't'), side: side(r.S, 'S'), price: num(r.L, 'L'), qty,
    ...(fee !== undefined ? { fee } : {}), ...(typeof r.N === 'string' && r.N ? { feeAsset: r.N } : {}),
    ...(transactionTimeMs !== undefined ? { transactionTimeMs } : {}), ...(eventTimeMs !== undefined ? { eventTimeMs } : {}),
  };
}

/** outboundAccountPosition -> a balance row per asset: the wallet is free + locked, free is available. */
export function balanceRowsOfAccountPosition(e: Raw): BalanceRow[] {
  if (!Array.isArray(e.B)) throw new Error('B: expected a list of balances');
  return (e.B as Raw[]).map((b) => balanceRow(b.a, b.f, b.l));
}

/** GET /api/v3/account -> a balance row per asset. */
export function balanceRowsOfAccount(account: Raw): BalanceRow[] {
  if (!Array.isArray(account.balances)) throw new Error('balances: expected a list');
  return (account.balances as Raw[]).map((b) => balanceRow(b.asset, b.free, b.locked));
}

function balanceRow(asset: unknown, free: unknown, locked: unknown): BalanceRow {
  const f = num(free, 'free');
  return { kind: 'balance', asset: text(asset, 'asset'), walletBalance: f.plus(num(locked, 'locked')), availableBalance: f };
}

/** The base asset's total (free + locked) in an account answer; zero when it is not listed. */
export function heldOf(account: Raw, asset: string): Decimal {
  const row = Array.isArray(account.balances) ? (account.balances as Raw[]).find((b) => b.asset === asset) : undefined;
  return row ? num(row.free, 'free').plus(num(row.locked, 'locked')) : new Decimal(0);
}

/** GET /api/v3/order and /api/v3/openOrders rows -> order row. */
export function orderRowOfRest(o: Raw): OrderRow {
  const { type, venueType } = typeOf(o.type);
  const filledQty = num(o.executedQty ?? '0', 'executedQty');
  const transactionTimeMs = time(o.updateTime ?? o.transactTime ?? o.time, 'updateTime');
  return {
    kind: 'order', symbol: text(o.symbol, 'symbol'), managedSide: 'BOTH', customOrderId: typeof o.clientOrderId === 'string' && o.clientOrderId ? o.clientOrderId : undefined,
    exchangeOrderId: text(o.orderId, 'orderId'), side: side(o.side, 'side'), type, ...(venueType !== undefined ? { venueType } : {}), status: statusOf(o.status, 'status'), ...listIdOf(o.orderListId),
    price: MARKET_TYPES.has(type) ? undefined : optional(o.price, 'price'), triggerPrice: optional(o.stopPrice, 'stopPrice'), qty: optional(o.origQty, 'origQty'),
    filledQty, avgPrice: avg(optional(o.cummulativeQuoteQty, 'cummulativeQuoteQty'), filledQty), reduceOnly: false, closePosition: false,
    ...(transactionTimeMs !== undefined ? { transactionTimeMs } : {}),
  };
}

/** GET /api/v3/myTrades row -> fill row (no client id in the row: the order id links it). */
export function executionRowOfTrade(t: Raw, customOrderIdOf?: (orderId: string) => string | undefined): ExecutionRow {
  const qty = num(t.qty, 'qty');
  if (!qty.gt(0)) throw new Error(`qty: a fill quantity must be greater than zero (got ${JSON.stringify(t.qty)})`);
  const orderId = text(t.orderId, 'orderId');
  const customOrderId = customOrderIdOf?.(orderId);
  const transactionTimeMs = time(t.time, 'time');
  return {
    kind: 'execution', symbol: text(t.symbol, 'symbol'), managedSide: 'BOTH', ...(customOrderId ? { customOrderId } : {}), exchangeOrderId: orderId,
    tradeId: text(t.id, 'id'), side: t.isBuyer === true ? 'BUY' : t.isBuyer === false ? 'SELL' : side(undefined, 'isBuyer'), price: num(t.price, 'price'), qty,
    ...(t.commission !== undefined ? { fee: num(t.commission, 'commission') } : {}), ...(typeof t.commissionAsset === 'string' && t.commissionAsset ? { feeAsset: t.commissionAsset } : {}),
    ...(transactionTimeMs !== undefined ? { transactionTimeMs } : {}),
  };
}

/** An exchangeInfo symbol -> Filters (PRICE_FILTER, LOT_SIZE, NOTIONAL or MIN_NOTIONAL), from the raw strings. */
export function filtersOf(info: Raw): Filters | undefined {
  const list = Array.isArray(info.filters) ? (info.filters as Raw[]) : [];
  const of = (type: string) => list.find((f) => f.filterType === type);
  const price = of('PRICE_FILTER');
  const lot = of('LOT_SIZE');
  const notional = of('NOTIONAL') ?? of('MIN_NOTIONAL');
  if (!price || !lot) return undefined;
  return {
    tickSize: num(price.tickSize, 'tickSize'), stepSize: num(lot.stepSize, 'stepSize'), minQty: num(lot.minQty, 'minQty'),
    minNotional: notional ? num(notional.minNotional, 'minNotional') : new Decimal(0),
    ...(typeof info.baseAsset === 'string' && info.baseAsset ? { baseAsset: info.baseAsset } : {}),
  };
}
