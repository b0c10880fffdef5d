// Fixture `initial.config` -> RuntimeConfig, through the same strategy validation the service
// runs. A rejection is deferred: the runtime's config gate reports it as the service would.
import type { RawStrategy } from '../config/strategy-config.js';
import { parseStrategy } from '../config/strategy-config.js';
import { ConfigError } from '../config/config-error.js';
import type { ExecutionMode, RuntimeConfig } from '../runtime/runtime-config.js';
import type { FixtureScope, JsonObject } from './fixture-format.js';

export const HARNESS_STRATEGY = { takeProfitPct: '1', stopLossPct: '2', dca: [{ offsetPct: '1', sizePct: '100' }] };
export const HARNESS_FILTERS = { tickSize: '0.1', stepSize: '0.001', minQty: '0.001', minNotional: '5' };

const MODES: readonly ExecutionMode[] = ['read_only', 'dry_run', 'demo', 'testnet', 'live'];

export interface FixtureConfig {
  config: RuntimeConfig;
  /** Throws the ConfigError the service would raise for this configuration, if any. */
  validate: () => void;
}

export function fixtureConfig(scope: FixtureScope, raw: JsonObject | undefined): FixtureConfig {
  const c = raw ?? {};
  const mode = (c.mode ?? 'dry_run') as ExecutionMode;
  const symbols = c.configuredSymbols as string[] | undefined;
  const positionMode = (c.positionMode ?? 'hedge') as RuntimeConfig['positionMode'];
  const num = (v: unknown, fallback: number) => (v === undefined ? fallback : (v as number));
  let strategyError: unknown;
  let strategy: RuntimeConfig['strategy'] = { dca: [] };
  try {
    strategy = parseStrategy((c.strategy ?? HARNESS_STRATEGY) as RawStrategy);
  } catch (error) {
    strategyError = error;
  }
  const config: RuntimeConfig = {
    exchange: scope.exchange,
    product: scope.product,
    positionMode,
    mode: MODES.includes(mode) ? mode : 'dry_run',
    configuredSymbols: symbols,
    strategy,
    eventBurstMs: num(c.eventBurstMs ?? c.quietWindowMs, 150),
    maxBurstDelayMs: num(c.maxBurstDelayMs ?? c.maxDelayMs, 1000),
    confirmationTimeoutMs: num(c.confirmationTimeoutMs, 5000),
    heartbeatTimeoutMs: 0,
    // The scripted venue answers only when a step says so: a stopping fixture does not wait.
    drainTimeoutMs: 0,
    ...(c.protectionFallback !== undefined ? { protectionFallback: c.protectionFallback as 'alert' | 'close' } : {}),
    ...(c.markPollMs !== undefined ? { markPollMs: c.markPollMs as number } : {}),
    gates: { conformancePassed: true, liveConfirmed: true },
  };
  const validate = () => {
    if (!MODES.includes(mode)) throw new ConfigError('mode', c.mode, `expected one of ${MODES.join(', ')}`);
    if (!['hedge', 'one_way'].includes(positionMode)) throw new ConfigError('positionMode', c.positionMode, 'expected hedge or one_way');
    if (symbols !== undefined && (!Array.isArray(symbols) || symbols.some((s) => typeof s !== 'string' || !/^[A-Z0-9._-]+$/.test(s)))) {
      throw new ConfigError('configuredSymbols', symbols, 'expected a list of venue symbols');
    }
    for (const [field, value] of [['eventBurstMs', config.eventBurstMs], ['maxBurstDelayMs', config.maxBurstDelayMs], ['confirmationTimeoutMs', config.confirmationTimeoutMs]] as const) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ConfigError(field, value, 'expected a non-negative number of milliseconds');
    }
    if (config.maxBurstDelayMs < config.eventBurstMs) throw new ConfigError('maxBurstDelayMs', config.maxBurstDelayMs, 'must not be shorter than eventBurstMs');
    if (c.protectionFallback !== undefined && c.protectionFallback !== 'alert' && c.protectionFallback !== 'close') throw new ConfigError('protectionFallback', c.protectionFallback, 'expected alert or close');
    if (strategyError) throw strategyError;
  };
  return { config, validate };
}
