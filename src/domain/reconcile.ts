// Settling an order whose fate is not known (an unknown submit outcome, or an order that vanished
// from a snapshot) from the evidence a scoped recovery gathered. Pure and table-tested: the
// hydrator only does the I/O. Evidence is never dropped before it settles the order:
// - a lookup that answers with the order settles it (it is newer than the snapshot: later wins);
// - a fill under the order's identity proves it reached the venue and traded;
// - "absent" proves "never placed" only within the venue's retention window and with no fill;
// - a failed lookup settles nothing: the order stays unresolved and the lookup is retried.
import type { Decimal } from './decimal.js';
import type { LifecycleState } from './order-lifecycle.js';
import type { ExecutionRow, OrderRow } from './rows.js';
import { TERMINAL_STATUSES } from './rows.js';

export type LookupAnswer = OrderRow | 'absent' | 'failed' | 'not_asked';

export interface SettleInput {
  lifecycle: LifecycleState;
  /** The venue once acknowledged the order (accepted it, or showed it open). */
  reachedVenue: boolean;
  /**
   * The request may still be applied by the venue: it was sent less than the venue's request
   * validity ago (Binance applies a request up to recvWindow after its timestamp). Until then,
   * "absent" proves nothing: the request may be on its way.
   */
  mayStillLand?: boolean;
  /** The order shows in the fenced snapshot of open orders just taken. */
  inSnapshot: boolean;
  lookup: LookupAnswer;
  /** Fills under the order's custom id or venue id ('failed' when the history could not be read). */
  fills: ExecutionRow[] | 'failed' | 'not_asked';
  /** How old the context is, and how long the venue serves finished orders without fills. */
  ageMs: number;
  retentionMs: number;
}

export type Settlement =
  | { kind: 'open'; evidence: 'snapshot' | 'lookup'; row?: OrderRow }
  | { kind: 'terminal'; lifecycle: LifecycleState; filled: boolean; evidence: 'lookup' | 'fills' | 'absent_never_placed' | 'absent_unproven'; row?: OrderRow; filledQty?: Decimal }
  /** Nothing settles it yet: keep the scope in recovery and ask again later. */
  | { kind: 'unresolved'; reason: 'lookup_failed' | 'fills_unread' | 'lookup_needed' | 'request_may_still_land' };

const STATE_OF_TERMINAL: Record<string, LifecycleState> = {
  FILLED: 'filled', CANCELED: 'canceled', REJECTED: 'rejected', EXPIRED: 'expired', TRIGGERED: 'triggered',
};

export function settleOrder(input: SettleInput): Settlement {
  const { lookup, fills } = input;
  if (typeof lookup === 'object') {
    if (!TERMINAL_STATUSES.has(lookup.status)) return { kind: 'open', evidence: 'lookup', row: lookup };
    const traded = lookup.status === 'FILLED' || (lookup.filledQty?.gt(0) ?? false) || (Array.isArray(fills) && fills.length > 0);
    return { kind: 'terminal', lifecycle: STATE_OF_TERMINAL[lookup.status] ?? 'canceled', filled: traded, evidence: 'lookup', row: lookup };
  }
  if (input.inSnapshot && lookup !== 'absent') return { kind: 'open', evidence: 'snapshot' };
  if (Array.isArray(fills) && fills.length > 0) {
    // It reached the venue and traded, and it is not open: it filled (as far as it ever will).
    return { kind: 'terminal', lifecycle: 'filled', filled: true, evidence: 'fills' };
  }
  if (lookup === 'failed') return { kind: 'unresolved', reason: 'lookup_failed' };
  if (lookup === 'not_asked') return { kind: 'unresolved', reason: 'lookup_needed' };
  // lookup === 'absent'
  if (fills === 'failed' || fills === 'not_asked') return { kind: 'unresolved', reason: 'fills_unread' };
  if (input.mayStillLand) return { kind: 'unresolved', reason: 'request_may_still_land' };
  if (!input.reachedVenue && input.ageMs <= input.retentionMs) {
    // Never acknowledged, and within the window the venue still serves every order it ever
    // held: absent with no fill means the request never reached the venue.
    return { kind: 'terminal', lifecycle: 'never_placed', filled: false, evidence: 'absent_never_placed' };
  }
  // The venue held it once (or the window has passed): "absent" proves nothing about how it
  // ended. No fill was found, but the caller treats a DCA step as possibly consumed while the
  // position is open: a step is never placed twice.
  return { kind: 'terminal', lifecycle: 'canceled', filled: false, evidence: 'absent_unproven' };
}

/** Fills that belong to an order: by custom id, or by the venue id once known. */
export function fillsOfOrder(fills: ExecutionRow[], ids: { customOrderId: string; exchangeOrderId?: string }): ExecutionRow[] {
  const contradicts = (f: ExecutionRow) => ids.exchangeOrderId !== undefined && f.exchangeOrderId !== undefined && f.exchangeOrderId !== ids.exchangeOrderId;
  // A custom id another client reused is not ours when the venue ids differ (lesson 15).
  return fills.filter((f) => (f.customOrderId === ids.customOrderId && !contradicts(f)) || (ids.exchangeOrderId !== undefined && f.exchangeOrderId === ids.exchangeOrderId));
}
