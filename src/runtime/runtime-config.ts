// What the runtime needs to know, already validated (src/config builds it from the environment;
// the conformance harness builds it from a fixture).
import type { Strategy } from '../domain/strategy.js';
import type { ExchangeId, PositionMode, Product } from '../domain/scope.js';

export type ExecutionMode = 'public' | 'read_only' | 'dry_run' | 'demo' | 'testnet' | 'live';

export interface RuntimeConfig {
  exchange: ExchangeId;
  product: Product;
  positionMode: PositionMode;
  mode: ExecutionMode;
  /** undefined or []: auto-detect open positions; otherwise an allowlist of venue symbols. */
  configuredSymbols?: string[];
  strategy: Strategy;
  eventBurstMs: number;
  maxBurstDelayMs: number;
  confirmationTimeoutMs: number;
  /** 0 disables the silent-stream watchdog (the harness scripts stream health itself). */
  heartbeatTimeoutMs: number;
  /** How long a stopping service waits for venue calls already sent (default 5 s; 0: not at all). */
  drainTimeoutMs?: number;
  /**
   * When the venue refuses protection for a market-state reason (an SL that would trigger at
   * once): `alert` (default) watches the mark and places it as soon as the market allows;
   * `close` closes the position with a reduce-only market order instead.
   */
  protectionFallback?: 'alert' | 'close';
  /** How often an unplaceable protection reads the mark price (default 2 s). */
  markPollMs?: number;
  /** How long a PAUSED account (refused credentials, clock skew) waits before asking the venue again (default 30 s). */
  pausedProbeMs?: number;
  /** How often the `summary` line is journaled (the service: SUMMARY_INTERVAL_MS, default 5 minutes); 0 or unset: never. */
  summaryIntervalMs?: number;
  /** Gates for write-capable modes: LIVE also needs the operator's explicit confirmation. */
  gates: { conformancePassed: boolean; liveConfirmed: boolean };
}

export const WRITE_MODES: ReadonlySet<ExecutionMode> = new Set(['demo', 'testnet', 'live']);

/** True when this configuration may send mutations to the venue at all. */
export function writesEnabled(config: RuntimeConfig): boolean {
  if (!WRITE_MODES.has(config.mode)) return false;
  if (!config.gates.conformancePassed) return false;
  if (config.mode === 'live' && !config.gates.liveConfirmed) return false;
  return true;
}

export function symbolAllowed(config: RuntimeConfig, symbol: string): boolean {
  const list = config.configuredSymbols;
  return !list || list.length === 0 || list.includes(symbol);
}
