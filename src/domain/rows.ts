// Normalized rows: what adapters (and the conformance harness) hand to the runtime.
// Every money field is a Decimal; every timestamp is UTC epoch milliseconds.
import type { Decimal } from './decimal.js';
import type { ManagedSide } from './scope.js';

export type OrderSide = 'BUY' | 'SELL';
export type OrderType = 'LIMIT' | 'MARKET' | 'STOP_MARKET' | 'TAKE_PROFIT_MARKET' | 'STOP' | 'TAKE_PROFIT';
export const ORDER_TYPES: readonly OrderType[] = ['LIMIT', 'MARKET', 'STOP_MARKET', 'TAKE_PROFIT_MARKET', 'STOP', 'TAKE_PROFIT'];

export type ActiveOrderStatus = 'NEW' | 'PARTIALLY_FILLED';
export type OrderStatus = ActiveOrderStatus | 'FILLED' | 'CANCELED' | 'REJECTED' | 'EXPIRED' | 'TRIGGERED' | 'AMENDED';
export const ORDER_STATUSES: readonly OrderStatus[] = ['NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'REJECTED', 'EXPIRED', 'TRIGGERED', 'AMENDED'];
export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(['FILLED', 'CANCELED', 'REJECTED', 'EXPIRED', 'TRIGGERED']);

/** Side of the row as far as the venue told it: 'BOTH' when the venue does not say (one-way mode). */
export type RowSide = ManagedSide | 'BOTH';

export interface OrderFields {
  symbol: string;
  managedSide: RowSide;
  customOrderId?: string;
  exchangeOrderId?: string;
  side: OrderSide;
  type: OrderType;
  price?: Decimal;
  triggerPrice?: Decimal;
  qty?: Decimal;
  filledQty?: Decimal;
  avgPrice?: Decimal;
  reduceOnly?: boolean;
  closePosition?: boolean;
}

export interface OrderRow extends OrderFields {
  kind: 'order';
  status: OrderStatus;
}

export interface ExecutionRow {
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
}

export interface PositionRow {
  kind: 'position';
  symbol: string;
  managedSide: ManagedSide;
  size: Decimal;
  entryPrice: Decimal;
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
}

/** A REST snapshot: each present section replaces what it covers. */
export interface RestSnapshot {
  positions?: PositionRow[];
  openOrders?: OrderRow[];
  filters?: Record<string, Filters>;
  balances?: BalanceRow[];
  fills?: ExecutionRow[];
}
