// RecoveryHydrator: REST state enters only at trust boundaries. Startup (adopt open contexts,
// settle the rest, queue open positions), reconnect (full replacement snapshot), and scoped
// recovery (the scope's snapshot, then the evidence for every order whose fate is unknown).
//
// Evidence is never dropped before it is settled (lesson 12): an app order missing from a
// snapshot becomes `unknown` (durably) and keeps its scope in recovery; only a lookup by custom
// id, a fill under its identity or a terminal row settles it. The decisions are pure
// (domain/reconcile.ts); this class does the I/O and applies them.
import { ZERO } from '../domain/decimal.js';
import type { LifecycleReport } from '../domain/order-lifecycle.js';
import { fillsOfOrder, settleOrder, type LookupAnswer, type Settlement } from '../domain/reconcile.js';
import { rowDefect } from '../domain/row-validation.js';
import type { ExecutionRow, OrderRow, PositionRow, RestSnapshot } from '../domain/rows.js';
import type { ScopeKey } from '../domain/scope.js';
import { dcaStepOf } from '../domain/strategy.js';
import type { HydrationSubject } from '../venues/port.js';
import type { OrderContext } from './order-context-store.js';
import type { RuntimeCore } from './runtime-core.js';
import { symbolAllowed } from './runtime-config.js';
import { scrubText } from './redact.js';

/** Thrown when a scoped recovery could not settle every order: the scope retries with backoff. */
export class UnresolvedEvidenceError extends Error {
  constructor(readonly customOrderIds: string[], readonly onlyWaiting: boolean) {
    super(`unresolved orders: ${customOrderIds.join(', ')}${onlyWaiting ? ' (requests that may still land)' : ''}`);
    this.name = 'UnresolvedEvidenceError';
  }
}

type TerminalSettlement = Extract<Settlement, { kind: 'terminal' }>;

/** Why a context ended, as the journal says it. */
const PRUNE_REASON: Record<TerminalSettlement['evidence'], (s: TerminalSettlement) => string> = {
  lookup: (s) => `terminal_${(s.row?.status ?? s.lifecycle).toLowerCase()}`,
  fills: () => 'filled_per_trade_history',
  absent_never_placed: () => 'never_reached_venue',
  absent_unproven: () => 'absent_without_terminal_evidence',
};

const ALL_SUBJECTS = ['order', 'position', 'filter', 'context'] as const;
const VENUE_SUBJECTS = ['order', 'position', 'filter'] as const;

export class RecoveryHydrator {
  constructor(private readonly core: RuntimeCore) {}

  async startup(reason = 'startup'): Promise<void> {
    const { core } = this;
    await core.contexts.load();
    core.state.seedFills(core.contexts.fillIds);
    await this.hydrate('startup', reason, undefined);
    // A configured symbol the venue does not list is an operator's mistake: its positions would go
    // unmanaged without a word. The start stops (the service exits 2 on this record).
    const unlisted = (core.config.configuredSymbols ?? []).filter((symbol) => !core.state.filters.has(symbol));
    if (unlisted.length > 0) {
      core.journal.record('symbols_unlisted', { symbols: unlisted, at: 'startup' });
      throw new Error(`SYMBOLS lists ${unlisted.join(', ')}, which the venue does not list`);
    }
    const byScope = new Map<ScopeKey, OrderContext[]>();
    for (const ctx of core.contexts.all()) {
      if (ctx.status === 'terminal') continue;
      if (!this.allowed(ctx.scopeKey)) {
        // The allowlist is a boundary both ways: neither adopted nor pruned (lesson 16).
        core.journal.record('out_of_scope_context_kept', { scope: core.scopeOf(ctx.scopeKey), slot: ctx.slot, customOrderId: ctx.customOrderId });
        continue;
      }
      const list = byScope.get(ctx.scopeKey) ?? [];
      list.push(ctx);
      byScope.set(ctx.scopeKey, list);
    }
    for (const [key, contexts] of byScope) {
      core.know(key);
      // A failed lookup leaves the order unknown and its scope in recovery; the scope retries.
      const unresolved = await this.settle(key, contexts, 'startup');
      if (unresolved.length > 0) core.requireRecovery(key, 'unresolved_at_startup');
    }
    core.state.baselineTrust = allTrusted();
    for (const key of core.known.keys()) core.state.trustAfterSnapshot(key, ALL_SUBJECTS);
    for (const key of core.known.keys()) {
      const position = core.state.positions.get(key);
      if (position && position.size.gt(ZERO)) {
        core.journal.record('startup_position_queued_before_service_ready', { scope: core.scopeOf(key), size: position.size.toFixed(), entryPrice: position.entryPrice.toFixed() });
        core.affect(key, 'startup_hydration', true);
      } else if (this.hasAppOrders(key) || core.needsRecovery(key)) {
        core.affect(key, 'startup_hydration', true);
      }
    }
  }

  /**
   * Restores a service that was already running: its snapshot and contexts are trusted as they
   * stand, with no work queued (the conformance harness's `serviceReady: true`).
   */
  async resume(): Promise<void> {
    const { core } = this;
    await core.contexts.load();
    core.state.seedFills(core.contexts.fillIds);
    const snapshot = this.validSnapshot(await core.venue.hydrate({ subject: 'startup' }));
    const covers = (_key: ScopeKey | undefined, symbol: string) => symbolAllowed(core.config, symbol);
    core.state.applySnapshot(snapshot, covers, (row) => this.scopeOfOrder(row), (row) => this.scopeOfPosition(row), core.state.fence());
    for (const row of snapshot.positions ?? []) if (row.size.gt(ZERO) && covers(undefined, row.symbol)) core.know(this.scopeOfPosition(row));
    for (const order of core.state.orders.values()) if (order.scopeKey && this.isAppOrder(order.row)) core.know(order.scopeKey);
    for (const ctx of core.contexts.all()) if (ctx.status !== 'terminal' && this.allowed(ctx.scopeKey)) core.know(ctx.scopeKey);
    // Open contexts learn the venue id their order shows (ownership needs both ids).
    for (const ctx of [...core.contexts.all()]) {
      const order = ctx.status !== 'terminal' && !ctx.exchangeOrderId ? core.state.orders.get(`c:${ctx.customOrderId}`) : undefined;
      if (order?.row.exchangeOrderId) await this.core.advanceOrder(ctx.customOrderId, { kind: 'status', status: order.row.status }, { exchangeOrderId: order.row.exchangeOrderId });
    }
    core.state.baselineTrust = allTrusted();
    for (const key of core.known.keys()) core.state.trustAfterSnapshot(key, ALL_SUBJECTS);
  }

  /** Full replacement snapshot after a stream gap; scopes with unresolved evidence stay in recovery. */
  async reconnect(reason = 'stream_reconnected'): Promise<void> {
    const { core } = this;
    await this.hydrate('reconnect', reason, undefined);
    core.state.baselineTrust = allTrusted();
    for (const key of core.known.keys()) {
      core.state.trustAfterSnapshot(key, VENUE_SUBJECTS);
      this.confirmFromSnapshot(key);
      const unresolved = core.tracker.ofScope(key).some((p) => p.state !== 'in_flight') || core.contexts.unresolvedOfScope(key).length > 0;
      if (!unresolved) core.recovered(key);
      // A scope waiting in pendingConfirmation learns what the snapshot confirmed.
      core.notifyConfirmation(key);
    }
  }

  /**
   * Scoped recovery: the scope's snapshot, then the evidence for each order whose fate is not
   * known (unknown submit outcomes, unconfirmed places, orders that vanished). Throws
   * UnresolvedEvidenceError when something is still unknown: the scope stays in recovery.
   */
  async recoverScope(key: ScopeKey, reason: string): Promise<void> {
    const { core } = this;
    await this.hydrate('recovery', reason, key);
    this.confirmFromSnapshot(key);
    const scope = core.scopeOf(key);
    for (const p of core.tracker.ofScope(key)) {
      // The REST answer of an in-flight request is still coming; it decides. The snapshot is the
      // truth for amend and cancel targets.
      if (p.state !== 'in_flight' && p.action !== 'place') core.tracker.resolve(p.key, 'recovered');
    }
    const candidates = new Map<string, OrderContext>();
    for (const p of core.tracker.ofScope(key)) {
      const ctx = p.action === 'place' && p.state !== 'in_flight' ? core.contexts.get(p.customOrderId) : undefined;
      if (ctx) candidates.set(ctx.customOrderId, ctx);
    }
    for (const ctx of core.contexts.unresolvedOfScope(key)) candidates.set(ctx.customOrderId, ctx);
    const unresolved = await this.settle(key, [...candidates.values()], 'recovery');
    if (unresolved.length > 0) {
      core.requireRecovery(key, 'unresolved_evidence');
      throw new UnresolvedEvidenceError(unresolved, unresolved.every((id) => this.waiting.has(id)));
    }
    core.state.trustAfterSnapshot(key, VENUE_SUBJECTS);
    core.recovered(key);
    core.journal.record('recovery_completed', { scope, reason });
    core.nudgeOppositeSide(key);
  }

  // ---- settlement ------------------------------------------------------------------------------

  /**
   * Settles each context from the evidence: presence in the snapshot just applied, a lookup by
   * custom id, and (only when those do not decide) the scope's fills since the oldest context was
   * written. Returns the custom ids that stay unresolved.
   */
  /** Orders left unresolved only because their request may still land (not a failing recovery). */
  private readonly waiting = new Set<string>();

  private async settle(key: ScopeKey, contexts: OrderContext[], when: 'startup' | 'recovery'): Promise<string[]> {
    const { core } = this;
    const scope = core.scopeOf(key);
    const unresolved: string[] = [];
    let fills: ExecutionRow[] | 'failed' | 'not_asked' = 'not_asked';
    const readFills = async (): Promise<ExecutionRow[] | 'failed'> => {
      if (fills !== 'not_asked') return fills;
      const since = Math.min(...contexts.map((c) => c.createdAtMs ?? c.updatedAtMs));
      try {
        fills = (await core.venue.fillsSince(scope, since)).filter((f) => !rowDefect(f));
      } catch (error) {
        core.journal.record('fill_history_failed', { scope, reason: errorText(error) });
        fills = 'failed';
      }
      return fills;
    };
    for (const ctx of contexts) {
      const inSnapshot = core.state.findOrder({ customOrderId: ctx.customOrderId }) !== undefined;
      let lookup: LookupAnswer = 'not_asked';
      if (!inSnapshot) {
        try {
          lookup = await core.venue.findByCustomId(scope, ctx.customOrderId);
        } catch (error) {
          lookup = 'failed';
          core.journal.record('order_lookup_failed', { scope, slot: ctx.slot, customOrderId: ctx.customOrderId, reason: errorText(error) });
        }
        if (lookup !== 'failed') core.journal.record('order_lookup', { scope, slot: ctx.slot, customOrderId: ctx.customOrderId, found: lookup === 'absent' ? 'absent' : lookup.status });
      }
      let ownFills: ExecutionRow[] | 'failed' | 'not_asked' = 'not_asked';
      if (!inSnapshot && typeof lookup !== 'object') {
        const all = await readFills();
        ownFills = all === 'failed' ? 'failed' : fillsOfOrder(all, { customOrderId: ctx.customOrderId, exchangeOrderId: ctx.exchangeOrderId });
      }
      const reachedVenue = ctx.reachedVenue === true || ctx.exchangeOrderId !== undefined;
      const sentAgoMs = core.clock.now() - (ctx.createdAtMs ?? ctx.updatedAtMs);
      const mayStillLand = !reachedVenue && (ctx.lifecycle === 'submitting' || ctx.lifecycle === 'unknown') && sentAgoMs <= (core.venue.requestValidityMs ?? 0);
      const settlement = settleOrder({
        lifecycle: ctx.lifecycle ?? 'unknown', reachedVenue, mayStillLand, inSnapshot, lookup, fills: ownFills,
        ageMs: core.clock.now() - (ctx.createdAtMs ?? ctx.updatedAtMs), retentionMs: core.venueRules.finishedOrderRetentionMs,
      });
      this.waiting.delete(ctx.customOrderId);
      if (settlement.kind === 'unresolved') {
        unresolved.push(ctx.customOrderId);
        if (settlement.reason === 'request_may_still_land') this.waiting.add(ctx.customOrderId);
        await this.core.advanceOrder(ctx.customOrderId, { kind: 'vanished' });
        core.journal.record('order_unresolved', { scope, slot: ctx.slot, customOrderId: ctx.customOrderId, reason: settlement.reason });
        continue;
      }
      await this.apply(key, ctx, settlement, when);
    }
    return unresolved;
  }

  private async apply(key: ScopeKey, ctx: OrderContext, settlement: Exclude<Settlement, { kind: 'unresolved' }>, when: string): Promise<void> {
    const { core } = this;
    const scope = core.scopeOf(key);
    this.resolvePlace(ctx.customOrderId);
    if (settlement.kind === 'open') {
      if (settlement.row) core.state.applyOrder(settlement.row, key);
      await this.core.advanceOrder(ctx.customOrderId, { kind: 'status', status: settlement.row?.status ?? 'NEW' }, { exchangeOrderId: settlement.row?.exchangeOrderId });
      core.journal.record('context_adopted', { scope, slot: ctx.slot, customOrderId: ctx.customOrderId, evidence: settlement.evidence });
      return;
    }
    if (settlement.row) core.state.applyOrder(settlement.row, key);
    const report: LifecycleReport = settlement.lifecycle === 'never_placed'
      ? { kind: 'never_placed' }
      : { kind: 'status', status: settlement.lifecycle === 'filled' ? 'FILLED' : settlement.row?.status ?? 'CANCELED' };
    await this.core.advanceOrder(ctx.customOrderId, report, { exchangeOrderId: settlement.row?.exchangeOrderId, filled: settlement.filled });
    const positionOpen = core.state.positions.get(key)?.size.gt(ZERO) ?? false;
    // An order the venue held, now absent without proof of how it ended: a DCA step that may have
    // filled counts as consumed (a step is never placed twice); the position row is the truth.
    const mayHaveFilled = settlement.filled || (settlement.evidence === 'absent_unproven' && positionOpen);
    if (mayHaveFilled && !core.contexts.ofEndedLife(ctx)) await this.consumeDca(ctx.customOrderId);
    core.journal.record('context_pruned', { scope, slot: ctx.slot, customOrderId: ctx.customOrderId, reason: PRUNE_REASON[settlement.evidence](settlement), filled: settlement.filled, at: when });
  }

  /** A place that recovery settled is no longer pending. */
  private resolvePlace(customOrderId: string): void {
    const key = `place:${customOrderId}`;
    if (this.core.tracker.get(key)) this.core.tracker.resolve(key, 'recovered');
  }

  // ---- snapshots -------------------------------------------------------------------------------

  private async hydrate(subject: HydrationSubject, reason: string, key: ScopeKey | undefined): Promise<void> {
    const { core } = this;
    const scope = key ? core.scopeOf(key) : undefined;
    core.journal.record('rest_hydration', { subject, ...(scope ? { scope } : {}), reason });
    const fence = core.state.fence();
    const snapshot = this.validSnapshot(await core.venue.hydrate({ subject, ...(scope ? { scopes: [scope] } : {}) }));
    if (subject === 'reconnect' && snapshot.filters) {
      // A configured symbol the venue stopped listing: said, and no new exposure until it is back.
      const gone = (core.config.configuredSymbols ?? []).filter((symbol) => !snapshot.filters![symbol]);
      if (gone.length > 0) core.modes.raise('SYMBOL_UNLISTED', `the venue no longer lists ${gone.join(', ')}`);
      else core.modes.clear('SYMBOL_UNLISTED');
    }
    const covers = (scopeKey: ScopeKey | undefined, symbol: string) =>
      symbolAllowed(core.config, symbol) && (key === undefined || scopeKey === key || (scopeKey === undefined && symbol === scope!.symbol));
    const openBefore = new Set<ScopeKey>();
    for (const [k, p] of core.state.positions) if (p.size.gt(ZERO)) openBefore.add(k);
    const { removedOrders } = core.state.applySnapshot(snapshot, covers, (row) => this.scopeOfOrder(row), (row) => this.scopeOfPosition(row), fence);
    for (const row of snapshot.positions ?? []) {
      if (row.size.gt(ZERO) && covers(this.scopeOfPosition(row), row.symbol)) core.know(this.scopeOfPosition(row));
    }
    // A position that went flat while we were not listening ends its life too.
    for (const k of openBefore) if (!(core.state.positions.get(k)?.size.gt(ZERO) ?? false)) await this.endLife(k);
    const lateLandings: Array<{ customOrderId: string; status: OrderRow['status']; exchangeOrderId?: string }> = [];
    for (const order of core.state.orders.values()) {
      if (!order.scopeKey || !this.isAppOrder(order.row)) continue;
      core.know(order.scopeKey);
      // A request judged never placed that landed after all (late, within the venue's window):
      // the venue is right; the order is ours again, and a duplicate of its slot gets cleaned up.
      const ctx = core.contexts.get(order.row.customOrderId!)!;
      if (ctx.lifecycle === 'never_placed') lateLandings.push({ customOrderId: ctx.customOrderId, status: order.row.status, exchangeOrderId: order.row.exchangeOrderId });
    }
    for (const landed of lateLandings) {
      const ctx = core.contexts.get(landed.customOrderId)!;
      core.journal.record('late_landing', { scope: core.scopeOf(ctx.scopeKey), slot: ctx.slot, customOrderId: ctx.customOrderId });
      await core.advanceOrder(landed.customOrderId, { kind: 'status', status: landed.status }, { exchangeOrderId: landed.exchangeOrderId });
    }
    if (removedOrders.length > 0) {
      core.journal.record('orders_absent_from_snapshot', { subject, count: removedOrders.length, customOrderIds: removedOrders.map((o) => o.row.customOrderId).filter((id): id is string => Boolean(id)) });
    }
    for (const order of removedOrders) {
      const ctx = order.row.customOrderId ? core.contexts.get(order.row.customOrderId) : undefined;
      if (!ctx || ctx.status === 'terminal') continue;
      // Filled or cancelled, we cannot tell (lesson 4): unknown until evidence settles it.
      await this.core.advanceOrder(ctx.customOrderId, { kind: 'vanished' });
      core.journal.record('order_unresolved', { scope: core.scopeOf(ctx.scopeKey), slot: ctx.slot, customOrderId: ctx.customOrderId, reason: 'absent_from_snapshot' });
      core.requireRecovery(ctx.scopeKey, 'order_vanished');
    }
  }

  /**
   * Drops order and fill rows with unusable figures, each journaled (never applied). A position
   * row with one fails the whole snapshot: dropped, the position would read as flat and its
   * protection would be cleaned up. The hydration is retried instead.
   */
  private validSnapshot(snapshot: RestSnapshot): RestSnapshot {
    for (const row of snapshot.positions ?? []) {
      const defect = rowDefect(row);
      if (defect) throw new Error(`position ${row.symbol} ${row.managedSide}: ${defect.field}=${defect.value}: ${defect.reason}`);
    }
    const keep = <T extends OrderRow | PositionRow | ExecutionRow>(rows: T[] | undefined): T[] | undefined => {
      if (!rows) return rows;
      return rows.filter((row) => {
        const defect = rowDefect(row);
        if (defect) this.core.journal.record('malformed_row_skipped', { kind: row.kind, symbol: row.symbol, source: 'rest', ...defect });
        return !defect;
      });
    };
    return { ...snapshot, openOrders: keep(snapshot.openOrders), fills: keep(snapshot.fills) };
  }

  /** Accepted places found open in the snapshot are confirmed by recovery. */
  private confirmFromSnapshot(key: ScopeKey): void {
    const { core } = this;
    for (const p of core.tracker.ofScope(key)) {
      if (p.action !== 'place' || p.state === 'in_flight') continue;
      const order = core.state.findOrder({ customOrderId: p.customOrderId });
      if (order) {
        core.tracker.resolve(p.key, 'recovered');
        const ctx = core.contexts.get(p.customOrderId);
        if (ctx) void this.core.advanceOrder(ctx.customOrderId, { kind: 'status', status: order.row.status }, { exchangeOrderId: order.row.exchangeOrderId });
      }
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private async consumeDca(id: string): Promise<void> {
    const ctx = this.core.contexts.get(id);
    const step = ctx ? dcaStepOf(ctx.slot) : undefined;
    if (!ctx || step === undefined || this.core.contexts.consumedSteps(ctx.scopeKey) >= step) return;
    await this.core.contexts.setConsumedSteps(ctx.scopeKey, step);
    this.core.journal.record('dca_step_consumed', { scope: this.core.scopeOf(ctx.scopeKey), slot: ctx.slot, step });
  }

  private async endLife(key: ScopeKey): Promise<void> {
    try {
      await this.core.contexts.endLife(key, this.core.clock.now());
    } catch (error) {
      this.core.journal.record('context_write_failed', { scope: this.core.scopeOf(key), reason: errorText(error) });
    }
  }

  private allowed(key: ScopeKey): boolean {
    return symbolAllowed(this.core.config, this.core.scopeOf(key).symbol);
  }

  private scopeOfOrder(row: OrderRow): ScopeKey | undefined {
    const ctx = row.customOrderId ? this.core.contexts.get(row.customOrderId) : undefined;
    if (ctx && (!ctx.exchangeOrderId || !row.exchangeOrderId || ctx.exchangeOrderId === row.exchangeOrderId)) return ctx.scopeKey;
    // Spot has one scope per symbol: another user's order there locks the holding's base asset.
    if (this.core.config.product === 'spot') return this.core.keyOf(row.symbol, 'LONG');
    if (row.managedSide === 'BOTH' || this.core.config.positionMode === 'one_way') return undefined;
    return this.core.keyOf(row.symbol, row.managedSide);
  }

  private scopeOfPosition(row: PositionRow): ScopeKey {
    return this.core.keyOf(row.symbol, row.managedSide);
  }

  private isAppOrder(row: OrderRow): boolean {
    const ctx = row.customOrderId ? this.core.contexts.get(row.customOrderId) : undefined;
    return ctx !== undefined && (!ctx.exchangeOrderId || !row.exchangeOrderId || ctx.exchangeOrderId === row.exchangeOrderId);
  }

  private hasAppOrders(key: ScopeKey): boolean {
    for (const order of this.core.state.ordersOfScope(key)) if (this.isAppOrder(order.row)) return true;
    return false;
  }
}

function allTrusted() {
  return { order: 'trusted', position: 'trusted', filter: 'trusted', context: 'trusted' } as const satisfies Record<string, 'trusted'>;
}

/** A venue error for the journal: never a signed URL or a key (lesson: secrets never reach a log). */
function errorText(error: unknown): string {
  return scrubText(String((error as Error)?.message ?? error)).slice(0, 300);
}
