// Bybit V5 linear (USDT perpetuals) as a venue plug-in. The adapter (venue.ts and its client,
// request builders, normalizers and stream) is loaded only when the venue is opened, so reading
// this plug-in's rules never loads ccxt.
import type { VenuePlugin } from '../plugin.js';
import { BYBIT_RATE_LIMIT, BYBIT_RULES } from './rules.js';
import { BYBIT_VARIABLES, parseBybitSettings, type BybitSettings } from './settings.js';

export const bybitPlugin: VenuePlugin<BybitSettings> = {
  id: 'bybit',
  exchange: 'bybit',
  product: 'linear',
  variables: BYBIT_VARIABLES,
  parseSettings: parseBybitSettings,
  pointedAt: (settings, urls, credentials) => ({ ...settings, urls, credentials }),
  async open(settings, deps) {
    if (!settings.urls || !settings.credentials) throw new Error('bybit: open() needs URLs and credentials (parse for a venue, or point the settings at the simulator)');
    const { BybitVenue } = await import('./venue.js');
    return BybitVenue.create({
      restUrl: settings.urls.rest, wsUrl: settings.urls.ws, apiKey: settings.credentials.apiKey, secret: settings.credentials.secret,
      timeoutMs: deps.timeoutMs, positionMode: deps.positionMode, log: deps.log,
      protectiveHeadroom: BYBIT_RATE_LIMIT.protectiveHeadroom,
    });
  },
  rules: BYBIT_RULES,
  rateLimit: BYBIT_RATE_LIMIT,
};
