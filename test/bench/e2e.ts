// End-to-end figures on loopback: the real ccxt adapter against the simulator.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { openDurableStore } from '../../src/ops/store.js';
import { AccountRuntime } from '../../src/runtime/account-runtime.js';
import { systemClock } from '../../src/runtime/clock.js';
import { Journal } from '../../src/runtime/journal.js';
import type { ExecutionMode, RuntimeConfig } from '../../src/runtime/runtime-config.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import type { SymbolSpec } from '../../src/sim/sim-types.js';
import { seedStartupBook } from './startup-book.js';
import { BinanceUsdmVenue } from '../../src/venues/ccxt/binanceusdm-venue.js';

export const BURST_MS = 50;
/** One fill per 150 ms at most in the reaction bench: 4 orders a fill, 27 a second (the venue allows 30). */
export const FILL_PACE_MS = 150;

export function benchSymbols(n: number): SymbolSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    symbol: `S${String(i).padStart(4, '0')}USDT`, baseAsset: `S${i}`, quoteAsset: 'USDT', tickSize: '0.1', stepSize: '0.001', minQty: '0.001', maxQty: '100000',
    minNotional: '5', pricePrecision: 1, quantityPrecision: 3,
  }));
}

export async function service(sim: Pick<Simulator, 'rest' | 'ws' | 'apiKey' | 'secret'>, mode: ExecutionMode) {
  const store = await openDurableStore(join(mkdtempSync(join(tmpdir(), 'exstate-bench-')), 'b.sqlite'));
  const journal = new Journal(systemClock);
  const venue = await BinanceUsdmVenue.create({
    restUrl: sim.rest, wsUrl: sim.ws, apiKey: sim.apiKey, secret: sim.secret, listenKeyRefreshMs: 600_000, timeoutMs: 30_000,
    positionMode: 'hedge', weightLimit: 1e9, protectiveHeadroom: 0, log: () => undefined,
  });
  const config: RuntimeConfig = {
    exchange: 'binance', product: 'linear', positionMode: 'hedge', mode, configuredSymbols: [],
    strategy: parseStrategy({ takeProfitPct: '1', stopLossPct: '2', dca: [{ offsetPct: '1', sizePct: '100' }] }),
    eventBurstMs: BURST_MS, maxBurstDelayMs: 500, confirmationTimeoutMs: 10_000, heartbeatTimeoutMs: 0,
    gates: { conformancePassed: true, liveConfirmed: false },
  };
  const runtime = new AccountRuntime({ config, venue, store: store.kv, clock: systemClock, journal });
  return { runtime, journal, close: async () => { await runtime.stop(); await store.close(); } };
}

export async function until(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * From the fill the simulator emits to the first SL/TP request reaching it, burst wait subtracted;
 * `count` samples after `warmup` that are not kept (the JIT, the first signed request, the first
 * statements of the store: what a service pays once, not per fill).
 */
export async function reactionSamples(count: number, warmup = 0): Promise<number[]> {
  const symbols = benchSymbols(count + warmup);
  const sim = await startSimulator({ seed: 1, symbols, marks: Object.fromEntries(symbols.map((s) => [s.symbol, '100'])), walletBalance: '100000000' });
  const filledAt = new Map<string, number>();
  const reachedAt = new Map<string, number>();
  sim.engine.onEvent((e) => {
    const o = (e as { o?: { s?: string; x?: string } }).o;
    if (e.e === 'ORDER_TRADE_UPDATE' && o?.x === 'TRADE' && o.s && !filledAt.has(o.s)) filledAt.set(o.s, performance.now());
    if (e.e === 'ALGO_UPDATE' && o?.s && !reachedAt.has(o.s)) reachedAt.set(o.s, performance.now());
  });
  const { runtime, close } = await service(sim, 'demo');
  runtime.boot();
  runtime.start();
  await until('service ready', () => runtime.state.serviceReady, 30_000);
  const samples: number[] = [];
  for (const s of symbols) {
    const started = performance.now();
    sim.engine.placeOrder({ symbol: s.symbol, side: 'BUY', type: 'MARKET', quantity: '1', positionSide: 'LONG', owner: 'manual' });
    await until(`protection for ${s.symbol}`, () => reachedAt.has(s.symbol), 10_000);
    samples.push(reachedAt.get(s.symbol)! - filledAt.get(s.symbol)! - BURST_MS);
    // Paced under the venue's order-count limit (each fill makes 4 orders; Binance allows 300 per
    // 10 s): faster, the account's own SLs wait out a -1015 Retry-After and the figure measures that.
    await new Promise((r) => setTimeout(r, Math.max(0, started + FILL_PACE_MS - performance.now())));
  }
  await close();
  await sim.close();
  return samples.slice(warmup).sort((a, b) => a - b);
}

/** 2 positions and 8 open orders per symbol on the simulator (500 symbols: 1,000 and 4,000), to service readiness. */
export async function startupReadyMs(symbolCount = 500): Promise<number> {
  return (await startupReady(symbolCount)).ms;
}

/**
 * The same startup with its process CPU (user + system) from boot to readiness; the simulator
 * serves the hydration from this process, so its share is in the CPU figure too.
 */
export async function startupReady(symbolCount: number): Promise<{ ms: number; cpuMs: number }> {
  const symbols = benchSymbols(symbolCount);
  const sim = await startSimulator({ seed: 1, symbols, marks: Object.fromEntries(symbols.map((s) => [s.symbol, '100'])), walletBalance: '1000000000' });
  seedStartupBook(sim.engine, symbols.map((s) => s.symbol));
  try {
    return await timeToReady(sim, symbolCount);
  } finally {
    await sim.close();
  }
}

/**
 * Boot to service readiness (dry run) against a simulator seeded by `seedStartupBook` with
 * `symbolCount` symbols: wall time and this process's CPU; checks every scope and order was seen.
 */
export async function timeToReady(sim: Pick<Simulator, 'rest' | 'ws' | 'apiKey' | 'secret'>, symbolCount: number, idle?: IdleWindow): Promise<{ ms: number; cpuMs: number; idleCpuPct?: number }> {
  const { runtime, close } = await service(sim, 'dry_run');
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  runtime.boot();
  runtime.start();
  await until('service ready', () => runtime.state.serviceReady, 600_000);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const seen = { scopes: runtime.core.known.size, orders: runtime.state.orders.size };
  const idleCpuPct = idle ? await idleCpu(idle) : undefined;
  await close();
  if (seen.scopes !== symbolCount * 2 || seen.orders !== symbolCount * 8) throw new Error(`bench: startup saw ${seen.scopes} scopes and ${seen.orders} orders`);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, ...(idleCpuPct === undefined ? {} : { idleCpuPct }) };
}

/** After readiness: let the account settle, then watch it do nothing (real clock, open sockets). */
export interface IdleWindow { settleMs: number; measureMs: number }

/** This process's CPU over a window of wall time, in percent of one core. */
async function idleCpu({ settleMs, measureMs }: IdleWindow): Promise<number> {
  await new Promise((r) => setTimeout(r, settleMs));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, measureMs));
  const cpu = process.cpuUsage(cpu0);
  return ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100;
}
