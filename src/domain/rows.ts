// Normalized rows: what adapters (and the conformance harness) hand to the runtime.
// Every money field is a Decimal; every timestamp is UTC epoch milliseconds.
import type { Decimal } from './decimal.js';
import type { ManagedSide } from './scope.js';

export type OrderSide = 'BUY' | 'SELL';
/** Order kinds exstate places and manages. */
export type ManagedOrderType = 'LIMIT' | 'MARKET' | 'STOP_MARKET' | 'TAKE_PROFIT_MARKET' | 'STOP' | 'TAKE_PROFIT';
export const ORDER_TYPES: readonly ManagedOrderType[] = ['LIMIT', 'MARKET', 'STOP_MARKET', 'TAKE_PROFIT_MARKET', 'STOP', 'TAKE_PROFIT'];
/**
 * Kinds the venue reports but exstate never places: they stay what they are (a trailing stop or a
 * liquidation is not a MARKET order). `UNKNOWN` keeps the venue's own name in `venueType`.
 */
export type ForeignOrderType = 'TRAILING_STOP_MARKET' | 'LIQUIDATION' | 'ADL' | 'UNKNOWN';
export const FOREIGN_ORDER_TYPES: readonly ForeignOrderType[] = ['TRAILING_STOP_MARKET', 'LIQUIDATION', 'ADL', 'UNKNOWN'];
export type OrderType = ManagedOrderType | ForeignOrderType;
export const ALL_ORDER_TYPES: readonly OrderType[] = [...ORDER_TYPES, ...FOREIGN_ORDER_TYPES];

export type ActiveOrderStatus = 'NEW' | 'PARTIALLY_FILLED';
export type OrderStatus = ActiveOrderStatus | 'FILLED' | 'CANCELED' | 'REJECTED' | 'EXPIRED' | 'TRIGGERED' | 'AMENDED';
export const ORDER_STATUSES: readonly OrderStatus[] = ['NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'REJECTED', 'EXPIRED', 'TRIGGERED', 'AMENDED'];
export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(['FILLED', 'CANCELED', 'REJECTED', 'EXPIRED', 'TRIGGERED']);

/** Side of the row as far as the venue told it: 'BOTH' when the venue does not say (one-way mode). */
export type RowSide = ManagedSide | 'BOTH';

/**
 * Venue times of a row (UTC epoch ms). `transactionTimeMs` is when the venue applied the change
 * (Binance `T`: one fill carries the same `T` in its order row and its position row);
 * `eventTimeMs` is when the venue emitted the row (Binance `E`). Absent when the source has none.
 */
export interface VenueTimes {
  transactionTimeMs?: number;
  eventTimeMs?: number;
}

export interface OrderFields extends VenueTimes {
  symbol: string;
  managedSide: RowSide;
  customOrderId?: string;
  exchangeOrderId?: string;
  side: OrderSide;
  type: OrderType;
  /** The venue's own name for a type exstate does not know (`type` is then `UNKNOWN`). */
  venueType?: string;
  price?: Decimal;
  triggerPrice?: Decimal;
  qty?: Decimal;
  /** Cumulative filled quantity (Binance `z`), never the last fill alone. */
  filledQty?: Decimal;
  avgPrice?: Decimal;
  reduceOnly?: boolean;
  closePosition?: boolean;
  /** The venue order list this order is a leg of (Binance spot `orderListId`): the legs of one list lock their asset once. */
  listId?: string;
}

export interface OrderRow extends OrderFields {
  kind: 'order';
  status: OrderStatus;
}

export interface ExecutionRow extends VenueTimes {
  kind: 'execution';
  symbol: string;
  managedSide: RowSide;
  customOrderId?: string;
  exchangeOrderId?: string;
  tradeId: string;
  side: OrderSide;
  price: Decimal;
  qty: Decimal;
  fee?: Decimal;
  feeAsset?: string;
  /** The realized profit of this fill as the venue reported it (Binance `rp` / `realizedPnl`); absent when it did not. */
  realizedPnl?: Decimal;
  /** A liquidation or ADL execution (Binance `x=CALCULATED`, `autoclose-`/`adl_autoclose` ids). */
  liquidation?: boolean;
}

export interface PositionRow extends VenueTimes {
  kind: 'position';
  symbol: string;
  managedSide: ManagedSide;
  size: Decimal;
  entryPrice: Decimal;
  /**
   * Spot: the trade history does not explain the holding, so `entryPrice` is the price when it was
   * read. An estimate is taken once, when the position's life starts: a later snapshot never moves it.
   */
  entryEstimated?: boolean;
}

export interface BalanceRow {
  kind: 'balance';
  asset: string;
  /** Absent on margin-only frames: such a frame never zeroes the balance. */
  walletBalance?: Decimal;
  availableBalance?: Decimal;
}

export type PrivateRow = OrderRow | ExecutionRow | PositionRow | BalanceRow;

export interface Filters {
  tickSize: Decimal;
  stepSize: Decimal;
  minQty: Decimal;
  minNotional: Decimal;
  /** Spot: the market's base asset (the venue's market data; fees paid in it reduce the holding). */
  baseAsset?: string;
}

/** A REST snapshot: each present section replaces what it covers. */
export interface RestSnapshot {
  positions?: PositionRow[];
  openOrders?: OrderRow[];
  filters?: Record<string, Filters>;
  balances?: BalanceRow[];
  fills?: ExecutionRow[];
}
