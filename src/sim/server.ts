// One HTTP + WebSocket server on 127.0.0.1 (random port by default) speaking what ccxt
// `binanceusdm` calls, plus the control API under /__sim/. It only ever listens on loopback.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { BinanceRest } from './binance-rest.js';
import { ControlApi } from './control.js';
import { DEFAULT_MARKS, DEFAULT_SYMBOLS } from './defaults.js';
import { SimEngine } from './engine.js';
import { Faults, type RestFaultRule } from './faults.js';
import { PriceDriver } from './price-driver.js';
import { RequestLog, requestParams } from './request-log.js';
import type { SymbolSpec } from './sim-types.js';
import { UserStream } from './user-stream.js';
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
}

export interface SimulatorEndpoints {
  rest: string;
  ws: string;
  control: string;
  apiKey: string;
  secret: string;
}

export interface Simulator extends SimulatorEndpoints {
  engine: SimEngine;
  /** The venue's clock (rows, retention, socket age); `clock.advance(ms)` compresses a day. */
  clock: SimClock;
  faults: Faults;
  stream: UserStream;
  driver: PriceDriver;
  /** Every venue request received (not the control API), in order; see request-log.ts. */
  requests: RequestLog;
  /** Clears books, faults and listen keys; seeds the default marks again. */
  reset(seed?: number): void;
  close(): Promise<void>;
}

const WEIGHT_WINDOW_MS = 60_000;

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
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
      clock: () => clock.now(), positionMode: options.positionMode ?? 'hedge', symbols: options.symbols ?? DEFAULT_SYMBOLS,
      walletBalance: options.walletBalance ?? '10000', leverage: 20, makerFee: '0.0002', takerFee: '0.0004',
    });
    for (const [s, p] of Object.entries(options.marks ?? DEFAULT_MARKS)) if (engine.symbols.has(s)) engine.setMark(s, p);
    return engine;
  };
  const stream = new UserStream(faults, options.listenKeyTtlMs ?? 60 * 60_000, () => Date.now());
  const state = { engine: makeEngine() };
  let unsubscribe = state.engine.onEvent((e) => stream.publish(e));
  const forgetFinished = () => faults.forgetFinished;
  let rest = new BinanceRest(state.engine, stream, { apiKey, secret }, serverTime, forgetFinished);
  let driver = new PriceDriver(state.engine, seed);
  const weights: Array<{ at: number; weight: number }> = [];
  const hanging = new Set<Socket>();
  const requests = new RequestLog();

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
    const params = requestParams(url.search.slice(1), body);
    // Recorded (listeners run) before the answer is written: a test may act between the two.
    const log = (applied: boolean, status: number, answer: unknown, fault?: RestFaultRule) => {
      const code = answer && typeof answer === 'object' && typeof (answer as { code?: unknown }).code === 'number' && status !== 200 ? (answer as { code: number }).code : undefined;
      const listenKey = url.pathname === '/fapi/v1/listenKey' ? ((answer as { listenKey?: string } | undefined)?.listenKey ?? params.listenKey) : undefined;
      requests.record({
        method, path: url.pathname, params, applied, status,
        ...(fault ? { fault: fault.kind } : {}), ...(code !== undefined ? { code } : {}), ...(listenKey ? { listenKey } : {}),
      }, Date.now());
    };
    const fault = rest.has(method, url.pathname) ? faults.take(method, url.pathname) : undefined;
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms ?? 1000));
    // A status fault answers before the engine sees the request, unless `apply` says the venue
    // processed it first (Binance: a 503 is "execution status unknown"; it may have been applied).
    if (fault?.kind === 'status' && !fault.apply) {
      log(false, fault.status ?? 503, fault.code !== undefined ? { code: fault.code } : undefined, fault);
      return sendStatus(res, fault);
    }
    if (fault?.kind === 'rate_limit') {
      const status = fault.status ?? 429;
      log(false, status, { code: -1003 }, fault);
      return send(res, status, { code: status === 418 ? -1003 : -1003, msg: status === 418 ? 'Way too many requests; IP banned.' : 'Too many requests; current limit is 2400 requests per minute.' }, { 'Retry-After': String(fault.retryAfterSec ?? 1) });
    }
    if (fault?.kind === 'reject') {
      log(false, fault.status ?? 400, { code: fault.code ?? -1000 }, fault);
      return send(res, fault.status ?? 400, { code: fault.code ?? -1000, msg: fault.msg ?? 'Rejected by the simulator.' });
    }
    const out = rest.handle({ method, path: url.pathname, query: url.search.slice(1), body, headers: req.headers });
    const now = Date.now();
    weights.push({ at: now, weight: rest.weightOf(method, url.pathname) });
    while (weights.length > 0 && weights[0]!.at < now - WEIGHT_WINDOW_MS) weights.shift();
    const used = weights.reduce((a, w) => a + w.weight, 0);
    if (fault?.kind === 'status') {
      log(true, fault.status ?? 503, fault.code !== undefined ? { code: fault.code } : undefined, fault);
      return sendStatus(res, fault); // applied, then the 5xx
    }
    if (fault?.kind === 'timeout_after_apply') {
      // The request was applied; the answer never comes (the client times out).
      log(true, 0, out.body, fault);
      hanging.add(req.socket);
      return;
    }
    if (fault?.kind === 'reset_after_apply') {
      log(true, 0, out.body, fault);
      req.socket.destroy();
      return;
    }
    log(rest.has(method, url.pathname), out.status, out.body, fault);
    send(res, out.status, out.body, { 'X-MBX-USED-WEIGHT-1M': String(used), ...(out.headers ?? {}) });
  }

  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, request) => {
    const path = new URL(request.url ?? '/', 'http://sim').pathname;
    if (path === '/private/ws' || path.startsWith('/ws/') || path === '/ws') stream.accept(socket, request);
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
    rest: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    control: `http://127.0.0.1:${port}/__sim`,
    apiKey,
    secret,
    clock,
    faults,
    stream,
    requests,
    reset(nextSeed?: number) {
      driver.stop();
      clock.reset();
      unsubscribe();
      faults.clear();
      requests.clear();
      state.engine = makeEngine();
      unsubscribe = state.engine.onEvent((e) => stream.publish(e));
      rest = new BinanceRest(state.engine, stream, { apiKey, secret }, serverTime, forgetFinished);
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

/** A 5xx (or other status) fault's answer: Binance's JSON error when a code is set, else a plain-text body. */
function sendStatus(res: ServerResponse, fault: RestFaultRule): void {
  const status = fault.status ?? 503;
  const msg = fault.msg ?? (fault.apply ? 'Unknown error, please check your request or try again later.' : fault.code !== undefined ? 'Internal error; unable to process your request. Please try again.' : 'Service Unavailable');
  if (fault.code !== undefined) return send(res, status, { code: fault.code, msg });
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(msg);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
