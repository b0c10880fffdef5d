// One order's lifecycle, in the spirit of NautilusTrader's order state machine: one pure
// transition function driven by normalized reports (the REST answer to our request, a private
// row, a lookup, presence or absence in a snapshot, a fill). `unknown` is a state of its own: the
// order may or may not exist at the venue, and nothing may assume either until evidence settles it.
// Contexts persist this state, so a restart knows exactly what it does not know.
import type { OrderStatus } from './rows.js';

export type LifecycleState =
  /** Context written durably; the request has not gone out yet (or its answer is still coming). */
  | 'submitting'
  /** REST accepted the request; no private row has shown the order yet. */
  | 'accepted'
  /** The venue showed the order open (private row, snapshot or lookup). */
  | 'open'
  | 'partially_filled'
  /** The venue may or may not hold the order: an unknown outcome, or it vanished without evidence. */
  | 'unknown'
  | 'filled'
  | 'canceled'
  | 'rejected'
  | 'expired'
  /** A conditional order fired; its child order carries the fills. */
  | 'triggered'
  /** The request never reached the venue (a definite rejection, or absent with no fill within retention). */
  | 'never_placed';

export const TERMINAL_LIFECYCLE: ReadonlySet<LifecycleState> = new Set(['filled', 'canceled', 'rejected', 'expired', 'triggered', 'never_placed']);

export type LifecycleReport =
  | { kind: 'rest_accepted' }
  /** A documented, definite rejection of our request. */
  | { kind: 'rest_rejected' }
  /** Timeout, socket error, 5xx, unlisted code: we cannot know whether it applied. */
  | { kind: 'rest_unknown' }
  /** A private row or a lookup answer with the venue's status. */
  | { kind: 'status'; status: OrderStatus }
  /** Missing from a snapshot of open orders without terminal evidence. */
  | { kind: 'vanished' }
  /** Fill evidence under the order's identity. */
  | { kind: 'fill' }
  /** A settlement decided the request never reached the venue. */
  | { kind: 'never_placed' };

export function isTerminalLifecycle(state: LifecycleState): boolean {
  return TERMINAL_LIFECYCLE.has(state);
}

const STATUS_STATE: Record<Exclude<OrderStatus, 'AMENDED'>, LifecycleState> = {
  NEW: 'open', PARTIALLY_FILLED: 'partially_filled', FILLED: 'filled', CANCELED: 'canceled',
  REJECTED: 'rejected', EXPIRED: 'expired', TRIGGERED: 'triggered',
};

/**
 * The next state. A terminal state absorbs every report: a finished order never reopens. The one
 * exception is `never_placed`, a conclusion drawn from absence, not venue evidence: if the venue
 * later shows the order (a request that landed late), the venue is right.
 */
export function advanceLifecycle(state: LifecycleState, report: LifecycleReport): LifecycleState {
  if (state === 'never_placed' && report.kind === 'status' && report.status !== 'AMENDED') return STATUS_STATE[report.status];
  if (isTerminalLifecycle(state)) return state;
  switch (report.kind) {
    case 'rest_accepted':
      // Only the request's own answer: an order that vanished stays unknown until evidence settles it.
      return state === 'submitting' ? 'accepted' : state;
    case 'rest_rejected':
      return state === 'submitting' ? 'rejected' : state;
    case 'rest_unknown':
      return state === 'submitting' ? 'unknown' : state;
    case 'status': {
      if (report.status === 'AMENDED') return state === 'partially_filled' ? state : 'open';
      const next = STATUS_STATE[report.status];
      // A late NEW after fills were seen does not undo them.
      if (next === 'open' && state === 'partially_filled') return state;
      return next;
    }
    case 'vanished':
      return 'unknown';
    case 'fill':
      // A fill proves the order traded, not that it is open: only an open order becomes partly filled.
      return state === 'open' ? 'partially_filled' : state;
    case 'never_placed':
      // Only a request the venue never acknowledged can turn out never placed.
      return state === 'submitting' || state === 'unknown' ? 'never_placed' : state;
  }
}

/** The coarse status the context store and the fixture format speak of. */
export function contextStatusOf(state: LifecycleState): 'pending' | 'active' | 'terminal' {
  if (isTerminalLifecycle(state)) return 'terminal';
  return state === 'open' || state === 'partially_filled' ? 'active' : 'pending';
}

/** The lifecycle a stored context without one had (contexts written before lifecycles existed). */
export function lifecycleOfStatus(status: 'pending' | 'active' | 'terminal', filled?: boolean): LifecycleState {
  if (status === 'terminal') return filled ? 'filled' : 'canceled';
  return status === 'active' ? 'open' : 'submitting';
}
