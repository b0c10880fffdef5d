// The Binance spot plug-in's own settings, validated from the environment: the shared endpoint
// variables only (VENUE_REST_URL: the REST host, /api/v3 is appended by ccxt; VENUE_WS_URL: the
// WebSocket API host, /ws-api/v3 is appended). A real venue is reached only through explicit
// configuration: no host is defaulted.
import { ConfigError } from '../../config/config-error.js';
import type { Env } from '../../config/env.js';
import { ENDPOINT_VARIABLES, parseEndpointSettings } from '../endpoint-settings.js';
import type { SettingsTarget, VenueSettings } from '../plugin.js';

export type BinanceSpotSettings = VenueSettings;

export const BINANCE_SPOT_VARIABLES = [...ENDPOINT_VARIABLES] as const;

export function parseBinanceSpotSettings(env: Env, target: SettingsTarget): BinanceSpotSettings {
  // The simulator brings its own URLs and credentials (see pointedAt).
  if (target === 'simulator') return {};
  // Without an allowlist every held asset would be adopted as a position (BNB kept for fees,
  // long-term holdings, stablecoins) and get an OCO sell and a DCA buy.
  if (!env.SYMBOLS || env.SYMBOLS.trim() === '') {
    throw new ConfigError('SYMBOLS', env.SYMBOLS, 'VENUE=binance-spot needs an explicit allowlist (e.g. SYMBOLS=BTCUSDT): every held asset would otherwise be managed');
  }
  return parseEndpointSettings(env, 'binance-spot');
}
