// Binance payloads (stream and REST, read from ccxt's `info`) -> the runtime's normalized rows.
// Money stays decimal: every figure is taken from the raw string, never from ccxt's floats.
import { Decimal } from '../../domain/decimal.js';
import { parseDecimal } from '../../domain/decimal.js';
import type { BalanceRow, ExecutionRow, Filters, OrderRow, OrderStatus, OrderType, PositionRow, RowSide } from '../../domain/rows.js';

type Raw = Record<string, unknown>;

export const CONDITIONAL_TYPES: ReadonlySet<string> = new Set(['STOP_MARKET', 'TAKE_PROFIT_MARKET', 'STOP', 'TAKE_PROFIT']);

/** Algo (conditional) order ids live in their own namespace; prefix them to keep ids distinct. */
export const algoOrderId = (id: unknown) => `algo-${String(id)}`;

function dec(value: unknown, field: string): Decimal | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const d = parseDecimal(String(value), field);
  return d.isZero() ? undefined : d;
}

function side(ps: unknown): RowSide {
  return ps === 'LONG' || ps === 'SHORT' ? ps : 'BOTH';
}

/** In hedge mode the side tells whether an order closes: Binance echoes R=false for those. */
function reduceOnlyOf(raw: unknown, orderSide: unknown, ps: unknown): boolean {
  if (raw === true || raw === 'true') return true;
  return (ps === 'LONG' && orderSide === 'SELL') || (ps === 'SHORT' && orderSide === 'BUY');
}

const ORDER_STATUS: Record<string, OrderStatus> = {
  NEW: 'NEW', PARTIALLY_FILLED: 'PARTIALLY_FILLED', FILLED: 'FILLED', CANCELED: 'CANCELED', EXPIRED: 'EXPIRED', EXPIRED_IN_MATCH: 'EXPIRED', REJECTED: 'REJECTED',
};

const ALGO_STATUS: Record<string, OrderStatus> = {
  NEW: 'NEW', TRIGGERING: 'NEW', TRIGGERED: 'TRIGGERED', FINISHED: 'TRIGGERED', CANCELED: 'CANCELED', EXPIRED: 'EXPIRED', REJECTED: 'REJECTED',
};

function orderType(v: unknown): OrderType {
  const t = String(v);
  return (['LIMIT', 'MARKET', 'STOP_MARKET', 'TAKE_PROFIT_MARKET', 'STOP', 'TAKE_PROFIT'].includes(t) ? t : 'MARKET') as OrderType;
}

/** ORDER_TRADE_UPDATE `o` -> order row (AMENDMENT executions become AMENDED). */
export function streamOrderRow(o: Raw): OrderRow {
  const status = o.x === 'AMENDMENT' ? 'AMENDED' : ORDER_STATUS[String(o.X)] ?? 'NEW';
  return {
    kind: 'order', symbol: String(o.s), managedSide: side(o.ps), customOrderId: o.c ? String(o.c) : undefined, exchangeOrderId: String(o.i),
    side: o.S === 'SELL' ? 'SELL' : 'BUY', type: orderType(o.o), status, price: dec(o.p, 'p'), triggerPrice: dec(o.sp, 'sp'),
    qty: dec(o.q, 'q'), filledQty: dec(o.z, 'z') ?? new Decimal(0), avgPrice: dec(o.ap, 'ap'),
    reduceOnly: reduceOnlyOf(o.R, o.S, o.ps), closePosition: o.cp === true,
  };
}

/** ALGO_UPDATE `o` -> order row of the conditional order. */
export function streamAlgoRow(o: Raw): OrderRow {
  return {
    kind: 'order', symbol: String(o.s), managedSide: side(o.ps), customOrderId: o.caid ? String(o.caid) : undefined, exchangeOrderId: algoOrderId(o.aid),
    side: o.S === 'SELL' ? 'SELL' : 'BUY', type: orderType(o.o), status: ALGO_STATUS[String(o.X)] ?? 'NEW', price: dec(o.p, 'p'), triggerPrice: dec(o.tp, 'tp'),
    qty: o.cp === true ? undefined : dec(o.q, 'q'), reduceOnly: reduceOnlyOf(o.R, o.S, o.ps), closePosition: o.cp === true,
  };
}

/** ORDER_TRADE_UPDATE with x=TRADE -> execution row: the last fill's true price and quantity. */
export function streamTradeRow(o: Raw): ExecutionRow {
  return {
    kind: 'execution', symbol: String(o.s), managedSide: side(o.ps), customOrderId: o.c ? String(o.c) : undefined, exchangeOrderId: String(o.i),
    tradeId: String(o.t), side: o.S === 'SELL' ? 'SELL' : 'BUY', price: parseDecimal(String(o.L), 'L'), qty: parseDecimal(String(o.l), 'l'),
    fee: o.n !== undefined ? parseDecimal(String(o.n), 'n') : undefined, feeAsset: o.N ? String(o.N) : undefined,
  };
}

/** A position entry (ACCOUNT_UPDATE `P` or REST positionRisk) -> rows; one-way BOTH maps by sign. */
export function positionRows(p: Raw, amountKey: 'pa' | 'positionAmt', entryKey: 'ep' | 'entryPrice'): PositionRow[] {
  const symbol = String(p.s ?? p.symbol);
  const amt = parseDecimal(String(p[amountKey] ?? '0'), amountKey);
  const entry = parseDecimal(String(p[entryKey] ?? '0'), entryKey);
  const ps = p.ps ?? p.positionSide;
  if (ps === 'LONG' || ps === 'SHORT') return [{ kind: 'position', symbol, managedSide: ps, size: amt.abs(), entryPrice: entry }];
  if (amt.isZero()) {
    return [
      { kind: 'position', symbol, managedSide: 'LONG', size: amt, entryPrice: entry },
      { kind: 'position', symbol, managedSide: 'SHORT', size: amt, entryPrice: entry },
    ];
  }
  return [{ kind: 'position', symbol, managedSide: amt.isPositive() ? 'LONG' : 'SHORT', size: amt.abs(), entryPrice: entry }];
}

/** ACCOUNT_UPDATE `B` rows; a margin-only frame has none and so changes no balance. */
export function balanceRows(a: Raw): BalanceRow[] {
  const rows = Array.isArray(a.B) ? (a.B as Raw[]) : [];
  return rows.map((b) => ({ kind: 'balance', asset: String(b.a), walletBalance: parseDecimal(String(b.wb), 'wb') }));
}

/** REST regular order (openOrders, order) -> row. */
export function restOrderRow(o: Raw): OrderRow {
  return {
    kind: 'order', symbol: String(o.symbol), managedSide: side(o.positionSide), customOrderId: o.clientOrderId ? String(o.clientOrderId) : undefined,
    exchangeOrderId: String(o.orderId), side: o.side === 'SELL' ? 'SELL' : 'BUY', type: orderType(o.type), status: ORDER_STATUS[String(o.status)] ?? 'NEW',
    price: dec(o.price, 'price'), triggerPrice: dec(o.stopPrice, 'stopPrice'), qty: dec(o.origQty, 'origQty'), filledQty: dec(o.executedQty, 'executedQty') ?? new Decimal(0),
    avgPrice: dec(o.avgPrice, 'avgPrice'), reduceOnly: reduceOnlyOf(o.reduceOnly, o.side, o.positionSide), closePosition: o.closePosition === true,
  };
}

/** REST algo order (openAlgoOrders, algoOrder) -> row. */
export function restAlgoRow(o: Raw): OrderRow {
  return {
    kind: 'order', symbol: String(o.symbol), managedSide: side(o.positionSide), customOrderId: o.clientAlgoId ? String(o.clientAlgoId) : undefined,
    exchangeOrderId: algoOrderId(o.algoId), side: o.side === 'SELL' ? 'SELL' : 'BUY', type: orderType(o.orderType), status: ALGO_STATUS[String(o.algoStatus)] ?? 'NEW',
    price: dec(o.price, 'price'), triggerPrice: dec(o.triggerPrice, 'triggerPrice'), qty: o.closePosition === true ? undefined : dec(o.quantity, 'quantity'),
    reduceOnly: reduceOnlyOf(o.reduceOnly, o.side, o.positionSide), closePosition: o.closePosition === true,
  };
}

/** exchangeInfo symbol filters -> Filters (raw strings, never ccxt's floats). */
export function filtersOf(info: Raw): Filters | undefined {
  const filters = Array.isArray(info.filters) ? (info.filters as Raw[]) : [];
  const price = filters.find((f) => f.filterType === 'PRICE_FILTER');
  const lot = filters.find((f) => f.filterType === 'LOT_SIZE');
  const notional = filters.find((f) => f.filterType === 'MIN_NOTIONAL');
  if (!price || !lot) return undefined;
  return {
    tickSize: parseDecimal(String(price.tickSize), 'tickSize'),
    stepSize: parseDecimal(String(lot.stepSize), 'stepSize'),
    minQty: parseDecimal(String(lot.minQty), 'minQty'),
    minNotional: parseDecimal(String(notional?.notional ?? '0'), 'notional'),
  };
}
