// A model venue for the runtime properties: the truth of one scope's position and app orders, kept
// in step with the scripted venue's REST view, and an interpreter that turns fast-check's
// abstract choices into valid fixture steps given what the runtime has done so far (its
// submissions are answered only once they exist; rows speak of orders the venue holds).
//
// Every truth change the runtime does not cause itself (fills, venue-side cancels, manual position
// changes, requests a dead process had in flight) is written to the scripted venue first
// (`venue_state`, or the startup payload after a restart), so lookups, recovery and reconnect
// snapshots read the same truth; the private rows describing it queue up and are delivered by
// later choices in order, out of order, twice, or never (a disconnect drops them).
import { Decimal } from '../../src/domain/decimal.js';
import { dcaStepOf } from '../../src/domain/strategy.js';
import type { Observed } from '../../src/conformance/observe.js';
import type { FixtureStep, JsonObject } from '../../src/conformance/fixture-format.js';
import { GeneratorError, type LiveFixture } from './runtime-driver.js';

export const SYMBOL = 'BTCUSDT';
const LOT = new Decimal('0.001');

export type Outcome = 'accepted' | 'rejected' | 'rate_limited' | 'timeout' | 'network_error' | 'http503' | 'unlisted';

export type Choice =
  | { k: 'tick'; dt: number }
  | { k: 'answer'; pick: number; outcome: Outcome; applied: boolean }
  | { k: 'deliver'; pick: number }
  | { k: 'duplicate'; pick: number }
  | { k: 'fill'; target: 'DCA' | 'TP' | 'SL'; pick: number; part: 'one' | 'half' | 'all' }
  | { k: 'venue_cancel'; pick: number }
  | { k: 'manual'; what: 'close' | 'reduce' }
  | { k: 'disconnect' }
  | { k: 'reconnect' }
  | { k: 'restart'; appliedMask: number }
  | { k: 'recovery' }
  | { k: 'lookup_failures'; n: number }
  | { k: 'store_failures'; n: number }
  /** The happy path one round further: answer everything accepted, deliver everything in order, let the burst wait pass. */
  | { k: 'progress' };

type Status = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';
const OPEN = (s: Status) => s === 'NEW' || s === 'PARTIALLY_FILLED';

export interface VOrder {
  ref: string;
  slot: string;
  exchangeOrderId: string;
  side: string;
  type: string;
  price?: string;
  triggerPrice?: string;
  qty?: string;
  reduceOnly?: boolean;
  closePosition?: boolean;
  status: Status;
  filled: Decimal;
  /** What the runtime was last told about the order: by a private row or a snapshot. */
  belief: 'none' | 'open' | 'terminal';
}

export interface Sub {
  index: number;
  action: 'place' | 'amend' | 'cancel';
  slot: string;
  ref: string;
  fields: Record<string, unknown>;
  answered: boolean;
  /** Observed after this many steps. */
  atStep: number;
}

export interface Finding {
  property: string;
  detail: string;
}

export class RuntimeModel {
  now = 0;
  size: Decimal;
  entry: Decimal;
  connected = true;
  readonly orders = new Map<string, VOrder>();
  readonly fills: JsonObject[] = [];
  queue: JsonObject[] = [];
  readonly delivered: JsonObject[] = [];
  readonly subs: Sub[] = [];
  /** Runtime custom id -> "@SLOT#k" (the fixture's stable reference). */
  readonly refOf = new Map<string, string>();
  private nextX = 0;
  private nextTrade = 0;
  private venueAutoIds = 0;
  private hydrationsSeen = 0;
  private closedSinceSync: VOrder[] = [];
  readonly findings: Finding[] = [];

  constructor(
    readonly live: LiveFixture,
    readonly protective: string[],
    size: string,
    entry: string,
  ) {
    this.size = new Decimal(size);
    this.entry = new Decimal(entry);
  }

  // ---- the runtime's side ------------------------------------------------------------------------

  /** Runs a step, then reads what the runtime did (new submissions, hydrations) and checks the per-step invariants. */
  async emit(step: FixtureStep): Promise<void> {
    await this.live.step(step);
    await this.sync();
  }

  private async sync(): Promise<void> {
    const o = await this.live.observed();
    const counts = new Map<string, number>();
    for (const r of o.requests) {
      if (r.action !== 'place' || (r.scope as { symbol: string }).symbol !== SYMBOL) continue;
      const slot = r.slot as string;
      const k = (counts.get(slot) ?? 0) + 1;
      counts.set(slot, k);
      const id = r.customOrderId as string;
      const ref = `@${slot}#${k}`;
      const known = this.refOf.get(id);
      if (known && known !== ref) throw new GeneratorError(`reference drift: ${id} was ${known}, now ${ref}`);
      this.refOf.set(id, ref);
    }
    // The runtime read the venue (startup, reconnect, recovery): it now believes the truth. A
    // submission of this step may have come before or after that read: protection counts as
    // shown if it was shown either way.
    this.shownBefore = this.shownSlots();
    if (o.hydrations.length > this.hydrationsSeen) {
      this.hydrationsSeen = o.hydrations.length;
      for (const v of this.orders.values()) v.belief = OPEN(v.status) ? 'open' : v.belief === 'none' ? 'none' : 'terminal';
    }
    for (let i = this.subs.length; i < o.submissions.length; i++) {
      const s = o.submissions[i]!;
      const ref = this.refOf.get(s.customOrderId as string);
      if (!ref) {
        this.finding('mutation_without_context', `submission ${i} ${s.action} ${s.slot} targets ${String(s.customOrderId)}, which no place request of this run created`);
        this.subs.push({ index: i, action: s.action as 'place', slot: s.slot as string, ref: '@UNKNOWN', fields: s, answered: true, atStep: this.live.steps.length });
        continue;
      }
      const sub: Sub = { index: i, action: s.action as Sub['action'], slot: s.slot as string, ref, fields: s, answered: false, atStep: this.live.steps.length };
      this.subs.push(sub);
      this.checkSubmission(sub, o);
    }
  }

  /** Invariants judged at the moment a submission first shows. */
  private checkSubmission(sub: Sub, o: Observed): void {
    // No amend or cancel of an order without a matching context (same order, same slot).
    if (sub.action !== 'place') {
      const ctx = o.contexts.find((c) => c.customOrderId === sub.fields.customOrderId);
      if (!ctx || ctx.slot !== sub.slot || !sub.ref.startsWith(`@${sub.slot}#`)) {
        this.finding('mutation_without_context', `${sub.action} ${sub.slot} of ${sub.ref}: context ${JSON.stringify(ctx)}`);
      }
    }
    const step = dcaStepOf(sub.slot);
    if (step === undefined || sub.action === 'cancel') return;
    // No exposure-increasing submission while protection is not trusted-active: every configured
    // protective slot has an order the runtime was shown open (a row or a snapshot), not since ended.
    const shownAfter = this.shownSlots();
    for (const slot of this.protective) {
      const shown = this.shownBefore.has(slot) || shownAfter.has(slot);
      if (!shown) this.finding('dca_without_trusted_protection', `${sub.action} ${sub.slot} (${sub.ref}) while no ${slot} was shown open to the runtime`);
    }
    if (sub.action !== 'place') return;
    // A DCA step at most once per position life: never while an earlier order of the step is open
    // at the venue or has traded (an order proven never placed, or cancelled unfilled, may be re-placed).
    for (const v of this.orders.values()) {
      if (v.slot !== sub.slot || v.ref === sub.ref) continue;
      if (OPEN(v.status) || v.filled.gt(0)) {
        this.finding('dca_step_placed_twice', `${sub.ref} placed while ${v.ref} is ${v.status} with ${v.filled.toFixed()} filled`);
      }
    }
  }

  private shownBefore = new Set<string>();

  private shownSlots(): Set<string> {
    return new Set([...this.orders.values()].filter((v) => v.belief === 'open').map((v) => v.slot));
  }

  finding(property: string, detail: string): void {
    this.findings.push({ property, detail: `${detail} (after step ${this.live.steps.length - 1})` });
  }

  // ---- the venue's side ----------------------------------------------------------------------------

  private orderRow(v: VOrder, status: Status | 'AMENDED' = v.status): JsonObject {
    const row: JsonObject = { kind: 'order', customOrderId: v.ref, exchangeOrderId: v.exchangeOrderId, side: v.side, type: v.type, status };
    if (v.price !== undefined) row.price = v.price;
    if (v.triggerPrice !== undefined) row.triggerPrice = v.triggerPrice;
    if (v.qty !== undefined) row.qty = v.qty;
    if (v.reduceOnly !== undefined) row.reduceOnly = v.reduceOnly;
    if (v.closePosition !== undefined) row.closePosition = v.closePosition;
    if (v.filled.gt(0)) row.filledQty = v.filled.toFixed();
    return row;
  }

  positionRow(): JsonObject {
    return { kind: 'position', size: this.size.toFixed(), entryPrice: this.size.gt(0) ? this.entry.toFixed() : '0' };
  }

  /** The venue's REST view as the truth has it (plus the finished orders a lookup still serves). */
  view(): JsonObject {
    const { kind: _k, ...position } = this.positionRow();
    const payload: JsonObject = {
      positions: this.size.gt(0) ? [{ symbol: SYMBOL, managedSide: 'LONG', ...position }] : [],
      openOrders: [...this.orders.values()].filter((v) => OPEN(v.status)).map((v) => stripKind(this.orderRow(v))),
      fills: this.fills.map(stripKind),
    };
    if (this.closedSinceSync.length > 0) payload.closedOrders = this.closedSinceSync.map((v) => stripKind(this.orderRow(v)));
    this.closedSinceSync = [];
    return payload;
  }

  private end(v: VOrder, status: Status): void {
    v.status = status;
    this.closedSinceSync.push(v);
  }

  private addOrder(sub: Sub, exchangeOrderId: string): VOrder {
    const f = sub.fields;
    const v: VOrder = {
      ref: sub.ref, slot: sub.slot, exchangeOrderId, side: f.side as string, type: f.type as string,
      ...(f.price !== undefined ? { price: f.price as string } : {}), ...(f.triggerPrice !== undefined ? { triggerPrice: f.triggerPrice as string } : {}),
      ...(f.qty !== undefined ? { qty: f.qty as string } : {}), ...(f.reduceOnly !== undefined ? { reduceOnly: f.reduceOnly as boolean } : {}),
      ...(f.closePosition !== undefined ? { closePosition: f.closePosition as boolean } : {}),
      status: 'NEW', filled: new Decimal(0), belief: 'none',
    };
    this.orders.set(sub.ref, v);
    return v;
  }

  /** Applies a request at the venue (as the scripted venue does for an accepted or applied answer); returns the row the venue emits. */
  private applyAtVenue(sub: Sub, exchangeOrderId: string | undefined, alsoTruthOnly = false): JsonObject | undefined {
    if (sub.action === 'place') {
      const v = this.addOrder(sub, exchangeOrderId ?? `E${++this.nextX}`);
      if (alsoTruthOnly) this.closedSinceSync = this.closedSinceSync.filter((x) => x !== v);
      return this.orderRow(v);
    }
    const v = this.orders.get(sub.ref);
    if (!v || !OPEN(v.status)) return undefined;
    if (sub.action === 'cancel') {
      v.status = 'CANCELED';
      if (alsoTruthOnly) this.closedSinceSync.push(v);
      return this.orderRow(v);
    }
    if (sub.fields.price !== undefined) v.price = sub.fields.price as string;
    if (sub.fields.qty !== undefined) v.qty = sub.fields.qty as string;
    return this.orderRow(v, 'AMENDED');
  }

  private targetOpen(sub: Sub): boolean {
    const v = this.orders.get(sub.ref);
    return v !== undefined && OPEN(v.status);
  }

  // ---- choices -------------------------------------------------------------------------------------

  async apply(c: Choice): Promise<void> {
    switch (c.k) {
      case 'tick':
        this.now += c.dt;
        return this.emit({ type: 'planner_tick', atMs: this.now });
      case 'answer': {
        const open = this.subs.filter((s) => !s.answered);
        if (open.length === 0) return;
        return this.answer(open[c.pick % open.length]!, c.outcome, c.applied);
      }
      case 'deliver':
        if (!this.connected || this.queue.length === 0) return;
        return this.deliver(c.pick % this.queue.length);
      case 'duplicate': {
        if (!this.connected || this.delivered.length === 0) return;
        const row = this.delivered[c.pick % this.delivered.length]!;
        return this.emit({ type: 'private_event', event: row });
      }
      case 'fill':
        return this.fill(c.target, c.pick, c.part);
      case 'venue_cancel': {
        const open = [...this.orders.values()].filter((v) => OPEN(v.status));
        if (open.length === 0) return;
        const v = open[c.pick % open.length]!;
        this.end(v, c.pick % 2 === 0 ? 'CANCELED' : 'EXPIRED');
        await this.emit({ type: 'venue_state', payload: this.view() });
        this.queue.push(this.orderRow(v));
        return;
      }
      case 'manual': {
        if (this.size.lte(0)) return;
        // Another client (the operator) closes or halves the position: a position row only.
        const half = this.size.div(2).div(LOT).floor().mul(LOT);
        this.size = c.what === 'close' || half.lt(LOT) ? new Decimal(0) : this.size.minus(half);
        await this.emit({ type: 'venue_state', payload: this.view() });
        this.queue.push(this.positionRow());
        return;
      }
      case 'disconnect':
        if (!this.connected) return;
        this.connected = false;
        this.queue = []; // rows the venue sends while we are not listening are lost
        return this.emit({ type: 'private_stream', status: 'disconnected' });
      case 'reconnect':
        if (this.connected) return;
        this.connected = true;
        await this.emit({ type: 'venue_state', payload: this.view() });
        return this.emit({ type: 'private_stream', status: 'reconnected' });
      case 'restart':
        return this.restart(c.appliedMask);
      case 'recovery':
        if (!this.connected) return;
        return this.emit({ type: 'rest_hydration', subject: 'recovery', payload: this.view() });
      case 'lookup_failures':
        return this.emit({ type: 'venue_state', payload: { lookupFailures: c.n } });
      case 'store_failures':
        return this.emit({ type: 'context_store', failWrites: c.n });
      case 'progress': {
        for (let guard = 0; guard < 10; guard++) {
          const open = this.subs.find((x) => !x.answered);
          if (!open) break;
          await this.answer(open, 'accepted', false);
        }
        if (this.connected) {
          while (this.queue.length > 0) await this.deliver(0);
          await this.emit({ type: 'private_event', event: this.positionRow() });
        }
        this.now += 200;
        return this.emit({ type: 'planner_tick', atMs: this.now });
      }
    }
  }

  async deliver(index: number): Promise<void> {
    const [row] = this.queue.splice(index, 1);
    if (!row) return;
    this.delivered.push(row);
    if (row.kind === 'order') {
      const v = this.orders.get(row.customOrderId as string);
      const terminal = !OPEN(row.status as Status) && row.status !== 'AMENDED';
      // A late NEW after a terminal row changes nothing: the runtime never reopens a finished order.
      if (v) v.belief = terminal ? 'terminal' : v.belief === 'terminal' ? 'terminal' : 'open';
    }
    await this.emit({ type: 'private_event', event: row });
  }

  async answer(sub: Sub, outcome: Outcome, applied: boolean): Promise<void> {
    const match = { action: sub.action, slot: sub.slot, customOrderId: sub.ref };
    sub.answered = true;
    // Amends and cancels of an order the venue no longer holds: the venue says "unknown order".
    if (sub.action !== 'place' && !this.targetOpen(sub) && (outcome === 'accepted' || outcome === 'rejected')) {
      return this.emit({ type: 'submit_result', match, outcome: 'rejected', code: -2011, message: 'Unknown order sent.' });
    }
    // Definite rejections only for places (a blocked cancel would legitimately never converge).
    if (outcome === 'rejected' && sub.action !== 'place') outcome = 'rate_limited';
    const venueApplies = outcome === 'accepted' || (applied && ['timeout', 'network_error', 'http503', 'unlisted'].includes(outcome));
    let row: JsonObject | undefined;
    let exchangeOrderId: string | undefined;
    if (outcome === 'accepted') {
      exchangeOrderId = sub.action === 'place' ? `E${++this.nextX}` : undefined;
      row = this.applyAtVenue(sub, exchangeOrderId);
    } else if (venueApplies) {
      // The scripted venue applies it itself, with its own venue id for a place.
      row = this.applyAtVenue(sub, sub.action === 'place' ? `${9_000_000 + ++this.venueAutoIds}` : undefined);
    }
    if (row && !OPEN((row.status as Status)) && row.status !== 'AMENDED') {
      // Cancelled at the venue by the answer itself: the scripted venue records the ending.
      this.closedSinceSync = this.closedSinceSync.filter((v) => v.ref !== sub.ref);
    }
    const step: FixtureStep = { type: 'submit_result', match } as FixtureStep;
    switch (outcome) {
      case 'accepted':
        Object.assign(step, { outcome: 'accepted', ...(exchangeOrderId ? { exchangeOrderId } : {}) });
        break;
      case 'rejected':
        Object.assign(step, { outcome: 'rejected', code: -2010, message: 'Order would immediately trigger.' });
        break;
      case 'rate_limited':
        Object.assign(step, { outcome: 'rejected', code: -1003, httpStatus: 429, message: 'Too many requests.' });
        break;
      case 'timeout':
      case 'network_error':
        Object.assign(step, { outcome, ...(venueApplies ? { applied: true } : {}) });
        break;
      case 'http503':
        Object.assign(step, { outcome: 'rejected', code: -1001, httpStatus: 503, message: 'Internal error; unable to process your request.', ...(venueApplies ? { applied: true } : {}) });
        break;
      case 'unlisted':
        Object.assign(step, { outcome: 'rejected', code: -9999, message: 'Something new.', ...(venueApplies ? { applied: true } : {}) });
        break;
    }
    await this.emit(step);
    if (row && this.connected) this.queue.push(row);
  }

  private async fill(target: 'DCA' | 'TP' | 'SL', pick: number, part: 'one' | 'half' | 'all'): Promise<void> {
    if (this.size.lte(0)) return;
    const open = [...this.orders.values()].filter((v) => OPEN(v.status) && v.slot.startsWith(target));
    if (open.length === 0) return;
    const v = open[pick % open.length]!;
    let qty: Decimal;
    let price: Decimal;
    if (v.type === 'STOP_MARKET') {
      // The stop triggers and closes the whole position at its trigger price.
      qty = this.size;
      price = new Decimal(v.triggerPrice!);
      v.filled = qty;
      this.end(v, 'FILLED');
    } else {
      const remaining = new Decimal(v.qty!).minus(v.filled);
      const cap = v.reduceOnly ? Decimal.min(remaining, this.size) : remaining;
      if (cap.lte(0)) return;
      qty = part === 'all' ? cap : part === 'one' ? Decimal.min(LOT, cap) : Decimal.max(LOT, cap.div(2).div(LOT).floor().mul(LOT));
      price = new Decimal(v.price!);
      v.filled = v.filled.add(qty);
      if (v.filled.gte(new Decimal(v.qty!))) this.end(v, 'FILLED');
      else v.status = 'PARTIALLY_FILLED';
    }
    const entryFill = v.side === 'BUY';
    if (entryFill) {
      this.entry = this.entry.mul(this.size).add(price.mul(qty)).div(this.size.add(qty)).toDecimalPlaces(8);
      this.size = this.size.add(qty);
    } else {
      this.size = Decimal.max(0, this.size.minus(qty));
    }
    const exec: JsonObject = { kind: 'execution', customOrderId: v.ref, exchangeOrderId: v.exchangeOrderId, tradeId: `T${++this.nextTrade}`, side: v.side, price: price.toFixed(), qty: qty.toFixed() };
    this.fills.push(exec);
    await this.emit({ type: 'venue_state', payload: this.view() });
    if (this.connected) this.queue.push(this.orderRow(v), exec, this.positionRow());
  }

  private async restart(mask: number): Promise<void> {
    // Requests the dead process had in flight: the venue applied some of them (the mask says which).
    let bit = 0;
    for (const sub of this.subs) {
      if (sub.answered) continue;
      sub.answered = true;
      if ((mask >> bit++) & 1) this.applyAtVenue(sub, undefined, true);
    }
    this.queue = [];
    this.connected = true;
    await this.emit({ type: 'restart' });
    await this.emit({ type: 'rest_hydration', subject: 'startup', payload: this.view() });
    await this.emit({ type: 'start' });
  }

  // ---- quiescence ----------------------------------------------------------------------------------

  /** Answers and delivers everything, time passes, until the runtime has nothing left to do. */
  async settle(): Promise<void> {
    if (!this.connected) await this.apply({ k: 'reconnect' });
    await this.emit({ type: 'venue_state', payload: { ...this.view(), lookupFailures: 0 } });
    await this.emit({ type: 'context_store', failWrites: 0 });
    let quiet = 0;
    for (let round = 0; round < 14 && quiet < 2; round++) {
      const before = this.subs.length;
      for (let guard = 0; guard < 20; guard++) {
        const open = this.subs.find((s) => !s.answered);
        if (!open) break;
        await this.answer(open, 'accepted', false);
        while (this.queue.length > 0) await this.deliver(0);
      }
      while (this.queue.length > 0) await this.deliver(0);
      await this.emit({ type: 'private_event', event: this.positionRow() });
      this.now += round < 4 ? 6_000 : 31_000;
      await this.emit({ type: 'planner_tick', atMs: this.now });
      quiet = this.subs.length === before && this.subs.every((s) => s.answered) && this.queue.length === 0 ? quiet + 1 : 0;
    }
  }

  openAppOrders(): VOrder[] {
    return [...this.orders.values()].filter((v) => OPEN(v.status));
  }
}

function stripKind(row: JsonObject): JsonObject {
  const { kind: _kind, ...rest } = row;
  return { symbol: SYMBOL, managedSide: 'LONG', ...rest };
}
