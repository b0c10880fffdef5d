// Builds the ccxt pro `binanceusdm` client for exstate: URLs only from configuration (a loopback
// simulator or an explicitly configured venue; no host is ever defaulted here), the per-URL error
// table fixed, no positions snapshot behind watch* (it leaks an unhandled rejection on a drop),
// and ccxt's delayed calls (listen-key keepalive) that do not keep the process alive.
import ccxt from 'ccxt';

export interface BinanceClientConfig {
  restUrl: string;
  wsUrl: string;
  apiKey: string;
  secret: string;
  /** Listen-key keepalive period; Binance expires a key 60 min after the last one. */
  listenKeyRefreshMs: number;
  timeoutMs: number;
}

export type BinanceClient = InstanceType<typeof ccxt.pro.binanceusdm>;

export async function createBinanceClient(c: BinanceClientConfig): Promise<BinanceClient> {
  const base = c.restUrl.replace(/\/$/, '');
  const ws = c.wsUrl.replace(/\/$/, '');
  const ex = new ccxt.pro.binanceusdm({
    apiKey: c.apiKey,
    secret: c.secret,
    timeout: c.timeoutMs,
    // ccxt's client-side throttle spaces calls by Binance's weights (a 2 s pause after one
    // symbol-less openOrders call); exstate tracks X-MBX-USED-WEIGHT-1M and Retry-After itself.
    enableRateLimit: false,
    urls: {
      api: {
        fapiPublic: `${base}/fapi/v1`, fapiPublicV2: `${base}/fapi/v2`, fapiPublicV3: `${base}/fapi/v3`,
        fapiPrivate: `${base}/fapi/v1`, fapiPrivateV2: `${base}/fapi/v2`, fapiPrivateV3: `${base}/fapi/v3`,
        fapiData: `${base}/futures/data`, public: `${base}/api/v3`, private: `${base}/api/v3`, sapi: `${base}/sapi/v1`, v1: `${base}/api/v1`,
        ws: { future: `${ws}/ws`, 'ws-api': { future: `${ws}/ws-fapi/v1` } },
      },
    },
    options: {
      fetchCurrencies: false,
      warnOnFetchOpenOrdersWithoutSymbol: false,
      listenKeyRefreshRate: c.listenKeyRefreshMs,
      watchPositions: { fetchPositionsSnapshot: false },
      watchOrders: { fetchPositionsSnapshot: false },
      watchBalance: { fetchPositionsSnapshot: false },
    },
  });
  if (ws.startsWith('ws://')) await ex.loadHttpProxyAgent();
  const exceptions = ex.exceptions as unknown as { exact: object; broad: object; linear: { exact: object; broad: object } };
  exceptions.exact = { ...exceptions.exact, ...exceptions.linear.exact };
  exceptions.broad = { ...exceptions.broad, ...exceptions.linear.broad };
  const spawn = (ex as unknown as { spawn: (m: unknown, ...a: unknown[]) => void }).spawn.bind(ex);
  (ex as unknown as { delay: unknown }).delay = (timeout: number, method: unknown, ...args: unknown[]) => {
    setTimeout(() => spawn(method, ...args), timeout).unref();
  };
  return ex;
}
