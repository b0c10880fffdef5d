// What the Bybit view needs beyond the shared engine's books, kept per engine (a reset starts a new
// one) and fed by the engine's own events, so orders placed through the control API, a scenario or
// account events are covered as well as the overlay's own:
//  - orderLinkId -> orders (newest last): lookups and the duplicate rule without scanning history;
//  - the 500 most recently finished orders, which GET /v5/order/realtime still serves;
//  - per fill: leavesQty and closedSize at the time of the fill, and its `seq`;
//  - per order: the cumulative fee; per position side: the `seq` of its last change;
//  - order attributes the engine has no field for (closeOnTrigger, rejectReason,
//    lastPriceOnCreated), attached to the order the next placement creates.
import { Decimal } from 'decimal.js';
import type { SimEngine, UserEvent } from '../engine.js';
import type { SimOrder } from '../sim-types.js';
import { keyString, type OrderKey } from './ids.js';

export interface OrderMeta {
  closeOnTrigger: boolean;
  /** Bybit's rejectReason (EC_NoError unless the venue cancelled the order on arrival). */
  rejectReason?: string;
  lastPriceOnCreated?: string;
}

export interface FillMeta {
  leavesQty: string;
  closedSize: string;
  seq: number;
}

/** "Query a maximum of recent 500 closed status records ... under each account each category" (open-order page). */
export const RECENT_CLOSED = 500;
const FINAL = new Set(['FILLED', 'CANCELED', 'EXPIRED', 'EXPIRED_IN_MATCH', 'REJECTED']);
const ALGO_FINAL = new Set(['CANCELED', 'EXPIRED', 'REJECTED']);
const str = (v: Decimal) => (v.isZero() ? '0' : v.toFixed());

interface OrderRowFields {
  i?: number; c?: string; x?: string; X?: string; t?: number; q?: string; z?: string; n?: string;
}

export class BybitLedger {
  private seqNo = 0;
  private readonly metas = new Map<string, OrderMeta>();
  private pending: OrderMeta | undefined;
  private readonly fills = new Map<number, FillMeta>();
  private readonly fees = new Map<number, Decimal>();
  private readonly byLink = new Map<string, OrderKey[]>();
  private readonly closed = new Set<string>();
  private readonly closedKeys = new Map<string, OrderKey>();
  private readonly positionSeqs = new Map<string, number>();

  constructor(readonly engine: SimEngine) {}

  /** The Bybit order a regular engine order belongs to: its algo order when a trigger created it. */
  keyOfOrder(o: SimOrder): OrderKey {
    return o.algoId !== undefined ? { kind: 'algo', id: o.algoId } : { kind: 'order', id: o.orderId };
  }

  nextSeq(): number {
    return ++this.seqNo;
  }

  /** Attributes for the order the next placement creates (cleared by `settle` whether or not one was created). */
  expect(meta: OrderMeta): void {
    this.pending = meta;
  }

  settle(): void {
    this.pending = undefined;
  }

  meta(key: OrderKey): OrderMeta | undefined {
    return this.metas.get(keyString(key));
  }

  setMeta(key: OrderKey, meta: OrderMeta): void {
    this.metas.set(keyString(key), meta);
  }

  fill(tradeId: number): FillMeta | undefined {
    return this.fills.get(tradeId);
  }

  feeOf(orderId: number): string {
    return str(this.fees.get(orderId) ?? new Decimal(0));
  }

  /** Every order that carried this orderLinkId, oldest first. */
  withLinkId(linkId: string): readonly OrderKey[] {
    return this.byLink.get(linkId) ?? [];
  }

  isRecentlyClosed(key: OrderKey): boolean {
    return this.closed.has(keyString(key));
  }

  /** The recently finished orders, newest first. */
  recentlyClosed(): OrderKey[] {
    return [...this.closed].reverse().map((k) => this.closedKeys.get(k)!);
  }

  positionSeq(symbol: string, positionSide: string): number {
    return this.positionSeqs.get(`${symbol}|${positionSide}`) ?? 0;
  }

  /** Reads one engine event (before the stream translates it). */
  observe(e: UserEvent): void {
    if (e.e === 'ORDER_TRADE_UPDATE') this.orderRow((e.o ?? {}) as OrderRowFields);
    else if (e.e === 'ALGO_UPDATE') this.algoRow((e.o ?? {}) as { aid?: number; caid?: string; X?: string });
    else if (e.e === 'ACCOUNT_UPDATE') {
      const rows = ((e.a as { P?: Array<{ s: string; ps: string }> } | undefined)?.P) ?? [];
      for (const p of rows) this.positionSeqs.set(`${p.s}|${p.ps}`, this.nextSeq());
    }
  }

  private orderRow(o: OrderRowFields): void {
    const order = o.i !== undefined ? this.engine.orders.get(o.i) : undefined;
    if (!order) return;
    const key = this.keyOfOrder(order);
    if (o.x === 'NEW' && order.algoId === undefined) {
      this.index(order.clientOrderId, key);
      this.attachPending(key);
    }
    if ((o.x === 'TRADE' || o.x === 'CALCULATED') && o.t !== undefined) this.recordFill(order, o);
    if (o.X !== undefined && FINAL.has(o.X)) this.markClosed(key);
  }

  private algoRow(a: { aid?: number; caid?: string; X?: string }): void {
    if (a.aid === undefined) return;
    const key: OrderKey = { kind: 'algo', id: a.aid };
    if (a.X === 'NEW') {
      const same = this.byLink.get(a.caid ?? '');
      const last = same?.[same.length - 1];
      if (!last || last.kind !== 'algo' || last.id !== a.aid) this.index(a.caid ?? '', key); // an amendment re-sends NEW
      this.attachPending(key);
    }
    if (a.X !== undefined && ALGO_FINAL.has(a.X)) this.markClosed(key);
  }

  private attachPending(key: OrderKey): void {
    if (!this.pending) return;
    this.metas.set(keyString(key), this.pending);
    this.pending = undefined;
  }

  private index(linkId: string, key: OrderKey): void {
    if (!linkId) return;
    const list = this.byLink.get(linkId);
    if (list) list.push(key);
    else this.byLink.set(linkId, [key]);
  }

  private markClosed(key: OrderKey): void {
    const k = keyString(key);
    this.closed.delete(k);
    this.closed.add(k);
    this.closedKeys.set(k, key);
    if (this.closed.size > RECENT_CLOSED) {
      const oldest = this.closed.values().next().value as string;
      this.closed.delete(oldest);
      this.closedKeys.delete(oldest);
    }
  }

  /**
   * leavesQty is the order's remainder after this fill; closedSize how much of the fill reduced the
   * position it belongs to (the engine has already applied the fill: before = after - the fill).
   */
  private recordFill(order: SimOrder, o: OrderRowFields): void {
    const fee = new Decimal(o.n ?? '0');
    this.fees.set(order.orderId, (this.fees.get(order.orderId) ?? new Decimal(0)).add(fee));
    const trade = findTrade(this.engine, o.t!);
    let closedSize = new Decimal(0);
    if (trade) {
      const qty = new Decimal(trade.qty);
      const delta = trade.side === 'BUY' ? qty : qty.neg();
      const after = new Decimal(this.engine.position(trade.symbol, trade.positionSide).positionAmt);
      const before = after.sub(delta);
      if (!before.isZero() && before.isPositive() !== delta.isPositive()) closedSize = Decimal.min(before.abs(), qty);
    }
    const leaves = Decimal.max(new Decimal(o.q ?? '0').sub(new Decimal(o.z ?? '0')), 0);
    this.fills.set(o.t!, { leavesQty: str(leaves), closedSize: str(closedSize), seq: this.nextSeq() });
  }
}

/** The trade with this id (the newest are at the end; a fill row names the trade just pushed). */
function findTrade(engine: SimEngine, id: number) {
  for (let i = engine.trades.length - 1; i >= 0; i--) if (engine.trades[i]!.id === id) return engine.trades[i];
  return undefined;
}
