// The periodic summary line: every `summaryIntervalMs` of the runtime's injected clock (the
// service sets it from SUMMARY_INTERVAL_MS, default 5 minutes; 0 or unset: none), one `summary`
// record says what an operator checks between events: open positions, how many are protected
// (every configured protective slot, SL and/or TP, rests at the venue as an app order) and which
// are not, what waits for a confirmation or has an unknown outcome, scopes in recovery, the modes.
import { ZERO } from '../domain/decimal.js';
import { configuredProtectiveSlots } from '../domain/strategy.js';
import type { RuntimeClock } from './clock.js';
import type { JournalFields } from './journal-catalogue.js';
import type { RuntimeCore } from './runtime-core.js';
import { appOrdersOf } from './scope-view.js';

/** Open positions and whether each has every configured protective slot resting at the venue. */
export function protectionOf(core: RuntimeCore): Array<{ scopeKey: string; label: string; protected: boolean }> {
  const slots = configuredProtectiveSlots(core.config.strategy);
  return [...core.state.positions.values()]
    .filter((p) => p.size.gt(ZERO))
    .map((p) => {
      const resting = new Set(appOrdersOf(core, p.scopeKey).map((o) => o.slot));
      return { scopeKey: p.scopeKey, label: `${p.symbol}:${p.managedSide}`, protected: slots.every((s) => resting.has(s)) };
    });
}

export function summaryOf(core: RuntimeCore, ready: boolean): JournalFields<'summary'> {
  const positions = protectionOf(core);
  const pending = [...core.tracker.all()];
  return {
    mode: core.config.mode,
    systemMode: core.modes.mode(),
    modeReasons: core.modes.reasons().map((r) => r.reason),
    ready,
    positions: positions.length,
    protected: positions.filter((p) => p.protected).length,
    unprotected: positions.filter((p) => !p.protected).length,
    unprotectedScopes: positions.filter((p) => !p.protected).map((p) => p.label),
    pendingConfirmations: pending.length,
    unknownOutcomes: pending.filter((p) => p.state === 'unknown').length,
    recovering: [...core.known.keys()].filter((k) => core.needsRecovery(k)).length,
    openOrders: core.state.orders.size,
  };
}

/** Calls `emit` every `intervalMs` on `clock` until the returned stop is called (nothing for 0). */
export function scheduleSummaries(clock: RuntimeClock, intervalMs: number, emit: () => void): () => void {
  if (!(intervalMs > 0)) return () => undefined;
  let timer: unknown;
  const arm = () => {
    timer = clock.setTimeout(() => {
      emit();
      arm();
    }, intervalMs);
  };
  arm();
  return () => clock.clearTimeout(timer);
}
