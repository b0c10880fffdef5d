// Fills as Bybit executions: GET /v5/execution/list rows and the `execution` topic's rows. A fill
// of a triggered order carries its conditional order's orderId and orderLinkId. leavesQty,
// closedSize and seq are the values at the time of the fill (the ledger recorded them). The venue's
// own liquidation and ADL fills are execType BustTrade and AdlTrade (ccxt's fetchMyTrades asks for
// Trade only). List rules (execution page): a window of at most 7 days (the last 7 by default),
// newest first, limit [1, 100] default 50, rows kept for 2 years.
import type { SimTrade } from '../sim-types.js';
import { BybitError, MSG } from './errors.js';
import { bybitOrderId, execId, sameKey } from './ids.js';
import { linkIdOf, type BybitRow, type RowContext } from './order-rows.js';
import { FILLED_RETENTION_MS, keyFrom, timeWindow } from './order-queries.js';
import { category, page, type BybitParams } from './params.js';

function execType(clientId: string | undefined): string {
  if (clientId === 'adl_autoclose') return 'AdlTrade';
  if (clientId?.startsWith('autoclose-')) return 'BustTrade';
  return 'Trade';
}

export function executionRow(ctx: RowContext, t: SimTrade): BybitRow {
  const order = ctx.engine.orders.get(t.orderId);
  const algo = order?.algoId !== undefined ? ctx.engine.algos.get(order.algoId) : undefined;
  const key = order ? ctx.ledger.keyOfOrder(order) : { kind: 'order' as const, id: t.orderId };
  const fill = ctx.ledger.fill(t.id);
  const mark = ctx.engine.marks.get(t.symbol) ?? t.price;
  const type = execType(order?.clientOrderId);
  return {
    category: 'linear', symbol: t.symbol, execId: execId(t.id), orderId: bybitOrderId(key), orderLinkId: linkIdOf(algo?.clientAlgoId ?? order?.clientOrderId ?? ''),
    side: t.side === 'BUY' ? 'Buy' : 'Sell', orderType: order?.type === 'LIMIT' ? 'Limit' : 'Market', stopOrderType: algo ? 'Stop' : 'UNKNOWN',
    orderPrice: order?.type === 'LIMIT' ? order.price : '0', orderQty: order?.origQty ?? t.qty, leavesQty: fill?.leavesQty ?? '0',
    execType: type, execPrice: t.price, execQty: t.qty, execValue: t.quoteQty, execFee: t.commission, feeCurrency: t.commissionAsset,
    feeRate: t.maker ? ctx.engine.opts.makerFee : ctx.engine.opts.takerFee, isMaker: t.maker, execTime: String(t.time), execPnl: t.realizedPnl,
    closedSize: fill?.closedSize ?? '0', markPrice: mark, indexPrice: mark, underlyingPrice: '', blockTradeId: '', tradeIv: '', markIv: '',
    createType: type === 'Trade' ? 'CreateByUser' : type === 'BustTrade' ? 'CreateByLiq' : 'CreateByAdl', extraFees: '', seq: fill?.seq ?? 0,
  };
}

export function executionList(ctx: RowContext & { venueNow: () => number }, p: BybitParams) {
  const cat = category(p);
  if (cat !== 'linear') return { category: cat, list: [], nextPageCursor: '' };
  const symbol = p.symbol ? ctx.engine.spec(p.symbol).symbol : undefined;
  const now = ctx.venueNow();
  const byOrder = p.orderId || p.orderLinkId ? keyFrom(ctx, p) : undefined;
  if ((p.orderId || p.orderLinkId) && !byOrder) return { category: 'linear', list: [], nextPageCursor: '' };
  const window = timeWindow(p, now);
  if (p.execType && !['Trade', 'AdlTrade', 'BustTrade', 'Funding', 'Settle', 'Delivery', 'BlockTrade', 'MovePosition'].includes(p.execType)) {
    throw new BybitError(10001, `${MSG.params}: execType invalid`);
  }
  const rows: BybitRow[] = [];
  for (let i = ctx.engine.trades.length - 1; i >= 0; i--) {
    const t = ctx.engine.trades[i]!;
    if (symbol !== undefined && t.symbol !== symbol) continue;
    if (t.time < window.start || t.time > window.end || t.time + FILLED_RETENTION_MS < now) continue;
    if (byOrder) {
      const o = ctx.engine.orders.get(t.orderId);
      if (!o || !sameKey(ctx.ledger.keyOfOrder(o), byOrder)) continue;
    }
    const row = executionRow(ctx, t);
    if (p.execType && row.execType !== p.execType) continue;
    rows.push(row);
  }
  return { category: 'linear', ...page(rows, p, 50, 100) };
}
