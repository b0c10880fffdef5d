// The user-data frames the engine pushes, in the shapes of Binance's USD-M examples
// (user-data-streams/Event-Order-Update, Event-Algo-Order-Update, Event-Balance-and-Position-Update):
// amounts are strings, ids and times numbers, `er` a string ("0"), `ai` a string. The push time `E`
// comes a few milliseconds after the matching engine's transaction time `T`, as in every example.
import type { SimAlgoOrder, SimOrder, SimPosition, SimTrade } from './sim-types.js';

export type UserEvent = Record<string, unknown> & { e: string };

export type Execution = 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED' | 'AMENDMENT';

/** Event-Order-Update "Expiry Reason" values the engine produces. */
export const EXPIRY = {
  NONE: 0,
  /** 1: expired to prevent users from inadvertently trading against themselves (STP). */
  SELF_TRADE: 1,
  /** 2: IOC order could not be filled completely, remaining quantity is canceled. */
  IOC: 2,
  /** 3: IOC order could not be filled completely to prevent self-trading. */
  IOC_SELF_TRADE: 3,
  /** 4: knocked out by a higher-priority reduce-only order, or reversed positions would be opened. */
  REDUCE_ONLY: 4,
  /** 9: market order could not be filled completely, remaining quantity is canceled. */
  MARKET: 9,
} as const;

export interface Stamp {
  T: number;
  E: number;
}

/**
 * Transaction time from the venue clock, push time 1 to 3 ms later. The delay cycles with the
 * number of frames, so the same inputs give the same times (determinism), never E < T.
 */
export class FrameClock {
  private n = 0;

  constructor(private readonly now: () => number) {}

  stamp(): Stamp {
    const T = this.now();
    return { T, E: T + 1 + (this.n++ % 3) };
  }
}

export interface BookNotional {
  /** `b`: the notional of the symbol's open buy orders. */
  bids: string;
  /** `a`: the notional of the symbol's open sell orders. */
  asks: string;
}

export function orderFrame(o: SimOrder, at: Stamp, x: Execution, book: BookNotional, trade?: SimTrade): UserEvent {
  return {
    e: 'ORDER_TRADE_UPDATE', E: at.E, T: at.T,
    o: {
      s: o.symbol, c: o.clientOrderId, S: o.side, o: o.type, f: o.timeInForce, q: o.origQty, p: o.price, ap: o.avgPrice, sp: o.stopPrice,
      x, X: o.status, i: o.orderId, l: trade ? trade.qty : '0', z: o.executedQty, L: trade ? trade.price : '0',
      // "Commission ... will not push if no commission": only a fill row carries N and n.
      ...(trade ? { N: trade.commissionAsset, n: trade.commission } : {}),
      T: at.T, t: trade ? trade.id : 0, b: book.bids, a: book.asks, m: trade ? trade.maker : false,
      R: o.reduceOnly, wt: o.workingType ?? 'CONTRACT_PRICE', ot: o.origType, ps: o.positionSide, cp: o.closePosition, rp: trade ? trade.realizedPnl : '0',
      // AP and cr are "only pushed with TRAILING_STOP_MARKET order", which the simulator does not offer.
      pP: o.priceProtect ?? false, si: 0, ss: 0, V: o.stpMode ?? 'EXPIRE_MAKER', pm: 'NONE', gtd: 0,
      er: String(x === 'EXPIRED' ? (o.expiryReason ?? EXPIRY.NONE) : EXPIRY.NONE),
    },
  };
}

export function algoFrame(a: SimAlgoOrder, at: Stamp): UserEvent {
  return {
    e: 'ALGO_UPDATE', T: at.T, E: at.E,
    o: {
      caid: a.clientAlgoId, aid: a.algoId, at: 'CONDITIONAL', o: a.orderType, s: a.symbol, S: a.side, ps: a.positionSide, f: a.timeInForce ?? 'GTC', q: a.quantity,
      X: a.algoStatus, ai: a.actualOrderId, ap: a.actualPrice ?? '0', aq: a.actualQty ?? '0', act: a.actualType ?? '0', tp: a.triggerPrice, p: a.price,
      V: a.stpMode ?? 'EXPIRE_MAKER', wt: a.workingType, pm: 'NONE', cp: a.closePosition, pP: a.priceProtect ?? false, R: a.reduceOnly, tt: a.triggerTime, gtd: 0,
      rm: a.rejectReason ?? '',
    },
  };
}

export function accountFrame(at: Stamp, wallet: string, p: SimPosition, unrealized: string): UserEvent {
  return {
    e: 'ACCOUNT_UPDATE', E: at.E, T: at.T,
    a: {
      m: 'ORDER',
      B: [{ a: 'USDT', wb: wallet, cw: wallet, bc: '0' }],
      P: [{ s: p.symbol, pa: p.positionAmt, ep: p.entryPrice, bep: p.entryPrice, cr: p.cumRealized ?? '0', up: unrealized, mt: 'cross', iw: '0', ps: p.positionSide, ma: 'USDT' }],
    },
  };
}

/**
 * The deprecated CONDITIONAL_ORDER_TRIGGER_REJECT (Binance stopped it on 2025-12-15; the reason now
 * travels in ALGO_UPDATE `rm`). Its example carries `T` ("me message send time") after `E`.
 */
export function triggerRejectFrame(at: Stamp, symbol: string, orderId: number, reason: string): UserEvent {
  return { e: 'CONDITIONAL_ORDER_TRIGGER_REJECT', E: at.T, T: at.E, or: { s: symbol, i: orderId, r: reason } };
}
