// Positions and the unified wallet as Bybit V5 presents them (GET /v5/position/list,
// GET /v5/account/wallet-balance, and the `position` and `wallet` topics), computed from the shared
// engine in decimals. Position rows: one per positionIdx of the account's mode (0 in one-way mode;
// 1 = long and 2 = short in hedge mode); a flat row has side "" and size "0" (UTA linear). Margin
// figures use the engine's margin leverage, as its own checks do; maintenance margin is the first
// risk tier's 0.5 %.
import { Decimal } from 'decimal.js';
import { isOpen } from '../engine.js';
import type { PositionSide, SimPosition } from '../sim-types.js';
import { BybitError, MSG } from './errors.js';
import { positionIdx, type BybitRow, type RowContext } from './order-rows.js';
import { category, page, type BybitParams } from './params.js';

const MMR = new Decimal('0.005');
const ZERO = new Decimal(0);
const str = (v: Decimal) => (v.isZero() ? '0' : v.toFixed());

function sidesOf(ctx: RowContext): PositionSide[] {
  return ctx.engine.opts.positionMode === 'hedge' ? ['LONG', 'SHORT'] : ['BOTH'];
}

/** The stored position side, or a flat one (reading must not create engine rows). */
function positionOf(ctx: RowContext, symbol: string, side: PositionSide): SimPosition {
  return ctx.engine.positionsOf(symbol).find((p) => p.positionSide === side) ?? { symbol, positionSide: side, positionAmt: '0', entryPrice: '0', updateTime: 0 };
}

export function positionRow(ctx: RowContext, p: SimPosition): BybitRow {
  const e = ctx.engine;
  const amt = new Decimal(p.positionAmt);
  const size = amt.abs();
  const mark = new Decimal(e.marks.get(p.symbol) ?? p.entryPrice);
  const entry = new Decimal(p.entryPrice);
  const im = size.mul(mark).div(e.opts.leverage);
  const realized = p.cumRealized ?? '0';
  return {
    category: 'linear', symbol: p.symbol, positionIdx: positionIdx(p.positionSide), side: amt.isZero() ? '' : amt.isPositive() ? 'Buy' : 'Sell',
    size: str(size), avgPrice: str(entry), entryPrice: str(entry), positionValue: str(size.mul(entry)), markPrice: str(mark),
    unrealisedPnl: str(e.unrealized(p)), curRealisedPnl: realized, cumRealisedPnl: realized, leverage: String(e.leverageOf(p.symbol)),
    positionIM: str(im), positionMM: str(size.mul(mark).mul(MMR)), positionBalance: str(im), liqPrice: '', bustPrice: '',
    tradeMode: 0, autoAddMargin: 0, positionStatus: 'Normal', riskId: 1, riskLimitValue: '2000000', tpslMode: 'Full', takeProfit: '', stopLoss: '',
    trailingStop: '0', sessionAvgPrice: '', adlRankIndicator: amt.isZero() ? 0 : 2, isReduceOnly: false, mmrSysUpdatedTime: '', leverageSysUpdatedTime: '',
    createdTime: String(p.updateTime), updatedTime: String(p.updateTime), seq: ctx.ledger.positionSeq(p.symbol, p.positionSide),
  };
}

/** With `symbol`: its rows whatever their size; with settleCoin only: sizes above zero (position page). */
export function positionList(ctx: RowContext, p: BybitParams) {
  const cat = category(p);
  if (cat !== 'linear') return { category: cat, list: [], nextPageCursor: '' };
  let rows: BybitRow[];
  if (p.symbol) {
    const symbol = ctx.engine.spec(p.symbol).symbol;
    rows = sidesOf(ctx).map((side) => positionRow(ctx, positionOf(ctx, symbol, side)));
  } else if (p.settleCoin || p.baseCoin) {
    const held = p.settleCoin && p.settleCoin !== 'USDT' ? [] : [...ctx.engine.positions.values()].filter((x) => !new Decimal(x.positionAmt).isZero());
    held.sort((a, b) => a.symbol.localeCompare(b.symbol) || positionIdx(a.positionSide) - positionIdx(b.positionSide));
    rows = held.map((x) => positionRow(ctx, x));
  } else {
    throw new BybitError(10001, `${MSG.params}: symbol or settleCoin is required`);
  }
  return { category: 'linear', ...page(rows, p, 20, 200) };
}

/** The USDT coin row and the account totals of the unified wallet. */
export function walletRow(ctx: RowContext): BybitRow {
  const e = ctx.engine;
  const wallet = e.wallet;
  const upnl = e.unrealizedByLoop();
  let positionIM = ZERO;
  let positionMM = ZERO;
  let realized = ZERO;
  for (const p of e.positions.values()) {
    const notional = new Decimal(p.positionAmt).abs().mul(new Decimal(e.marks.get(p.symbol) ?? p.entryPrice));
    positionIM = positionIM.add(notional.div(e.opts.leverage));
    positionMM = positionMM.add(notional.mul(MMR));
    realized = realized.add(new Decimal(p.cumRealized ?? '0'));
  }
  let orderIM = ZERO;
  for (const o of e.openOrderList()) {
    if (o.reduceOnly || o.type !== 'LIMIT' || !isOpen(o.status)) continue;
    orderIM = orderIM.add(new Decimal(o.origQty).sub(o.executedQty).mul(o.price).div(e.opts.leverage));
  }
  const equity = wallet.add(upnl);
  const available = e.available();
  const free = Decimal.max(available, ZERO);
  const im = positionIM.add(orderIM);
  return {
    accountType: 'UNIFIED', accountIMRate: equity.isZero() ? '0' : str(im.div(equity).toDecimalPlaces(4)), accountMMRate: equity.isZero() ? '0' : str(positionMM.div(equity).toDecimalPlaces(4)),
    accountLTV: '0', totalEquity: str(equity), totalWalletBalance: str(wallet), totalMarginBalance: str(equity), totalAvailableBalance: str(free),
    totalPerpUPL: str(upnl), totalInitialMargin: str(im), totalMaintenanceMargin: str(positionMM),
    coin: [{
      coin: 'USDT', equity: str(equity), usdValue: str(equity), walletBalance: str(wallet), free: '', locked: '0', spotHedgingQty: '0',
      borrowAmount: '', availableToBorrow: '', availableToWithdraw: str(free), accruedInterest: '', totalOrderIM: str(orderIM), totalPositionIM: str(positionIM),
      totalPositionMM: str(positionMM), unrealisedPnl: str(upnl), cumRealisedPnl: str(realized), bonus: '0', marginCollateral: true, collateralSwitch: true,
    }],
  };
}

export function walletBalance(ctx: RowContext, p: BybitParams) {
  const type = p.accountType;
  if (type !== 'UNIFIED') throw new BybitError(10001, `${MSG.params}: accountType only support UNIFIED`);
  if (p.coin && !p.coin.split(',').includes('USDT')) return { list: [{ ...walletRow(ctx), coin: [] }] };
  return { list: [walletRow(ctx)] };
}
