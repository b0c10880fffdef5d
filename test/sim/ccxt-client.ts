// The plain ccxt `binanceusdm` client pointed at the simulator, configured as research/ccxt.md
// section 1.2 shows (this is NOT the project's adapter: the simulator is tested as the venue).
import ccxt from 'ccxt';
import type { Simulator } from '../../src/sim/server.js';

export async function binanceClient(sim: Simulator, overrides: Record<string, unknown> = {}) {
  const base = sim.rest;
  const ws = sim.ws;
  const ex = new ccxt.pro.binanceusdm({
    apiKey: sim.apiKey,
    secret: sim.secret,
    timeout: 3000,
    urls: {
      api: {
        fapiPublic: `${base}/fapi/v1`, fapiPublicV2: `${base}/fapi/v2`, fapiPublicV3: `${base}/fapi/v3`,
        fapiPrivate: `${base}/fapi/v1`, fapiPrivateV2: `${base}/fapi/v2`, fapiPrivateV3: `${base}/fapi/v3`,
        fapiData: `${base}/futures/data`, public: `${base}/api/v3`, private: `${base}/api/v3`, sapi: `${base}/sapi/v1`, v1: `${base}/api/v1`,
        ws: { future: `${ws}/ws`, 'ws-api': { future: `${ws}/ws-fapi/v1` } },
      },
    },
    options: { fetchCurrencies: false, warnOnFetchOpenOrdersWithoutSymbol: false, watchPositions: { fetchPositionsSnapshot: false } },
    ...overrides,
  });
  await ex.loadHttpProxyAgent();
  // ccxt schedules the listen-key keepalive with a plain 20-minute setTimeout that close() does
  // not clear; an unref'd timer lets the process (and jest) exit once the client is closed.
  const spawn = (ex as unknown as { spawn: (m: unknown, ...a: unknown[]) => void }).spawn.bind(ex);
  (ex as unknown as { delay: unknown }).delay = (timeout: number, method: unknown, ...args: unknown[]) => {
    setTimeout(() => spawn(method, ...args), timeout).unref();
  };
  // The per-URL error table only applies to Binance's own hosts: merge the linear codes so a
  // loopback URL maps errors the way the real venue's would.
  const exceptions = ex.exceptions as { exact: object; broad: object; linear: { exact: object; broad: object } };
  exceptions.exact = { ...exceptions.exact, ...exceptions.linear.exact };
  exceptions.broad = { ...exceptions.broad, ...exceptions.linear.broad };
  return ex;
}
