// RecoveryHydrator: REST state enters only at trust boundaries. Startup (adopt open contexts,
// prune absent ones, queue open positions), reconnect (full replacement snapshot), and scoped
// recovery (the scope's snapshot plus a lookup by custom id of every unresolved submission).
import { ZERO } from '../domain/decimal.js';
import type { OrderRow, PositionRow } from '../domain/rows.js';
import { TERMINAL_STATUSES } from '../domain/rows.js';
import type { ScopeKey } from '../domain/scope.js';
import { dcaStepOf } from '../domain/strategy.js';
import type { HydrationSubject } from '../venues/port.js';
import type { OrderContext } from './order-context-store.js';
import type { RuntimeCore } from './runtime-core.js';
import { symbolAllowed } from './runtime-config.js';

export class RecoveryHydrator {
  constructor(private readonly core: RuntimeCore) {}

  async startup(reason = 'startup'): Promise<void> {
    const { core } = this;
    await core.contexts.load();
    await this.hydrate('startup', reason, undefined);
    for (const ctx of [...core.contexts.all()]) if (ctx.status !== 'terminal') await this.settleContextAtStartup(ctx);
    core.state.baselineTrust = allTrusted();
    for (const key of this.managedScopes()) {
      for (const subject of ['order', 'position', 'filter', 'context'] as const) core.state.setTrust(key, subject, 'trusted');
    }
    for (const key of this.managedScopes()) {
      const position = core.state.positions.get(key);
      if (position && position.size.gt(ZERO)) {
        core.journal.record('startup_position_queued_before_service_ready', { scope: core.scopeOf(key), size: position.size.toFixed(), entryPrice: position.entryPrice.toFixed() });
        core.affect(key, 'startup_hydration', true);
      } else if (this.hasAppOrders(key)) {
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
    const snapshot = await core.venue.hydrate({ subject: 'startup' });
    const covers = (_key: ScopeKey | undefined, symbol: string) => symbolAllowed(core.config, symbol);
    core.state.applySnapshot(snapshot, covers, (row) => this.scopeOfOrder(row), (row) => this.scopeOfPosition(row), core.state.fence());
    for (const row of snapshot.positions ?? []) if (row.size.gt(ZERO) && covers(undefined, row.symbol)) core.know(this.scopeOfPosition(row));
    for (const order of core.state.orders.values()) if (order.scopeKey && this.isAppOrder(order.row)) core.know(order.scopeKey);
    for (const ctx of core.contexts.all()) if (ctx.status !== 'terminal') core.know(ctx.scopeKey);
    core.state.baselineTrust = allTrusted();
    for (const key of core.known.keys()) {
      for (const subject of ['order', 'position', 'filter', 'context'] as const) core.state.setTrust(key, subject, 'trusted');
    }
  }

  /** Full replacement snapshot after a stream gap; scopes with unresolved submissions stay in recovery. */
  async reconnect(reason = 'stream_reconnected'): Promise<void> {
    const { core } = this;
    await this.hydrate('reconnect', reason, undefined);
    core.state.baselineTrust = allTrusted();
    for (const key of core.known.keys()) {
      for (const subject of ['order', 'position', 'filter'] as const) core.state.setTrust(key, subject, 'trusted');
      this.confirmFromSnapshot(key);
      const unresolved = core.tracker.ofScope(key).some((p) => p.state !== 'in_flight');
      if (!unresolved) core.state.recoveryRequired.delete(key);
      // A scope waiting in pendingConfirmation learns what the snapshot confirmed.
      core.notifyConfirmation(key);
    }
  }

  /** Scoped recovery: the scope's snapshot, then a lookup of each unresolved submission by custom id. */
  async recoverScope(key: ScopeKey, reason: string): Promise<void> {
    const { core } = this;
    await this.hydrate('recovery', reason, key);
    this.confirmFromSnapshot(key);
    const scope = core.scopeOf(key);
    for (const p of core.tracker.ofScope(key)) {
      if (p.state === 'in_flight') continue; // the REST answer is still coming; it decides
      if (p.action !== 'place') {
        // The snapshot is the truth for amend/cancel targets.
        core.tracker.resolve(p.key, 'recovered');
        continue;
      }
      const found = await core.venue.findByCustomId(scope, p.customOrderId);
      core.journal.record('order_lookup', { scope, slot: p.slot, customOrderId: p.customOrderId, found: found === 'absent' ? 'absent' : found.status });
      core.tracker.resolve(p.key, 'recovered');
      if (found === 'absent') {
        await this.markContext(p.customOrderId, 'terminal', false);
      } else if (TERMINAL_STATUSES.has(found.status)) {
        const filled = found.status === 'FILLED' || (found.filledQty?.gt(ZERO) ?? false);
        core.state.applyOrder(found, key);
        await this.markContext(p.customOrderId, 'terminal', filled);
        if (filled) await this.consumeDca(p.customOrderId);
      } else {
        core.state.applyOrder(found, key);
        await this.markContext(p.customOrderId, 'active', false);
      }
    }
    for (const subject of ['order', 'position', 'filter'] as const) core.state.setTrust(key, subject, 'trusted');
    core.state.recoveryRequired.delete(key);
    core.journal.record('recovery_completed', { scope, reason });
  }

  private async hydrate(subject: HydrationSubject, reason: string, key: ScopeKey | undefined): Promise<void> {
    const { core } = this;
    const scope = key ? core.scopeOf(key) : undefined;
    core.journal.record('rest_hydration', { subject, ...(scope ? { scope } : {}), reason });
    const fence = core.state.fence();
    const snapshot = await core.venue.hydrate({ subject, ...(scope ? { scopes: [scope] } : {}) });
    const covers = (scopeKey: ScopeKey | undefined, symbol: string) =>
      symbolAllowed(core.config, symbol) && (key === undefined || scopeKey === key || (scopeKey === undefined && symbol === scope!.symbol));
    const { removedOrders } = core.state.applySnapshot(snapshot, covers, (row) => this.scopeOfOrder(row), (row) => this.scopeOfPosition(row), fence);
    for (const row of snapshot.positions ?? []) {
      if (row.size.gt(ZERO) && covers(this.scopeOfPosition(row), row.symbol)) core.know(this.scopeOfPosition(row));
    }
    for (const order of core.state.orders.values()) if (order.scopeKey && this.isAppOrder(order.row)) core.know(order.scopeKey);
    if (removedOrders.length > 0) {
      core.journal.record('orders_absent_from_snapshot', { subject, count: removedOrders.length, customOrderIds: removedOrders.map((o) => o.row.customOrderId).filter(Boolean) });
    }
    for (const order of removedOrders) {
      const ctx = order.row.customOrderId ? core.contexts.get(order.row.customOrderId) : undefined;
      if (ctx && ctx.status !== 'terminal' && !core.tracker.get(`cancel:${ctx.customOrderId}`)) await this.settleVanishedOrder(ctx);
    }
  }

  /**
   * An app order missing from a snapshot without terminal evidence: it may have filled or been
   * cancelled (lesson 4). Ask the venue by custom id; if it cannot say, the position row stays
   * the truth and a DCA step that may have filled counts as consumed (never placed twice).
   */
  private async settleVanishedOrder(ctx: OrderContext): Promise<void> {
    const { core } = this;
    const scope = core.scopeOf(ctx.scopeKey);
    const found = await core.venue.findByCustomId(scope, ctx.customOrderId);
    const status = found === 'absent' ? 'absent' : found.status;
    core.journal.record('order_lookup', { scope, slot: ctx.slot, customOrderId: ctx.customOrderId, found: status });
    const terminalEvidence = found !== 'absent' && TERMINAL_STATUSES.has(found.status);
    const filled = terminalEvidence && (found.status === 'FILLED' || (found.filledQty?.gt(ZERO) ?? false));
    if (terminalEvidence) core.state.applyOrder(found, ctx.scopeKey);
    await this.markContext(ctx.customOrderId, 'terminal', filled);
    const positionOpen = core.state.positions.get(ctx.scopeKey)?.size.gt(ZERO) ?? false;
    if (filled || (!terminalEvidence && positionOpen)) await this.consumeDca(ctx.customOrderId);
    core.journal.record('context_pruned', { scope, slot: ctx.slot, customOrderId: ctx.customOrderId, reason: terminalEvidence ? `terminal_${status.toLowerCase()}` : 'absent_without_terminal_evidence' });
  }

  /** Accepted places found open in the snapshot are confirmed by recovery. */
  private confirmFromSnapshot(key: ScopeKey): void {
    const { core } = this;
    for (const p of core.tracker.ofScope(key)) {
      if (p.action !== 'place' || p.state === 'in_flight') continue;
      if (core.state.findOrder({ customOrderId: p.customOrderId })) {
        core.tracker.resolve(p.key, 'recovered');
        void this.markContext(p.customOrderId, 'active', false);
      }
    }
  }

  private async settleContextAtStartup(ctx: OrderContext): Promise<void> {
    const { core } = this;
    const scope = core.scopeOf(ctx.scopeKey);
    if (core.state.findOrder({ customOrderId: ctx.customOrderId })) {
      if (ctx.status !== 'active') await this.markContext(ctx.customOrderId, 'active', false);
      core.journal.record('context_adopted', { scope, slot: ctx.slot, customOrderId: ctx.customOrderId });
      return;
    }
    if (ctx.status === 'pending') {
      // Restart between submit and confirmation: the order may exist. Look it up, never resend blind.
      const found = await core.venue.findByCustomId(scope, ctx.customOrderId);
      core.journal.record('order_lookup', { scope, slot: ctx.slot, customOrderId: ctx.customOrderId, found: found === 'absent' ? 'absent' : found.status });
      if (found !== 'absent' && !TERMINAL_STATUSES.has(found.status)) {
        core.state.applyOrder(found, ctx.scopeKey);
        await this.markContext(ctx.customOrderId, 'active', false);
        core.journal.record('context_adopted', { scope, slot: ctx.slot, customOrderId: ctx.customOrderId });
        return;
      }
      const filled = found !== 'absent' && (found.status === 'FILLED' || (found.filledQty?.gt(ZERO) ?? false));
      await this.markContext(ctx.customOrderId, 'terminal', filled);
      if (filled) await this.consumeDca(ctx.customOrderId);
      core.journal.record('context_pruned', { scope, slot: ctx.slot, customOrderId: ctx.customOrderId, reason: found === 'absent' ? 'never_reached_venue' : `terminal_${found.status.toLowerCase()}` });
      return;
    }
    // An active context whose order is gone: filled or cancelled, we cannot tell (lesson 4).
    // The position row is the truth; a DCA step that may have filled counts as consumed.
    await this.markContext(ctx.customOrderId, 'terminal', false);
    const position = core.state.positions.get(ctx.scopeKey);
    if (position && position.size.gt(ZERO)) await this.consumeDca(ctx.customOrderId);
    core.journal.record('context_pruned', { scope, slot: ctx.slot, customOrderId: ctx.customOrderId, reason: 'absent_from_open_orders' });
  }

  private async markContext(id: string, status: OrderContext['status'], filled: boolean): Promise<void> {
    const ctx = this.core.contexts.get(id);
    if (!ctx || (ctx.status === status && !filled)) return;
    try {
      await this.core.contexts.update(id, { status, ...(filled ? { filled } : {}), updatedAtMs: this.core.clock.now() });
    } catch (error) {
      this.core.journal.record('context_write_failed', { scope: this.core.scopeOf(ctx.scopeKey), customOrderId: id, reason: String((error as Error).message) });
    }
  }

  private async consumeDca(id: string): Promise<void> {
    const ctx = this.core.contexts.get(id);
    const step = ctx ? dcaStepOf(ctx.slot) : undefined;
    if (!ctx || step === undefined || this.core.contexts.consumedSteps(ctx.scopeKey) >= step) return;
    await this.core.contexts.setConsumedSteps(ctx.scopeKey, step);
    this.core.journal.record('dca_step_consumed', { scope: this.core.scopeOf(ctx.scopeKey), slot: ctx.slot, step });
  }

  private scopeOfOrder(row: OrderRow): ScopeKey | undefined {
    const ctx = row.customOrderId ? this.core.contexts.get(row.customOrderId) : undefined;
    if (ctx) return ctx.scopeKey;
    if (row.managedSide === 'BOTH' || this.core.config.positionMode === 'one_way') return undefined;
    return this.core.keyOf(row.symbol, row.managedSide);
  }

  private scopeOfPosition(row: PositionRow): ScopeKey {
    return this.core.keyOf(row.symbol, row.managedSide);
  }

  private isAppOrder(row: OrderRow): boolean {
    return row.customOrderId !== undefined && this.core.contexts.get(row.customOrderId) !== undefined;
  }

  private hasAppOrders(key: ScopeKey): boolean {
    for (const order of this.core.state.ordersOfScope(key)) if (this.isAppOrder(order.row)) return true;
    return false;
  }

  /** Scopes the service manages after a startup snapshot. */
  private managedScopes(): ScopeKey[] {
    return [...this.core.known.keys()];
  }
}

function allTrusted() {
  return { order: 'trusted', position: 'trusted', filter: 'trusted', context: 'trusted' } as const satisfies Record<string, 'trusted'>;
}
