// PrivateEventRouter: every private row updates AccountState at once, is routed to its scope by
// order identity first (custom id, then venue id), by side second, and to a bounded fallback
// (both sides of the symbol) when the venue does not say which side; then the scope is recorded
// as affected and its burst wait is armed. Rows outside the allowlist are journaled and dropped;
// rows of orders the app does not own update the view but are never managed. Every fill applied
// has one `fill` line (price, quantity, realized PnL, fee, and the slot when it is an app order).
import { canon, ZERO } from '../domain/decimal.js';
import { TERMINAL_STATUSES, type ExecutionRow, type OrderRow, type PositionRow, type PrivateRow } from '../domain/rows.js';
import { oppositeSide, type ScopeKey } from '../domain/scope.js';
import { dcaStepOf } from '../domain/strategy.js';
import { rowDefect } from '../domain/row-validation.js';
import type { JournalFields } from './journal-catalogue.js';
import type { OrderContext } from './order-context-store.js';
import type { RuntimeCore } from './runtime-core.js';
import { symbolAllowed } from './runtime-config.js';

const MAX_BUFFERED_ROWS = 100_000;

export class PrivateEventRouter {
  private buffer: PrivateRow[] = [];

  constructor(private readonly core: RuntimeCore) {}

  /** Stream entry point: rows that arrive while the service is not ready wait for replay. */
  ingest(row: PrivateRow): void {
    if (!this.core.state.serviceReady) {
      if (this.buffer.length >= MAX_BUFFERED_ROWS) {
        this.core.journal.record('buffer_overflow', { dropped: this.buffer.length });
        this.buffer = [];
      }
      this.buffer.push(row);
      return;
    }
    this.apply(row);
  }

  /** Applies the rows buffered while not ready, in arrival order. */
  replay(): number {
    const rows = this.buffer;
    this.buffer = [];
    for (const row of rows) this.apply(row);
    return rows.length;
  }

  apply(row: PrivateRow): void {
    const defect = rowDefect(row);
    if (defect) {
      // Never applied: a zero-quantity fill must not consume a step or move a derived position.
      this.core.journal.record('malformed_row_skipped', { kind: row.kind, ...('symbol' in row ? { symbol: row.symbol } : {}), ...defect });
      return;
    }
    if (row.kind === 'balance') {
      this.core.state.applyBalance(row);
      return;
    }
    if (!symbolAllowed(this.core.config, row.symbol)) {
      this.core.journal.record('out_of_scope_event_ignored', { symbol: row.symbol, kind: row.kind });
      return;
    }
    if (row.kind === 'position') this.applyPosition(row);
    else if (row.kind === 'order') this.applyOrder(row);
    else this.applyExecution(row);
  }

  private applyPosition(row: PositionRow): void {
    const { core } = this;
    const key = core.keyOf(row.symbol, row.managedSide);
    const wasOpen = core.state.positions.get(key)?.size.gt(ZERO) ?? false;
    if (!core.state.applyPosition(row, key)) {
      core.journal.record('stale_position_row_ignored', { scope: core.scopeOf(key), transactionTimeMs: row.transactionTimeMs });
      return;
    }
    core.state.setTrust(key, 'position', 'trusted');
    const affected: ScopeKey[] = [key];
    if (core.config.positionMode === 'one_way' && row.size.gt(ZERO)) {
      // One-way: a position on one side means the other side is flat.
      const other = core.keyOf(row.symbol, oppositeSide(row.managedSide));
      const current = core.state.positions.get(other);
      if (current && current.size.gt(ZERO)) {
        core.state.applyPosition({ ...row, managedSide: oppositeSide(row.managedSide), size: ZERO, entryPrice: ZERO }, other);
        core.state.setTrust(other, 'position', 'trusted');
        this.endLife(other, row.transactionTimeMs);
        affected.push(other);
      } else if (core.known.has(other)) {
        affected.push(other);
      }
    }
    if (wasOpen && row.size.lte(ZERO)) this.endLife(key, row.transactionTimeMs);
    // A flat scope needs no protection: nothing is unplaceable any more.
    if (row.size.lte(ZERO)) core.protectionPlaceable(key);
    for (const k of affected) core.affect(k, 'position');
  }

  private applyOrder(input: OrderRow): void {
    const { core } = this;
    const ctx = this.contextOf(input);
    // Complete an echo with the identity we already hold (custom id, venue id learned at acceptance).
    const row: OrderRow = ctx
      ? { ...input, customOrderId: input.customOrderId ?? ctx.customOrderId, exchangeOrderId: input.exchangeOrderId ?? ctx.exchangeOrderId }
      : input;
    const scopes = ctx ? [ctx.scopeKey] : this.routeUnidentified(row);
    const result = core.state.applyOrder(row, scopes.length === 1 ? scopes[0] : undefined);
    const native = core.config.product !== 'spot';
    if (!ctx) {
      core.journal.record('unowned_order_ignored', { symbol: row.symbol, customOrderId: row.customOrderId, exchangeOrderId: row.exchangeOrderId, status: row.status, type: row.type });
      if (result.fillEvidence && native) for (const k of scopes) this.awaitPosition(k, 'unowned_fill', row.transactionTimeMs);
      // Spot: another user's sell locks (or, ended, frees) base asset the protection covers.
      if (!native && row.side === 'SELL') for (const k of scopes) core.affect(k, 'unowned_sell');
      return;
    }
    if (result.ignored) {
      core.journal.record('late_order_row_ignored', { scope: core.scopeOf(ctx.scopeKey), customOrderId: ctx.customOrderId, status: row.status });
      return;
    }
    const endedLife = core.contexts.ofEndedLife(ctx, row.transactionTimeMs);
    const resolved = core.tracker.onOrderRow(row);
    void core.advanceOrder(ctx.customOrderId, { kind: 'status', status: row.status }, { filled: result.fillEvidence, exchangeOrderId: row.exchangeOrderId });
    if (result.fillEvidence && !endedLife) {
      this.consumeDcaStep(ctx);
      if (native && core.state.fillIsNewerThanPosition(ctx.scopeKey, row.transactionTimeMs)) core.state.setTrust(ctx.scopeKey, 'position', 'untrusted');
    }
    // The refused protection now rests at the venue.
    const unplaceable = core.unplaceable.get(ctx.scopeKey);
    if (unplaceable?.slot === ctx.slot && !TERMINAL_STATUSES.has(row.status)) core.protectionPlaceable(ctx.scopeKey);
    if (endedLife) core.journal.record('previous_life_row', { scope: core.scopeOf(ctx.scopeKey), customOrderId: ctx.customOrderId, slot: ctx.slot, status: row.status });
    core.affect(ctx.scopeKey, 'order');
    // One-way mode: a finished order may be the cleanup the other side waits for (the core checks the mode).
    if (TERMINAL_STATUSES.has(row.status)) core.nudgeOppositeSide(ctx.scopeKey);
    if (resolved.length > 0) core.notifyConfirmation(ctx.scopeKey);
  }

  private applyExecution(input: ExecutionRow): void {
    const { core } = this;
    const ctx = this.contextOf(input);
    const row: ExecutionRow = ctx && !input.customOrderId ? { ...input, customOrderId: ctx.customOrderId } : input;
    const scopes = ctx ? [ctx.scopeKey] : this.routeUnidentified(row);
    // The fill's one scope, if it names one (on spot both routes give the symbol's only scope).
    const key = scopes.length === 1 ? scopes[0] : undefined;
    // Issue 14: on spot the fills are the position; one that empties it ends the position's life.
    const spot = core.config.product === 'spot';
    const heldBefore = spot && this.holds(key);
    if (!core.state.applyExecution(row, key)) {
      core.journal.record('duplicate_fill_ignored', { symbol: row.symbol, tradeId: row.tradeId });
      return;
    }
    // The operator's line of this fill (once per trade id), with what the venue says it realized.
    core.journal.record('fill', this.fillLine(row, ctx, key));
    // Durably, so a restart does not count a replayed fill again.
    core.contexts.rememberFill(row.tradeId, core.clock.now()).catch((error) =>
      core.journal.record('context_write_failed', { symbol: row.symbol, tradeId: row.tradeId, reason: String(error?.message ?? error) }));
    if (ctx && core.contexts.ofEndedLife(ctx, row.transactionTimeMs)) {
      // A fill of an order from an ended position life: it cannot touch the current ladder or trust.
      core.journal.record('previous_life_row', { scope: core.scopeOf(ctx.scopeKey), customOrderId: ctx.customOrderId, slot: ctx.slot, tradeId: row.tradeId });
      return;
    }
    if (ctx) {
      this.consumeDcaStep(ctx);
      void core.advanceOrder(ctx.customOrderId, { kind: 'fill' }, { filled: true });
    }
    if (spot) {
      // The derived position is the truth on spot: the fill itself restores position trust.
      core.state.setTrust(key!, 'position', 'trusted');
      if (heldBefore && !this.holds(key)) this.endLife(key!, row.transactionTimeMs);
      core.affect(key!, 'execution');
      return;
    }
    for (const k of scopes) this.awaitPosition(k, 'execution', row.transactionTimeMs);
  }

  /** The fill's journal line; built field by field (a line per fill: conditional spreads cost garbage). */
  private fillLine(row: ExecutionRow, ctx: OrderContext | undefined, key: ScopeKey | undefined): JournalFields<'fill'> {
    const line: { -readonly [K in keyof JournalFields<'fill'>]?: JournalFields<'fill'>[K] } = {};
    if (key) line.scope = this.core.scopeOf(key);
    line.symbol = row.symbol;
    line.side = row.side;
    line.price = canon(row.price);
    line.qty = canon(row.qty);
    if (row.realizedPnl) line.realizedPnl = canon(row.realizedPnl);
    if (row.fee) line.fee = canon(row.fee);
    if (row.feeAsset) line.feeAsset = row.feeAsset;
    if (ctx) line.slot = ctx.slot;
    if (row.customOrderId) line.customOrderId = row.customOrderId;
    if (row.exchangeOrderId) line.exchangeOrderId = row.exchangeOrderId;
    line.tradeId = row.tradeId;
    if (row.liquidation) line.liquidation = true;
    return line as JournalFields<'fill'>;
  }

  /** Whether the scope holds a position now (an unknown scope holds none). */
  private holds(key: ScopeKey | undefined): boolean {
    return key !== undefined && (this.core.state.positions.get(key)?.size.gt(ZERO) ?? false);
  }

  /**
   * Marks a scope's position as waiting for the venue's position row (unless that row, carrying
   * this fill, already came) and records the scope.
   */
  private awaitPosition(key: ScopeKey, reason: string, transactionTimeMs: number | undefined): void {
    if (this.core.state.fillIsNewerThanPosition(key, transactionTimeMs)) this.core.state.setTrust(key, 'position', 'untrusted');
    this.core.affect(key, reason);
  }

  /**
   * The app context a row belongs to. Ownership needs both identities (lesson 15): a custom id
   * another client reused after our order closed does not make that client's order ours.
   */
  private contextOf(row: { customOrderId?: string; exchangeOrderId?: string; symbol: string }): OrderContext | undefined {
    const { contexts, state } = this.core;
    if (row.customOrderId) {
      const ctx = contexts.get(row.customOrderId);
      // The venue id we hold for it: the context's, or the one our order showed under this custom id.
      const ours = ctx?.exchangeOrderId ?? state.orders.get(`c:${row.customOrderId}`)?.row.exchangeOrderId;
      if (ctx && ours && row.exchangeOrderId && ours !== row.exchangeOrderId) {
        this.core.journal.record('ownership_conflict', { symbol: row.symbol, customOrderId: row.customOrderId, exchangeOrderId: row.exchangeOrderId, contextExchangeOrderId: ours });
        return undefined;
      }
      if (ctx) return ctx;
    }
    if (row.exchangeOrderId) {
      const ctx = contexts.byExchangeOrderId(row.exchangeOrderId);
      if (ctx) return ctx;
      const known = state.findOrder({ exchangeOrderId: row.exchangeOrderId });
      if (known?.row.customOrderId) return contexts.get(known.row.customOrderId);
    }
    return undefined;
  }

  /** Scopes for a row without a registered identity: its side, or both sides when unknown. */
  private routeUnidentified(row: { symbol: string; managedSide: string; exchangeOrderId?: string; customOrderId?: string }): ScopeKey[] {
    const { core } = this;
    const known = core.state.findOrder(row);
    if (known?.scopeKey) return [known.scopeKey];
    // Spot has one scope per symbol: another user's order there locks the holding's base asset.
    if (core.config.product === 'spot') return [core.keyOf(row.symbol, 'LONG')];
    if (row.managedSide === 'BOTH' || core.config.positionMode === 'one_way') {
      const scopes = [core.keyOf(row.symbol, 'LONG'), core.keyOf(row.symbol, 'SHORT')];
      core.journal.record('route_fallback', { symbol: row.symbol, scopes: scopes.map((k) => core.scopeOf(k)) });
      return scopes;
    }
    return [core.keyOf(row.symbol, row.managedSide as 'LONG' | 'SHORT')];
  }

  private consumeDcaStep(ctx: OrderContext): void {
    const step = dcaStepOf(ctx.slot);
    if (step === undefined || this.core.contexts.consumedSteps(ctx.scopeKey) >= step) return;
    this.core.journal.record('dca_step_consumed', { scope: this.core.scopeOf(ctx.scopeKey), slot: ctx.slot, step });
    this.core.contexts.setConsumedSteps(ctx.scopeKey, step).catch((error) =>
      this.core.journal.record('context_write_failed', { scope: this.core.scopeOf(ctx.scopeKey), slot: ctx.slot, reason: String(error?.message ?? error) }));
  }

  /** The position went flat: its DCA ladder restarts and a new position life begins. */
  private endLife(key: ScopeKey, transactionTimeMs: number | undefined): void {
    this.core.contexts.endLife(key, transactionTimeMs ?? this.core.clock.now()).catch((error) =>
      this.core.journal.record('context_write_failed', { scope: this.core.scopeOf(key), reason: String(error?.message ?? error) }));
  }
}
