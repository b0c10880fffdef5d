// A Binance SPOT venue on 127.0.0.1 (random port by default): REST /api/v3 as ccxt `binance`
// (defaultType spot) calls it, the WebSocket API /ws-api/v3 that ccxt 4.5.84 uses for spot user
// data, and the control API under /__sim/, on one HTTP server. It shares the futures simulator's
// fault switches, request log, clock and signature rules, but has its own engine (balances, no
// positions). It only ever listens on loopback.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Decimal } from 'decimal.js';
import { WebSocketServer } from 'ws';
import { Faults } from '../faults.js';
import { RequestLog } from '../request-log.js';
import { seededRandom } from '../rng.js';
import { SimClock } from '../sim-clock.js';
import { SpotControlApi } from './control.js';
import { DEFAULT_SPOT_BALANCES, DEFAULT_SPOT_FEES, DEFAULT_SPOT_PRICES, DEFAULT_SPOT_SYMBOLS } from './defaults.js';
import { SpotEngine } from './engine.js';
import { serveSpot } from './gateway.js';
import { SpotRest } from './rest.js';
import type { SpotSymbolSpec } from './types.js';
import { SpotWsApi } from './ws-api.js';

export interface SpotSimulatorOptions {
  port?: number;
  /** Seeds the client ids the venue makes up (cancels, orders sent without one). */
  seed?: number;
  symbols?: SpotSymbolSpec[];
  /** Free balance per asset; default 10000 USDT and 0 of every other asset. */
  balances?: Record<string, string>;
  /** Last price per symbol; default BTCUSDT 65000, ETHUSDT 3000. */
  prices?: Record<string, string>;
  /** Alias of `prices` (spot has no mark price: the last price is the only one). */
  marks?: Record<string, string>;
  /** Commission rates; default 0.001 maker and taker. */
  fees?: { maker?: string; taker?: string };
  /** 'received' (default): the asset received pays the commission; 'quote': the quote asset, both sides. */
  commissionAsset?: 'received' | 'quote';
  /** How long CANCELED / EXPIRED orders without a fill stay queryable before -2026; default 90 days (venue clock). */
  archiveAfterMs?: number;
  apiKey?: string;
  secret?: string;
}

export interface SpotSimulator {
  /** http://127.0.0.1:PORT (REST under /api/v3). */
  rest: string;
  /** ws://127.0.0.1:PORT (the WebSocket API at /ws-api/v3). */
  ws: string;
  /** http://127.0.0.1:PORT/__sim */
  control: string;
  apiKey: string;
  secret: string;
  /** The books (replaced by a reset). */
  engine: SpotEngine;
  /** The venue clock: order and trade times, archiving. */
  clock: SimClock;
  faults: Faults;
  /** Every REST request and WebSocket API request received (method "WS", path = the WS method). */
  requests: RequestLog;
  /** The WebSocket API user-data subscriptions. */
  stream: SpotWsApi;
  /** Books, balances, prices, faults, the request log and the clock back to the options'; connections and subscriptions survive. */
  reset(seed?: number): void;
  close(): Promise<void>;
}

export async function startSpotSimulator(options: SpotSimulatorOptions = {}): Promise<SpotSimulator> {
  const apiKey = options.apiKey ?? `sim-${randomBytes(12).toString('hex')}`;
  const secret = options.secret ?? randomBytes(24).toString('hex');
  const creds = { apiKey, secret };
  const faults = new Faults();
  const clock = new SimClock();
  const requests = new RequestLog();
  // Signed requests are checked against the wall clock plus a skew fault, not the venue clock:
  // advancing the venue's day must not reject every request.
  const serverTime = () => Date.now() + faults.clockSkewMs;
  const stream = new SpotWsApi({ creds, serverTime, venueNow: () => clock.now(), wallNow: () => Date.now(), faults, requests });

  const symbols = options.symbols ?? DEFAULT_SPOT_SYMBOLS;
  const makeEngine = (seed: number) => new SpotEngine({
    clock: () => clock.now(), symbols,
    balances: options.balances ?? DEFAULT_SPOT_BALANCES,
    prices: { ...DEFAULT_SPOT_PRICES, ...(options.marks ?? {}), ...(options.prices ?? {}) },
    fees: {
      maker: new Decimal(options.fees?.maker ?? DEFAULT_SPOT_FEES.maker), taker: new Decimal(options.fees?.taker ?? DEFAULT_SPOT_FEES.taker),
      commissionAsset: options.commissionAsset ?? 'received',
    },
    random: seededRandom(seed),
    ...(options.archiveAfterMs !== undefined ? { archiveAfterMs: options.archiveAfterMs } : {}),
  });
  const state = { engine: makeEngine(options.seed ?? 1) };
  let unsubscribe = state.engine.onEvent((e) => stream.publish(e));
  const makeRest = () => new SpotRest({ engine: state.engine, serverTime, venueNow: () => clock.now(), forgetFinished: () => faults.forgetFinished }, creds);
  let rest = makeRest();
  const hanging = new Set<Socket>();

  const sim = {} as SpotSimulator;
  const control = new SpotControlApi(sim);

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => void serve(req, res, body));
  });

  async function serve(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const method = req.method ?? 'GET';
    if (url.pathname.startsWith('/__sim')) {
      const out = control.handle(method, url.pathname.slice('/__sim'.length) || '/', body, url.searchParams);
      return send(res, out.status, out.body);
    }
    const answer = await serveSpot(
      { rest: () => rest, faults, requests, wallNow: () => Date.now() },
      { method, path: url.pathname, query: url.search.slice(1), body, headers: req.headers },
    );
    if (answer.kind === 'hang') {
      hanging.add(req.socket); // the client times out
      return;
    }
    if (answer.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (answer.kind === 'text') {
      res.writeHead(answer.status, { 'content-type': 'text/plain' });
      res.end(answer.text);
      return;
    }
    send(res, answer.status, answer.body);
  }

  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, request) => {
    const path = new URL(request.url ?? '/', 'http://sim').pathname;
    if (path === '/ws-api/v3') stream.accept(socket);
    else socket.close(1008, 'unknown stream');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  Object.assign(sim, {
    rest: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    control: `http://127.0.0.1:${port}/__sim`,
    apiKey,
    secret,
    clock,
    faults,
    requests,
    stream,
    reset(seed?: number) {
      unsubscribe();
      faults.clear();
      requests.clear();
      clock.reset();
      state.engine = makeEngine(seed ?? options.seed ?? 1);
      unsubscribe = state.engine.onEvent((e) => stream.publish(e));
      rest = makeRest();
    },
    async close() {
      unsubscribe();
      for (const s of hanging) s.destroy();
      stream.disconnectAll('close');
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  // A getter: a reset replaces the engine.
  Object.defineProperty(sim, 'engine', { get: () => state.engine, enumerable: true });
  return sim;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
