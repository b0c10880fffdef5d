// The read model of the operator surface: the running account as plain JSON (decimals as
// canonical strings, times as ISO strings with ages in seconds). It only reads the runtime (it
// never creates an entry, sends an event or writes anything) and keeps one thing of its own: a
// bounded ring of the latest journal records, with a short tail per scope.
import { readFileSync } from 'node:fs';
import type { StoredOrder } from '../../domain/account-state.js';
import { canon, canonOptional, ZERO } from '../../domain/decimal.js';
import type { OrderRow } from '../../domain/rows.js';
import { parseScopeKey, scopeKey, type ScopeKey } from '../../domain/scope.js';
import { dcaSlot, dcaStepOf, type Slot } from '../../domain/strategy.js';
import type { ScopeTrust } from '../../domain/trust.js';
import type { AccountRuntime } from '../../runtime/account-runtime.js';
import type { PendingConfirmation } from '../../runtime/confirmation-tracker.js';
import type { Journal, JournalRecord } from '../../runtime/journal.js';
import type { OrderContext } from '../../runtime/order-context-store.js';
import { writesEnabled } from '../../runtime/runtime-config.js';
import { appOrdersOf } from '../../runtime/scope-view.js';

/** Records kept for `/api/journal?since=`. */
export const DEFAULT_RING_SIZE = 5_000;
/** Records kept per scope for `/api/scopes/:scope`. */
export const SCOPE_TAIL = 50;
/** Longest list one status answer carries (pending, unknown outcomes, unprotected scopes...). */
const LIST_LIMIT = 100;

/** The scope a record speaks of: its `scope` ({exchange, product, symbol, managedSide}) or `scopeKey`. */
export function scopeKeyOfRecord(record: JournalRecord): ScopeKey | undefined {
  const s = record.scope as { exchange?: unknown; product?: unknown; symbol?: unknown; managedSide?: unknown } | undefined;
  if (s && typeof s === 'object' && typeof s.symbol === 'string' && (s.managedSide === 'LONG' || s.managedSide === 'SHORT')) {
    return scopeKey({ exchange: s.exchange as never, product: s.product as never, symbol: s.symbol, managedSide: s.managedSide });
  }
  return typeof record.scopeKey === 'string' ? record.scopeKey : undefined;
}

/** The latest journal records (bounded), and the latest few of each scope. */
export class JournalRing {
  private readonly records: JournalRecord[] = [];
  private start = 0;
  private readonly byScope = new Map<ScopeKey, JournalRecord[]>();
  private readonly listeners = new Set<(record: JournalRecord, scope: ScopeKey | undefined) => void>();
  readonly unsubscribe: () => void;

  constructor(journal: Journal, private readonly capacity = DEFAULT_RING_SIZE) {
    this.unsubscribe = journal.subscribe((record) => this.push(record));
  }

  private push(record: JournalRecord): void {
    if (this.records.length - this.start >= this.capacity) this.start++;
    this.records.push(record);
    // Compact now and then instead of shifting on every record.
    if (this.start > this.capacity) {
      this.records.splice(0, this.start);
      this.start = 0;
    }
    const key = scopeKeyOfRecord(record);
    if (key) {
      let tail = this.byScope.get(key);
      if (!tail) this.byScope.set(key, (tail = []));
      tail.push(record);
      if (tail.length > SCOPE_TAIL) tail.shift();
    }
    for (const listener of this.listeners) listener(record, key);
  }

  /** Told of every record as it is journaled (the event stream's change feed). */
  onRecord(listener: (record: JournalRecord, scope: ScopeKey | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get lastSeq(): number {
    return this.records.length > this.start ? this.records[this.records.length - 1]!.seq : 0;
  }

  get oldestSeq(): number {
    return this.records.length > this.start ? this.records[this.start]!.seq : 0;
  }

  /** Records with seq > `since`, oldest first, at most `limit`. */
  since(since: number, limit: number): JournalRecord[] {
    const out: JournalRecord[] = [];
    // Records are in seq order: find the first one after `since` by bisection.
    let lo = this.start;
    let hi = this.records.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.records[mid]!.seq <= since) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.records.length && out.length < limit; i++) out.push(this.records[i]!);
    return out;
  }

  ofScope(key: ScopeKey): JournalRecord[] {
    return [...(this.byScope.get(key) ?? [])];
  }
}

export interface ServiceInfo {
  venue: string;
  /** The runtime's execution mode (dry_run, demo, live...). */
  executionMode: string;
  version?: string;
  startedAtMs?: number;
}

/** exstate's version, from its package.json. */
export function serviceVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const iso = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) || ms <= 0 ? null : new Date(ms).toISOString());
const ageOf = (now: number, ms: number | undefined) => (ms === undefined || ms <= 0 ? null : Math.max(0, Math.round(now - ms) / 1000));

/** The top-level state of a machine value ('idle', {settling: 'quiet'} -> 'settling'). */
export function topState(value: unknown): string {
  if (value === undefined || value === null) return 'none';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return Object.keys(value as object)[0] ?? 'none';
  return String(value);
}

function orderJson(row: OrderRow): Record<string, unknown> {
  return {
    customOrderId: row.customOrderId ?? null, exchangeOrderId: row.exchangeOrderId ?? null, side: row.side, type: row.type, status: row.status,
    ...(row.venueType ? { venueType: row.venueType } : {}),
    ...(row.price ? { price: canon(row.price) } : {}), ...(row.triggerPrice ? { triggerPrice: canon(row.triggerPrice) } : {}),
    ...(row.qty ? { qty: canon(row.qty) } : {}), ...(row.filledQty ? { filledQty: canon(row.filledQty) } : {}),
    ...(row.reduceOnly !== undefined ? { reduceOnly: row.reduceOnly } : {}), ...(row.closePosition !== undefined ? { closePosition: row.closePosition } : {}),
  };
}

export interface SlotView {
  /**
   * open: rests at the venue (seen on the stream or a snapshot); pending: sent, not confirmed;
   * unknown: the outcome is unknown; planned: the last pass planned it but this mode (or a closed
   * gate) sends nothing; filled: a consumed DCA step; missing: none.
   */
  state: 'open' | 'pending' | 'unknown' | 'planned' | 'filled' | 'missing';
  customOrderId?: string;
  side?: string;
  type?: string;
  price?: string;
  triggerPrice?: string;
  qty?: string;
  filledQty?: string;
  closePosition?: boolean;
  /** A request for this slot waiting for its confirmation (place, amend, cancel). */
  pending?: string;
}

export interface ScopeSummary {
  key: ScopeKey;
  symbol: string;
  side: 'LONG' | 'SHORT';
  state: string;
  stateValue: unknown;
  position: { size: string; entryPrice: string } | null;
  trust: ScopeTrust;
  protection: { protected: boolean | null; slots: Record<string, SlotView> };
  pending: number;
  unknown: number;
  recoveryRequired: boolean;
  recoveryReason?: string;
  unplaceable?: { slot: string; code: string; since: string | null };
  consumedDcaSteps: number;
}

function pendingJson(p: PendingConfirmation, now: number): Record<string, unknown> {
  return { scope: p.scopeKey, action: p.action, slot: p.slot, customOrderId: p.customOrderId, state: p.state, since: iso(p.sinceMs), ageSeconds: ageOf(now, p.sinceMs) };
}

function contextJson(c: OrderContext): Record<string, unknown> {
  return {
    customOrderId: c.customOrderId, slot: c.slot, generation: c.generation, status: c.status, lifecycle: c.lifecycle ?? null,
    exchangeOrderId: c.exchangeOrderId ?? null, request: c.request ?? null, filled: c.filled ?? false, reachedVenue: c.reachedVenue ?? false,
    life: c.life ?? 0, createdAt: iso(c.createdAtMs), updatedAt: iso(c.updatedAtMs),
  };
}

/** One read of the account: orders grouped by scope once, so a whole snapshot is one pass. */
class Frame {
  readonly ordersByScope = new Map<ScopeKey, StoredOrder[]>();
  readonly now: number;

  constructor(readonly runtime: AccountRuntime) {
    this.now = runtime.core.clock.now();
    for (const order of runtime.state.orders.values()) {
      if (!order.scopeKey) continue;
      let list = this.ordersByScope.get(order.scopeKey);
      if (!list) this.ordersByScope.set(order.scopeKey, (list = []));
      list.push(order);
    }
  }
}

export class StatusModel {
  private readonly startedAtMs: number;
  private readonly version: string;
  /** Extra status fields the HTTP layer adds (its event-stream clients). */
  extra: () => Record<string, unknown> = () => ({});
  /** Per scope: what its last pass planned and did not send (dry run, closed gates), per slot. */
  private readonly planned = new Map<ScopeKey, Map<string, Record<string, unknown>>>();
  readonly unsubscribe: () => void;

  constructor(readonly runtime: AccountRuntime, readonly ring: JournalRing, readonly info: ServiceInfo) {
    this.startedAtMs = info.startedAtMs ?? Date.now();
    this.version = info.version ?? serviceVersion();
    this.unsubscribe = ring.onRecord((record, key) => {
      if (!key) return;
      // A pass plans anew: what it does not plan again is no longer planned.
      if (record.event === 'workflow_pass') this.planned.delete(key);
      if (record.event === 'request_planned' && record.wouldSubmit === false && record.action === 'place' && typeof record.slot === 'string') {
        let slots = this.planned.get(key);
        if (!slots) this.planned.set(key, (slots = new Map()));
        const { side, type, price, triggerPrice, qty } = record;
        slots.set(record.slot, { side, type, ...(price !== undefined ? { price } : {}), ...(triggerPrice !== undefined ? { triggerPrice } : {}), ...(qty !== undefined ? { qty } : {}) });
      }
    });
  }

  private get core() {
    return this.runtime.core;
  }

  /** The trust a scope has, without creating the entry a first use would (reading changes nothing). */
  private trustOf(key: ScopeKey): ScopeTrust {
    const { state } = this.runtime;
    const t = state.trust.get(key);
    if (t) return { ...t };
    const base = { ...state.baselineTrust };
    if (!state.filters.has(parseScopeKey(key).symbol)) base.filter = 'untrusted';
    return base;
  }

  /** Scopes known to the runtime, and any with a position or an order routed to them. */
  private scopeKeys(frame: Frame): ScopeKey[] {
    const keys = new Set<ScopeKey>(this.core.known.keys());
    for (const key of this.runtime.state.positions.keys()) keys.add(key);
    for (const key of frame.ordersByScope.keys()) keys.add(key);
    return [...keys];
  }

  resolveKey(param: string): ScopeKey | undefined {
    const frame = new Frame(this.runtime);
    const keys = this.scopeKeys(frame);
    if (keys.includes(param)) return param;
    // The short form SYMBOL:SIDE (one account, one exchange product).
    const [symbol, side, extra] = param.split(':');
    if (extra !== undefined || !symbol || (side !== 'LONG' && side !== 'SHORT')) return undefined;
    return keys.find((k) => k.endsWith(`:${symbol}:${side}`));
  }

  private expectedSlots(): Slot[] {
    const { strategy } = this.core.config;
    const slots: Slot[] = [];
    if (strategy.stopLossPct) slots.push('SL');
    if (strategy.takeProfitPct) slots.push('TP');
    strategy.dca.forEach((_s, i) => slots.push(dcaSlot(i + 1)));
    return slots;
  }

  private summarize(key: ScopeKey, frame: Frame): ScopeSummary & { appOrders: ReturnType<typeof appOrdersOf>; foreign: StoredOrder[]; pendings: PendingConfirmation[]; unresolved: OrderContext[] } {
    const { core, runtime } = this;
    const scope = parseScopeKey(key);
    const position = runtime.state.positions.get(key);
    const orders = frame.ordersByScope.get(key) ?? [];
    const app = appOrdersOf(core, key, orders);
    const appIds = new Set(app.map((a) => a.customOrderId));
    const foreign = orders.filter((o) => !o.row.customOrderId || !appIds.has(o.row.customOrderId));
    const pendings = core.tracker.ofScope(key);
    const unresolved = core.contexts.unresolvedOfScope(key);
    const consumed = core.contexts.consumedSteps(key);

    const slots: Record<string, SlotView> = {};
    const expected = this.expectedSlots();
    for (const slot of [...expected, ...app.map((a) => a.slot), ...pendings.map((p) => p.slot as Slot), ...(this.planned.get(key)?.keys() ?? [])]) {
      if (slots[slot]) continue;
      const order = app.find((a) => a.slot === slot);
      const pending = pendings.find((p) => p.slot === slot);
      const unknown = pending?.state === 'unknown' || unresolved.some((c) => c.slot === slot);
      if (order) {
        slots[slot] = {
          state: 'open', customOrderId: order.customOrderId, side: order.row.side, type: order.row.type,
          ...(order.row.price ? { price: canon(order.row.price) } : {}), ...(order.row.triggerPrice ? { triggerPrice: canon(order.row.triggerPrice) } : {}),
          ...(order.row.qty ? { qty: canon(order.row.qty) } : {}), ...(order.row.filledQty && !order.row.filledQty.isZero() ? { filledQty: canon(order.row.filledQty) } : {}),
          ...(order.row.closePosition ? { closePosition: true } : {}), ...(pending ? { pending: pending.action } : {}),
        };
      } else if (pending || unknown) {
        slots[slot] = { state: unknown ? 'unknown' : 'pending', ...(pending ? { customOrderId: pending.customOrderId, pending: pending.action } : {}) };
      } else if (this.planned.get(key)?.has(slot)) {
        slots[slot] = { state: 'planned', ...(this.planned.get(key)!.get(slot) as Partial<SlotView>) };
      } else {
        const step = dcaStepOf(slot);
        slots[slot] = { state: step !== undefined && step <= consumed ? 'filled' : 'missing' };
      }
    }
    const open = position !== undefined && position.size.gt(ZERO);
    const protective = expected.filter((s) => s === 'SL' || s === 'TP');
    const u = core.unplaceable.get(key);
    const stateValue = runtime.scopeStateValue(key);
    return {
      key, symbol: scope.symbol, side: scope.managedSide, state: topState(stateValue), stateValue: stateValue ?? null,
      position: position ? { size: canon(position.size), entryPrice: canon(position.entryPrice) } : null,
      trust: this.trustOf(key),
      protection: { protected: open ? protective.every((s) => slots[s]?.state === 'open') : null, slots },
      pending: pendings.length,
      unknown: new Set([...pendings.filter((p) => p.state === 'unknown').map((p) => p.customOrderId), ...unresolved.map((c) => c.customOrderId)]).size,
      recoveryRequired: core.needsRecovery(key),
      ...(core.recoveryReasons.has(key) ? { recoveryReason: core.recoveryReasons.get(key)! } : {}),
      ...(u ? { unplaceable: { slot: u.slot, code: u.code, since: iso(u.sinceMs) } } : {}),
      consumedDcaSteps: consumed,
      appOrders: app, foreign, pendings, unresolved,
    };
  }

  private static plain(s: ReturnType<StatusModel['summarize']>): ScopeSummary {
    const { appOrders: _a, foreign: _f, pendings: _p, unresolved: _u, ...summary } = s;
    return summary;
  }

  scopes(): ScopeSummary[] {
    const frame = new Frame(this.runtime);
    return this.scopeKeys(frame).sort().map((key) => StatusModel.plain(this.summarize(key, frame)));
  }

  scope(key: ScopeKey): Record<string, unknown> | undefined {
    const frame = new Frame(this.runtime);
    if (!this.scopeKeys(frame).includes(key)) return undefined;
    const s = this.summarize(key, frame);
    const ref = this.runtime.scopeRef(key);
    const contexts = [...this.core.contexts.all()]
      .filter((c) => c.scopeKey === key)
      .sort((a, b) => Number(a.status === 'terminal') - Number(b.status === 'terminal') || b.updatedAtMs - a.updatedAtMs)
      .slice(0, SCOPE_TAIL);
    return {
      ...StatusModel.plain(s),
      machine: { state: s.state, value: s.stateValue, status: ref?.getSnapshot().status ?? 'none' },
      orders: {
        app: s.appOrders.map((a) => ({ slot: a.slot, ...orderJson(a.row) })),
        foreign: s.foreign.map((o) => orderJson(o.row)),
      },
      contexts: contexts.map(contextJson),
      pendingConfirmations: s.pendings.map((p) => pendingJson(p, frame.now)),
      unknownOutcomes: this.unknownOf(s.pendings, s.unresolved, frame.now),
      journal: this.ring.ofScope(key),
    };
  }

  private unknownOf(pendings: PendingConfirmation[], unresolved: OrderContext[], now: number): Array<Record<string, unknown>> {
    const out = pendings.filter((p) => p.state === 'unknown').map((p) => pendingJson(p, now));
    const seen = new Set(out.map((o) => o.customOrderId));
    for (const c of unresolved) {
      if (seen.has(c.customOrderId)) continue;
      out.push({ scope: c.scopeKey, action: 'place', slot: c.slot, customOrderId: c.customOrderId, state: 'unknown', since: iso(c.updatedAtMs), ageSeconds: ageOf(now, c.updatedAtMs) });
    }
    return out;
  }

  /** Ready for /readyz: the service is ready and the mode is not PAUSED; otherwise why not. */
  readiness(): { ok: boolean; ready: boolean; mode: string; lifecycle: unknown; reason?: string } {
    const { runtime, core } = this;
    const ready = runtime.state.serviceReady && runtime.readiness().service;
    const mode = core.modes.mode();
    const lifecycle = runtime.root.getSnapshot().value;
    const reasons: string[] = [];
    if (!ready) reasons.push(`not ready: the account is ${topState(lifecycle)}, the private stream ${topState(runtime.streamStats().state)}`);
    if (mode === 'PAUSED') reasons.push(`PAUSED: ${core.modes.reasons().map((r) => r.reason).join(', ')}`);
    return { ok: reasons.length === 0, ready, mode, lifecycle, ...(reasons.length ? { reason: reasons.join('; ') } : {}) };
  }

  status(): Record<string, unknown> {
    const { runtime, core, info } = this;
    const frame = new Frame(runtime);
    const now = frame.now;
    const summaries = this.scopeKeys(frame).sort().map((key) => this.summarize(key, frame));
    const byState: Record<string, number> = {};
    for (const s of summaries) byState[s.state] = (byState[s.state] ?? 0) + 1;
    const open = summaries.filter((s) => s.position && s.protection.protected !== null);
    const unprotected = open.filter((s) => s.protection.protected === false);
    const pendings = [...core.tracker.all()];
    const unknown = summaries.flatMap((s) => this.unknownOf(s.pendings, s.unresolved, now));
    const stream = runtime.streamStats();
    const readiness = this.readiness();
    const modeSince = (runtime.mode.getSnapshot().context as { sinceMs?: number }).sinceMs;
    const alerts = core.modes.reasons().map((r) => ({ reason: r.reason, since: iso(r.sinceMs), ageSeconds: ageOf(now, r.sinceMs), detail: r.detail }));
    return {
      service: { name: 'exstate', version: this.version, pid: process.pid, startedAt: iso(this.startedAtMs), uptimeSeconds: Math.round((Date.now() - this.startedAtMs) / 1000) },
      venue: info.venue,
      executionMode: info.executionMode,
      writesEnabled: writesEnabled(core.config) && runtime.state.serviceReady,
      ready: readiness.ready,
      readiness: { ...runtime.readiness(), ok: readiness.ok, ...(readiness.reason ? { reason: readiness.reason } : {}) },
      lifecycle: readiness.lifecycle,
      mode: readiness.mode,
      // The mode machine starts NORMAL without a time: NORMAL since the service started.
      modeSince: iso(modeSince) ?? iso(this.startedAtMs),
      alerts,
      stream: {
        state: topState(stream.state), open: runtime.state.privateStreamReady, rowsIngested: stream.rows,
        lastItemAt: iso(stream.lastItemAtMs), ageSeconds: ageOf(now, stream.lastItemAtMs ?? this.startedAtMs),
      },
      counts: {
        scopes: summaries.length, scopesByState: byState, positions: open.length, protectedPositions: open.length - unprotected.length,
        unprotectedPositions: unprotected.length, pendingConfirmations: pendings.length, unknownOutcomes: unknown.length,
        recoveryRequired: summaries.filter((s) => s.recoveryRequired).length, openOrders: runtime.state.orders.size,
      },
      unprotected: unprotected.slice(0, LIST_LIMIT).map((s) => s.key),
      pending: pendings.slice(0, LIST_LIMIT).map((p) => pendingJson(p, now)),
      unknownOutcomes: unknown.slice(0, LIST_LIMIT),
      recovery: summaries.filter((s) => s.recoveryRequired).slice(0, LIST_LIMIT).map((s) => ({ scope: s.key, reason: s.recoveryReason ?? 'unsettled' })),
      unplaceable: summaries.filter((s) => s.unplaceable).slice(0, LIST_LIMIT).map((s) => ({ scope: s.key, ...s.unplaceable })),
      balances: [...runtime.state.balances.values()].map((b) => ({ asset: b.asset, walletBalance: canon(b.walletBalance), availableBalance: canonOptional(b.availableBalance) ?? null })),
      journal: { lastSeq: this.ring.lastSeq, oldestSeq: this.ring.oldestSeq },
      ...this.extra(),
    };
  }

  /** Numbers for /metrics: one read of the account. */
  gauges(): {
    mode: string; reasons: string[]; ready: boolean; streamOpen: boolean; streamAgeSeconds: number; rows: number; scopesByState: Record<string, number>;
    positions: number; unprotected: number; unknownOutcomes: number; pendingConfirmations: number; recoveryRequired: number; openOrders: number;
  } {
    const { runtime, core } = this;
    const frame = new Frame(runtime);
    const summaries = this.scopeKeys(frame).map((key) => this.summarize(key, frame));
    const scopesByState: Record<string, number> = {};
    for (const s of summaries) scopesByState[s.state] = (scopesByState[s.state] ?? 0) + 1;
    const open = summaries.filter((s) => s.protection.protected !== null);
    const stream = runtime.streamStats();
    return {
      mode: core.modes.mode(), reasons: core.modes.reasons().map((r) => r.reason), ready: this.readiness().ready, streamOpen: runtime.state.privateStreamReady,
      streamAgeSeconds: ageOf(frame.now, stream.lastItemAtMs ?? this.startedAtMs) ?? 0, rows: stream.rows, scopesByState,
      positions: open.length, unprotected: open.filter((s) => s.protection.protected === false).length,
      unknownOutcomes: summaries.reduce((a, s) => a + s.unknown, 0), pendingConfirmations: [...core.tracker.all()].length,
      recoveryRequired: summaries.filter((s) => s.recoveryRequired).length, openOrders: runtime.state.orders.size,
    };
  }
}
