// The spot venue's vocabulary: symbols, orders, fills, order lists and the balance locks they
// hold. Spot has no positions: an account is a set of asset balances (free and locked) that
// orders lock and fills move. Amounts are decimal.js values, never JS numbers.
import type { Decimal } from 'decimal.js';
import type { Side } from '../sim-types.js';

export type { Side };

export interface SpotSymbolSpec {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  tickSize: string;
  stepSize: string;
  minQty: string;
  maxQty: string;
  minNotional: string;
  /** Defaults to 9000000 (Binance advertises a large maximum). */
  maxNotional?: string;
  /** PRICE_FILTER bounds; default tickSize and 1000000. */
  minPrice?: string;
  maxPrice?: string;
}

export const ORDER_TYPES = ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'] as const;
export type SpotOrderType = (typeof ORDER_TYPES)[number];
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';
export type SpotOrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';

/**
 * Balance an order (or the two legs of an OCO, which share one) holds locked. What is left of it
 * goes back to free once every holder has finished.
 */
export interface BalanceLock {
  asset: string;
  remaining: Decimal;
  holders: SpotOrder[];
}

export interface SpotOrder {
  symbol: string;
  orderId: number;
  /** -1 unless the order is a leg of an order list. */
  orderListId: number;
  clientOrderId: string;
  side: Side;
  type: SpotOrderType;
  timeInForce?: TimeInForce;
  /** 0 for MARKET, STOP_LOSS and TAKE_PROFIT. */
  price: Decimal;
  origQty: Decimal;
  executedQty: Decimal;
  cummulativeQuoteQty: Decimal;
  /** 0 unless a stop type. */
  stopPrice: Decimal;
  origQuoteOrderQty: Decimal;
  status: SpotOrderStatus;
  time: number;
  updateTime: number;
  /** When the order went on the book (stop orders: when triggered); -1 before. */
  workingTime: number;
  /** A stop order before its trigger is not working (isWorking false). */
  working: boolean;
  lock?: BalanceLock;
  /** Who placed it: this API or a foreign app on the same account (the control API). */
  owner: 'api' | 'manual';
}

export interface SpotTrade {
  id: number;
  orderId: number;
  orderListId: number;
  symbol: string;
  price: Decimal;
  qty: Decimal;
  quoteQty: Decimal;
  commission: Decimal;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

export type ListStatusType = 'RESPONSE' | 'EXEC_STARTED' | 'ALL_DONE';
export type ListOrderStatus = 'EXECUTING' | 'ALL_DONE' | 'REJECT';

export interface OrderList {
  orderListId: number;
  contingencyType: 'OCO';
  listStatusType: ListStatusType;
  listOrderStatus: ListOrderStatus;
  listClientOrderId: string;
  transactionTime: number;
  symbol: string;
  /** The legs in id order: the stop-type leg first, then the limit / take-profit leg. */
  orders: SpotOrder[];
}

/** A user-data event as Binance spot sends it (the `event` of a WebSocket API envelope). */
export type SpotEvent = { e: string; E: number } & Record<string, unknown>;

export function isOpenStatus(status: SpotOrderStatus): boolean {
  return status === 'NEW' || status === 'PARTIALLY_FILLED';
}
