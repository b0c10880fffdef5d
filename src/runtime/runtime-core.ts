// The shared pieces of one running account: state, stores, journal, clock, venue, and the
// registry of known scopes. Router, pass runner, executor and hydrator all work on this.
import { AccountState } from '../domain/account-state.js';
import type { WriteFence } from './write-fence.js';
import { oppositeSide, parseScopeKey, scopeKey, type Scope, type ScopeKey } from '../domain/scope.js';
import { type Decimal, ZERO } from '../domain/decimal.js';
import type { Venue } from '../venues/port.js';
import type { VenueRules } from '../venues/plugin.js';
import { venueRulesFor } from '../venues/registry.js';
import type { RuntimeClock } from './clock.js';
import { ConfirmationTracker } from './confirmation-tracker.js';
import { ModeSupervisor } from './mode-supervisor.js';
import type { LifecycleReport } from '../domain/order-lifecycle.js';
import { scrubText } from './redact.js';
import type { Journal } from './journal.js';
import type { OrderContextStore } from './order-context-store.js';
import type { RuntimeConfig } from './runtime-config.js';

export interface ScopeSink {
  /** Creates the scope's workflow owner if it does not exist yet. */
  ensure(scopeKey: ScopeKey): void;
  send(scopeKey: ScopeKey, event: { type: string; [k: string]: unknown }): void;
  /** Whether `scope.affected` with this reason would change nothing in the scope as it stands (then it is not sent). */
  changesNothing?(scopeKey: ScopeKey, reason: string, immediate: boolean): boolean;
}

export class RuntimeCore {
  readonly state: AccountState;
  readonly tracker: ConfirmationTracker;
  /** The account's system mode and its reasons (NORMAL, DEGRADED, PAUSED). */
  readonly modes: ModeSupervisor;
  /** Scopes with a workflow owner, in the order they became known. */
  readonly known = new Map<ScopeKey, Scope>();
  /** Scopes whose last pass planned mutations that readiness withheld. */
  readonly deferredForReadiness = new Set<ScopeKey>();
  /** The venue's facts (error table, mode evidence, capabilities) the runtime applies as data. */
  readonly venueRules: VenueRules;
  private sink: ScopeSink | undefined;
  /** The account lease, when the store is shared (see write-fence.ts). */
  writeFence: WriteFence | undefined;

  constructor(
    readonly config: RuntimeConfig,
    readonly venue: Venue,
    readonly contexts: OrderContextStore,
    readonly journal: Journal,
    readonly clock: RuntimeClock,
  ) {
    this.state = new AccountState(config.product);
    this.venueRules = venueRulesFor(config.exchange, config.product);
    this.tracker = new ConfirmationTracker(journal, (key) => this.scopeOf(key));
    this.modes = new ModeSupervisor(journal, clock);
    // Work a mode held back (a DCA in DEGRADED, anything in PAUSED) is planned again.
    this.modes.onImproved = () => {
      for (const key of this.known.keys()) this.affect(key, 'mode_improved');
    };
    contexts.observeWrites((ok, detail, leaseLost) => {
      if (ok) this.modes.clear('STORE_WRITE_FAILED');
      // A fenced write refused because another process took the account over: stop writing at all.
      else if (leaseLost) this.modes.raise('LEASE_LOST', detail);
      else this.modes.raise('STORE_WRITE_FAILED', detail);
    });
  }

  attach(sink: ScopeSink): void {
    this.sink = sink;
  }

  scopeOf(key: ScopeKey): Scope {
    return this.known.get(key) ?? parseScopeKey(key);
  }

  keyOf(symbol: string, managedSide: 'LONG' | 'SHORT'): ScopeKey {
    return scopeKey({ exchange: this.config.exchange, product: this.config.product, symbol, managedSide });
  }

  /** Makes a scope known (spawning its owner) without queueing work. */
  know(key: ScopeKey): void {
    if (!this.known.has(key)) {
      this.known.set(key, parseScopeKey(key));
      this.sink?.ensure(key);
    }
  }

  /**
   * Records a scope as affected and hands it to its workflow owner. Every row is journaled, but a
   * scope hit by several rows in one synchronous batch (a burst decoded from one frame, a replay)
   * gets one actor event per reason, delivered at the end of the batch: the burst wait is re-armed
   * once, not once per row.
   */
  affect(key: ScopeKey, reason: string, immediate = false): void {
    this.know(key);
    this.journal.record('scope_affected', { scope: this.scopeOf(key), reason });
    // A row during the quiet window extends it (data; the window's one timer checks it).
    const quiet = this.quiet.get(key);
    if (quiet) quiet.untilMs = this.clock.now() + this.config.eventBurstMs;
    let pending = this.pendingAffects.get(key);
    if (!pending) {
      pending = { reasons: [], immediate: false };
      this.pendingAffects.set(key, pending);
      if (this.pendingAffects.size === 1) queueMicrotask(() => this.flushAffects());
    }
    if (!pending.reasons.includes(reason)) pending.reasons.push(reason);
    pending.immediate ||= immediate;
  }

  send(key: ScopeKey, event: { type: string; [k: string]: unknown }): void {
    this.know(key);
    this.flushAffect(key); // keep the order: what affected the scope first arrives first
    this.sink?.send(key, event);
  }

  private readonly pendingAffects = new Map<ScopeKey, { reasons: string[]; immediate: boolean }>();

  private flushAffects(): void {
    for (const key of [...this.pendingAffects.keys()]) this.flushAffect(key);
  }

  private flushAffect(key: ScopeKey): void {
    const pending = this.pendingAffects.get(key);
    if (!pending) return;
    this.pendingAffects.delete(key);
    pending.reasons.forEach((reason, i) => {
      const immediate = pending.immediate && i === pending.reasons.length - 1;
      if (this.sink?.changesNothing?.(key, reason, immediate)) return;
      this.sink?.send(key, { type: 'scope.affected', reason, immediate });
    });
  }

  /**
   * Each settling scope's quiet window, as data: it ends EVENT_BURST after the scope's last row,
   * and ONE timer per scope checks it (re-armed for the rest while rows extend it). A row costs a
   * field write here instead of an actor event that cancels and re-arms a machine timer.
   */
  private readonly quiet = new Map<ScopeKey, { untilMs: number; timer: unknown }>();

  /** The scope entered its quiet window (the scope machine's entry action `armQuietWindow`). */
  armQuietWindow(key: ScopeKey): void {
    const untilMs = this.clock.now() + this.config.eventBurstMs;
    const quiet = this.quiet.get(key);
    if (quiet) quiet.untilMs = untilMs;
    else this.quiet.set(key, { untilMs, timer: this.clock.setTimeout(() => this.quietTimerFired(key), this.config.eventBurstMs) });
  }

  private quietTimerFired(key: ScopeKey): void {
    const quiet = this.quiet.get(key);
    if (!quiet) return;
    const left = quiet.untilMs - this.clock.now();
    if (left > 0) {
      quiet.timer = this.clock.setTimeout(() => this.quietTimerFired(key), left);
      return;
    }
    this.quiet.delete(key);
    // Rows waiting for their flush are recorded first; a scope no longer settling ignores it.
    this.send(key, { type: 'burst.quiet' });
  }

  /** Cancels every quiet window's timer (the account stops). */
  stopQuietWindows(): void {
    for (const quiet of this.quiet.values()) this.clock.clearTimeout(quiet.timer);
    this.quiet.clear();
  }

  /** Scopes whose protection the venue refused for a market-state reason, and since when. */
  readonly unplaceable = new Map<ScopeKey, { slot: string; code: string; sinceMs: number }>();
  /** The latest mark price read per symbol (only while some protection is unplaceable). */
  readonly marks = new Map<string, Decimal>();

  /** Protection of the scope is placeable again (placed, or the position is gone). */
  protectionPlaceable(key: ScopeKey): void {
    if (!this.unplaceable.delete(key)) return;
    this.journal.record('protection_placeable', { scope: this.scopeOf(key) });
    if (this.unplaceable.size === 0) this.modes.clear('PROTECTION_UNPLACEABLE');
  }

  /** Why each recovery-required scope needs it (the first reason wins until it recovers). */
  readonly recoveryReasons = new Map<ScopeKey, string>();

  requireRecovery(key: ScopeKey, reason: string): void {
    if (this.state.recoveryRequired.has(key)) return;
    this.state.recoveryRequired.add(key);
    this.recoveryReasons.set(key, reason);
    this.journal.record('recovery_required', { scope: this.scopeOf(key), reason });
  }

  /**
   * Whether the scope must recover before any normal work: flagged, an unknown submit outcome,
   * or an order whose fate is not settled (evidence is never dropped before it settles).
   */
  needsRecovery(key: ScopeKey): boolean {
    return this.state.recoveryRequired.has(key) || this.tracker.ofScope(key).some((p) => p.state === 'unknown') || this.contexts.unresolvedOfScope(key).length > 0;
  }

  /**
   * One-way mode: the other side of the symbol may be waiting for this side's cleanup. Whatever
   * confirmed it (a private row, a reconnect snapshot, a scoped recovery), wake it.
   */
  nudgeOppositeSide(key: ScopeKey): void {
    if (this.config.positionMode !== 'one_way') return;
    const scope = this.scopeOf(key);
    const other = this.keyOf(scope.symbol, oppositeSide(scope.managedSide));
    if (this.state.positions.get(other)?.size.gt(ZERO)) this.affect(other, 'opposite_side_cleanup');
  }

  /** The scope's recovery is done. */
  recovered(key: ScopeKey): void {
    this.state.recoveryRequired.delete(key);
    this.recoveryReasons.delete(key);
  }

  /**
   * Moves an order's context along its lifecycle, stamping the time and learning the venue id it
   * did not hold yet (a context whose fate is settled learns none, except one judged never placed,
   * which the venue just proved wrong). A failed durable write is journaled, never thrown: the
   * in-memory mirror keeps the new state.
   */
  async advanceOrder(customOrderId: string, report: LifecycleReport, facts: { exchangeOrderId?: string; filled?: boolean } = {}): Promise<void> {
    const ctx = this.contexts.get(customOrderId);
    if (!ctx) return;
    const learns = facts.exchangeOrderId && !ctx.exchangeOrderId && (ctx.status !== 'terminal' || ctx.lifecycle === 'never_placed');
    try {
      await this.contexts.advance(customOrderId, report, {
        updatedAtMs: this.clock.now(), ...(learns ? { exchangeOrderId: facts.exchangeOrderId } : {}), ...(facts.filled ? { filled: true } : {}),
      });
    } catch (error) {
      this.journal.record('context_write_failed', { scope: this.scopeOf(ctx.scopeKey), slot: ctx.slot, customOrderId, reason: scrubText(String((error as Error)?.message ?? error)) });
    }
  }

  /** Tells the scope's owner how many confirmations it still waits for. */
  notifyConfirmation(key: ScopeKey): void {
    this.sink?.send(key, { type: 'confirmation.resolved', remaining: this.tracker.awaitingConfirmation(key).length });
  }
}
