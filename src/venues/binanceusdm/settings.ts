// The Binance USD-M plug-in's own settings, validated from the environment. A real venue is
// reached only through explicit configuration: no host is defaulted.
import type { Env } from '../../config/env.js';
import { ENDPOINT_VARIABLES, parseEndpointSettings, wholeMs } from '../endpoint-settings.js';
import type { SettingsTarget, VenueSettings } from '../plugin.js';

export interface BinanceUsdmSettings extends VenueSettings {
  /** Listen-key keepalive period; Binance expires a key 60 min after the last one. */
  listenKeyRefreshMs: number;
}

export const BINANCE_USDM_VARIABLES = [...ENDPOINT_VARIABLES, 'LISTEN_KEY_REFRESH_MS'] as const;

const DEFAULT_LISTEN_KEY_REFRESH_MS = 30 * 60_000;

export function parseBinanceUsdmSettings(env: Env, target: SettingsTarget): BinanceUsdmSettings {
  const listenKeyRefreshMs = wholeMs('LISTEN_KEY_REFRESH_MS', env.LISTEN_KEY_REFRESH_MS, DEFAULT_LISTEN_KEY_REFRESH_MS);
  // The simulator brings its own URLs and credentials (see pointedAt).
  if (target === 'simulator') return { listenKeyRefreshMs };
  return { listenKeyRefreshMs, ...parseEndpointSettings(env, 'binanceusdm') };
}
