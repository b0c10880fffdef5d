// Builds the ccxt pro `binanceusdm` client for exstate: URLs only from configuration (a loopback
// simulator or an explicitly configured venue; no host is ever defaulted here), the per-URL error
// table fixed, no positions snapshot behind watch* (it leaks an unhandled rejection on a drop),
// ccxt's delayed calls (listen-key keepalive) that do not keep the process alive, and the HTTP
// status of every failed response tagged on the error ccxt throws for it (a 503 with a code in its
// body is "execution status unknown", not the rejection the code alone would suggest).
import ccxt from 'ccxt';

const HTTP_STATUS = Symbol.for('exstate.httpStatus');
const VENUE_CODE = Symbol.for('exstate.venueCode');

/**
 * The venue code of the answer a ccxt REST error was thrown for (Binance `code`, Bybit `retCode`),
 * read from the body itself: ccxt matches known messages first and then throws with the message
 * alone ("binance Account has insufficient balance..."), so the code is not always in its text.
 */
export function venueCodeOf(error: unknown): number | undefined {
  const code = error && typeof error === 'object' ? (error as Record<symbol, unknown>)[VENUE_CODE] : undefined;
  return typeof code === 'number' ? code : undefined;
}

function bodyCode(body: unknown): number | undefined {
  if (typeof body !== 'string') return undefined;
  const m = /"(?:code|retCode)"\s*:\s*"?(-?\d+)/.exec(body);
  return m ? Number(m[1]) : undefined;
}

/** The HTTP status of the response a ccxt REST error was thrown for; undefined when there was none (timeouts, resets). */
export function httpStatusOf(error: unknown): number | undefined {
  const status = error && typeof error === 'object' ? (error as Record<symbol, unknown>)[HTTP_STATUS] : undefined;
  return typeof status === 'number' ? status : undefined;
}

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

/** The recvWindow exstate signs with (Binance's default). */
export const RECV_WINDOW_MS = 5_000;

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
      // Binance applies a request up to recvWindow after its timestamp: the window in which a
      // request that timed out may still land (see BinanceUsdmVenue.requestValidityMs).
      recvWindow: RECV_WINDOW_MS,
      watchPositions: { fetchPositionsSnapshot: false },
      watchOrders: { fetchPositionsSnapshot: false },
      watchBalance: { fetchPositionsSnapshot: false },
    },
  });
  if (ws.startsWith('ws://')) await ex.loadHttpProxyAgent();
  const exceptions = ex.exceptions as unknown as { exact: object; broad: object; linear: { exact: object; broad: object } };
  exceptions.exact = { ...exceptions.exact, ...exceptions.linear.exact };
  exceptions.broad = { ...exceptions.broad, ...exceptions.linear.broad };
  tagHttpStatus(ex);
  unrefDelays(ex);
  return ex;
}

/** ccxt's delayed calls (keepalives, pings) must not keep the process alive. */
export function unrefDelays(ex: object): void {
  const spawn = (ex as unknown as { spawn: (m: unknown, ...a: unknown[]) => void }).spawn.bind(ex);
  (ex as unknown as { delay: unknown }).delay = (timeout: number, method: unknown, ...args: unknown[]) => {
    setTimeout(() => spawn(method, ...args), timeout).unref();
  };
}

/**
 * ccxt's `handleRestResponse` calls `handleErrors(status, ...)` (binance.js: codes in the body) and
 * then `handleHttpStatusCode(status, ...)` (base: 5xx without a code) for every REST answer; both
 * take the status first and throw for a failure. Wrapped on the instance, each failure carries its
 * own status, so concurrent calls cannot mix them up (a "last response" field could), and the
 * venue code of its body (ccxt drops the body when it matches a known message first). Only the
 * two numbers are kept: nothing of the signed URL.
 */
export function tagHttpStatus(ex: object): void {
  const target = ex as unknown as Record<string, (...a: unknown[]) => unknown>;
  // handleErrors(status, reason, url, method, headers, body, ...), handleHttpStatusCode(status, reason, url, method, body).
  for (const [name, bodyAt] of [['handleErrors', 4], ['handleHttpStatusCode', 3]] as const) {
    const original = target[name]!.bind(ex);
    target[name] = (status: unknown, ...rest: unknown[]) => {
      try {
        return original(status, ...rest);
      } catch (error) {
        if (error && typeof error === 'object') {
          const tags = error as Record<symbol, unknown>;
          if (typeof status === 'number') tags[HTTP_STATUS] = status;
          const code = bodyCode(rest[bodyAt]);
          if (code !== undefined && tags[VENUE_CODE] === undefined) tags[VENUE_CODE] = code;
        }
        throw error;
      }
    };
  }
}
