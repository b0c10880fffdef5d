// The simulator's own model of a Binance USD-M account. It shares no code with the runtime or
// the adapters: it is the other side of the wire. Quantities and prices are decimal strings.
export type Side = 'BUY' | 'SELL';
export type PositionSide = 'BOTH' | 'LONG' | 'SHORT';
export type RegularType = 'LIMIT' | 'MARKET';
export type AlgoType = 'STOP_MARKET' | 'TAKE_PROFIT_MARKET' | 'STOP' | 'TAKE_PROFIT';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';
export type AlgoStatus = 'NEW' | 'CANCELED' | 'TRIGGERING' | 'TRIGGERED' | 'FINISHED' | 'EXPIRED' | 'REJECTED';

export interface SymbolSpec {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  tickSize: string;
  stepSize: string;
  minQty: string;
  maxQty: string;
  minNotional: string;
  pricePrecision: number;
  quantityPrecision: number;
}

export interface SimOrder {
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: Side;
  positionSide: PositionSide;
  type: RegularType;
  origType: string;
  price: string;
  origQty: string;
  executedQty: string;
  cumQuote: string;
  avgPrice: string;
  status: OrderStatus;
  timeInForce: string;
  reduceOnly: boolean;
  closePosition: boolean;
  stopPrice: string;
  time: number;
  updateTime: number;
  /** 'app' for orders placed through the API, 'manual' for orders seeded as another user's. */
  owner: 'api' | 'manual';
}

export interface SimAlgoOrder {
  algoId: number;
  clientAlgoId: string;
  symbol: string;
  side: Side;
  positionSide: PositionSide;
  orderType: AlgoType;
  quantity: string;
  price: string;
  triggerPrice: string;
  algoStatus: AlgoStatus;
  reduceOnly: boolean;
  closePosition: boolean;
  workingType: string;
  createTime: number;
  updateTime: number;
  triggerTime: number;
  /** The regular order a trigger created. */
  actualOrderId: string;
  owner: 'api' | 'manual';
}

export interface SimPosition {
  symbol: string;
  positionSide: PositionSide;
  /** Signed in one-way mode (BOTH); positive for LONG, negative for SHORT in hedge mode. */
  positionAmt: string;
  entryPrice: string;
  updateTime: number;
}

export interface SimTrade {
  id: number;
  orderId: number;
  symbol: string;
  side: Side;
  positionSide: PositionSide;
  price: string;
  qty: string;
  quoteQty: string;
  realizedPnl: string;
  commission: string;
  commissionAsset: string;
  maker: boolean;
  buyer: boolean;
  time: number;
}

/** A rejection with Binance's code, message and HTTP status. */
export class SimError extends Error {
  constructor(readonly code: number, readonly msg: string, readonly httpStatus = 400) {
    super(msg);
  }
}
