// User-data frames for account events the matching code does not produce: liquidation and ADL
// order rows, MARGIN_CALL, FUNDING_FEE balance updates, ACCOUNT_CONFIG_UPDATE and TRADE_LITE.
// Shapes follow Binance's USD-M user-data-stream pages (Event-Order-Update, Event-Margin-Call,
// Event-Balance-and-Position-Update, Event-Account-Configuration-Update, Event-Trade-Lite); the
// field set of the order and algo rows matches what the engine itself emits.
import type { UserEvent } from './engine.js';
import type { SimAlgoOrder, SimOrder, SimPosition, SimTrade } from './sim-types.js';

/** Event-Order-Update "Expiry Reason": 5 = "Order has expired when the account was liquidated". */
export const EXPIRED_BY_LIQUIDATION = 5;

/** Transaction time `T` and push time `E`: the documented examples push a few milliseconds after T. */
export interface At {
  T: number;
  E: number;
}

export function stampAt(T: number): At {
  return { T, E: T + 1 };
}

/** `b` and `a` of an order row: the notional of the symbol's open buy and sell orders. */
export interface BookNotional {
  bids: string;
  asks: string;
}

export interface OrderRowExtras {
  /** Execution type `x`; CALCULATED is "Liquidation Execution". */
  execution: 'NEW' | 'TRADE' | 'CALCULATED' | 'EXPIRED';
  /** The stream's order type `o` when it differs from the stored type (LIQUIDATION). */
  orderType?: string;
  /** Expiry reason `er` (0 unless the order expired for a documented reason). */
  expiryReason?: number;
  trade?: SimTrade;
}

export function orderRow(o: SimOrder, at: At, book: BookNotional, x: OrderRowExtras): UserEvent {
  const t = x.trade;
  return {
    e: 'ORDER_TRADE_UPDATE', E: at.E, T: at.T,
    o: {
      s: o.symbol, c: o.clientOrderId, S: o.side, o: x.orderType ?? o.type, f: o.timeInForce, q: o.origQty, p: o.price, ap: o.avgPrice, sp: o.stopPrice,
      x: x.execution, X: o.status, i: o.orderId, l: t ? t.qty : '0', z: o.executedQty, L: t ? t.price : '0',
      // "Commission ... will not push if no commission": only a fill row carries N and n.
      ...(t ? { N: t.commissionAsset, n: t.commission } : {}),
      T: at.T, t: t ? t.id : 0, b: book.bids, a: book.asks, m: t ? t.maker : false,
      R: o.reduceOnly, wt: o.workingType ?? 'CONTRACT_PRICE', ot: x.orderType ?? o.origType, ps: o.positionSide, cp: o.closePosition, rp: t ? t.realizedPnl : '0',
      pP: o.priceProtect ?? false, si: 0, ss: 0, V: o.stpMode ?? 'EXPIRE_MAKER', pm: 'NONE', gtd: 0, er: String(x.expiryReason ?? 0),
    },
  };
}

/** ALGO_UPDATE for a conditional order the system ended (Event-Algo-Order-Update: EXPIRED = "canceled by the system"). */
export function algoRow(a: SimAlgoOrder, at: At): UserEvent {
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

export interface BalanceRow {
  wallet: string;
  /** `bc`: the balance change except realized PnL and commission (a funding fee is such a change). */
  change: string;
}

export interface PositionRow {
  position: SimPosition;
  unrealized: string;
}

/**
 * ACCOUNT_UPDATE with reason `m`. A FUNDING_FEE frame in cross margin carries the balance row
 * only and no `P` at all ("without any position P message", Event-Balance-and-Position-Update).
 */
export function accountUpdate(reason: string, at: At, balance: BalanceRow, positions: PositionRow[] | undefined): UserEvent {
  const a: Record<string, unknown> = { m: reason, B: [{ a: 'USDT', wb: balance.wallet, cw: balance.wallet, bc: balance.change }] };
  if (positions) {
    a.P = positions.map(({ position: p, unrealized }) => ({
      s: p.symbol, pa: p.positionAmt, ep: p.entryPrice, bep: p.entryPrice, cr: p.cumRealized ?? '0', up: unrealized, mt: 'cross', iw: '0', ps: p.positionSide, ma: 'USDT',
    }));
  }
  return { e: 'ACCOUNT_UPDATE', E: at.E, T: at.T, a };
}

export interface MarginCallRow {
  position: SimPosition;
  markPrice: string;
  unrealized: string;
  maintenanceMargin: string;
}

/** MARGIN_CALL (Event-Margin-Call): `cw` is only pushed for a crossed position, which every simulated one is. */
export function marginCall(at: At, crossWallet: string, rows: MarginCallRow[]): UserEvent {
  return {
    e: 'MARGIN_CALL', E: at.E, cw: crossWallet,
    p: rows.map((r) => ({ s: r.position.symbol, ps: r.position.positionSide, pa: r.position.positionAmt, mt: 'CROSSED', iw: '0', mp: r.markPrice, up: r.unrealized, mm: r.maintenanceMargin })),
  };
}

/** ACCOUNT_CONFIG_UPDATE: `ac` for a symbol's leverage, `ai` for the Multi-Assets mode (never both). */
export function leverageConfig(at: At, symbol: string, leverage: number): UserEvent {
  return { e: 'ACCOUNT_CONFIG_UPDATE', E: at.E, T: at.T, ac: { s: symbol, l: leverage } };
}

export function multiAssetsConfig(at: At, multiAssets: boolean): UserEvent {
  return { e: 'ACCOUNT_CONFIG_UPDATE', E: at.E, T: at.T, ai: { j: multiAssets } };
}

/**
 * The TRADE_LITE twin of an ORDER_TRADE_UPDATE fill, or undefined for any other frame.
 * Event-Trade-Lite: "it only pushes TRADE Execution Type" (a CALCULATED liquidation has none).
 */
export function tradeLiteOf(event: UserEvent): UserEvent | undefined {
  if (event.e !== 'ORDER_TRADE_UPDATE') return undefined;
  const o = event.o as Record<string, unknown> | undefined;
  if (!o || o.x !== 'TRADE') return undefined;
  return { e: 'TRADE_LITE', E: event.E, T: event.T, s: o.s, q: o.q, p: o.p, m: o.m, c: o.c, S: o.S, L: o.L, l: o.l, t: o.t, i: o.i };
}
