// System modes with reason codes (the livespot design; NautilusTrader's trading states):
// NORMAL; DEGRADED: no new exposure, while protection, cleanup and recovery continue; PAUSED: no
// venue writes at all, while reading and recovery continue. The mode follows from the set of
// active reasons alone: pure, so every path that raises or clears a reason agrees on the mode.
export type SystemMode = 'NORMAL' | 'DEGRADED' | 'PAUSED';

export type ModeReason =
  | 'STREAM_STALE' | 'STREAM_DOWN' | 'AUTH_FAILED' | 'RATE_LIMITED' | 'STORE_WRITE_FAILED'
  | 'PROTECTION_UNPLACEABLE' | 'RECOVERY_FAILING' | 'CLOCK_SKEW' | 'SYMBOL_UNLISTED' | 'LEASE_LOST';

export const MODE_REASONS: readonly ModeReason[] = [
  'STREAM_STALE', 'STREAM_DOWN', 'AUTH_FAILED', 'RATE_LIMITED', 'STORE_WRITE_FAILED', 'PROTECTION_UNPLACEABLE', 'RECOVERY_FAILING', 'CLOCK_SKEW', 'SYMBOL_UNLISTED', 'LEASE_LOST',
];

/**
 * Reasons that stop every write: the venue refuses our signature or credentials, so nothing we
 * send can be trusted to land. A failing store only degrades: each request still needs its own
 * durable write before it is sent, and protection whose write lands must still go out.
 * A lost account lease pauses too: another process may own the account now, and two managers
 * of one account is the failure the lease exists to prevent.
 */
const PAUSING: ReadonlySet<ModeReason> = new Set(['AUTH_FAILED', 'CLOCK_SKEW', 'LEASE_LOST']);

export function modeOf(reasons: Iterable<ModeReason>): SystemMode {
  let mode: SystemMode = 'NORMAL';
  for (const reason of reasons) {
    if (PAUSING.has(reason)) return 'PAUSED';
    mode = 'DEGRADED';
  }
  return mode;
}

/** New exposure (a DCA place) only in NORMAL. */
export function allowsExposure(mode: SystemMode): boolean {
  return mode === 'NORMAL';
}

/** Venue writes (protection, cleanup, amends) unless PAUSED. */
export function allowsWrites(mode: SystemMode): boolean {
  return mode !== 'PAUSED';
}
