// Builds the ccxt pro `binance` client (spot) for exstate: every `urls.api` entry, REST and
// WebSocket, on the configured hosts with the real paths kept (/api/v3, /sapi/v1, /ws-api/v3, ...;
// no host is ever defaulted here), spot markets only, no currency list and no margin list (both
// signed calls on load), no client-side throttle, spot user data over the WebSocket API (no listen
// key), ccxt's spot error table merged in (ccxt picks it by the real host's URL), ccxt's delayed
// calls unref'd, each failed response's HTTP status tagged on its error, and the unhandled
// rejection ccxt 4.5.84 leaks when a WebSocket API subscription is refused guarded.
import ccxt from 'ccxt';
import { tagHttpStatus, unrefDelays } from '../ccxt/client.js';

export interface BinanceSpotClientConfig {
  restUrl: string;
  wsUrl: string;
  apiKey: string;
  secret: string;
  timeoutMs: number;
}

export type BinanceSpotClient = InstanceType<typeof ccxt.pro.binance>;

/** The recvWindow exstate signs with (Binance's default). */
export const SPOT_RECV_WINDOW_MS = 5_000;

/** Every key of ccxt binance's `urls.api` (4.5.84), each on the configured hosts. */
export function spotApiUrls(rest: string, ws: string) {
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

export async function createBinanceSpotClient(c: BinanceSpotClientConfig): Promise<BinanceSpotClient> {
  const rest = c.restUrl.replace(/\/$/, '');
  const ws = c.wsUrl.replace(/\/$/, '');
  const ex = new ccxt.pro.binance({
    apiKey: c.apiKey,
    secret: c.secret,
    timeout: c.timeoutMs,
    enableRateLimit: false,
    has: { fetchCurrencies: false },
    urls: { api: spotApiUrls(rest, ws) },
    options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false, recvWindow: SPOT_RECV_WINDOW_MS },
  });
  if (ws.startsWith('ws://')) await ex.loadHttpProxyAgent();
  const exceptions = ex.exceptions as unknown as { exact: object; broad: object; spot: { exact: object; broad?: object } };
  exceptions.exact = { ...exceptions.exact, ...exceptions.spot.exact };
  exceptions.broad = { ...exceptions.broad, ...(exceptions.spot.broad ?? {}) };
  guardSubscribeRejection(ex);
  tagHttpStatus(ex);
  unrefDelays(ex);
  return ex;
}

/**
 * ccxt 4.5.84 parks a future 'authenticate:signature:spot' that nobody awaits and rejects it when
 * the venue refuses the WebSocket API subscription (a wrong secret, a clock off by more than
 * recvWindow), next to the rejection the watch caller gets. Node ends the process on an unhandled
 * rejection, so the parked future is marked handled as soon as it exists (synchronously, before
 * the method's first await).
 */
function guardSubscribeRejection(ex: BinanceSpotClient): void {
  const target = ex as unknown as {
    ensureUserDataStreamWsSubscribeSignature: (marketType?: string) => Promise<unknown>;
    client: (url: string) => { futures: Record<string, Promise<unknown> | undefined> };
    urls: { api: { ws: { 'ws-api': Record<string, string> } } };
  };
  const original = target.ensureUserDataStreamWsSubscribeSignature.bind(ex);
  target.ensureUserDataStreamWsSubscribeSignature = (marketType = 'spot') => {
    const running = original(marketType);
    const parked = target.client(target.urls.api.ws['ws-api'][marketType]!).futures[`authenticate:signature:${marketType}`];
    parked?.catch(() => undefined);
    return running;
  };
}
