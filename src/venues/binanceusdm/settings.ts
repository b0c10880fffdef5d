// The Binance USD-M plug-in's own settings, validated from the environment. A real venue is
// reached only through explicit configuration: no host is defaulted.
import { ConfigError } from '../../config/config-error.js';
import type { Env } from '../../config/env.js';
import type { SettingsTarget, VenueSettings } from '../plugin.js';

export interface BinanceUsdmSettings extends VenueSettings {
  /** Listen-key keepalive period; Binance expires a key 60 min after the last one. */
  listenKeyRefreshMs: number;
}

export const BINANCE_USDM_VARIABLES = ['VENUE_REST_URL', 'VENUE_WS_URL', 'LISTEN_KEY_REFRESH_MS', 'API_KEY', 'API_SECRET'] as const;

const DEFAULT_LISTEN_KEY_REFRESH_MS = 30 * 60_000;

export function parseBinanceUsdmSettings(env: Env, target: SettingsTarget): BinanceUsdmSettings {
  const listenKeyRefreshMs = wholeMs('LISTEN_KEY_REFRESH_MS', env.LISTEN_KEY_REFRESH_MS, DEFAULT_LISTEN_KEY_REFRESH_MS);
  // The simulator brings its own URLs and credentials (see pointedAt).
  if (target === 'simulator') return { listenKeyRefreshMs };
  const rest = url('VENUE_REST_URL', env.VENUE_REST_URL, /^https?:\/\//);
  const ws = url('VENUE_WS_URL', env.VENUE_WS_URL, /^wss?:\/\//);
  if (!env.API_KEY) throw new ConfigError('API_KEY', undefined, 'VENUE=binanceusdm needs API_KEY (and API_SECRET) from the environment');
  if (!env.API_SECRET) throw new ConfigError('API_SECRET', undefined, 'VENUE=binanceusdm needs API_SECRET from the environment');
  return { listenKeyRefreshMs, urls: { rest, ws }, credentials: { apiKey: env.API_KEY, secret: env.API_SECRET } };
}

function url(name: string, value: string | undefined, scheme: RegExp): string {
  if (!value || !scheme.test(value.trim())) throw new ConfigError(name, value, `required for VENUE=binanceusdm (${scheme.source.replace(/\\/g, '')}…)`);
  return value.trim();
}

function wholeMs(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || !Number.isInteger(n) || n < 0) throw new ConfigError(name, value, 'expected a whole number of milliseconds');
  return n;
}
