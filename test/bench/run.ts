// `npm run bench`: one JSON line per figure, then docs/PERFORMANCE.md is rewritten with the
// table. Not a jest test: figures are measured, not asserted.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { attachLogger, createLogger } from '../../src/runtime/logger.js';
import { cpus, totalmem } from 'node:os';
import { Decimal } from '../../src/domain/decimal.js';
import type { PrivateRow } from '../../src/domain/rows.js';
import type { ExecutionMode } from '../../src/runtime/runtime-config.js';
import { benchRuntime } from './bench-runtime.js';
import { asJson, rowMix, symbolsFor } from './rows.js';
import { BURST_MS, reactionSamples, startupReadyMs } from './e2e.js';
import { perRowAtScale } from './scale-rows.js';
import { protectMany } from './protect-many.js';
import { decisionSamples, percentile } from './decision.js';
import { IDLE_WINDOW, startupReady10k } from './startup-10k.js';
import { journalCost } from './journal-cost.js';
import { compareStores } from './store-write.js';
import { ingestThroughCcxt } from './ingest-ccxt.js';
import { spawnSync } from 'node:child_process';
import type { ScopesFigure } from './scopes-100k.js';

interface Figure { name: string; value: number | null; unit: string; target?: string; note?: string; min?: number; median?: number; max?: number; cpu_ms?: number }
const figures: Figure[] = [];
function report(f: Figure) {
  figures.push(f);
  process.stdout.write(`${JSON.stringify(f)}\n`);
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

const makeRuntime = (symbols: string[], mode: ExecutionMode) => benchRuntime(symbols, mode);

/** Feeds the rows in chunks, letting every burst wait fire after each chunk; returns ms. */
async function feed(rows: PrivateRow[], symbols: string[], withLogger = false) {
  const { runtime, advance, drain, journal } = await makeRuntime(symbols, 'dry_run');
  // The production journal sink: pino at info, JSON lines, to a sink that drops them.
  if (withLogger) attachLogger(journal, createLogger({ level: 'info', destination: new Writable({ write: (_c, _e, done) => done() }) }));
  const chunk = 2_000;
  gc();
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += chunk) {
    for (let j = i; j < Math.min(rows.length, i + chunk); j++) runtime.router.ingest(rows[j]!);
    await advance(150);
  }
  await drain();
  return { ms: performance.now() - t0, runtime };
}

/** The bare loop: parse each row (decimals included) and store it. */
function baseline(json: string[]) {
  const t1 = performance.now();
  const store = new Map<string, unknown>();
  for (const text of json) {
    const o = JSON.parse(text) as Record<string, unknown>;
    for (const k of ['price', 'qty', 'filledQty', 'avgPrice', 'size', 'entryPrice', 'walletBalance']) if (typeof o[k] === 'string') o[k] = new Decimal(o[k] as string);
    store.set(`${o.kind}:${o.symbol ?? o.asset}:${o.managedSide ?? ''}:${o.tradeId ?? o.exchangeOrderId ?? ''}`, o);
  }
  return performance.now() - t1;
}

async function ingest() {
  const symbols = symbolsFor(500);
  const rows = rowMix(symbols, 60_000);
  const json = asJson(rows);
  // Warm both paths up first (JIT): the figures are for a running service, not a cold start.
  const warm = await feed(rows.slice(0, 20_000), symbols);
  await warm.runtime.stop();
  baseline(json.slice(0, 20_000));
  const { ms: ingestMs, runtime } = await feed(rows, symbols);
  const logged = await feed(rows, symbols, true);
  await logged.runtime.stop();
  const baselineMs = baseline(json);
  const ingestRate = rows.length / (ingestMs / 1000);
  const baselineRate = rows.length / (baselineMs / 1000);
  report({ name: 'ingest_events_per_sec', value: Math.round(ingestRate), unit: 'events/s' });
  report({ name: 'ingest_events_per_sec_logged', value: Math.round(rows.length / (logged.ms / 1000)), unit: 'events/s', note: 'the same run with the production journal sink attached (pino at info, JSON)' });
  report({ name: 'baseline_events_per_sec', value: Math.round(baselineRate), unit: 'events/s' });
  report({ name: 'ingest_ratio', value: round(ingestRate / baselineRate, 3), unit: 'ratio', target: '>= 0.25' });
  gc();
  report({ name: 'rss_mb_1k_scopes', value: round(process.memoryUsage().rss / 2 ** 20, 1), unit: 'MB', note: `${runtime.core.known.size} scopes after the ingest run` });
  await runtime.stop();
}

async function decisionLatency() {
  const symbols = symbolsFor(400);
  const { runtime, clock, venue, advance, drain } = await makeRuntime(symbols, 'demo');
  const samples: number[] = [];
  for (let i = 0; i < symbols.length; i++) {
    const row: PrivateRow = { kind: 'position', symbol: symbols[i]!, managedSide: 'LONG', size: new Decimal('1'), entryPrice: new Decimal('100') };
    runtime.router.ingest(row);
    await drain();
    let reached = 0;
    venue.onSubmit = () => {
      if (reached === 0) reached = performance.now();
    };
    const due = clock.now() + 150;
    const t0 = performance.now();
    clock.set(due); // the burst wait ends: from here to the venue call is the decision latency
    await drain();
    if (reached > 0) samples.push(reached - t0);
    venue.onSubmit = undefined;
    await advance(10);
  }
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]!;
  report({ name: 'decision_latency_p50_ms', value: round(pct(50), 3), unit: 'ms' });
  report({ name: 'decision_latency_p99_ms', value: round(pct(99), 3), unit: 'ms', target: '<= 1' });
  await runtime.stop();
}

/** min/median/max of repeated measurements, as the JSON line carries them. */
function stats(values: number[], digits = 2): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: round(sorted[0]!, digits), median: round(sorted[Math.floor(sorted.length / 2)]!, digits), max: round(sorted[sorted.length - 1]!, digits) };
}

/** Raw Binance frames through ccxt, the adapter, the router and the production sink, against ccxt alone. */
async function ingestCcxt() {
  const raw = await ingestThroughCcxt({ runs: 3 });
  const r2 = (x: { median: number; min: number; max: number }, d: number) => ({ median: round(x.median, d), min: round(x.min, d), max: round(x.max, d) });
  const r = { ...raw, ownOverCcxt: r2(raw.ownOverCcxt, 2), exstateCpuUsPerFrame: r2(raw.exstateCpuUsPerFrame, 1), ccxtCpuUsPerFrame: r2(raw.ccxtCpuUsPerFrame, 1), wallMs: { exstate: r2(raw.wallMs.exstate, 0), ccxt: r2(raw.wallMs.ccxt, 0) } };
  report({ name: 'own_cpu_per_row_over_ccxt', value: r.ownOverCcxt.median, unit: 'ratio', target: '<= 1.0', ...r.ownOverCcxt,
    note: `20,000 raw frames (40,000 rows) over 500 symbols from a simulator child process; exstate's CPU less ccxt's, over ccxt's (same run); median of 3 runs (min ${r.ownOverCcxt.min}, max ${r.ownOverCcxt.max})` });
  report({ name: 'exstate_cpu_us_per_frame', value: r.exstateCpuUsPerFrame.median, unit: 'us CPU/frame', ...r.exstateCpuUsPerFrame, note: `ccxt, adapter, router, production journal sink; wall ${r.wallMs.exstate.median} ms per run` });
  report({ name: 'ccxt_cpu_us_per_frame', value: r.ccxtCpuUsPerFrame.median, unit: 'us CPU/frame', ...r.ccxtCpuUsPerFrame, note: `ccxt alone, the same frames and watch loops; wall ${r.wallMs.ccxt.median} ms per run` });
  const j = journalCost();
  report({ name: 'journal_cpu_us_per_frame', value: round(j.median, 1), unit: 'us CPU/frame', min: round(j.min, 1), median: round(j.median, 1), max: round(j.max, 1),
    note: 'the five records one ingested frame makes (a fill at info, four debug records) through the production journal sink (pino at info); median of 5 rounds of 50,000 frames (test/bench/journal-cost.ts)' });
}

/** Decision latency without and with the durable context write, 3 runs each, p99 per run. */
async function decisionP99() {
  for (const durable of [false, true]) {
    const p99s: number[] = [];
    const p50s: number[] = [];
    for (let run = 0; run < 3; run++) {
      const samples = await decisionSamples({ durable });
      p99s.push(percentile(samples, 99));
      p50s.push(percentile(samples, 50));
    }
    const s = stats(p99s, 3);
    const name = durable ? 'decision_durable_p99_ms' : 'decision_p99_ms';
    report({ name, value: s.median, unit: 'ms', target: durable ? '<= 2' : '<= 0.5', ...s,
      note: `400 fresh scopes after 100 warm-up, confirming venue${durable ? ', SQLite context store (group commit, WAL, synchronous FULL)' : ', in-memory store'}; p99 median of 3 runs (min ${s.min}, max ${s.max}); p50 median ${stats(p50s, 3).median} ms` });
  }
}

/** 100,000 scopes in a process of their own (memory per scope is not mixed with other figures' garbage). */
function scopes100k() {
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/bench/scopes-100k.ts', '100000'], { encoding: 'utf8', timeout: 300_000 });
  const lines = run.stdout.trim().split('\n').flatMap((l) => {
    try {
      return [JSON.parse(l) as Partial<ScopesFigure & { floorSpawnMs: number; floorSpawnCpuMs: number; floorBytes: number }>];
    } catch {
      return [];
    }
  });
  const spawned = lines[0]?.spawnMs !== undefined ? lines[0] as Pick<ScopesFigure, 'spawnMs' | 'spawnCpuMs' | 'scopeBytes'> : undefined;
  const parsed = lines.find((l) => l.stopMs !== undefined) as ScopesFigure | undefined;
  const floor = lines.find((l) => l.floorSpawnMs !== undefined) as { floorSpawnMs: number; floorSpawnCpuMs: number; floorBytes: number } | undefined;
  const why = `not finished within 300 s (${run.signal ?? run.status})`;
  report({ name: 'scopes_100k_spawn_ms', value: spawned ? round(spawned.spawnMs, 0) : null, unit: 'ms', target: '<= 3000', cpu_ms: spawned ? round(spawned.spawnCpuMs, 0) : undefined,
    note: spawned ? `100,000 scope actors made known on one account (dry run), separate process; CPU ${round(spawned.spawnCpuMs, 0)} ms` : why });
  report({ name: 'scopes_100k_stop_ms', value: parsed ? round(parsed.stopMs, 0) : null, unit: 'ms', target: '<= 3000', cpu_ms: parsed ? round(parsed.stopCpuMs, 0) : undefined,
    note: parsed ? `stopping that account; CPU ${round(parsed.stopCpuMs, 0)} ms` : why });
  report({ name: 'scope_bytes', value: spawned ? round(spawned.scopeBytes, 0) : null, unit: 'bytes', target: '<= 2048', note: spawned ? 'heap growth per scope after a forced GC' : why });
  report({ name: 'xstate_spawn_100k_floor_ms', value: floor ? round(floor.floorSpawnMs, 0) : null, unit: 'ms', cpu_ms: floor ? round(floor.floorSpawnCpuMs, 0) : undefined,
    note: floor ? `XState alone: 100,000 bare one-state actors under one parent, created and started, same process; CPU ${round(floor.floorSpawnCpuMs, 0)} ms` : why });
  report({ name: 'xstate_actor_floor_bytes', value: floor ? round(floor.floorBytes, 0) : null, unit: 'bytes', note: floor ? 'heap per bare XState actor (the same run): no design with one XState actor per scope holds less' : why });
}

/** One protective pass's durable write (SL and TP contexts), the old store against the kept one, interleaved 3 times. */
async function storeWrite() {
  const runs = { before: { p50: [] as number[], p99: [] as number[] }, after: { p50: [] as number[], p99: [] as number[] } };
  for (let run = 0; run < 3; run++) {
    const { before, after } = await compareStores(300);
    runs.before.p50.push(percentile(before, 50)); runs.before.p99.push(percentile(before, 99));
    runs.after.p50.push(percentile(after, 50)); runs.after.p99.push(percentile(after, 99));
  }
  for (const [name, r, what] of [
    ['store_pass_write_keyv_sqlite3', runs.before, 'keyv over @keyv/sqlite (async sqlite3): one transaction per context'],
    ['store_pass_write_better_sqlite3', runs.after, 'better-sqlite3 behind group commit (the store in use): both contexts in one transaction'],
  ] as const) {
    const a = stats(r.p50, 3);
    const b = stats(r.p99, 3);
    report({ name: `${name}_p50_ms`, value: a.median, unit: 'ms', ...a, note: `${what}; WAL, synchronous FULL; 300 passes, median of 3 runs (min ${a.min}, max ${a.max})` });
    report({ name: `${name}_p99_ms`, value: b.median, unit: 'ms', ...b, note: `median of 3 runs (min ${b.min}, max ${b.max})` });
  }
}

async function startup10k() {
  const walls: number[] = [];
  const cpus: number[] = [];
  let idle: number | undefined;
  for (let run = 0; run < 3; run++) {
    // The last run stays up after readiness to watch the settled account idle.
    const r = await startupReady10k(run === 2 ? IDLE_WINDOW : undefined);
    walls.push(r.value_ms);
    cpus.push(r.cpu_ms);
    idle = r.idle_cpu_pct;
    gc();
  }
  const w = stats(walls, 0);
  const c = stats(cpus, 0);
  report({ name: 'startup_ready_10k_ms', value: w.median, unit: 'ms', target: '<= 3000', ...w, cpu_ms: c.median,
    note: `10,000 positions (5,000 symbols, both sides, hedge mode) and 40,000 open orders through ccxt against the simulator (a process of its own); median of 3 runs (min ${w.min}, max ${w.max}); CPU of exstate's process ${c.median} ms (min ${c.min}, max ${c.max})` });
  report({ name: 'idle_cpu_pct_10k_scopes', value: idle === undefined ? null : round(idle, 2), unit: '% of a core',
    note: `that account (dry run, its sockets open, the real clock) ${IDLE_WINDOW.settleMs / 1000} s after readiness, over ${IDLE_WINDOW.measureMs / 1000} s: exstate's process CPU` });
}

async function scopes10k() {
  const symbols = symbolsFor(5_000);
  const { runtime, drain } = await makeRuntime(symbols, 'dry_run');
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  for (const symbol of symbols) for (const side of ['LONG', 'SHORT'] as const) runtime.core.know(runtime.core.keyOf(symbol, side));
  const spawnMs = performance.now() - t0;
  await drain();
  gc();
  const heapMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
  report({ name: 'scopes_10k_spawn_ms', value: round(spawnMs, 1), unit: 'ms', target: '<= 1000' });
  report({ name: 'scopes_10k_heap_mb', value: round(heapMb, 1), unit: 'MB', target: '<= 64' });
  const t1 = performance.now();
  await runtime.stop();
  report({ name: 'scopes_10k_stop_ms', value: round(performance.now() - t1, 1), unit: 'ms', target: '<= 2000' });
}

/** Median of a list, with its min and max, for the note of a repeated figure. */
function spread(values: number[], digits = 1): { median: number; note: string } {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return { median, note: `median of ${values.length} runs (min ${round(sorted[0]!, digits)}, max ${round(sorted[sorted.length - 1]!, digits)})` };
}

async function perRowScale() {
  const at1k: number[] = [];
  const at10k: number[] = [];
  const ratios: number[] = [];
  for (let run = 0; run < 3; run++) {
    const a = (await perRowAtScale(1_000)).cpuMicrosPerRow;
    const b = (await perRowAtScale(10_000)).cpuMicrosPerRow;
    at1k.push(a);
    at10k.push(b);
    ratios.push(b / a);
  }
  const s1 = spread(at1k);
  const s10 = spread(at10k);
  const r = spread(ratios, 2);
  report({ name: 'per_row_cpu_us_1k', value: round(s1.median, 1), unit: 'us CPU/row', note: `1,000 scopes, 3 open orders each; ${s1.note}` });
  report({ name: 'per_row_cpu_us_10k', value: round(s10.median, 1), unit: 'us CPU/row', note: `10,000 scopes, 3 open orders each; ${s10.note}` });
  report({ name: 'per_row_cpu_10k_over_1k', value: round(r.median, 2), unit: 'ratio', target: '<= 1.5', note: r.note });
}

async function protect10k() {
  const runs = [];
  for (let run = 0; run < 3; run++) runs.push(await protectMany(10_000));
  const wall = spread(runs.map((r) => r.ms), 0);
  const cpu = spread(runs.map((r) => r.cpuMs), 0);
  report({ name: 'protect_10k_positions_ms', value: Math.round(wall.median), unit: 'ms', target: '<= 5000', note: `10,000 new positions at once to 20,000 SL and TP confirmed (confirming venue, simulated clock); ${wall.note}; CPU ${Math.round(cpu.median)} ms (${cpu.note})` });
}

async function endToEnd() {
  const p50s: number[] = [];
  const p99s: number[] = [];
  for (let run = 0; run < 3; run++) {
    // 200 fills a run in all: each makes 4 orders (the market buy, SL, TP, DCA) and the simulator
    // holds the account to Binance's 1,200 orders a minute, which more fills a run would reach.
    const samples = await reactionSamples(180, 20);
    p50s.push(percentile(samples, 50));
    p99s.push(percentile(samples, 99));
  }
  const a = stats(p50s, 2);
  const b = stats(p99s, 2);
  report({ name: 'e2e_reaction_p50_ms', value: a.median, unit: 'ms', ...a, note: `180 fills after 20 warm-up, burst wait ${BURST_MS} ms subtracted; median of 3 runs (min ${a.min}, max ${a.max})` });
  report({ name: 'e2e_reaction_p99_ms', value: b.median, unit: 'ms', target: '<= 8', ...b, note: `median of 3 runs (min ${b.min}, max ${b.max})` });
  report({ name: 'startup_ready_ms', value: round(await startupReadyMs(), 0), unit: 'ms', target: '<= 3000', note: '1,000 positions, 4,000 open orders' });
}

// `npm run bench -- --only perRowScale,endToEnd` measures those parts alone and keeps every other
// figure from the last run (reports/bench/figures.json, written by every run): one figure re-taken
// after a change without 20 minutes of the rest. The doc says which figures a partial run re-took.
const parts: Record<string, () => unknown> = { ingest, ingestCcxt, decisionLatency, decisionP99, scopes10k, perRowScale, protect10k, endToEnd, startup10k, storeWrite, scopes100k };
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? (process.argv[onlyArg + 1] ?? '').split(',').filter(Boolean) : undefined;
for (const name of only ?? []) if (!(name in parts)) throw new Error(`bench: --only names an unknown part: ${name} (parts: ${Object.keys(parts).join(', ')})`);
for (const [name, part] of Object.entries(parts)) if (!only || only.includes(name)) await part();
// `--only ''` measures nothing and rewrites the doc from the last run's figures (after a text change).
// Partial runs accumulate: the doc names every figure re-taken since the last full run.
const FIGURES_FILE = 'reports/bench/figures.json';
interface Saved { figures: Figure[]; parts: string[]; retaken: string[] }
let saved: Saved = { figures: [], parts: [], retaken: [] };
if (only) {
  if (existsSync(FIGURES_FILE)) saved = { parts: [], retaken: [], ...(JSON.parse(readFileSync(FIGURES_FILE, 'utf8')) as Partial<Saved>) } as Saved;
  const merged = saved.figures.map((f) => figures.find((g) => g.name === f.name) ?? f);
  for (const f of figures) if (!saved.figures.some((g) => g.name === f.name)) merged.push(f);
  saved = { figures: merged, parts: [...new Set([...saved.parts, ...only])], retaken: [...new Set([...saved.retaken, ...figures.map((f) => f.name)])] };
  figures.splice(0, figures.length, ...merged);
} else saved = { figures, parts: [], retaken: [] };
const retaken = saved.retaken.length === 0 ? '' : ` Re-taken since the last full run by \`--only\` (parts ${saved.parts.join(', ')}): ${saved.retaken.map((n) => `\`${n}\``).join(', ')}; the other figures are the full run's.`;
mkdirSync('reports/bench', { recursive: true });
writeFileSync(FIGURES_FILE, JSON.stringify(saved, null, 1));

const cpu = cpus()[0]?.model ?? 'unknown cpu';
const history = `## Design changes, with the figures before and after (this machine)

| change | figure | before | after |
|---|---|---|---|
| scope actors under shard actors instead of directly under the account root (XState copies a parent's children map on every spawn and stop: O(N^2) flat) | \`scopes_10k_spawn_ms\` / \`scopes_10k_stop_ms\` | 24,228 / 24,568 (flat) | ~500-870 / ~1,600-2,500 (64 shards), ~450-530 / ~390-480 (256 shards) |
| a second level of shards: 256 shard groups of up to 32 shards each (machines/shard-group.machine.ts) instead of 256 shards under the account: no parent holds more than a few hundred children | \`scopes_100k_spawn_ms\` / \`scopes_100k_stop_ms\` (test/bench/scopes-100k.ts, quiet machine) | 40,000: 3.5 / 15.1 s; 100,000: not finished in 300 s | 40,000: 3.4 / 1.1 s; 100,000: 8.9 / 2.8 s |
| a spawn goes straight to the scope's running shard (cached ref) instead of through the account and the shard group: one actor step instead of three | \`scopes_100k_spawn_ms\` CPU at 50,000 scopes (test/bench/scopes-100k.ts), three interleaved runs each, beside a Stryker run | 6,280 / 6,554 / 6,476 ms CPU; 100,000 alone on a quiet machine: 8.9 s wall | 5,032 / 5,070 / 4,895 ms CPU; 100,000 on a quiet machine: 6.7 / 6.8 s wall |
| idle scopes share one frozen empty list for their reasons and planned requests instead of three fresh arrays each | \`scope_bytes\` at 100,000 | 2,758 | 2,663 |
| harness clock on a binary heap (XState's SimulatedClock re-sorts every armed timer whenever a firing timer arms or cancels one) | ingest run, 60,000 rows | 7.4 s | 4.6 s |
| a pass runs synchronously on entry to \`planning\` (raised \`pass.done\`) instead of an invoked promise actor; custom ids from a random pool | ingest run | 4.6 s | 2.1 s (\`ingest_ratio\` 0.04 -> 0.12) |
| affected-scope events coalesced per synchronous batch (one actor event per scope and reason; every row still journaled) | warm ingest run | 1.85 s | 1.44 s |
| SQLite context store in WAL mode, synchronous FULL (one fsync per context write) | context write before a venue call, p50 / p99 | 5.7 / 37 ms | 2.0 / 16 ms (\`e2e_reaction_p99_ms\` ~33 -> ~19) |
| a submission started by an action and answered by an event instead of an invoked promise actor (stopping a child actor makes XState walk every delayed event of the system) | \`protect_10k_positions_ms\` CPU, one run each under load (test/bench/protect-many.ts) | 25,627 ms CPU (cancelAll 36% of the profile at 4,000) | 10,543 ms CPU (cancelAll gone from the profile of the protection work) |
| stream activity told to the heartbeat watchdog at most once per min(1 s, timeout/10) instead of one actor event per row | actor events per row | 1 | <= 1 per second of stream |
| the scrubber's registered values as one compiled alternation instead of one scan per value (and no second redact pass in the log sink) | \`scrubDeep\` of a typical journal record with 2 / 32 / 66 registered values (test/bench/scrub-cost.ts) | 7.6 / 47.8 / 93.8 us | 1.6 / 1.6 / 1.5 us |
| open orders indexed by scope (a pass read its scope's orders by scanning every open order of the account) | \`per_row_cpu_us_1k\` / \`per_row_cpu_us_10k\` (ratio), one run each under load, test/bench/scale-rows.ts | 140 / 298 (2.12) | 121 / 160 (1.32) |
| the simulator's open orders indexed per symbol and client id, margin summed per changed symbol (every placement walked every order ever placed and every position) | seeding the simulator with 2 positions and 8 orders per symbol (src/sim only, payloads unchanged) | 1,000 symbols 95.7 s; 5,000 symbols ~40 min (extrapolated) | 1.26 s; 3.4 s (\`startup_ready_10k_ms\` measurable at all) |
| the context store on better-sqlite3 behind group commit (every write asked for in one turn of the event loop shares one transaction: a pass's SL and TP contexts, or thousands of scopes' at once) instead of keyv over async sqlite3 (one transaction per key); same file format, same durability (WAL, synchronous FULL, one fsync per transaction) | one protective pass's two context writes, p50 / p99 (test/bench/store-write.ts, 300 passes) | see the note below | see the note below |
| the journal builds a record only when some sink takes its level (the logger asks for its own: at \`info\`, the debug records of a row are never built), and cuts secret-named fields in its one scrub pass, so journal lines skip the log formatter's redaction and pino's redact paths (a third pass over the same names) are gone | \`journal_cpu_us_per_frame\` (test/bench/journal-cost.ts; both trees in the same minutes, beside a Stryker run) | 67.6 us | 21.2 us |
| the scope's quiet window kept as data by the runtime (every row moves its end; one timer per scope checks it and sends \`burst.quiet\`) instead of a machine timer cancelled and re-armed by an actor event per row; a row that records nothing new for its scope is not sent to the scope actor at all | actor events and timers per row during a burst (test/runtime/quiet-window.test.ts: 20 rows 10 ms apart); \`protect_10k_positions_ms\` CPU at 3,000 positions, two interleaved pairs beside two Stryker runs | 20 events, 21 timers; 5,898 / 6,019 ms CPU | 1 event, at most 4 timers; 5,357 / 5,000 ms CPU |
| stream activity with the watchdog off (HEARTBEAT_TIMEOUT_MS=0, the benches' setting) told once per connection instead of once per millisecond (an actor event and a timer per row) | \`transport.activity\` events for 500 rows over 5 s (test/runtime/stream-watchdog.test.ts) | 500 | 1 |
| the startup bench's simulator in a process of its own (it served 40,000 orders from exstate's process: its JSON encoding was counted as exstate's CPU and shared exstate's core) | \`startup_ready_10k_ms\` wall / CPU, one run each beside a Stryker run (load 3-5) | 24,954 / 17,411 ms | 12,496 / 7,708 ms |
| the per-row scale bench warms every scope once before measuring (at 10k the measured bursts landed on scopes that had never held a position, at 1k on scopes that had: a scope's first position was counted as growth with the account) | \`per_row_cpu_10k_over_1k\` (quiet machine, median of 3) | 1.51 (44.4 / 68.0 us) | 1.04 (35.9 / 36.6 us) |
| e2e reaction measured over 3 runs of 180 fills after 20 warm-up fills (the first fills of a process paid the JIT, the first signed request and the first statements of the store) | \`e2e_reaction_p50_ms\` / \`e2e_reaction_p99_ms\` (quiet machine) | 10.62 / 31.84 (one run of 200) | 9.07 / 25.88 (median of 3) |
| e2e reaction fills paced one per 150 ms (4 orders a fill: the bench had outrun the venue's 300 orders per 10 s, and one fill a run waited out a -1015 Retry-After of 4 s) | \`e2e_reaction_p50_ms\` / \`e2e_reaction_p99_ms\` (quiet machine, median of 3 runs) | 9.07 / 25.88 | 6.85 / 13.56 |
| the router's fill journal line built field by field instead of with conditional spreads, and the spot holding read only on spot | \`own_cpu_per_row_over_ccxt\`, test/bench/ingest-ccxt.ts standalone, two interleaved pairs on a quiet machine | 2.04 / 2.05 | 1.84 / 1.74 |
| the context store kept on better-sqlite3 with group commit after the comparison on a quiet machine (the note below) | \`store_pass_write_*\` p50 / p99, keyv over async sqlite3 against better-sqlite3 (quiet machine, 3 interleaved runs of 300 passes) | 0.633 / 3.053 ms | 0.254 / 0.556 ms |

Inspection (@statelyai/inspect) is off: it costs most of the throughput.

Note on the store change: on a quiet machine (2026-12-03, \`store_pass_write_*\` in the table
above) better-sqlite3 behind group commit writes a protective pass (SL and TP contexts) in 0.254 ms
p50 and 0.556 ms p99, keyv over async sqlite3 in 0.633 and 3.053 ms: the same durability (WAL,
synchronous FULL, one fsync per transaction), one transaction instead of two, no thread hop. Kept.
Measured earlier under load (a Stryker run and two test runs, load 9-10) the synchronous driver
came out slower (3.9-7.5 ms p50 against 1.4-1.9): it waited for the CPU on the main thread while
the async one's libuv threads got more of it. The reasons beside speed: one transaction per pass
(half the fsyncs of a protective pass, one per batch when thousands of scopes are protected at
once), the shared store's interface (DurableKv), and a synchronous write that cannot interleave
with another write of the same key.

## Where the targets stand (quiet machine, 2026-12-03)

Met: \`per_row_cpu_10k_over_1k\` (1.04), \`protect_10k_positions_ms\` (4,567), \`decision_p99_ms\`
(0.249) and \`decision_durable_p99_ms\` (0.782), \`scopes_100k_stop_ms\` (1,694), and
\`startup_ready_10k_ms\` in the full run (2,555; 3,157 in the partial run that re-took it with
less of the process warmed up: the figure sits at its target, see below). Until this session every
run shared the 2 cores with Stryker runs and tests (load 3-10), which inflated the walls and tails
two- to threefold; the history above keeps those figures where they compare one tree with another.

## What still misses

- \`own_cpu_per_row_over_ccxt\` (1.50 in the full run on a quiet machine, 1.74-1.93 in standalone
  and partial runs the same day: the ccxt side itself varies 32-41 us a frame between runs;
  3.1-3.2 under load before; target 1.0): exstate's whole path costs 85-119 us CPU a frame against
  ccxt's own 32-41, so its own share is about 50-80 us a frame (two rows). The profile of a quiet run (both sides together): ccxt 35%, garbage
  collection 15%, node internals (WebSocket frames, buffers, microtasks) 15.5%, XState 5.4% (the
  scope passes and the first row of each burst), then exstate's own functions at 1-2% each: the
  fill line (built field by field since), the journal's record and scrub, row validation, the
  account state, the normalizer. No single part is left to remove: reaching 1.0 means a row
  costing no more than ccxt's own parsing of it, which the work every row must do (decimals built
  and validated, the account state updated, the fill journaled and logged at info, a pass for a
  third of the rows) and its garbage do not fit in.
- \`e2e_reaction_p99_ms\` (13.6 on a quiet machine, p50 6.9; target 8). Traced per phase over 180
  paced fills (the simulator in the same process): median 7.7 ms = the fill's rows reaching the
  router after the simulator emits it, 3.2 ms (three WebSocket messages, the order row, the fill
  and the position, each through ccxt) + the quiet window's timer firing after the window ends,
  0.7 ms + the pass, both contexts' durable write and the gates, 1.1 ms + the signed REST request
  reaching the simulator, 2.3 ms. The slowest eight fills (13-17 ms) lost their time in the rows'
  arrival (up to 10 ms: the previous fill's DCA submission and confirmations on the same event
  loop) or between pass and send (up to 7.6 ms); none had a garbage collection in its window.
  Before the pacing (issue 13's run of 2026-12-03 morning: 25.9) one fill a run waited out a
  -1015 Retry-After of 4 s: the bench placed orders faster than the venue's 300 per 10 s.
- \`startup_ready_10k_ms\` (2,555 in the full run, 3,157 and a standalone cold run 4,074; target 3 s;
  10,000 positions, 40,000 orders): what is left is ccxt parsing the 40,000 orders and 5,000
  markets (the floor while ccxt is used), spawning 10,000 scope actors, the first pass over every
  scope, and GC; a cold process also compiles all of it. The simulator runs in a process of its
  own (its serialization of 40,000 orders was in the figure before).
- \`scopes_100k_spawn_ms\` (3,812; target 3 s) and \`scope_bytes\` (2,665; target 2,048): **the targets are XState's own
  floor.** The same process creates 100,000 bare XState actors (a one-state machine, no context,
  one shared parent, nothing of exstate) after the account's stop: \`xstate_spawn_100k_floor_ms\`
  and \`xstate_actor_floor_bytes\` in the table above. A scope's own machine (its states, context and input) adds about 250 bytes to a bare
  actor, the shard actors about 100 per scope at 100,000 (8,192 shards), the runtime's per-scope
  maps the rest. No design that keeps one XState actor per scope (what operators inspect, and what
  the path tests read) can meet 2,048 bytes; the spawn could come nearer the floor only by
  creating scope actors outside their shard's \`children\` (a registry), which the inspector's
  replay, the status model and the behaviour tables read: not done. GC is about 45% of a 100,000
  spawn's profile (every actor survives to the old generation).
  The stop meets its target since the second level of shards (the table above). Before it, stopping cost
  O(k^2) per parent of k children (XState's \`resolveStop\` clones the parent's \`children\` per
  stopped child; at 40,000 scopes under 256 shards: \`resolveStop\` 6.4 s self and GC 10.5 s of a
  16 s stop; 1,024 flat shards: 6.7 s).
- \`ingest_ratio\` (0.18; an earlier target, 0.25, of the pre-parsed bench that issue 13 replaced by
  \`own_cpu_per_row_over_ccxt\`): the bare loop only parses and stores; every exstate row also
  updates subject trust, routes, journals, and a third of them end in a pass.
- \`decision_latency_p99_ms\` (4.66; the earlier measure without warm-up, against a venue that
  never confirms, so other scopes' recoveries run beside it): kept for comparison with earlier
  runs; \`decision_p99_ms\` is the figure issue 13 asks for.
- Figures on this 2-core VM vary by about +-30% between runs.`;
const table = figures.map((f) => `| \`${f.name}\` | ${f.value ?? 'not measured'} | ${f.unit} | ${f.target ?? ''} | ${f.note ?? ''} |`).join('\n');
const doc = `# Performance

Measured by \`npm run bench\` (test/bench/run.ts) on ${cpus().length} x ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB,
Node ${process.version}, ${new Date().toISOString().slice(0, 10)}. Figures are measurements, not tests; targets are
design goals. \`npm run bench -- --only <part,...>\` re-takes some parts and keeps the last run's other
figures (reports/bench/figures.json); \`--only ''\` rewrites this page from them.${retaken}

| figure | value | unit | target | note |
|---|---|---|---|---|
${table}

How each figure is taken:

- \`ingest_events_per_sec\`: 60,000 normalized rows (order FILLED, fill, position row, a balance
  frame every tenth burst) over 1,000 scopes, fed to the router in chunks of 2,000 with the
  simulated clock advanced 150 ms after each chunk so that every burst wait fires and every
  affected scope runs its pass (dry run: requests are planned and journaled). \`baseline\` is the
  same rows as JSON through a loop that only parses them (decimals included) and stores them.
- \`decision_latency_*\`: demo mode; for 400 fresh scopes, a position row arrives, then the
  simulated clock reaches the end of the burst wait; the figure is the real time from there to
  the first request reaching the venue port (context write and gates included), so the burst
  wait itself is excluded.
- \`scopes_10k_*\`: 10,000 scope actors made known (spawned) on one account, heap growth after a
  forced GC, and the time to stop the whole account.
- \`per_row_cpu_*\`: dry run; 1,000 or 10,000 scopes, each holding 3 open orders of another
  client; then 4,000 bursts (a market order filled, its fill, the position row: 12,000 rows) on
  scopes spread over the whole account, each burst ending in that scope's pass; process CPU
  (user + system) per row after a 1,000-burst warm-up. The ratio shows whether a row's cost grows
  with the account (1.0: flat).
- \`protect_10k_positions_ms\`: demo mode; 10,000 scopes get a position in one burst; the venue
  accepts every request and confirms it on the private stream on the next turn of the event loop;
  wall time from the position rows to every SL and TP confirmed, the simulated clock jumping over
  the burst waits (test/bench/protect-many.ts; \`BENCH_NO_STOP=1\` for a CPU profile).
- \`rss_mb_1k_scopes\`: process resident memory after the ingest run with 1,000 live scopes.
- \`e2e_reaction_*\`: demo mode; another user's market buy opens a position on a fresh symbol; from
  the simulator emitting that fill to the stop-loss request reaching the simulator, minus the
  configured burst wait (50 ms here); 180 fills after 20 warm-up fills (not kept), 3 runs. Each fill
  makes 4 orders (the market buy, SL, TP, DCA) and the simulator holds the account to Binance's
  order-count limits (300 per 10 s, 1,200 a minute): fills are paced one per 150 ms at most and a
  run stops at 200 fills, so no SL waits out a -1015 Retry-After (before the pacing one fill in a
  run did: 4 s).
- \`startup_ready_ms\`: 1,000 positions (500 symbols, both sides, hedge mode) and 4,000 open
  orders on the simulator; from boot to service readiness (hydration over ccxt included).
- \`own_cpu_per_row_over_ccxt\`, \`exstate_cpu_us_per_frame\`, \`ccxt_cpu_us_per_frame\`
  (test/bench/ingest-ccxt.ts): a simulator in a child process publishes 20,000 raw Binance USD-M
  frames (another client's fill as ORDER_TRADE_UPDATE, the position as ACCOUNT_UPDATE; 40,000
  rows) over a real WebSocket; exstate (ccxt pro, the adapter's normalizer, the router and the
  production journal sink, dry run) and, in the same run, ccxt alone (the same four watch loops,
  results only counted) each handle them; process CPU from the publish until every frame was
  handled, idle rate subtracted; a warm-up, then 3 runs each.
- \`decision_p99_ms\` / \`decision_durable_p99_ms\` (test/bench/decision.ts): as
  \`decision_latency_*\` but with 100 warm-up scopes first and a venue that confirms every place
  on the private stream (no scope left in recovery); in-memory store, then the SQLite store.
- \`startup_ready_10k_ms\` (test/bench/startup-10k.ts): 10,000 positions and 40,000 open orders
  seeded into the simulator, which runs in a process of its own (test/bench/ingest-sim.ts
  \`--book\`; until 2026-12-02 it ran in exstate's process, and its serialization of the 40,000
  orders was in the figure and on exstate's core); boot to readiness through ccxt; the CPU of
  exstate's process beside wall.
- \`store_pass_write_*\` (test/bench/store-write.ts): one protective pass's durable write (an SL
  and a TP context, asked for together as the executor does, then awaited), 300 passes after 20
  warm-up, in a fresh file each: keyv over @keyv/sqlite (the store before) and better-sqlite3
  behind group commit (the store in use); both WAL with synchronous FULL (one fsync per
  transaction). The two stores alternate, 3 runs each.
- \`idle_cpu_pct_10k_scopes\` (test/bench/startup-10k.ts, the last of its runs): the account of
  \`startup_ready_10k_ms\` left running after readiness (dry run, 10,000 scopes, its private
  stream and ccxt's sockets open, the real clock): 10 s to settle, then this process's CPU over
  30 s of wall time, in percent of one core. What a settled account costs while nothing happens.
- \`journal_cpu_us_per_frame\` (test/bench/journal-cost.ts): the five journal records one
  ingested frame makes in the ccxt ingest bench (the fill at info; the unowned order row and three
  \`scope_affected\` at debug) through the production journal sink (pino at info, JSON, to a
  discarding stream), CPU per frame.
- \`scopes_100k_*\`, \`scope_bytes\` (test/bench/scopes-100k.ts, a process of its own): 100,000
  scope actors made known, heap per scope after a forced GC, then the account stopped; capped at
  300 s (the spawn figures are reported even when the stop does not finish).

${history}
`;
writeFileSync('docs/PERFORMANCE.md', doc);
