// Binance USD-M as a venue plug-in. The adapter itself (client factory, request builders, row
// normalizers, private stream, lookup by custom id) lives in src/venues/ccxt/ and is loaded only
// when the venue is opened, so reading this plug-in's rules never loads ccxt.
import type { VenuePlugin } from '../plugin.js';
import { BINANCE_USDM_RATE_LIMIT, BINANCE_USDM_RULES } from './rules.js';
import { BINANCE_USDM_VARIABLES, parseBinanceUsdmSettings, type BinanceUsdmSettings } from './settings.js';

export const binanceUsdmPlugin: VenuePlugin<BinanceUsdmSettings> = {
  id: 'binanceusdm',
  exchange: 'binance',
  product: 'linear',
  variables: BINANCE_USDM_VARIABLES,
  parseSettings: parseBinanceUsdmSettings,
  pointedAt: (settings, urls, credentials) => ({ ...settings, urls, credentials }),
  async open(settings, deps) {
    if (!settings.urls || !settings.credentials) throw new Error('binanceusdm: open() needs URLs and credentials (parse for a venue, or point the settings at the simulator)');
    const { BinanceUsdmVenue } = await import('../ccxt/binanceusdm-venue.js');
    return BinanceUsdmVenue.create({
      restUrl: settings.urls.rest, wsUrl: settings.urls.ws, apiKey: settings.credentials.apiKey, secret: settings.credentials.secret,
      listenKeyRefreshMs: settings.listenKeyRefreshMs, timeoutMs: deps.timeoutMs, positionMode: deps.positionMode, log: deps.log,
      weightLimit: BINANCE_USDM_RATE_LIMIT.weightLimitPerMinute, protectiveHeadroom: BINANCE_USDM_RATE_LIMIT.protectiveHeadroom,
    });
  },
  rules: BINANCE_USDM_RULES,
  rateLimit: BINANCE_USDM_RATE_LIMIT,
};
