// The engine's events (Binance-shaped UserEvents) as Bybit private topic rows, read from the books
// at the moment of the event (the stream serializes them at once, so a later change cannot leak
// into an earlier frame): a fill gives an `execution` row, then the `order` row; a conditional
// order gives Untriggered, Triggered, then its order's rows under the same orderId, or
// Deactivated; a position change gives `position` rows and the `wallet` row.
import { isOpen, type UserEvent } from '../engine.js';
import { positionRow, walletRow } from './account-rows.js';
import { executionRow } from './executions.js';
import { childOf, rowOf, type BybitRow, type RowContext } from './order-rows.js';

export type Topic = 'order' | 'execution' | 'position' | 'wallet';

export interface TopicRow {
  topic: Topic;
  row: BybitRow;
}

export function topicRows(ctx: RowContext, e: UserEvent): TopicRow[] {
  if (e.e === 'ORDER_TRADE_UPDATE') return orderEvent(ctx, (e.o ?? {}) as { i?: number; x?: string; t?: number });
  if (e.e === 'ALGO_UPDATE') return algoEvent(ctx, (e.o ?? {}) as { aid?: number; X?: string });
  if (e.e === 'ACCOUNT_UPDATE') return accountEvent(ctx, (e.a ?? {}) as { B?: unknown[]; P?: Array<{ s: string; ps: string }> });
  return []; // MARGIN_CALL, ACCOUNT_CONFIG_UPDATE, CONDITIONAL_ORDER_TRIGGER_REJECT: nothing Bybit would push on these topics
}

function orderEvent(ctx: RowContext, o: { i?: number; x?: string; t?: number }): TopicRow[] {
  const order = o.i !== undefined ? ctx.engine.orders.get(o.i) : undefined;
  if (!order) return [];
  const out: TopicRow[] = [];
  if ((o.x === 'TRADE' || o.x === 'CALCULATED') && o.t !== undefined) {
    const trades = ctx.engine.trades;
    for (let i = trades.length - 1; i >= 0; i--) if (trades[i]!.id === o.t) {
      out.push({ topic: 'execution', row: executionRow(ctx, trades[i]!) });
      break;
    }
  }
  const row = rowOf(ctx, ctx.ledger.keyOfOrder(order));
  if (row) out.push({ topic: 'order', row });
  return out;
}

function algoEvent(ctx: RowContext, a: { aid?: number; X?: string }): TopicRow[] {
  const algo = a.aid !== undefined ? ctx.engine.algos.get(a.aid) : undefined;
  if (!algo) return [];
  const key = { kind: 'algo' as const, id: algo.algoId };
  switch (a.X) {
    case 'NEW':
    case 'CANCELED':
    case 'EXPIRED':
    case 'REJECTED':
      return [{ topic: 'order', row: rowOf(ctx, key)! }];
    case 'TRIGGERED': {
      // Only while its order still works (with the engine's childFirst switch the order rows came first).
      const child = childOf(ctx.engine, algo);
      return child && isOpen(child.status) ? [{ topic: 'order', row: rowOf(ctx, key, 'Triggered')! }] : [];
    }
    default:
      return []; // TRIGGERING is the engine's instant; FINISHED is told by the order's own rows
  }
}

function accountEvent(ctx: RowContext, a: { B?: unknown[]; P?: Array<{ s: string; ps: string }> }): TopicRow[] {
  const out: TopicRow[] = [];
  for (const p of a.P ?? []) {
    const position = ctx.engine.positionsOf(p.s).find((x) => x.positionSide === p.ps);
    if (position) out.push({ topic: 'position', row: positionRow(ctx, position) });
  }
  if ((a.B ?? []).length > 0) out.push({ topic: 'wallet', row: walletRow(ctx) });
  return out;
}
