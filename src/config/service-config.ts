// The service configuration: parsed and validated from the environment BEFORE any client,
// socket or store exists. Every rejection names the variable and the value.
import { resolve as resolvePath } from 'node:path';
import { DEFAULT_LEASE_MARGIN_MS, DEFAULT_LEASE_TTL_MS, parseSharedStore, type SharedStoreConfig } from './shared-store-config.js';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ExecutionMode, RuntimeConfig } from '../runtime/runtime-config.js';
import { registerSecret } from '../runtime/redact.js';
import { ConfigError } from './config-error.js';
import { variablesFromFiles, type Env } from './env.js';
import { checkUnknownVariables } from './unknown-variables.js';
import { parseStrategy } from './strategy-config.js';
import type { VenueSettings } from '../venues/plugin.js';
import { VENUE_NAMES, VENUE_VARIABLES, venueNamed, type VenueName } from '../venues/registry.js';

export const EXECUTION_MODES = ['PUBLIC', 'READ_ONLY_PRIVATE', 'DRY_RUN_PRIVATE', 'DEMO', 'TESTNET', 'LIVE'] as const;
export type ExecutionModeName = (typeof EXECUTION_MODES)[number];

const MODE_MAP: Record<ExecutionModeName, ExecutionMode> = {
  PUBLIC: 'public', READ_ONLY_PRIVATE: 'read_only', DRY_RUN_PRIVATE: 'dry_run', DEMO: 'demo', TESTNET: 'testnet', LIVE: 'live',
};

/** The operator's name of an execution mode (the value of EXECUTION_MODE). */
export function executionModeName(mode: ExecutionMode): ExecutionModeName {
  return EXECUTION_MODES.find((name) => MODE_MAP[name] === mode)!;
}

/** The exact sentence an operator must set in LIVE_CONFIRMATION to allow LIVE writes. */
export const LIVE_CONFIRMATION_TEXT = 'I accept that exstate will trade real money on this account';

/** The pack shipped with exstate (fixtures/conformance of the installation), as an absolute path. */
export function shippedConformancePack(): string {
  return fileURLToPath(new URL('../../fixtures/conformance', import.meta.url));
}

export interface ServiceConfig {
  runtime: RuntimeConfig;
  /** A VENUE of the registry (src/venues/registry.ts): sim, the built-in simulated exchange on 127.0.0.1; binanceusdm, a venue at the configured URLs. */
  venue: VenueName;
  /** The venue plug-in's own settings, validated by the plug-in (URLs and credentials absent for the simulator). */
  venueSettings: VenueSettings;
  venueUrls?: { rest: string; ws: string };
  /** sim only: none (prices stay put), walk (seeded random walk), demo (the scripted lifecycle). */
  simDriver: 'none' | 'walk' | 'demo';
  simSeed: number;
  storePath: string;
  /** STORE_URL: the shared PostgreSQL store and its lease (absent: the SQLite file at storePath). */
  sharedStore?: SharedStoreConfig;
  /** As configured (blank: the shipped pack, absolute); the gate refuses a relative path. */
  conformancePack: string;
  logLevel: string;
  logFormat: 'pretty' | 'json';
  credentials: { apiKey?: string; secret?: string };
  /** How long a REST call to the venue may take before it counts as a timeout (an unknown outcome for a submission). */
  venueTimeoutMs: number;
  /** The read-only operator HTTP server's port on 127.0.0.1; 0: no server. */
  httpPort: number;
}

/** The operator HTTP server's port when HTTP_PORT is not set. */
export const DEFAULT_HTTP_PORT = 8787;

function httpPort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_HTTP_PORT;
  const v = value.trim();
  if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) throw new ConfigError('HTTP_PORT', value, 'expected a port number from 0 to 65535 (0 turns the HTTP server off)');
  return Number(v);
}

const ms = (name: string, fallback: number) =>
  z.string().optional().transform((v, ctx) => {
    if (v === undefined || v.trim() === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || !Number.isInteger(n) || n < 0) {
      ctx.addIssue({ code: 'custom', message: `${name}=${JSON.stringify(v)}: expected a whole number of milliseconds` });
      return z.NEVER;
    }
    return n;
  });

const schema = z.object({
  EXECUTION_MODE: z.string().optional(),
  VENUE: z.string().optional(),
  SIM_DRIVER: z.string().optional(),
  SIM_SEED: z.string().optional(),
  VENUE_TIMEOUT_MS: ms('VENUE_TIMEOUT_MS', 10_000),
  PRODUCT: z.string().optional(),
  POSITION_MODE: z.string().optional(),
  SYMBOLS: z.string().optional(),
  TAKE_PROFIT_PCT: z.string().optional(),
  STOP_LOSS_PCT: z.string().optional(),
  DCA_STEPS: z.string().optional(),
  EVENT_BURST_MS: ms('EVENT_BURST_MS', 150),
  MAX_BURST_DELAY_MS: ms('MAX_BURST_DELAY_MS', 1000),
  CONFIRMATION_TIMEOUT_MS: ms('CONFIRMATION_TIMEOUT_MS', 5000),
  HEARTBEAT_TIMEOUT_MS: ms('HEARTBEAT_TIMEOUT_MS', 300_000),
  PROTECTION_FALLBACK: z.string().optional(),
  MARK_POLL_MS: ms('MARK_POLL_MS', 2_000),
  SUMMARY_INTERVAL_MS: ms('SUMMARY_INTERVAL_MS', 300_000),
  STORE_PATH: z.string().optional(),
  STORE_URL: z.string().optional(),
  ACCOUNT_ID: z.string().optional(),
  LEASE_TTL_MS: ms('LEASE_TTL_MS', DEFAULT_LEASE_TTL_MS),
  LEASE_MARGIN_MS: ms('LEASE_MARGIN_MS', DEFAULT_LEASE_MARGIN_MS),
  CONFORMANCE_PACK: z.string().optional(),
  LIVE_CONFIRMATION: z.string().optional(),
  LOG_LEVEL: z.string().optional(),
  LOG_FORMAT: z.string().optional(),
  HTTP_PORT: z.string().optional(),
  API_KEY: z.string().optional(),
  API_SECRET: z.string().optional(),
});

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value.trim() === '') return fallback;
  const v = value.trim();
  if (!allowed.includes(v as T)) throw new ConfigError(name, value, `expected one of ${allowed.join(', ')}`);
  return v as T;
}

/** Parses DCA_STEPS: "offsetPct:sizePct" pairs separated by commas, e.g. "1:100,2:100". */
function dcaSteps(text: string | undefined): Array<{ offsetPct: string; sizePct: string }> {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').map((pair, i) => {
    const [offsetPct, sizePct, extra] = pair.split(':').map((s) => s.trim());
    if (!offsetPct || !sizePct || extra !== undefined) throw new ConfigError('DCA_STEPS', text, `step ${i + 1} (${JSON.stringify(pair)}) must be offsetPct:sizePct`);
    return { offsetPct, sizePct };
  });
}

export function parseServiceConfig(env: Env): ServiceConfig {
  // First of all: the scrubber learns the credentials, so no message from here on can carry them.
  registerSecret(env.API_KEY);
  registerSecret(env.API_SECRET);
  // The venue plug-ins' own variables (VENUE_REST_URL, LISTEN_KEY_REFRESH_MS, …) are known too.
  checkUnknownVariables(env, variablesFromFiles(env), [...new Set([...Object.keys(schema.shape), ...VENUE_VARIABLES])]);
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? 'config');
    throw new ConfigError(field, env[field], issue.message.replace(/^[A-Z_]+=\S+: /, ''));
  }
  const e = parsed.data;
  const modeName = oneOf('EXECUTION_MODE', e.EXECUTION_MODE, EXECUTION_MODES, 'DRY_RUN_PRIVATE');
  const mode = MODE_MAP[modeName];
  const venue = oneOf('VENUE', e.VENUE, VENUE_NAMES, 'sim');
  const { plugin, simulated } = venueNamed(venue);
  const { exchange } = plugin;
  const product = oneOf('PRODUCT', e.PRODUCT, [plugin.product], plugin.product);
  // The plug-in validates its own settings; a real venue is reached only through explicit configuration.
  const venueSettings = plugin.parseSettings(env, simulated ? 'simulator' : 'venue');
  const venueUrls = venueSettings.urls;
  if (simulated && (mode === 'live' || mode === 'testnet')) {
    throw new ConfigError('EXECUTION_MODE', modeName, 'the simulator accepts DRY_RUN_PRIVATE, READ_ONLY_PRIVATE or DEMO');
  }
  const simDriver = oneOf('SIM_DRIVER', e.SIM_DRIVER, ['none', 'walk', 'demo'] as const, 'none');
  const simSeed = e.SIM_SEED === undefined || e.SIM_SEED === '' ? 1 : Number(e.SIM_SEED);
  if (!Number.isInteger(simSeed)) throw new ConfigError('SIM_SEED', e.SIM_SEED, 'expected a whole number');
  const positionMode = oneOf('POSITION_MODE', e.POSITION_MODE, ['hedge', 'one_way'] as const, 'hedge');
  const symbols = (e.SYMBOLS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of symbols) if (!/^[A-Z0-9._-]+$/.test(s)) throw new ConfigError('SYMBOLS', e.SYMBOLS, `${JSON.stringify(s)} is not a venue symbol (upper-case letters and digits, e.g. BTCUSDT)`);
  const strategy = parseStrategyFromEnv(e.TAKE_PROFIT_PCT, e.STOP_LOSS_PCT, e.DCA_STEPS);
  if (e.MAX_BURST_DELAY_MS < e.EVENT_BURST_MS) throw new ConfigError('MAX_BURST_DELAY_MS', String(e.MAX_BURST_DELAY_MS), `must not be shorter than EVENT_BURST_MS (${e.EVENT_BURST_MS})`);
  if (e.VENUE_TIMEOUT_MS < 100) throw new ConfigError('VENUE_TIMEOUT_MS', String(e.VENUE_TIMEOUT_MS), 'must be at least 100 milliseconds');
  const liveConfirmed = e.LIVE_CONFIRMATION === LIVE_CONFIRMATION_TEXT;
  if (mode === 'live' && !liveConfirmed) {
    throw new ConfigError('LIVE_CONFIRMATION', e.LIVE_CONFIRMATION ? '[set]' : undefined, `LIVE needs LIVE_CONFIRMATION set to exactly "${LIVE_CONFIRMATION_TEXT}"`);
  }
  const storePath = e.STORE_PATH && e.STORE_PATH.trim() ? e.STORE_PATH.trim() : './data/exstate.sqlite';
  const sharedStore = parseSharedStore(e, { venue, url: venueUrls?.rest ?? `sim:${resolvePath(storePath)}`, apiKey: e.API_KEY || 'sim' });
  const logFormat = oneOf('LOG_FORMAT', e.LOG_FORMAT, ['pretty', 'json'] as const, process.stdout.isTTY ? 'pretty' : 'json');
  const logLevel = oneOf('LOG_LEVEL', e.LOG_LEVEL, ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const, 'info');
  return {
    runtime: {
      exchange, product, positionMode, mode, configuredSymbols: symbols, strategy,
      eventBurstMs: e.EVENT_BURST_MS, maxBurstDelayMs: e.MAX_BURST_DELAY_MS, confirmationTimeoutMs: e.CONFIRMATION_TIMEOUT_MS, heartbeatTimeoutMs: e.HEARTBEAT_TIMEOUT_MS,
      protectionFallback: oneOf('PROTECTION_FALLBACK', e.PROTECTION_FALLBACK, ['alert', 'close'] as const, 'alert'),
      markPollMs: Math.max(250, e.MARK_POLL_MS),
      summaryIntervalMs: e.SUMMARY_INTERVAL_MS,
      // The conformance gate is decided at start by running the pack (see service.ts).
      gates: { conformancePassed: false, liveConfirmed },
    },
    venue,
    venueSettings,
    venueUrls,
    simDriver,
    simSeed,
    venueTimeoutMs: e.VENUE_TIMEOUT_MS,
    httpPort: httpPort(e.HTTP_PORT),
    storePath,
    ...(sharedStore ? { sharedStore } : {}),
    conformancePack: e.CONFORMANCE_PACK && e.CONFORMANCE_PACK.trim() ? e.CONFORMANCE_PACK.trim() : shippedConformancePack(),
    logLevel,
    logFormat,
    credentials: { apiKey: e.API_KEY || undefined, secret: e.API_SECRET || undefined },
  };
}

function parseStrategyFromEnv(tp: string | undefined, sl: string | undefined, dca: string | undefined) {
  try {
    return parseStrategy({ takeProfitPct: tp, stopLossPct: sl, dca: dcaSteps(dca) }, 'strategy');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Report the environment variable the operator actually sets.
    const field = error.field
      .replace(/^strategy\.takeProfitPct$/, 'TAKE_PROFIT_PCT')
      .replace(/^strategy\.stopLossPct$/, 'STOP_LOSS_PCT')
      .replace(/^strategy\.dca\[(\d+)\]\.(offsetPct|sizePct)$/, (_m, i, f) => `DCA_STEPS (step ${Number(i) + 1} ${f})`)
      .replace(/^strategy$/, 'STOP_LOSS_PCT');
    throw new ConfigError(field, error.value, error.reason);
  }
}
