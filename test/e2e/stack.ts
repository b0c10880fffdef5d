// An end-to-end stack: the simulator on 127.0.0.1, the real ccxt adapter, the real runtime and a
// SQLite context store in a temporary directory. Nothing is mocked.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { openDurableStore } from '../../src/ops/store.js';
import { AccountRuntime } from '../../src/runtime/account-runtime.js';
import { systemClock } from '../../src/runtime/clock.js';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import type { RuntimeConfig } from '../../src/runtime/runtime-config.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { BinanceUsdmVenue } from '../../src/venues/ccxt/binanceusdm-venue.js';
import { bybitPlugin } from '../../src/venues/bybit/plugin.js';
import { binanceSpotPlugin } from '../../src/venues/binance-spot/plugin.js';
import { startSpotSimulator, type SpotSimulator } from '../../src/sim/spot/server.js';
import type { Venue } from '../../src/venues/port.js';
import type { RateLimitConfig } from '../../src/sim/rate-limits.js';
import type { JournalLog } from '../../src/runtime/journal-catalogue.js';

export interface Stack {
  sim: Simulator;
  runtime: AccountRuntime;
  records: JournalRecord[];
  events(name: string): JournalRecord[];
  /** Stops the service (the simulator stays) and starts a new process on the same store. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** The venue the simulator speaks and the adapter the runtime uses (default Binance USD-M). */
  venue?: 'binanceusdm' | 'bybit';
  positionMode?: 'hedge' | 'one_way';
  /** The venue account's position mode, when it differs from the configured one (a misconfiguration). */
  simPositionMode?: 'hedge' | 'one_way';
  heartbeatTimeoutMs?: number;
  confirmationTimeoutMs?: number;
  venueTimeoutMs?: number;
  /** Per-minute request weight the venue adapter budgets for (default Binance's 2400). */
  weightLimit?: number;
  /** The simulator's own rate limits (default the venue's). */
  simRateLimits?: Partial<RateLimitConfig>;
  /** Prepares the simulator before the service starts (positions, manual orders, faults). */
  seed?: (sim: Simulator) => void | Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const positionMode = options.positionMode ?? 'hedge';
  const venueName = options.venue ?? 'binanceusdm';
  const sim = await startSimulator({ seed: 1, positionMode: options.simPositionMode ?? positionMode, venue: venueName, ...(options.simRateLimits ? { rateLimits: options.simRateLimits } : {}) });
  await options.seed?.(sim);
  const storePath = join(mkdtempSync(join(tmpdir(), 'exstate-e2e-')), 'exstate.sqlite');
  const records: JournalRecord[] = [];
  const config: RuntimeConfig = {
    exchange: venueName === 'bybit' ? 'bybit' : 'binance', product: 'linear', positionMode, mode: 'demo', configuredSymbols: [],
    strategy: parseStrategy({ takeProfitPct: '1', stopLossPct: '2', dca: [{ offsetPct: '1', sizePct: '100' }] }),
    eventBurstMs: 50, maxBurstDelayMs: 300, confirmationTimeoutMs: options.confirmationTimeoutMs ?? 3000, heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 0,
    gates: { conformancePassed: true, liveConfirmed: false },
  };
  let current: { runtime: AccountRuntime; close: () => Promise<void> };
  const launch = async () => {
    const store = await openDurableStore(storePath);
    const journal = new Journal(systemClock);
    journal.subscribe((r) => records.push(r));
    const log: JournalLog = (event, fields) => journal.record(event, fields);
    const venue: Venue = venueName === 'bybit'
      ? await bybitPlugin.open(bybitPlugin.pointedAt({}, { rest: sim.rest, ws: sim.ws }, { apiKey: sim.apiKey, secret: sim.secret }), { positionMode, timeoutMs: options.venueTimeoutMs ?? 2000, log })
      : await BinanceUsdmVenue.create({
        restUrl: sim.rest, wsUrl: sim.ws, apiKey: sim.apiKey, secret: sim.secret, listenKeyRefreshMs: 60_000, timeoutMs: options.venueTimeoutMs ?? 2000,
        positionMode, weightLimit: options.weightLimit ?? 2400, protectiveHeadroom: 0.2, log,
      });
    const runtime = new AccountRuntime({ config, venue, store: store.kv, clock: systemClock, journal });
    runtime.boot();
    runtime.start();
    current = { runtime, close: async () => { await runtime.stop(); await store.close(); } };
  };
  await launch();
  const stack: Stack = {
    sim,
    get runtime() {
      return current.runtime;
    },
    records,
    events: (name) => records.filter((r) => r.event === name),
    restart: async () => {
      await current.close();
      await launch();
    },
    stop: async () => {
      await current.close();
      await sim.close();
    },
  };
  return stack;
}

export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}

type Book = ReturnType<Simulator['engine']['snapshot']>;

export function book(sim: Simulator): Book {
  return sim.engine.snapshot();
}

/** App-owned open orders at the venue: everything not placed as another user's. */
export function appOrders(sim: Simulator) {
  const b = book(sim);
  return {
    regular: b.orders.filter((o) => o.owner === 'api' && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')),
    algo: b.algoOrders.filter((a) => a.owner === 'api' && a.algoStatus === 'NEW'),
  };
}

/** Every open position has exactly one app stop-loss (closePosition) and one app take-profit. */
export function isProtected(sim: Simulator): boolean {
  const b = book(sim);
  const { regular, algo } = appOrders(sim);
  return b.positions.every((p) => {
    const exit = Number(p.positionAmt) > 0 ? 'SELL' : 'BUY';
    const sl = algo.filter((a) => a.symbol === p.symbol && a.positionSide === p.positionSide && a.side === exit && a.orderType === 'STOP_MARKET');
    const tp = regular.filter((o) => o.symbol === p.symbol && o.positionSide === p.positionSide && o.side === exit && o.type === 'LIMIT');
    return sl.length === 1 && tp.length === 1;
  });
}

/**
 * The invariants every end-to-end test ends with: no duplicate app order per slot at the venue,
 * no order of another user changed by the service, every open position protected.
 */
export async function assertInvariants(stack: Stack, manualBefore: Book['orders'] = []): Promise<void> {
  const { sim, runtime } = stack;
  await waitFor('every open position protected', () => isProtected(sim));
  const { regular, algo } = appOrders(sim);
  const slots = new Map<string, number>();
  for (const o of [...regular, ...algo]) {
    const ctx = runtime.core.contexts.get('clientOrderId' in o ? o.clientOrderId : o.clientAlgoId);
    const key = `${o.symbol}|${o.positionSide}|${ctx?.slot ?? 'unknown'}`;
    slots.set(key, (slots.get(key) ?? 0) + 1);
  }
  for (const [slot, count] of slots) if (count > 1) throw new Error(`duplicate app orders at the venue for ${slot}: ${count}`);
  for (const [slot] of slots) if (slot.endsWith('|unknown')) throw new Error(`an app order at the venue has no context: ${slot}`);
  for (const before of manualBefore) {
    const now = book(sim).orders.find((o) => o.orderId === before.orderId)!;
    if (now.status === 'CANCELED' || now.price !== before.price || now.origQty !== before.origQty) throw new Error(`manual order ${before.clientOrderId} was changed`);
  }
}

// ---- Binance spot (issue 14) -------------------------------------------------------------------
// The spot simulator has its own engine (balances, no positions), so its stack is its own: the
// same runtime, store and journal wiring as startStack, with the binance-spot plug-in over real ccxt.

export interface SpotStack {
  sim: SpotSimulator;
  runtime: AccountRuntime;
  records: JournalRecord[];
  events(name: string): JournalRecord[];
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface SpotStackOptions {
  venue?: 'binance-spot';
  confirmationTimeoutMs?: number;
  venueTimeoutMs?: number;
  balances?: Record<string, string>;
  prices?: Record<string, string>;
  protectionFallback?: 'alert' | 'close';
  markPollMs?: number;
  /** Prepares the simulator before the service starts (a holding bought by a fill, foreign orders, faults). */
  seed?: (sim: SpotSimulator) => void | Promise<void>;
}

export async function startSpotStack(options: SpotStackOptions = {}): Promise<SpotStack> {
  const sim = await startSpotSimulator({ seed: 1, ...(options.balances ? { balances: options.balances } : {}), ...(options.prices ? { prices: options.prices } : {}) });
  await options.seed?.(sim);
  const storePath = join(mkdtempSync(join(tmpdir(), 'exstate-e2e-spot-')), 'exstate.sqlite');
  const records: JournalRecord[] = [];
  const config: RuntimeConfig = {
    exchange: 'binance', product: 'spot', positionMode: 'one_way', mode: 'demo', configuredSymbols: [],
    strategy: parseStrategy({ takeProfitPct: '1', stopLossPct: '2', dca: [{ offsetPct: '1', sizePct: '100' }] }),
    eventBurstMs: 50, maxBurstDelayMs: 300, confirmationTimeoutMs: options.confirmationTimeoutMs ?? 3000, heartbeatTimeoutMs: 0,
    gates: { conformancePassed: true, liveConfirmed: false },
    ...(options.protectionFallback ? { protectionFallback: options.protectionFallback } : {}),
    ...(options.markPollMs !== undefined ? { markPollMs: options.markPollMs } : {}),
  };
  let current: { runtime: AccountRuntime; close: () => Promise<void> };
  const launch = async () => {
    const store = await openDurableStore(storePath);
    const journal = new Journal(systemClock);
    journal.subscribe((r) => records.push(r));
    const log: JournalLog = (event, fields) => journal.record(event, fields);
    const settings = binanceSpotPlugin.pointedAt({}, { rest: sim.rest, ws: sim.ws }, { apiKey: sim.apiKey, secret: sim.secret });
    const venue = await binanceSpotPlugin.open(settings, { positionMode: 'one_way', timeoutMs: options.venueTimeoutMs ?? 2000, log });
    const runtime = new AccountRuntime({ config, venue, store: store.kv, clock: systemClock, journal });
    runtime.boot();
    runtime.start();
    current = { runtime, close: async () => { await runtime.stop(); await store.close(); } };
  };
  await launch();
  return {
    sim,
    get runtime() {
      return current.runtime;
    },
    records,
    events: (name) => records.filter((r) => r.event === name),
    restart: async () => {
      await current.close();
      await launch();
    },
    stop: async () => {
      await current.close();
      await sim.close();
    },
  };
}
