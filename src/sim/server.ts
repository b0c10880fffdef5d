// One HTTP + WebSocket server on 127.0.0.1 (random port by default) speaking what ccxt
// `binanceusdm` calls (or, with `venue: 'bybit'`, what ccxt `bybit` calls: src/sim/bybit/), plus the
// control API under /__sim/. It only ever listens on loopback.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { BinanceRest } from './binance-rest.js';
import { ControlApi } from './control.js';
import { DEFAULT_MARKS, DEFAULT_SYMBOLS } from './defaults.js';
import { SimEngine, type UserEvent } from './engine.js';
import { Faults } from './faults.js';
import { PriceDriver } from './price-driver.js';
import { RateLimiter, BINANCE_RATE_LIMITS, type RateLimitConfig } from './rate-limits.js';
import { RequestLog } from './request-log.js';
import { serveVenue } from './rest-gateway.js';
import type { SymbolSpec } from './sim-types.js';
import { UserStream } from './user-stream.js';
import { BybitFront, BYBIT_RATE_LIMITS } from './bybit/front.js';
import type { BybitStream } from './bybit/stream.js';
import { SimClock } from './sim-clock.js';
import { applyStep, seedScenario, type Scenario } from './scenario.js';

export interface SimulatorOptions {
  port?: number;
  seed?: number;
  positionMode?: 'hedge' | 'one_way';
  symbols?: SymbolSpec[];
  marks?: Record<string, string>;
  walletBalance?: string;
  listenKeyTtlMs?: number;
  apiKey?: string;
  secret?: string;
  /** Played in real time from the start: its marks and positions first, then its steps. */
  scenario?: Scenario;
  /** Request-weight and order limits, enforced on the venue clock; Binance's (2400/min, 300/10 s, 1200/min) by default. */
  rateLimits?: Partial<RateLimitConfig>;
  /** Which venue the REST and stream fronts speak (the engine is shared): Binance USD-M by default, or Bybit V5 linear (src/sim/bybit/, one-way mode by default). */
  venue?: SimVenue;
}

export type SimVenue = 'binanceusdm' | 'bybit';

/** A stream's state for GET /__sim/state (Bybit adds its sessions: authenticated, topics). */
export interface StreamDescription {
  connections: number;
  connectionAgesMs: number[];
  /** Binance's listen keys; always empty on Bybit (it has none). */
  listenKeys: Array<{ expired: boolean; expiresInMs: number }>;
}

/**
 * What the control API and callers use of a venue's private stream: UserStream (Binance) and
 * BybitStream (src/sim/bybit/stream.ts) both provide it, so `Simulator` is venue-neutral.
 */
export interface SimStream {
  describe(): StreamDescription;
  /** Closes every connection with a close frame, or drops it without one. */
  disconnectAll(mode: 'close' | 'drop'): number;
  /** Binance: expires every live listen key; Bybit: nothing to expire (no-op). */
  expireAll(): void;
  /** One raw frame to every live (Bybit: authenticated) connection, past the faults. */
  sendText(text: string): number;
  connectionCount(): number;
  /** An engine event, sent in the venue's own frame shape through the stream faults. */
  publish(event: UserEvent): void;
  /** Binance: listen keys issued; Bybit: successful `auth` requests. */
  issuedKeys(): number;
  /** Binance: listen-key keepalives; Bybit: `ping` requests answered. */
  keepalives(): number;
  stop(): void;
}

export interface SimulatorEndpoints {
  rest: string;
  ws: string;
  control: string;
  apiKey: string;
  secret: string;
}

export interface Simulator<S extends SimStream = SimStream> extends SimulatorEndpoints {
  venue: SimVenue;
  engine: SimEngine;
  /** The venue's clock (rows, retention, socket age); `clock.advance(ms)` compresses a day. */
  clock: SimClock;
  faults: Faults;
  stream: S;
  driver: PriceDriver;
  /** Every venue request received (not the control API), in order; see request-log.ts. */
  requests: RequestLog;
  /** The IP weight and order-count limiters (rate-limits.ts); `configure({...})` for small test limits. */
  rateLimits: RateLimiter;
  /** Clears books, faults, the request log, the venue clock and rate-limit counters (limits back to the options'); seeds the default marks again. Listen keys and open connections survive. */
  reset(seed?: number): void;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions & { venue: 'bybit' }): Promise<Simulator<BybitStream>>;
export async function startSimulator(options?: SimulatorOptions): Promise<Simulator>;
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const venue = options.venue ?? 'binanceusdm';
  const seed = options.seed ?? 1;
  const apiKey = options.apiKey ?? `sim-${randomBytes(12).toString('hex')}`;
  const secret = options.secret ?? randomBytes(24).toString('hex');
  const faults = new Faults();
  const clock = new SimClock();
  // Signed requests are checked against the client's wall clock (plus a skew fault), not the
  // venue clock: advancing the venue's day must not reject every request.
  const serverTime = () => Date.now() + faults.clockSkewMs;
  const makeEngine = () => {
    const engine = new SimEngine({
      clock: () => clock.now(), positionMode: options.positionMode ?? (venue === 'bybit' ? 'one_way' : 'hedge'), symbols: options.symbols ?? DEFAULT_SYMBOLS,
      walletBalance: options.walletBalance ?? '10000', leverage: 20, makerFee: '0.0002', takerFee: '0.0004',
    });
    for (const [s, p] of Object.entries(options.marks ?? DEFAULT_MARKS)) if (engine.symbols.has(s)) engine.setMark(s, p);
    return engine;
  };
  const rateLimits = new RateLimiter(() => clock.now(), { ...(venue === 'bybit' ? BYBIT_RATE_LIMITS : BINANCE_RATE_LIMITS), ...(options.rateLimits ?? {}) });
  const requests = new RequestLog();
  // ---- the venue's fronts: Binance's REST + user stream, or the Bybit front (REST + private stream) ----
  const bybit = venue === 'bybit' ? new BybitFront({ creds: { apiKey, secret }, faults, limiter: rateLimits, requests, serverTime, venueNow: () => clock.now() }) : undefined;
  const userStream = bybit ? undefined : new UserStream(faults, options.listenKeyTtlMs ?? 60 * 60_000, () => Date.now(), () => clock.now());
  const stream: SimStream = bybit?.stream ?? userStream!;
  const attach = (engine: SimEngine) => (bybit ? bybit.attach(engine) : engine.onEvent((e) => stream.publish(e)));
  const state = { engine: makeEngine() };
  let unsubscribe = attach(state.engine);
  const forgetFinished = () => faults.forgetFinished;
  const makeRest = () => new BinanceRest(state.engine, userStream!, { apiKey, secret }, serverTime, forgetFinished, () => rateLimits.limits());
  let rest = bybit ? undefined : makeRest();
  let driver = new PriceDriver(state.engine, seed);
  const hanging = new Set<Socket>();

  const sim = {} as Simulator;
  const control = new ControlApi(sim);

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
    const venueRequest = { method, path: url.pathname, query: url.search.slice(1), body, headers: req.headers };
    const answer = bybit
      ? await bybit.serve(venueRequest)
      : await serveVenue({ rest: () => rest!, faults, limiter: rateLimits, requests, wallNow: () => Date.now() }, venueRequest);
    if (answer.kind === 'hang') {
      hanging.add(req.socket); // the client times out
      return;
    }
    if (answer.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (answer.kind === 'text') {
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.text);
      return;
    }
    send(res, answer.status, answer.body, answer.headers);
  }

  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, request) => {
    const path = new URL(request.url ?? '/', 'http://sim').pathname;
    if (bybit) {
      if (!bybit.acceptSocket(path, socket, request)) socket.close(1008, 'unknown stream');
    } else if (path === '/private/ws' || path.startsWith('/ws/') || path === '/ws') userStream!.accept(socket, request);
    else socket.close(1008, 'unknown stream');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const scenarioTimers: NodeJS.Timeout[] = [];
  if (options.scenario) {
    seedScenario(state.engine, options.scenario);
    for (const step of options.scenario.steps) scenarioTimers.push(setTimeout(() => applyStep(state.engine, step), Math.max(0, step.atMs)));
  }

  Object.assign(sim, {
    venue,
    rest: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    control: `http://127.0.0.1:${port}/__sim`,
    apiKey,
    secret,
    clock,
    faults,
    stream,
    requests,
    rateLimits,
    reset(nextSeed?: number) {
      driver.stop();
      clock.reset();
      unsubscribe();
      faults.clear();
      requests.clear();
      state.engine = makeEngine();
      unsubscribe = attach(state.engine);
      if (!bybit) rest = makeRest();
      rateLimits.reset();
      driver = new PriceDriver(state.engine, nextSeed ?? seed);
    },
    async close() {
      for (const t of scenarioTimers) clearTimeout(t);
      driver.stop();
      stream.stop();
      for (const s of hanging) s.destroy();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  // Getters, not values: a reset replaces the engine and the driver.
  Object.defineProperty(sim, 'engine', { get: () => state.engine, enumerable: true });
  Object.defineProperty(sim, 'driver', { get: () => driver, enumerable: true });
  return sim;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
