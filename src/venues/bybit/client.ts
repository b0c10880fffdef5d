// Builds the ccxt pro `bybit` client for exstate: URLs only from configuration (a loopback
// simulator or an explicitly configured venue; no host is ever defaulted here), linear markets
// only (no spot/inverse/option requests on load), no currency list (a private call on load), a
// unified trading account assumed (no account-type probes before each private call), no positions
// snapshot behind watchPositions (rows come from the frames), no client-side throttle (the adapter
// paces itself on Bybit's own X-Bapi-Limit headers), ccxt's delayed calls unref'd, and each failed
// response's HTTP status tagged on its error.
import ccxt from 'ccxt';
import { tagHttpStatus, unrefDelays } from '../ccxt/client.js';

export interface BybitClientConfig {
  restUrl: string;
  wsUrl: string;
  apiKey: string;
  secret: string;
  timeoutMs: number;
}

export type BybitClient = InstanceType<typeof ccxt.pro.bybit>;

/** The recvWindow exstate signs with (Bybit's default). */
export const BYBIT_RECV_WINDOW_MS = 5_000;

export async function createBybitClient(c: BybitClientConfig): Promise<BybitClient> {
  const rest = c.restUrl.replace(/\/$/, '');
  const ws = c.wsUrl.replace(/\/$/, '');
  const ex = new ccxt.pro.bybit({
    apiKey: c.apiKey,
    secret: c.secret,
    timeout: c.timeoutMs,
    enableRateLimit: false,
    has: { fetchCurrencies: false },
    urls: {
      api: {
        spot: rest, futures: rest, v2: rest, public: rest, private: rest,
        ws: { private: { contract: `${ws}/v5/private`, unified: `${ws}/v5/private` }, public: { linear: `${ws}/v5/public/linear` } },
      },
    },
    options: {
      fetchMarkets: { types: ['linear'] },
      enableUnifiedAccount: true,
      enableUnifiedMargin: false,
      defaultType: 'swap',
      defaultSubType: 'linear',
      recvWindow: BYBIT_RECV_WINDOW_MS,
      watchPositions: { fetchPositionsSnapshot: false, awaitPositionsSnapshot: false },
    },
  });
  if (ws.startsWith('ws://')) await ex.loadHttpProxyAgent();
  tagHttpStatus(ex);
  unrefDelays(ex);
  return ex;
}
