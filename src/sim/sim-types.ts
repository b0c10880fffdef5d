// The simulator's own model of a Binance USD-M account. It shares no code with the runtime or
// the adapters: it is the other side of the wire. Quantities and prices are decimal strings.
export type Side = 'BUY' | 'SELL';
export type PositionSide = 'BOTH' | 'LONG' | 'SHORT';
export type RegularType = 'LIMIT' | 'MARKET';
export type AlgoType = 'STOP_MARKET' | 'TAKE_PROFIT_MARKET' | 'STOP' | 'TAKE_PROFIT';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'EXPIRED_IN_MATCH' | 'REJECTED';
/** Self-trade prevention modes (New Order `selfTradePreventionMode`); NONE only after a modify (faq/stp-faq). */
export type StpMode = 'EXPIRE_MAKER' | 'EXPIRE_TAKER' | 'EXPIRE_BOTH' | 'NONE';
/** Which price a conditional order watches (New Algo Order `workingType`; CONTRACT_PRICE is the last price). */
export type WorkingType = 'CONTRACT_PRICE' | 'MARK_PRICE';
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
  // Optional so that rows built outside the engine (account-events.ts) need not set them.
  /** The trigger price type of the conditional order that created this one (`wt`); CONTRACT_PRICE otherwise. */
  workingType?: WorkingType;
  /** `pP`: price protection of the conditional order that created this one. */
  priceProtect?: boolean;
  /** `V`: the order's STP mode (EXPIRE_MAKER unless sent; NONE after a modify). */
  stpMode?: StpMode;
  /** `er`: Event-Order-Update expiry reason of the last EXPIRED row (0 = none). */
  expiryReason?: number;
  /** The conditional order whose trigger created this order. */
  algoId?: number;
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
  // Optional so that rows built outside the engine need not set them (ALGO_UPDATE defaults apply).
  timeInForce?: string;
  priceProtect?: boolean;
  stpMode?: StpMode;
  /** `ap`: the triggered order's average fill price ("0" until it fills). */
  actualPrice?: string;
  /** `aq`: the triggered order's executed quantity. */
  actualQty?: string;
  /** `act`: the triggered order's type in the matching engine ("0" until triggered). */
  actualType?: string;
  /** `rm`: why the trigger failed (REJECTED). */
  rejectReason?: string;
}

export interface SimPosition {
  symbol: string;
  positionSide: PositionSide;
  /** Signed in one-way mode (BOTH); positive for LONG, negative for SHORT in hedge mode. */
  positionAmt: string;
  entryPrice: string;
  updateTime: number;
  /** ACCOUNT_UPDATE `cr`: the (pre-fee) realized PnL accumulated on this position side. */
  cumRealized?: string;
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
