// The plain ccxt 4.5.84 `binance` client (spot) pointed at the spot simulator, as an adapter would
// build it: every `urls.api` entry, REST and WebSocket, on 127.0.0.1 with the real path kept
// (/api/v3, /sapi/v1, /ws-api/v3, ...), so nothing can reach a real host; spot user data goes
// over the WebSocket API (`urls.api.ws['ws-api'].spot`), which is why that key matters most.
import ccxt from 'ccxt';
import type { SpotSimulator } from '../../../src/sim/spot/server.js';
import { spotApiUrls } from '../../../src/venues/binance-spot/client.js';

export interface SpotClientOverrides {
  apiKey?: string;
  secret?: string;
  timeout?: number;
}

export async function spotClient(sim: SpotSimulator, o: SpotClientOverrides = {}): Promise<any> {
  const ex = new ccxt.pro.binance({
    apiKey: o.apiKey ?? sim.apiKey,
    secret: o.secret ?? sim.secret,
    enableRateLimit: false,
    timeout: o.timeout ?? 3000,
    options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchCurrencies: false },
    has: { fetchCurrencies: false },
    urls: { api: spotApiUrls(sim.rest, sim.ws) }, // the adapter's own mapping of every urls.api key
  });
  await ex.loadHttpProxyAgent(); // ccxt refuses ws:// URLs without it
  // ccxt picks the spot error table by URL (https://api.binance.com/...); on 127.0.0.1 it would be skipped.
  const exceptions = ex.exceptions as unknown as { exact: object; broad: object; spot: { exact: object; broad?: object } };
  exceptions.exact = { ...exceptions.exact, ...exceptions.spot.exact };
  exceptions.broad = { ...exceptions.broad, ...(exceptions.spot.broad ?? {}) };
  guardSubscribeRejection(ex);
  return ex;
}

/**
 * ccxt 4.5.84 leaks an unhandled rejection when the venue refuses the WebSocket API subscription
 * (a wrong secret, a clock off by more than recvWindow): ensureUserDataStreamWsSubscribeSignature
 * parks a future 'authenticate:signature:spot' that nobody awaits and rejects it on failure, next
 * to the rejection the watch* caller gets. Node ends the process on an unhandled rejection by
 * default, so the client marks that future handled as soon as it exists (synchronously, before
 * the method's first await).
 */
function guardSubscribeRejection(ex: any): void {
  const original = ex.ensureUserDataStreamWsSubscribeSignature.bind(ex);
  ex.ensureUserDataStreamWsSubscribeSignature = (marketType = 'spot') => {
    const running = original(marketType);
    const parked = ex.client(ex.urls.api.ws['ws-api'][marketType]).futures[`authenticate:signature:${marketType}`];
    parked?.catch(() => undefined);
    return running;
  };
}

/** Every string leaf of an object (the client's URL table). */
export function leaves(value: unknown, path = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[path, value]];
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
}
