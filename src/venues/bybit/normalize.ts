// Bybit V5 payloads (private topics and REST `result.list` rows, read raw: never ccxt's parsed
// floats) -> the runtime's normalized rows. Money stays decimal from the venue's strings; a
// malformed figure throws an error naming the field and the value (the stream turns it into a
// `malformed` item and goes on). Field names: https://bybit-exchange.github.io/docs/v5/websocket/private/order,
// .../execution, .../position, .../wallet, and the REST pages of the same rows.
import { Decimal } from '../../domain/decimal.js';
import type { BalanceRow, ExecutionRow, Filters, OrderRow, OrderStatus, OrderType, PositionRow, RowSide } from '../../domain/rows.js';
import { optionalDecimal as optional, rawDecimal as num, rawText as text, rawTime as time } from '../raw-fields.js';

type Raw = Record<string, unknown>;

/** The frame's `creationTime` (when Bybit emitted it) beside the row's own time. */
export interface TopicTimes {
  creationTime?: unknown;
}

function times(transaction: unknown, field: string, frame?: TopicTimes) {
  const transactionTimeMs = time(transaction, field);
  const eventTimeMs = time(frame?.creationTime, 'creationTime');
  return { ...(transactionTimeMs !== undefined ? { transactionTimeMs } : {}), ...(eventTimeMs !== undefined ? { eventTimeMs } : {}) };
}

/** Bybit spells sides Buy and Sell. */
function orderSide(v: unknown, field: string): 'BUY' | 'SELL' {
  if (v === 'Buy') return 'BUY';
  if (v === 'Sell') return 'SELL';
  throw new Error(`${field}: not an order side (got ${JSON.stringify(v)})`);
}

/** positionIdx: 0 one-way, 1 the long side of hedge mode, 2 its short side. */
export function sideOfIdx(idx: unknown): RowSide {
  const n = Number(idx);
  if (n === 1) return 'LONG';
  if (n === 2) return 'SHORT';
  if (n === 0 || idx === undefined || idx === null || idx === '') return 'BOTH';
  throw new Error(`positionIdx: expected 0, 1 or 2 (got ${JSON.stringify(idx)})`);
}

// Untriggered: a conditional order waiting for its trigger. Triggered: it fired, an instant state;
// the market or limit order it became keeps the same ids and reports New and Filled next, so it is
// still the slot's open order (read as terminal, the SL would look gone and be placed again while
// the fired one fills). Deactivated: a conditional order cancelled before its trigger;
// PartiallyFilledCanceled: cancelled with fills (filledQty says).
const ORDER_STATUS: Record<string, OrderStatus> = {
  New: 'NEW', PartiallyFilled: 'PARTIALLY_FILLED', Untriggered: 'NEW', Active: 'NEW', Created: 'NEW',
  Triggered: 'NEW', Filled: 'FILLED', Cancelled: 'CANCELED', PartiallyFilledCanceled: 'CANCELED', Deactivated: 'CANCELED', Rejected: 'REJECTED',
};

function statusOf(value: unknown): OrderStatus {
  const status = ORDER_STATUS[String(value)];
  if (!status) throw new Error(`orderStatus: unknown order status (got ${JSON.stringify(value)})`);
  return status;
}

/**
 * The order's kind. A conditional order (a trigger price, or a stopOrderType) is a stop or a
 * take-profit by where it triggers: one that sells when the price falls (or buys when it rises)
 * stops a loss; the opposite takes a profit. Bybit's position-level TP/SL keep their own names.
 */
function orderType(o: Raw): { type: OrderType; venueType?: string } {
  const base = String(o.orderType);
  if (base !== 'Limit' && base !== 'Market') return { type: 'UNKNOWN', venueType: base };
  const stopType = typeof o.stopOrderType === 'string' ? o.stopOrderType : '';
  const trigger = optional(o.triggerPrice, 'triggerPrice');
  if (stopType === 'TrailingStop') return { type: 'TRAILING_STOP_MARKET' };
  if (stopType === '' && trigger === undefined) return { type: base === 'Limit' ? 'LIMIT' : 'MARKET' };
  const limit = base === 'Limit';
  if (stopType === 'StopLoss' || stopType === 'PartialStopLoss') return { type: limit ? 'STOP' : 'STOP_MARKET' };
  if (stopType === 'TakeProfit' || stopType === 'PartialTakeProfit') return { type: limit ? 'TAKE_PROFIT' : 'TAKE_PROFIT_MARKET' };
  const direction = Number(o.triggerDirection);
  if (direction !== 1 && direction !== 2) return { type: 'UNKNOWN', venueType: `${base}/${stopType || 'conditional'}` };
  const sell = o.side === 'Sell';
  const stopsLoss = (sell && direction === 2) || (!sell && direction === 1);
  return stopsLoss ? { type: limit ? 'STOP' : 'STOP_MARKET' } : { type: limit ? 'TAKE_PROFIT' : 'TAKE_PROFIT_MARKET' };
}

const boolOf = (v: unknown) => v === true || v === 'true';

/** An order (private topic `order`, REST /v5/order/realtime and /history) -> order row. */
export function orderRow(o: Raw, frame?: TopicTimes): OrderRow {
  const { type, venueType } = orderType(o);
  const market = type === 'MARKET' || type === 'STOP_MARKET' || type === 'TAKE_PROFIT_MARKET' || type === 'TRAILING_STOP_MARKET';
  return {
    kind: 'order', symbol: text(o.symbol, 'symbol'), managedSide: sideOfIdx(o.positionIdx),
    customOrderId: typeof o.orderLinkId === 'string' && o.orderLinkId ? o.orderLinkId : undefined, exchangeOrderId: text(o.orderId, 'orderId'),
    side: orderSide(o.side, 'side'), type, ...(venueType !== undefined ? { venueType } : {}), status: statusOf(o.orderStatus),
    // A market order's `price` is Bybit's slippage guard, not a limit price exstate asked for.
    price: market ? undefined : optional(o.price, 'price'), triggerPrice: type === 'TRAILING_STOP_MARKET' ? undefined : optional(o.triggerPrice, 'triggerPrice'),
    qty: optional(o.qty, 'qty'), filledQty: optional(o.cumExecQty, 'cumExecQty') ?? new Decimal(0), avgPrice: optional(o.avgPrice, 'avgPrice'),
    reduceOnly: boolOf(o.reduceOnly), closePosition: false, ...times(o.updatedTime, 'updatedTime', frame),
  };
}

/** Executions that are fills of the account's orders; others (Funding, Settle, ...) make no row. */
export const FILL_EXEC_TYPES: ReadonlySet<string> = new Set(['Trade', 'BustTrade', 'AdlTrade']);

/**
 * An execution (private topic `execution`, REST /v5/execution/list) -> fill row. Bybit's
 * execution has no positionIdx: in hedge mode the side comes from the order (sideOfOrder), else
 * from the fill itself (a fill that closed something reduced the side it trades against).
 */
export function executionRow(e: Raw, hedge: boolean, sideOfOrder: (orderId: string) => RowSide | undefined, frame?: TopicTimes): ExecutionRow {
  const orderId = text(e.orderId, 'orderId');
  const side = orderSide(e.side, 'side');
  const qty = num(e.execQty, 'execQty');
  if (!qty.gt(0)) throw new Error(`execQty: a fill quantity must be greater than zero (got ${JSON.stringify(e.execQty)})`);
  let managedSide: RowSide = 'BOTH';
  if (hedge) {
    const closed = optional(e.closedSize, 'closedSize');
    managedSide = sideOfOrder(orderId) ?? (closed ? (side === 'SELL' ? 'LONG' : 'SHORT') : side === 'BUY' ? 'LONG' : 'SHORT');
  }
  const fee = e.execFee === undefined || e.execFee === null || e.execFee === '' ? undefined : num(e.execFee, 'execFee');
  return {
    kind: 'execution', symbol: text(e.symbol, 'symbol'), managedSide, ...(typeof e.orderLinkId === 'string' && e.orderLinkId ? { customOrderId: e.orderLinkId } : {}),
    exchangeOrderId: orderId, tradeId: text(e.execId, 'execId'), side, price: num(e.execPrice, 'execPrice'), qty,
    ...(fee !== undefined ? { fee } : {}), ...(typeof e.feeCurrency === 'string' && e.feeCurrency ? { feeAsset: e.feeCurrency } : {}),
    ...(e.execType === 'BustTrade' || e.execType === 'AdlTrade' ? { liquidation: true } : {}), ...times(e.execTime, 'execTime', frame),
  };
}

/**
 * A position (private topic `position`, REST /v5/position/list) -> rows. Hedge mode has one row
 * per side (positionIdx 1 and 2); one-way mode one row whose `side` says which (Buy long, Sell
 * short, "" flat: both sides read flat, as Binance's zero BOTH entry).
 */
export function positionRows(p: Raw, frame?: TopicTimes): PositionRow[] {
  const symbol = text(p.symbol, 'symbol');
  const size = num(p.size ?? '0', 'size').abs();
  const entryPrice = num(p.avgPrice ?? p.entryPrice ?? '0', p.avgPrice !== undefined ? 'avgPrice' : 'entryPrice');
  const at = times(p.updatedTime, 'updatedTime', frame);
  const idxSide = sideOfIdx(p.positionIdx);
  if (idxSide !== 'BOTH') return [{ kind: 'position', symbol, managedSide: idxSide, size, entryPrice, ...at }];
  if (size.isZero() || p.side === '' || p.side === 'None') {
    return [
      { kind: 'position', symbol, managedSide: 'LONG', size: new Decimal(0), entryPrice, ...at },
      { kind: 'position', symbol, managedSide: 'SHORT', size: new Decimal(0), entryPrice, ...at },
    ];
  }
  return [{ kind: 'position', symbol, managedSide: orderSide(p.side, 'side') === 'BUY' ? 'LONG' : 'SHORT', size, entryPrice, ...at }];
}

/** A wallet entry (private topic `wallet`, REST /v5/account/wallet-balance) -> a balance row per coin. */
export function balanceRows(w: Raw): BalanceRow[] {
  const coins = Array.isArray(w.coin) ? (w.coin as Raw[]) : [];
  return coins.map((c) => ({ kind: 'balance', asset: text(c.coin, 'coin'), walletBalance: num(c.walletBalance, 'walletBalance') }));
}

/** An instrument (/v5/market/instruments-info) -> Filters, from the raw strings. */
export function filtersOf(info: Raw): Filters | undefined {
  const price = info.priceFilter as Raw | undefined;
  const lot = info.lotSizeFilter as Raw | undefined;
  if (!price || !lot) return undefined;
  return {
    tickSize: num(price.tickSize, 'tickSize'),
    stepSize: num(lot.qtyStep, 'qtyStep'),
    minQty: num(lot.minOrderQty, 'minOrderQty'),
    minNotional: num(lot.minNotionalValue ?? '0', 'minNotionalValue'),
  };
}
