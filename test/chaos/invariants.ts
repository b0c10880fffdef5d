// The invariants of the chaos run, checked on the SIMULATOR's side only: its books (orders,
// conditional orders, positions, trades), its request log and the stream of events its engine
// emitted (position lives, fills). The service's logs are never read here; its printed output is
// only searched for secrets.
import { Decimal } from 'decimal.js';
import type { UserEvent } from '../../src/sim/engine.js';
import type { RequestRecord } from '../../src/sim/request-log.js';
import type { Simulator } from '../../src/sim/server.js';

export interface Violation {
  invariant: string;
  detail: string;
}

export interface Strategy {
  takeProfitPct: number;
  stopLossPct: number;
  /** Number of DCA steps configured. */
  dcaSteps: number;
}

type Book = ReturnType<Simulator['engine']['snapshot']>;
type Order = Book['orders'][number];
type Algo = Book['algoOrders'][number];

const d = (v: string | number) => new Decimal(v);
const isOpen = (s: string) => s === 'NEW' || s === 'PARTIALLY_FILLED';
const scopeKey = (symbol: string, positionSide: string) => `${symbol}|${positionSide}`;
const CONDITIONAL = ['STOP_MARKET', 'STOP', 'TAKE_PROFIT_MARKET', 'TAKE_PROFIT', 'TRAILING_STOP_MARKET'];

export function openAppOrders(b: Book): { regular: Order[]; algo: Algo[] } {
  return {
    regular: b.orders.filter((o) => o.owner === 'api' && isOpen(o.status)),
    algo: b.algoOrders.filter((a) => a.owner === 'api' && a.algoStatus === 'NEW'),
  };
}

/** The slot an open app order fills, read from the book (side relative to the position, type). */
function slotOf(o: { side: string; kind: 'regular' | 'algo'; type: string; origType: string; reduceOnly: boolean }, exitSide: string | undefined): string {
  if (o.kind === 'algo') {
    const base = o.type.startsWith('TAKE_PROFIT') ? 'TP' : 'SL';
    return exitSide && o.side === exitSide ? base : `${base}(entry side ${o.side})`;
  }
  if (CONDITIONAL.includes(o.origType)) return `triggered ${o.origType}`;
  if (o.type === 'MARKET') return 'MARKET';
  if (exitSide && o.side === exitSide) return 'TP';
  return o.reduceOnly ? `reduce-only ${o.side} (entry side)` : 'DCA';
}

export interface ScopeView {
  scope: string;
  amt: string;
  entry: string;
  mark: string;
  orders: string[];
}

/** A compact picture of the app orders and positions, for violation messages. */
export function describeBooks(b: Book): ScopeView[] {
  const { regular, algo } = openAppOrders(b);
  const scopes = new Set<string>([...b.positions.map((p) => scopeKey(p.symbol, p.positionSide)), ...regular.map((o) => scopeKey(o.symbol, o.positionSide)), ...algo.map((a) => scopeKey(a.symbol, a.positionSide))]);
  return [...scopes].sort().map((scope) => {
    const [symbol, ps] = scope.split('|') as [string, string];
    const p = b.positions.find((x) => x.symbol === symbol && x.positionSide === ps);
    return {
      scope, amt: p?.positionAmt ?? '0', entry: p?.entryPrice ?? '0', mark: b.marks[symbol] ?? '?',
      orders: [
        ...regular.filter((o) => o.symbol === symbol && o.positionSide === ps).map((o) => `${o.clientOrderId} ${o.side} ${o.type}${o.origType !== o.type ? `(${o.origType})` : ''} ${o.executedQty}/${o.origQty}@${o.price}${o.reduceOnly ? ' RO' : ''}`),
        ...algo.filter((a) => a.symbol === symbol && a.positionSide === ps).map((a) => `${a.clientAlgoId} ${a.side} ${a.orderType} trigger ${a.triggerPrice}${a.closePosition ? ' closePosition' : ` qty ${a.quantity}`}`),
      ],
    };
  });
}

/**
 * What must hold once the venue has been healthy for a while: at most one open app order per
 * slot per scope; every open position protected by exactly one stop-loss on its closing side at
 * the level the strategy gives for the venue's entry; no app order on a flat scope; open app exits
 * never cover more than the position.
 */
export function eventualViolations(b: Book, strategy: Strategy): Violation[] {
  const out: Violation[] = [];
  const { regular, algo } = openAppOrders(b);
  const scopes = new Set<string>([...b.positions.map((p) => scopeKey(p.symbol, p.positionSide)), ...regular.map((o) => scopeKey(o.symbol, o.positionSide)), ...algo.map((a) => scopeKey(a.symbol, a.positionSide))]);
  for (const scope of scopes) {
    const [symbol, ps] = scope.split('|') as [string, string];
    const p = b.positions.find((x) => x.symbol === symbol && x.positionSide === ps);
    const amt = d(p?.positionAmt ?? '0');
    const exitSide = amt.gt(0) ? 'SELL' : amt.lt(0) ? 'BUY' : undefined;
    if ((ps === 'LONG' && amt.lt(0)) || (ps === 'SHORT' && amt.gt(0))) {
      out.push({ invariant: 'simulator_books_consistent', detail: `${scope} holds ${amt.toFixed()}: a hedge side with the other side's sign (a harness or simulator problem, not the service's)` });
      continue;
    }
    const orders: Array<{ id: string; side: string; kind: 'regular' | 'algo'; type: string; origType: string; reduceOnly: boolean; o: Order | undefined; a: Algo | undefined }> = [
      ...regular.filter((o) => o.symbol === symbol && o.positionSide === ps).map((o) => ({ id: o.clientOrderId, side: o.side, kind: 'regular' as const, type: o.type as string, origType: o.origType, reduceOnly: o.reduceOnly, o: o as Order | undefined, a: undefined as Algo | undefined })),
      ...algo.filter((a) => a.symbol === symbol && a.positionSide === ps).map((a) => ({ id: a.clientAlgoId, side: a.side, kind: 'algo' as const, type: a.orderType as string, origType: a.orderType as string, reduceOnly: a.reduceOnly, o: undefined as Order | undefined, a: a as Algo | undefined })),
    ];
    if (amt.isZero()) {
      if (orders.length > 0) out.push({ invariant: 'no_app_order_on_flat_scope', detail: `${scope} is flat but holds ${orders.length} open app order(s): ${orders.map((o) => `${o.id} ${o.side} ${o.type}`).join(', ')}` });
      continue;
    }
    const bySlot = new Map<string, string[]>();
    for (const o of orders) {
      const slot = slotOf(o, exitSide);
      bySlot.set(slot, [...(bySlot.get(slot) ?? []), o.id]);
    }
    for (const [slot, ids] of bySlot) {
      // An app order that fills no slot of the position (a stop or a reduce-only order on the
      // entering side, an open child of a trigger): left behind and forgotten.
      if (!['SL', 'TP', 'DCA'].includes(slot)) out.push({ invariant: 'app_orders_fill_slots', detail: `${scope} position ${amt.toFixed()}: app order(s) ${ids.join(', ')} fill no slot of the position (${slot})` });
      if (ids.length > 1) out.push({ invariant: 'one_open_app_order_per_slot', detail: `${scope} slot ${slot}: ${ids.length} open app orders (${ids.join(', ')})` });
    }
    const sls = orders.filter((o) => o.kind === 'algo' && !o.type.startsWith('TAKE_PROFIT') && o.side === exitSide);
    if (sls.length !== 1) {
      out.push({ invariant: 'position_protected_by_one_sl', detail: `${scope} position ${amt.toFixed()} @ ${p!.entryPrice} (mark ${b.marks[symbol]}): ${sls.length} app stop-loss order(s) on the closing side ${exitSide}` });
    } else {
      const sl = sls[0]!.a!;
      const entry = d(p!.entryPrice);
      const expected = amt.gt(0) ? entry.mul(1 - strategy.stopLossPct / 100) : entry.mul(1 + strategy.stopLossPct / 100);
      const off = d(sl.triggerPrice).sub(expected).abs().div(expected);
      if (off.gt(0.001)) out.push({ invariant: 'sl_at_strategy_level', detail: `${scope} position ${amt.toFixed()} @ ${p!.entryPrice}: SL ${sl.clientAlgoId} triggers at ${sl.triggerPrice}, the strategy gives ${expected.toDecimalPlaces(2).toFixed()} (${off.mul(100).toDecimalPlaces(3).toFixed()} % off)` });
      // The whole-position form (used while a close-position SL is open: Binance -4130) must
      // close all of it: a smaller stop leaves part of the position unprotected.
      if (!sl.closePosition && !d(sl.quantity).eq(amt.abs())) out.push({ invariant: 'sl_covers_position', detail: `${scope} position ${amt.toFixed()}: SL ${sl.clientAlgoId} closes ${sl.quantity} (not a close-position stop)` });
    }
    // Resting exits (reduce-only limit orders) fill together; the stop waits in the conditional
    // book as the alternative exit and is checked above.
    const exitQty = orders
      .filter((o) => o.kind === 'regular' && o.side === exitSide && o.o)
      .reduce((a, o) => a.add(d(o.o!.origQty).sub(d(o.o!.executedQty))), d(0));
    if (exitQty.gt(amt.abs())) out.push({ invariant: 'exits_never_over_cover', detail: `${scope} position ${amt.toFixed()}: open app exits (resting orders) sum to ${exitQty.toFixed()}` });
  }
  return out;
}

/** Follows the engine's own events: position lives per scope, DCA placements and fills per life. */
export class LifeTracker {
  private readonly amt = new Map<string, Decimal>();
  private readonly life = new Map<string, number>();
  /** DCA orders of an ended life whose fill opened the next one (never a step of it). */
  private readonly openers = new Set<string>();
  private readonly dcaFilled = new Map<string, Set<string>>();
  readonly violations: Violation[] = [];
  readonly warnings: Violation[] = [];
  appFills = 0;

  constructor(private readonly strategy: Strategy, private readonly ownerOf: (orderId: number) => 'api' | 'manual' | undefined) {}

  private lifeOf(scope: string): number {
    return this.life.get(scope) ?? 0;
  }

  private newLife(scope: string): void {
    this.life.set(scope, this.lifeOf(scope) + 1);
  }

  onEvent(e: UserEvent): void {
    if (e.e === 'ACCOUNT_UPDATE') {
      const rows = ((e.a as { P?: Array<{ s: string; ps: string; pa: string }> }).P ?? []);
      for (const row of rows) {
        const scope = scopeKey(row.s, row.ps);
        const before = this.amt.get(scope) ?? d(0);
        const now = d(row.pa);
        if ((before.isZero() && !now.isZero()) || (!before.isZero() && !now.isZero() && before.isPositive() !== now.isPositive())) this.newLife(scope);
        this.amt.set(scope, now);
      }
      return;
    }
    if (e.e !== 'ORDER_TRADE_UPDATE') return;
    const o = e.o as { s: string; ps: string; c: string; i: number; x: string; R: boolean; ot: string; S: string; l: string; p: string };
    const owner = this.ownerOf(o.i);
    if (owner !== 'api') return;
    if (o.x === 'TRADE') this.appFills++;
    // A DCA order: an app LIMIT order that is not reduce-only (the only exposure-increasing app order).
    if (o.ot !== 'LIMIT' || o.R) return;
    const scope = scopeKey(o.s, o.ps);
    const key = `${scope}#${this.lifeOf(scope)}`;
    const filled = this.dcaFilled.get(key) ?? new Set<string>();
    if (o.x === 'NEW' && filled.size >= this.strategy.dcaSteps) {
      this.violations.push({ invariant: 'dca_step_once_per_life', detail: `${scope} life ${this.lifeOf(scope)}: a DCA order ${o.c} (${o.S} @ ${o.p}) was placed after all ${this.strategy.dcaSteps} step(s) filled (${[...filled].join(', ')})` });
    }
    if (o.x !== 'TRADE') return;
    const before = this.amt.get(scope) ?? d(0);
    if (before.isZero()) {
      this.warnings.push({ invariant: 'dca_fill_on_flat_scope', detail: `${scope}: DCA order ${o.c} filled ${o.l} while the scope was flat (it opened a position)` });
      this.newLife(scope);
      // An order of the ended life opened this one: its further partial fills are not a step of it.
      this.openers.add(o.c);
      return;
    }
    if (this.openers.has(o.c)) return;
    if (filled.has(o.c)) return; // a further partial fill of the same order
    filled.add(o.c);
    this.dcaFilled.set(key, filled);
    if (filled.size > this.strategy.dcaSteps) {
      this.violations.push({ invariant: 'dca_step_once_per_life', detail: `${scope} life ${this.lifeOf(scope)}: ${filled.size} distinct DCA orders filled with ${this.strategy.dcaSteps} step(s) configured: ${[...filled].join(', ')}` });
    }
  }
}

export interface ManualPlacement {
  id: string;
  symbol: string;
  algo: boolean;
  orderId?: number;
  algoId?: number;
  price?: string;
  qty?: string;
  trigger?: string;
}

/** One submission per custom id, counted on the venue's side; no custom id missing. */
export function submissionViolations(records: RequestRecord[]): Violation[] {
  const out: Violation[] = [];
  const byId = new Map<string, RequestRecord[]>();
  for (const r of records) {
    if (r.method !== 'POST' || (r.path !== '/fapi/v1/order' && r.path !== '/fapi/v1/algoOrder')) continue;
    const id = r.path === '/fapi/v1/order' ? r.params.newClientOrderId : r.params.clientAlgoId;
    if (!id) {
      out.push({ invariant: 'one_submission_per_custom_id', detail: `request #${r.seq} ${r.method} ${r.path} carries no custom id` });
      continue;
    }
    byId.set(id, [...(byId.get(id) ?? []), r]);
  }
  for (const [id, rs] of byId) {
    if (rs.length > 1) {
      out.push({
        invariant: 'one_submission_per_custom_id',
        detail: `${id} was submitted ${rs.length} times: ${rs.map((r) => `#${r.seq} ${r.path} ${r.params.side ?? ''} ${r.params.type ?? ''} -> ${r.status || 'no answer'}${r.code !== undefined ? ` ${r.code}` : ''}${r.fault ? ` (fault ${r.fault})` : ''}${r.applied ? ' applied' : ''}`).join('; ')}`,
      });
    }
  }
  return out;
}

/** Another user's orders: never cancelled, never amended, never even aimed at by the service. */
export function manualOrderViolations(b: Book, placed: ManualPlacement[], records: RequestRecord[]): Violation[] {
  const out: Violation[] = [];
  for (const o of b.orders) {
    if (o.owner !== 'manual') continue;
    if (o.status === 'CANCELED') out.push({ invariant: 'other_users_orders_untouched', detail: `another user's order ${o.clientOrderId} (${o.side} ${o.type} ${o.origQty}@${o.price}) was cancelled` });
    const p = placed.find((x) => !x.algo && x.orderId === o.orderId);
    if (p && (p.price !== o.price || p.qty !== o.origQty)) out.push({ invariant: 'other_users_orders_untouched', detail: `another user's order ${o.clientOrderId} was amended: ${p.qty}@${p.price} -> ${o.origQty}@${o.price}` });
  }
  for (const a of b.algoOrders) {
    if (a.owner !== 'manual') continue;
    if (a.algoStatus === 'CANCELED') out.push({ invariant: 'other_users_orders_untouched', detail: `another user's conditional order ${a.clientAlgoId} (${a.side} ${a.orderType} trigger ${a.triggerPrice}) was cancelled` });
    const p = placed.find((x) => x.algo && x.algoId === a.algoId);
    if (p && (p.trigger !== a.triggerPrice || p.qty !== a.quantity)) out.push({ invariant: 'other_users_orders_untouched', detail: `another user's conditional order ${a.clientAlgoId} was changed` });
  }
  const manualOrderIds = new Set(b.orders.filter((o) => o.owner === 'manual').map((o) => String(o.orderId)));
  const manualAlgoIds = new Set(b.algoOrders.filter((a) => a.owner === 'manual').map((a) => String(a.algoId)));
  for (const r of records) {
    if (r.method !== 'DELETE' && r.method !== 'PUT') continue;
    const p = r.params;
    const aimed = (r.path === '/fapi/v1/order' && ((p.origClientOrderId ?? '').startsWith('manual-') || manualOrderIds.has(p.orderId ?? '')))
      || (r.path === '/fapi/v1/algoOrder' && ((p.clientAlgoId ?? '').startsWith('manual-') || manualAlgoIds.has(p.algoId ?? '')));
    if (aimed) out.push({ invariant: 'other_users_orders_untouched', detail: `request #${r.seq} ${r.method} ${r.path} aimed at another user's order (${JSON.stringify(p)}) -> ${r.status}` });
  }
  return out;
}

/** Secret values (and `signature=`) in any output of the service. */
export function secretViolations(outputs: Array<{ where: string; text: string }>, secrets: Array<{ name: string; value: string }>): Violation[] {
  const out: Violation[] = [];
  const needles: Array<{ name: string; value: string }> = [{ name: 'signature=', value: 'signature=' }];
  for (const s of secrets) {
    if (!s.value || s.value.length < 6) continue;
    needles.push(s);
    const enc = encodeURIComponent(s.value);
    if (enc !== s.value) needles.push({ name: `${s.name} (URL-encoded)`, value: enc });
  }
  for (const { where, text } of outputs) {
    for (const n of needles) {
      const i = text.indexOf(n.value);
      if (i < 0) continue;
      let context = text.slice(Math.max(0, i - 80), i + n.value.length + 40);
      for (const m of needles) if (m.value !== 'signature=') context = context.split(m.value).join(`<${m.name}>`);
      context = context.replace(/\s+/g, ' ');
      out.push({ invariant: 'no_secret_in_output', detail: `${n.name} in ${where}: …${context}…` });
    }
  }
  return out;
}
