// Forbidden traces, computed by the runner from what it fed in and from what crossed the scripted
// venue's boundary (CONFORMANCE.md); nothing here reads the runtime's journal or flags.
import { classifyForExchange } from '../venues/registry.js';
import type { ExchangeId } from '../domain/scope.js';
import type { ForbidId } from './fixture-format.js';
import type { Trace, TraceEntry } from './trace.js';

export interface ForbidInputs {
  trace: Trace;
  exchange: ExchangeId;
  mode: string;
  /** The allowlist (absent or empty: every symbol). */
  configuredSymbols?: string[];
  confirmationTimeoutMs: number;
  fixtureScopeKey: string;
  /** Protective slots the strategy configures. */
  protectiveSlots: string[];
  /** customOrderId -> {slot, scopeKey} of the initial context store. */
  initialContexts: Map<string, { slot: string; scopeKey: string }>;
  /** Custom ids of the initial open orders. */
  initialOpenOrderIds: string[];
  /** Venue order ids of the initial open orders, by custom id. */
  initialVenueIds: Map<string, string>;
  /** Initial pending confirmations (customOrderId, action, sinceMs). */
  initialPending: Array<{ customOrderId: string; action: string; sinceMs: number; scopeKey: string }>;
  /** End state. */
  openOrderIds: string[];
  pendingIds: Array<{ customOrderId: string; action: string }>;
}

type Sub = Extract<TraceEntry, { t: 'submission' }>;

export function findViolations(input: ForbidInputs): ForbidId[] {
  const found = new Set<ForbidId>();
  const { trace } = input;
  const entries = trace.entries;
  const slotOf = new Map<string, { slot: string; scopeKey: string }>(input.initialContexts);
  for (const e of entries) if (e.t === 'submission' && e.action === 'place') slotOf.set(e.customOrderId, { slot: e.slot, scopeKey: e.scopeKey });

  // -- exchange_submit_called / submission_before_service_ready / submit_without_durable_context
  for (const e of entries) {
    if (e.t !== 'submission') continue;
    if (input.mode === 'read_only' || input.mode === 'dry_run' || e.duringCommand) found.add('exchange_submit_called');
    if (!e.serviceReady) found.add('submission_before_service_ready');
    if (!e.durable) found.add('submit_without_durable_context');
  }

  // -- unowned_order_mutated: an amend or cancel of a custom id the runtime never placed and the
  // initial store does not hold, or aimed at a venue order id other than ours (lesson 15).
  const registered = new Set<string>(input.initialContexts.keys());
  const ourVenueId = new Map<string, string>(input.initialVenueIds);
  for (const e of entries) {
    if (e.t === 'answer' && e.action === 'place' && e.exchangeOrderId) ourVenueId.set(e.customOrderId, e.exchangeOrderId);
    if (e.t !== 'submission') continue;
    if (e.action === 'place') registered.add(e.customOrderId);
    else if (!registered.has(e.customOrderId)) found.add('unowned_order_mutated');
    else if (e.exchangeOrderId && ourVenueId.has(e.customOrderId) && ourVenueId.get(e.customOrderId) !== e.exchangeOrderId) found.add('unowned_order_mutated');
  }

  // -- duplicate_place_while_pending / duplicate_cancel_while_pending
  const unresolvedAt = (prev: Sub, index: number): boolean => {
    let answer: Extract<TraceEntry, { t: 'answer' }> | undefined;
    for (let i = 0; i < index; i++) {
      const e = entries[i]!;
      if (e.t === 'answer' && e.seq === prev.seq) {
        answer = e;
        // Only a definite rejection ends it; a 5xx or an unlisted code is an unknown outcome.
        if (definiteRejection(input, e)) return false;
      }
      // After a restart the dead process's request can no longer answer: a lookup settles it, and
      // so does a hydration that shows the order open (a place landed) or no longer open (a cancel did).
      const afterRestart = () => entries.slice(entries.indexOf(prev), i).some((x) => x.t === 'restart');
      if (e.t === 'lookup' && e.outcome !== 'failed' && e.customOrderId === prev.customOrderId && afterRestart()) return false;
      if (e.t === 'hydration' && afterRestart()) {
        const present = e.openOrderIds.includes(prev.customOrderId);
        if (prev.action === 'place' ? present : !present) return false;
      }
      if (!answer && e.t !== 'event') continue;
      if (e.t === 'event' && e.kind === 'order' && e.customOrderId === prev.customOrderId && entries.indexOf(prev) < i) {
        if (prev.action === 'place' || e.terminal || prev.action === 'amend') return false;
      }
      if (answer && e.t === 'lookup' && e.customOrderId === prev.customOrderId && e.outcome !== 'failed') return false;
      if (answer && e.t === 'hydration' && i > entries.indexOf(answer)) {
        const present = e.openOrderIds.includes(prev.customOrderId);
        if (prev.action === 'place' ? present : !present) return false;
      }
    }
    return true;
  };
  entries.forEach((e, index) => {
    if (e.t !== 'submission' || (e.action !== 'place' && e.action !== 'cancel')) return;
    for (let i = 0; i < index; i++) {
      const prev = entries[i]!;
      if (prev.t !== 'submission' || prev.action !== e.action) continue;
      const same = e.action === 'place' ? prev.scopeKey === e.scopeKey && prev.slot === e.slot : prev.customOrderId === e.customOrderId;
      if (same && unresolvedAt(prev, index)) found.add(e.action === 'place' ? 'duplicate_place_while_pending' : 'duplicate_cancel_while_pending');
    }
  });

  // -- exposure_increasing_dca_before_protection_trusted
  const active = new Set<string>(input.initialOpenOrderIds);
  for (const e of entries) {
    if (e.t === 'event' && e.kind === 'order') {
      const id = trace.idOf(e);
      if (!id) continue;
      if (e.terminal) active.delete(id);
      else active.add(id);
    } else if (e.t === 'hydration') {
      for (const id of [...active]) {
        const owner = slotOf.get(id);
        if (!e.scopeKey || owner?.scopeKey === e.scopeKey) if (!e.openOrderIds.includes(id)) active.delete(id);
      }
      for (const id of e.openOrderIds) active.add(id);
    } else if (e.t === 'submission' && e.action === 'place' && /^DCA\d+$/.test(e.slot)) {
      for (const slot of input.protectiveSlots) {
        const ok = [...active].some((id) => slotOf.get(id)?.slot === slot && slotOf.get(id)?.scopeKey === e.scopeKey);
        if (!ok) found.add('exposure_increasing_dca_before_protection_trusted');
      }
    }
  }

  // -- private_event_triggers_rest_hydration / confirmed_context_enters_recovery
  let streamHealthy = true;
  let unknownSeen = false;
  let recoveryCode = false;
  let restarted = false;
  // App orders that left a snapshot without terminal evidence and are not settled yet: recovering
  // them is the runtime's duty (lesson 12), whatever the stream does.
  const known = new Set<string>([...input.initialOpenOrderIds, ...slotOf.keys()]);
  const unsettled = new Set<string>();
  const listed = new Set<string>(input.initialOpenOrderIds);
  entries.forEach((e, index) => {
    if (e.t === 'event' && e.kind === 'order' && e.terminal) {
      const id = trace.idOf(e);
      if (id) unsettled.delete(id);
    }
    if (e.t === 'lookup' && e.customOrderId && e.outcome !== 'failed' && e.outcome !== 'absent') unsettled.delete(e.customOrderId);
    // Whether something was unsettled BEFORE this hydration (its own snapshot may add more).
    const owedRecovery = unsettled.size > 0;
    if (e.t === 'hydration') {
      for (const id of listed) if (!e.openOrderIds.includes(id) && known.has(id) && (!e.scopeKey || slotOf.get(id)?.scopeKey === e.scopeKey || !slotOf.has(id))) unsettled.add(id);
      for (const id of e.openOrderIds) {
        listed.add(id);
        unsettled.delete(id);
      }
    }
    if (e.t === 'event' && e.kind === 'order' && !e.terminal) {
      const id = trace.idOf(e);
      if (id) listed.add(id);
    }
    if (e.t === 'stream') streamHealthy = e.status !== 'disconnected';
    if (e.t === 'restart') restarted = true;
    if (e.t === 'answer' && (e.outcome === 'timeout' || e.outcome === 'network_error')) unknownSeen = true;
    // Refused credentials pause the account, and it probes the venue again with a signed read.
    if (e.t === 'answer' && e.outcome === 'rejected' && (e.httpStatus === 401 || e.httpStatus === 403 || e.code === -2015 || e.code === -2014 || e.code === -1022)) recoveryCode = true;
    if (e.t === 'answer' && e.outcome === 'rejected') {
      const cls = classifyForExchange(input.exchange, { action: e.action as 'place', code: e.code, httpStatus: e.httpStatus, targetTerminal: false });
      if (cls === 'unknown' || cls === 'lookup' || e.action !== 'place') recoveryCode = true;
    }
    if (e.t !== 'hydration' || (e.subject !== 'reconnect' && e.subject !== 'recovery')) return;
    const asked = e.cause === 'rest_hydration' || e.cause === 'private_stream' || e.cause === 'restart';
    if (asked) return;
    const overdue = hasOverduePending(input, entries.slice(0, index), e.atMs);
    if (streamHealthy && !unknownSeen && !overdue && !recoveryCode && !restarted && !owedRecovery) found.add('private_event_triggers_rest_hydration');
    if (e.subject === 'recovery' && e.scopeKey && streamHealthy && !restarted && !owedRecovery && allConfirmed(input, entries.slice(0, index), e.scopeKey)) {
      found.add('confirmed_context_enters_recovery');
    }
  });

  // -- rest_acceptance_downgrades_trusted_order / fill_treated_as_open_order_confirmation
  // Rows of symbols outside the allowlist are ignored by design; a terminal row is final (a late
  // NEW after it is not an active order).
  const inScope = (symbol: string | undefined) => !input.configuredSymbols?.length || symbol === undefined || input.configuredSymbols.includes(symbol);
  const privateActive = new Set<string>();
  const finished = new Set<string>();
  const evidenced = new Set<string>(input.initialOpenOrderIds);
  const executionOnly = new Set<string>();
  for (const e of entries) {
    if (e.t === 'event' && e.kind === 'order' && inScope(e.symbol)) {
      const id = trace.idOf(e);
      if (!id) continue;
      evidenced.add(id);
      if (e.terminal) {
        privateActive.delete(id);
        finished.add(id);
      } else if (!finished.has(id)) privateActive.add(id);
    } else if (e.t === 'event' && e.kind === 'execution') {
      const id = trace.idOf(e);
      if (id) executionOnly.add(id);
    } else if (e.t === 'hydration') {
      for (const id of e.openOrderIds) evidenced.add(id);
      for (const id of [...privateActive]) if (!e.openOrderIds.includes(id) && (!e.scopeKey || slotOf.get(id)?.scopeKey === e.scopeKey)) privateActive.delete(id);
    }
  }
  for (const id of privateActive) {
    const pending = input.pendingIds.some((p) => p.customOrderId === id && p.action === 'place');
    if (!input.openOrderIds.includes(id) || pending) found.add('rest_acceptance_downgrades_trusted_order');
  }
  for (const id of input.openOrderIds) if (executionOnly.has(id) && !evidenced.has(id)) found.add('fill_treated_as_open_order_confirmation');

  return [...found];
}

/** A rejection that ends the request for sure: a documented definite code, not a 5xx or an unlisted one. */
function definiteRejection(input: ForbidInputs, answer: TraceEntry | undefined): boolean {
  if (!answer || answer.t !== 'answer' || answer.outcome !== 'rejected') return false;
  const cls = classifyForExchange(input.exchange, { action: answer.action as 'place', code: answer.code, httpStatus: answer.httpStatus, targetTerminal: true });
  return cls !== 'unknown' && cls !== 'lookup';
}

function hasOverduePending(input: ForbidInputs, before: TraceEntry[], nowMs: number): boolean {
  const resolved = (id: string) => before.some((e) => e.t === 'event' && e.kind === 'order' && e.customOrderId === id);
  for (const p of input.initialPending) if (!resolved(p.customOrderId) && p.sinceMs + input.confirmationTimeoutMs <= nowMs) return true;
  for (const e of before) {
    if (e.t !== 'submission' || resolved(e.customOrderId)) continue;
    const answer = before.find((a) => a.t === 'answer' && a.seq === e.seq);
    if (definiteRejection(input, answer)) continue;
    if (e.atMs + input.confirmationTimeoutMs <= nowMs) return true;
  }
  return false;
}

function allConfirmed(input: ForbidInputs, before: TraceEntry[], scopeKey: string): boolean {
  const confirmed = (id: string) => before.some((e) => e.t === 'event' && e.kind === 'order' && e.customOrderId === id);
  if (input.initialPending.some((p) => p.scopeKey === scopeKey && !confirmed(p.customOrderId))) return false;
  for (const e of before) {
    if (e.t !== 'submission' || e.scopeKey !== scopeKey) continue;
    const answer = before.find((a) => a.t === 'answer' && a.seq === e.seq);
    if (definiteRejection(input, answer)) continue;
    if (!confirmed(e.customOrderId)) return false;
  }
  return true;
}
