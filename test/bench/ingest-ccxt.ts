// Honest ingest figures (issue 13, item 1): raw Binance USD-M user-data frames, the JSON text the
// venue sends, go from a simulator in a child process over a real WebSocket through ccxt's own
// parsing, exstate's normalizer, the router and the production journal sink (pino at info).
// The ceiling is ccxt alone handling the same frames in the same process, same run: a ccxt pro
// `binanceusdm` client built by exstate's own factory, running the four watch loops exstate's
// adapter runs and doing nothing with their results. exstate's own share is its CPU minus that.
//
// Per run (a warm-up first, then `runs`), each side gets a fresh client on the same simulator:
// its idle CPU rate is sampled, the frames are published (POST /__sim/stream/frames), and
// process.cpuUsage() runs from the moment the publish request is flushed until every frame was
// handled (ccxt: its handleMessage saw them all; exstate: the router ingested every row), less the
// idle rate over that wall time. exstate is also measured on past that, until the burst waits the
// rows armed have fired and the scope passes have run (`withPasses`).
//
// Standalone: `npx tsx test/bench/ingest-ccxt.ts [--frames N] [--runs N]` prints one JSON line per figure.
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { createFailingStore } from '../../src/conformance/failing-store.js';
import { AccountRuntime } from '../../src/runtime/account-runtime.js';
import { systemClock } from '../../src/runtime/clock.js';
import { Journal } from '../../src/runtime/journal.js';
import { attachLogger, createLogger } from '../../src/runtime/logger.js';
import type { RuntimeConfig } from '../../src/runtime/runtime-config.js';
import type { PrivateRow } from '../../src/domain/rows.js';
import { BinanceUsdmVenue } from '../../src/venues/ccxt/binanceusdm-venue.js';
import { createBinanceClient } from '../../src/venues/ccxt/client.js';

export interface Stats { median: number; min: number; max: number }
export interface IngestThroughCcxt {
  /** exstate's own CPU per row (its CPU less ccxt's, same run) over ccxt's CPU per row. */
  ownOverCcxt: Stats;
  exstateCpuUsPerFrame: Stats;
  ccxtCpuUsPerFrame: Stats;
  wallMs: { ccxt: Stats; exstate: Stats };
  /** The same, measured on until the scope passes the rows triggered have run. */
  withPasses: { ownOverCcxt: Stats; exstateCpuUsPerFrame: Stats; wallMs: Stats };
  frames: number;
  rowsPerRun: number;
  runs: number;
  symbols: number;
}

type Raw = Record<string, unknown>;
export interface SimInfo { rest: string; ws: string; control: string; apiKey: string; secret: string; symbols: string[] }

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const immediate = () => new Promise<void>((r) => setImmediate(r));
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system; // microseconds
};

export function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { median: mid, min: s[0]!, max: s[s.length - 1]! };
}

// ---- the simulator, in its own process ------------------------------------------------------

/** The bench simulator (test/bench/ingest-sim.ts) in a process of its own; `extra` are its flags (`--book`). */
export async function startSimChild(symbols: number, extra: string[] = []): Promise<{ info: SimInfo; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/bench/ingest-sim.ts'), '--symbols', String(symbols), ...extra], {
    cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'],
  });
  const info = await new Promise<SimInfo>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as SimInfo);
    });
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before printing its URLs`)));
    child.once('error', reject);
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(3000)]);
  };
  return { info, child, stop };
}

async function control(info: SimInfo, method: string, path: string): Promise<Raw> {
  const res = await fetch(`${info.control}${path}`, { method });
  return (await res.json()) as Raw;
}

async function connections(info: SimInfo): Promise<number> {
  return Number(((await control(info, 'GET', '/state')).stream as Raw).connections);
}

async function waitConnections(info: SimInfo, n: number, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if ((await connections(info)) === n) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${n} user-stream connection(s): ${what}`);
}

/** POSTs the prepared body; `flushed` when the last byte left this process, `answered` with the simulator's answer. */
function publish(info: SimInfo, body: Buffer): { flushed: Promise<void>; answered: Promise<Raw> } {
  let onFlushed!: () => void;
  const flushed = new Promise<void>((r) => (onFlushed = r));
  const answered = new Promise<Raw>((resolve, reject) => {
    const req = request(`${info.control}/stream/frames`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += String(c)));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text) as Raw) : reject(new Error(`publish: ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(body, () => onFlushed());
  });
  return { flushed, answered };
}

// ---- the frames -----------------------------------------------------------------------------

/**
 * Bursts of two frames per symbol, round robin over the symbols: another client's MARKET order
 * filled at once (ORDER_TRADE_UPDATE x=TRADE X=FILLED, with its trade id), then the position it
 * moved (ACCOUNT_UPDATE m=ORDER, the USDT balance and the hedge-mode LONG entry). Shapes as the
 * simulator's engine builds them (src/sim/engine-frames.ts); order and trade ids unique across
 * runs, T increasing, E a millisecond or two after T.
 */
export class FrameSource {
  private id = 0;
  private lastT = 0;
  private wallet = 1_000_000;
  private readonly held = new Map<string, number>();

  constructor(private readonly symbols: string[]) {}

  next(count: number): Raw[] {
    const frames: Raw[] = [];
    let T = Math.max(Date.now(), this.lastT + 1);
    for (let b = 0; frames.length < count; b++, T++) {
      const n = this.id++;
      const index = n % this.symbols.length;
      const s = this.symbols[index]!;
      const price = (100 + (index % 50) + (n % 7) / 100).toFixed(2);
      const qty = '0.010';
      const lots = (this.held.get(s) ?? 0) + 10;
      this.held.set(s, lots);
      const fee = ((Number(price) * 0.01 * 0.0004)).toFixed(8);
      this.wallet -= Number(fee);
      const orderId = 8_100_000_000 + n;
      frames.push({
        e: 'ORDER_TRADE_UPDATE', E: T + 1, T,
        o: {
          s, c: `web_${orderId.toString(36)}`, S: 'BUY', o: 'MARKET', f: 'GTC', q: qty, p: '0', ap: price, sp: '0', x: 'TRADE', X: 'FILLED', i: orderId,
          l: qty, z: qty, L: price, N: 'USDT', n: fee, T, t: 5_200_000_000 + n, b: '0', a: '0', m: false, R: false, wt: 'CONTRACT_PRICE', ot: 'MARKET',
          ps: 'LONG', cp: false, rp: '0', pP: false, si: 0, ss: 0, V: 'EXPIRE_MAKER', pm: 'NONE', gtd: 0, er: '0',
        },
      });
      if (frames.length >= count) break;
      const wallet = this.wallet.toFixed(8);
      frames.push({
        e: 'ACCOUNT_UPDATE', E: T + 2, T,
        a: {
          m: 'ORDER',
          B: [{ a: 'USDT', wb: wallet, cw: wallet, bc: '0' }],
          P: [{ s, pa: (lots / 1000).toFixed(3), ep: price, bep: price, cr: '0', up: '0', mt: 'cross', iw: '0', ps: 'LONG', ma: 'USDT' }],
        },
      });
    }
    this.lastT = T;
    return frames;
  }
}

/** Rows exstate makes of these frames: a fill and an order row per ORDER_TRADE_UPDATE, a balance and a position row per ACCOUNT_UPDATE. */
const ROWS_PER_FRAME = 2;

// ---- one measured pass ----------------------------------------------------------------------

interface Sample { cpuUs: number; wallMs: number }

/**
 * The process's CPU rate while nothing is published (µs per ms): timers, sockets. The least of a
 * few short samples, after a settle: a collection finishing on a helper thread is not idle.
 */
async function idleRate(samples = 4, ms = 100): Promise<number> {
  await sleep(300);
  let least = Infinity;
  for (let i = 0; i < samples; i++) {
    const c0 = cpuNow();
    const t0 = performance.now();
    await sleep(ms);
    least = Math.min(least, (cpuNow() - c0) / (performance.now() - t0));
  }
  return least;
}

/** Publishes the body and measures from its flush until `done` resolves (then `after`, if given). */
async function measure(info: SimInfo, body: Buffer, done: Promise<void>, after?: () => Promise<void>): Promise<{ main: Sample; after?: Sample }> {
  gc();
  const idle = await idleRate();
  const sent = publish(info, body);
  await sent.flushed;
  const c0 = cpuNow();
  const t0 = performance.now();
  await done;
  await immediate();
  const c1 = cpuNow();
  const t1 = performance.now();
  const answer = await sent.answered;
  if (answer.clients !== 1) throw new Error(`the frames went to ${String(answer.clients)} clients, not 1`);
  if (process.env.INGEST_DEBUG) process.stderr.write(`idle ${idle.toFixed(3)} us/ms, raw cpu ${(c1 - c0) / 1000} ms, wall ${(t1 - t0).toFixed(0)} ms\n`);
  const main = { cpuUs: Math.max(0, c1 - c0 - idle * (t1 - t0)), wallMs: t1 - t0 };
  if (!after) return { main };
  await after();
  const c2 = cpuNow();
  const t2 = performance.now();
  return { main, after: { cpuUs: Math.max(0, c2 - c0 - idle * (t2 - t0)), wallMs: t2 - t0 } };
}

function clientConfig(info: SimInfo) {
  return { restUrl: info.rest, wsUrl: info.ws, apiKey: info.apiKey, secret: info.secret, listenKeyRefreshMs: 60_000, timeoutMs: 10_000 };
}

/** ccxt alone: exstate's client factory, the four watch loops exstate's adapter runs, results only counted. */
async function ccxtRun(info: SimInfo, body: Buffer, frames: number): Promise<Sample> {
  const ex = await createBinanceClient(clientConfig(info));
  await ex.loadMarkets();
  const handlers = ex as unknown as Record<string, (client: unknown, message: unknown) => unknown>;
  const original = handlers.handleMessage!;
  let handled = 0;
  let onDone!: () => void;
  const done = new Promise<void>((r) => (onDone = r));
  handlers.handleMessage = (client: unknown, message: unknown) => {
    const out = original.call(ex, client, message);
    if (++handled === frames) onDone();
    return out;
  };
  let running = true;
  let results = 0;
  const loop = async (watch: () => Promise<unknown>) => {
    while (running) {
      try {
        const got = await watch();
        results += Array.isArray(got) ? got.length : 1;
      } catch {
        if (!running) return;
        await sleep(100);
      }
    }
  };
  void loop(() => ex.watchOrders());
  void loop(() => ex.watchMyTrades());
  void loop(() => ex.watchPositions());
  void loop(() => ex.watchBalance());
  await waitConnections(info, 1, 'ccxt watch loops');
  await sleep(200);
  handled = 0;
  const { main } = await measure(info, body, withTimeout(done, frames, () => `ccxt handled ${handled}/${frames} frames`));
  running = false;
  await ex.close();
  await waitConnections(info, 0, 'ccxt closed');
  if (results === 0) throw new Error('the ccxt watch loops returned nothing');
  return main;
}

/** exstate: the real adapter against the simulator and the runtime in dry run, the production logger attached. */
async function exstateRun(info: SimInfo, body: Buffer, frames: number): Promise<{ main: Sample; withPasses: Sample; events: Record<string, number> }> {
  const journal = new Journal(systemClock);
  attachLogger(journal, createLogger({ level: 'info', destination: new Writable({ write: (_c, _e, cb) => cb() }) }));
  const events: Record<string, number> = {};
  journal.subscribe((r) => void (events[r.event] = (events[r.event] ?? 0) + 1));
  const config: RuntimeConfig = {
    exchange: 'binance', product: 'linear', positionMode: 'hedge', mode: 'dry_run', configuredSymbols: [],
    strategy: parseStrategy({ takeProfitPct: '1', stopLossPct: '2', dca: [{ offsetPct: '1', sizePct: '100' }] }),
    // The service's defaults (service-config.ts).
    eventBurstMs: 150, maxBurstDelayMs: 1000, confirmationTimeoutMs: 5000, heartbeatTimeoutMs: 300_000,
    gates: { conformancePassed: true, liveConfirmed: false },
  };
  const venue = await BinanceUsdmVenue.create({
    ...clientConfig(info), positionMode: 'hedge', weightLimit: 2400, protectiveHeadroom: 0.2, log: (event, fields) => journal.record(event, fields),
  });
  const runtime = new AccountRuntime({ config, venue, store: createFailingStore().keyv, clock: systemClock, journal });
  runtime.boot();
  runtime.start();
  for (let i = 0; i < 800; i++) {
    const r = runtime.readiness();
    if (r.service && r.stream) break;
    await sleep(25);
  }
  if (!runtime.readiness().service || !runtime.readiness().stream) throw new Error(`exstate did not get ready: ${runtime.accountState()}`);
  await waitConnections(info, 1, 'exstate stream');
  await sleep(200);
  const expected = frames * ROWS_PER_FRAME;
  const router = runtime.router;
  const ingest = router.ingest.bind(router);
  let rows = 0;
  let onDone!: () => void;
  const done = new Promise<void>((r) => (onDone = r));
  router.ingest = (row: PrivateRow) => {
    ingest(row);
    if (++rows === expected) onDone();
  };
  for (const k of Object.keys(events)) delete events[k];
  const { main, after } = await measure(info, body, withTimeout(done, expected, () => `the router ingested ${rows}/${expected} rows; journal: ${JSON.stringify(events)}`),
    // Every burst wait the rows armed fires within maxBurstDelayMs; then the passes have run.
    async () => {
      await sleep(config.maxBurstDelayMs + 100);
      await immediate();
    });
  const counted = { ...events };
  await runtime.stop();
  await waitConnections(info, 0, 'exstate stopped');
  return { main, withPasses: after!, events: counted };
}

function withTimeout(done: Promise<void>, size: number, status: () => string): Promise<void> {
  const ms = 30_000 + size * 2;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((_r, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${status()}`)), ms)));
  return Promise.race([done, timeout]).finally(() => clearTimeout(timer));
}

// ---- the bench --------------------------------------------------------------------------------

export async function ingestThroughCcxt(options: { frames?: number; runs?: number; symbols?: number; onEvents?: (events: Record<string, number>) => void } = {}): Promise<IngestThroughCcxt> {
  const frames = options.frames ?? 20_000;
  const runs = options.runs ?? 3;
  const sim = await startSimChild(options.symbols ?? 500);
  try {
    const source = new FrameSource(sim.info.symbols);
    const ccxt: Sample[] = [];
    const ex: Sample[] = [];
    const exPasses: Sample[] = [];
    // Run 0 warms both paths up (JIT); runs alternate sides so drift on a shared machine hits both.
    for (let run = 0; run <= runs; run++) {
      const c = await ccxtRun(sim.info, Buffer.from(JSON.stringify({ frames: source.next(frames) })), frames);
      const e = await exstateRun(sim.info, Buffer.from(JSON.stringify({ frames: source.next(frames) })), frames);
      if (run === 0) {
        options.onEvents?.(e.events);
        continue;
      }
      ccxt.push(c);
      ex.push(e.main);
      exPasses.push(e.withPasses);
    }
    const perFrame = (s: Sample[]) => s.map((x) => x.cpuUs / frames);
    const own = (s: Sample[]) => s.map((x, i) => (x.cpuUs - ccxt[i]!.cpuUs) / ccxt[i]!.cpuUs);
    return {
      ownOverCcxt: stats(own(ex)),
      exstateCpuUsPerFrame: stats(perFrame(ex)),
      ccxtCpuUsPerFrame: stats(perFrame(ccxt)),
      wallMs: { ccxt: stats(ccxt.map((x) => x.wallMs)), exstate: stats(ex.map((x) => x.wallMs)) },
      withPasses: { ownOverCcxt: stats(own(exPasses)), exstateCpuUsPerFrame: stats(perFrame(exPasses)), wallMs: stats(exPasses.map((x) => x.wallMs)) },
      frames, rowsPerRun: frames * ROWS_PER_FRAME, runs, symbols: sim.info.symbols.length,
    };
  } finally {
    await sim.stop();
  }
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
const line = (name: string, s: Stats, unit: string, extra: Raw = {}) =>
  process.stdout.write(`${JSON.stringify({ name, value: round(s.median), min: round(s.min), median: round(s.median), max: round(s.max), unit, ...extra })}\n`);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (flag: string) => {
    const i = process.argv.indexOf(flag);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const r = await ingestThroughCcxt({
    frames: arg('--frames'), runs: arg('--runs'), symbols: arg('--symbols'),
    onEvents: (events) => process.stderr.write(`journal events per warm-up run: ${JSON.stringify(events)}\n`),
  });
  const note = `${r.frames} raw frames (${r.rowsPerRun} rows) over ${r.symbols} symbols per run, ${r.runs} runs after a warm-up; CPU = process.cpuUsage() from publish until all handled, less idle`;
  line('own_cpu_per_row_over_ccxt', r.ownOverCcxt, 'ratio', { target: '<= 1.0', note: `(exstate CPU - ccxt CPU) / ccxt CPU, same run; ${note}` });
  line('exstate_cpu_us_per_frame', r.exstateCpuUsPerFrame, 'us/frame', { wallMs: r.wallMs.exstate, note: 'ccxt parsing + normalizer + router + production journal sink' });
  line('ccxt_cpu_us_per_frame', r.ccxtCpuUsPerFrame, 'us/frame', { wallMs: r.wallMs.ccxt, note: 'ccxt alone, exstate\'s four watch loops' });
  line('own_cpu_per_row_over_ccxt_with_passes', r.withPasses.ownOverCcxt, 'ratio', { note: 'measured on until the scope passes the rows armed had run (maxBurstDelayMs + 100 ms, idle subtracted)' });
  line('exstate_cpu_us_per_frame_with_passes', r.withPasses.exstateCpuUsPerFrame, 'us/frame', { wallMs: r.withPasses.wallMs });
}
