// The plain ccxt 4.5.84 `binance` client (spot) pointed at the spot simulator, as an adapter would
// build it: every `urls.api` entry, REST and WebSocket, on 127.0.0.1 with the real path kept
// (/api/v3, /sapi/v1, /ws-api/v3, ...), so nothing can reach a real host; spot user data goes
// over the WebSocket API (`urls.api.ws['ws-api'].spot`), which is why that key matters most.
import ccxt from 'ccxt';
import type { SpotSimulator } from '../../../src/sim/spot/server.js';

/** Every key of ccxt binance's `urls.api` (4.5.84), each on the simulator. */
export function spotUrls(rest: string, ws: string) {
  const r = (p: string) => `${rest}${p}`;
  const w = (p: string) => `${ws}${p}`;
  return {
    public: r('/api/v3'), private: r('/api/v3'), v1: r('/api/v1'),
    sapi: r('/sapi/v1'), sapiV2: r('/sapi/v2'), sapiV3: r('/sapi/v3'), sapiV4: r('/sapi/v4'),
    dapiPublic: r('/dapi/v1'), dapiPrivate: r('/dapi/v1'), dapiPrivateV2: r('/dapi/v2'), dapiData: r('/futures/data'),
    fapiPublic: r('/fapi/v1'), fapiPublicV2: r('/fapi/v2'), fapiPublicV3: r('/fapi/v3'),
    fapiPrivate: r('/fapi/v1'), fapiPrivateV2: r('/fapi/v2'), fapiPrivateV3: r('/fapi/v3'), fapiData: r('/futures/data'),
    eapiPublic: r('/eapi/v1'), eapiPrivate: r('/eapi/v1'), papi: r('/papi/v1'), papiV2: r('/papi/v2'),
    ws: {
      spot: w('/ws'), margin: w('/ws'), future: w('/ws'), delivery: w('/ws'), stock: w('/equity/ws'),
      option: w('/public/ws'), optionMarket: w('/market/ws'), optionPrivate: w('/private/ws'), papi: w('/pm/ws'),
      'ws-api': { spot: w('/ws-api/v3'), future: w('/ws-fapi/v1'), delivery: w('/ws-dapi/v1') },
    },
  };
}

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
    urls: { api: spotUrls(sim.rest, sim.ws) },
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
