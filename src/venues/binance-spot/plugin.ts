// Binance spot as a venue plug-in (issue 14). The adapter (venue.ts and its client, request
// builders, normalizers and stream) is loaded only when the venue is opened, so reading this
// plug-in's rules never loads ccxt.
import type { VenuePlugin } from '../plugin.js';
import { BINANCE_SPOT_RATE_LIMIT, BINANCE_SPOT_RULES } from './rules.js';
import { BINANCE_SPOT_VARIABLES, parseBinanceSpotSettings, type BinanceSpotSettings } from './settings.js';

export const binanceSpotPlugin: VenuePlugin<BinanceSpotSettings> = {
  id: 'binance-spot',
  exchange: 'binance',
  product: 'spot',
  variables: BINANCE_SPOT_VARIABLES,
  parseSettings: parseBinanceSpotSettings,
  pointedAt: (settings, urls, credentials) => ({ ...settings, urls, credentials }),
  async open(settings, deps) {
    if (!settings.urls || !settings.credentials) throw new Error('binance-spot: open() needs URLs and credentials (parse for a venue, or point the settings at the simulator)');
    const { BinanceSpotVenue } = await import('./venue.js');
    return BinanceSpotVenue.create({
      restUrl: settings.urls.rest, wsUrl: settings.urls.ws, apiKey: settings.credentials.apiKey, secret: settings.credentials.secret,
      timeoutMs: deps.timeoutMs, log: deps.log, ...(deps.symbols && deps.symbols.length > 0 ? { symbols: deps.symbols } : {}),
    });
  },
  rules: BINANCE_SPOT_RULES,
  rateLimit: BINANCE_SPOT_RATE_LIMIT,
};
