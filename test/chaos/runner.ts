// Plays one schedule: the simulator in this process (its books, faults, request log and engine
// events at hand), the REAL service as a child process on a store in a temporary directory, the
// steps in order (faults, prices, other users' orders, kill -9 and restarts), then a settle period
// with a healthy venue, then the invariants of invariants.ts on the simulator's side.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import type { RequestRecord } from '../../src/sim/request-log.js';
import {
  LifeTracker, describeBooks, eventualViolations, manualOrderViolations, secretViolations, submissionViolations,
  type ManualPlacement, type Strategy, type Violation,
} from './invariants.js';
import { BASE_MARKS, TICKS, countKinds, type Schedule, type Step, type Sym } from './schedule.js';
import { ServiceProcess } from './service-process.js';

export interface RunOptions {
  /** How long the venue may be healthy before the eventual invariants must hold (ms). */
  settleBoundMs?: number;
  /** The books must stay unchanged (and the invariants hold) this long to count as settled. */
  quietMs?: number;
  heartbeatTimeoutMs?: number;
  /** Keep the temporary directory (service dir, outputs) even when the run passed. */
  keep?: boolean;
  /** One line per event of the run (steps, kills, settle) for a person watching. */
  log?: (line: string) => void;
}

export interface RunFigures {
  seed: number;
  positionMode: string;
  steps: number;
  faults: number;
  kills: number;
  killsDone: number;
  gracefulRestarts: number;
  incarnations: number;
  orders: number;
  appFills: number;
  requests: number;
  stepsRefused: number;
  settleMs: number;
  wallMs: number;
}

export interface RunResult {
  figures: RunFigures;
  violations: Violation[];
  warnings: Violation[];
  dir: string;
  /** The venue's books at the end (app orders and positions), for reports. */
  books: ReturnType<typeof describeBooks>;
}

export const STRATEGY = { takeProfitPct: '1', stopLossPct: '2', dcaSteps: '1:100,1.5:50' };
const STRATEGY_FIGURES: Strategy = { takeProfitPct: 1, stopLossPct: 2, dcaSteps: 2 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tickRound(symbol: Sym, price: Decimal): string {
  const tick = new Decimal(TICKS[symbol]);
  return price.div(tick).round().mul(tick).toFixed();
}

const basePrice = (symbol: Sym, pct: number) => tickRound(symbol, new Decimal(BASE_MARKS[symbol]).mul(1 + pct / 100));

export async function runSchedule(schedule: Schedule, options: RunOptions = {}): Promise<RunResult> {
  const t0 = Date.now();
  const log = options.log ?? (() => undefined);
  const settleBoundMs = options.settleBoundMs ?? 60_000;
  const quietMs = options.quietMs ?? 3000;
  const mode = schedule.positionMode;
  const root = mkdtempSync(join(tmpdir(), `exstate-chaos-${schedule.seed}-`));
  const sim: Simulator = await startSimulator({ seed: schedule.seed, positionMode: mode, marks: { ...BASE_MARKS } });
  const violations: Violation[] = [];
  const placed: ManualPlacement[] = [];
  const tracker = new LifeTracker(STRATEGY_FIGURES, (orderId) => sim.engine.orders.get(orderId)?.owner);
  sim.engine.onEvent((e) => tracker.onEvent(e));
  let stepsRefused = 0;
  let killsDone = 0;
  let finalPhase = false;

  const svc = new ServiceProcess({
    rest: sim.rest, ws: sim.ws, apiKey: sim.apiKey, secret: sim.secret, positionMode: mode, dir: join(root, 'service'),
    takeProfitPct: STRATEGY.takeProfitPct, stopLossPct: STRATEGY.stopLossPct, dcaSteps: STRATEGY.dcaSteps, heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 3000,
  });

  // Restarts: one at a time, after the previous process has exited.
  let restart: Promise<void> | undefined;
  const restartAfter = (ms: number, why: string) => {
    if (restart) return;
    restart = (async () => {
      await svc.exited(15_000);
      await sleep(ms);
      log(`  restart (${why}) after ${ms} ms`);
      svc.start();
    })().finally(() => {
      restart = undefined;
    });
  };
  svc.onUnexpectedExit = (inc) => {
    violations.push({
      invariant: 'process_never_exits',
      detail: `incarnation ${inc.n} (pid ${inc.pid}) exited by itself: code ${inc.exit?.code} signal ${inc.exit?.signal}; stderr tail: ${svc.stderr.slice(-300).replace(/\s+/g, ' ')}`,
    });
    if (!finalPhase) restartAfter(1000, 'unexpected exit');
  };

  // kill -9 "right after a submission": at the moment the simulator has applied a matching request.
  let armed: { method: string; path: string; restartAfterMs: number; until: number } | undefined;
  sim.requests.onRecord((r: RequestRecord) => {
    if (!armed || Date.now() > armed.until) return;
    if (r.method !== armed.method || r.path !== armed.path || !r.applied) return;
    const { restartAfterMs } = armed;
    armed = undefined;
    if (svc.kill9()) {
      killsDone++;
      log(`  kill -9 right after request #${r.seq} ${r.method} ${r.path} (status ${r.status})`);
      restartAfter(restartAfterMs, 'after kill-on-request');
    }
  });

  const positionSide = (dir: 'LONG' | 'SHORT') => (mode === 'hedge' ? dir : 'BOTH');
  const refused = (step: Step, error: unknown) => {
    stepsRefused++;
    log(`  step ${step.kind} refused by the venue: ${(error as Error).message}`);
  };

  const apply = async (step: Step): Promise<void> => {
    const e = sim.engine;
    switch (step.kind) {
      case 'price':
        e.setMark(step.symbol, basePrice(step.symbol, step.pct));
        return;
      case 'position': {
        const amt = step.dir === 'LONG' ? step.qty : `-${step.qty}`;
        e.seedPosition(step.symbol, positionSide(step.dir), amt, basePrice(step.symbol, step.entryPct));
        return;
      }
      case 'flatten': {
        const ps = positionSide(step.dir);
        const amt = new Decimal(e.position(step.symbol, ps).positionAmt);
        if (amt.isZero()) return;
        try {
          e.placeOrder({ symbol: step.symbol, side: amt.gt(0) ? 'SELL' : 'BUY', type: 'MARKET', quantity: amt.abs().toFixed(), positionSide: ps, reduceOnly: mode === 'one_way', clientOrderId: `manual-flat-${schedule.seed}-${Date.now() % 1e6}`, owner: 'manual' });
        } catch (error) {
          refused(step, error);
        }
        return;
      }
      case 'manual-order': {
        const ps = positionSide(step.dir);
        const long = step.dir === 'LONG';
        const side = (step.action === 'open') === long ? 'BUY' : 'SELL';
        const mark = e.mark(step.symbol);
        const price = tickRound(step.symbol, mark.mul(1 + step.pricePct / 100));
        const reduceOnly = mode === 'one_way' && step.action === 'close';
        try {
          if (step.type === 'STOP_MARKET') {
            // Hedge mode: a closing conditional order is reduce-only by its side. The engine does not
            // infer that for conditional orders (it does for regular ones), so it is said explicitly;
            // otherwise a triggered SELL on an empty LONG side would open a negative LONG position.
            const a = e.placeAlgo({ symbol: step.symbol, side, type: 'STOP_MARKET', quantity: step.qty, triggerPrice: price, positionSide: ps, reduceOnly: reduceOnly || (mode === 'hedge' && step.action === 'close'), clientOrderId: step.id, owner: 'manual' });
            placed.push({ id: step.id, symbol: step.symbol, algo: true, algoId: a.algoId, trigger: a.triggerPrice, qty: a.quantity });
          } else {
            const o = e.placeOrder({ symbol: step.symbol, side, type: step.type, quantity: step.qty, price: step.type === 'LIMIT' ? price : undefined, positionSide: ps, reduceOnly, clientOrderId: step.id, owner: 'manual' });
            placed.push({ id: step.id, symbol: step.symbol, algo: false, orderId: o.orderId, price: o.price, qty: o.origQty });
          }
        } catch (error) {
          refused(step, error);
        }
        return;
      }
      case 'partial-fills':
        e.partialFillRatio = step.ratio === null ? undefined : new Decimal(step.ratio);
        return;
      case 'rest-fault':
        sim.faults.addRest(step.rule);
        return;
      case 'stream-fault':
        Object.assign(sim.faults.stream, step.set);
        return;
      case 'stream-action':
        if (step.action === 'drop') sim.stream.disconnectAll('drop');
        else if (step.action === 'close') sim.stream.disconnectAll('close');
        else if (step.action === 'expire-listen-key') sim.stream.expireAll();
        else e.emitMarginOnlyFrame();
        return;
      case 'clock-skew':
        sim.faults.clockSkewMs = step.ms;
        return;
      case 'forget-finished':
        sim.faults.forgetFinished = step.on;
        return;
      case 'heal':
        sim.faults.clear();
        return;
      case 'kill':
        if (svc.kill9()) {
          killsDone++;
          log('  kill -9');
          restartAfter(step.restartAfterMs, 'after kill');
        }
        return;
      case 'kill-on-request':
        armed = { method: step.method, path: step.path, restartAfterMs: step.restartAfterMs, until: Date.now() + step.withinMs };
        return;
      case 'graceful-restart': {
        if (restart) await restart;
        if (!svc.running) return;
        // An operator's restart of a running service (a SIGTERM while node still loads the modules
        // is the default action of the signal: nothing of the service runs yet to handle it).
        await svc.ready(60_000);
        const exit = await svc.terminate(20_000);
        if (!exit) violations.push({ invariant: 'graceful_stop', detail: 'SIGTERM: the service did not exit within 20 s (killed)' });
        else if (exit.code !== 0) violations.push({ invariant: 'graceful_stop', detail: `SIGTERM: exit code ${exit.code} signal ${exit.signal}` });
        log(`  graceful restart (exit code ${exit?.code})`);
        svc.start();
        return;
      }
    }
  };

  let settleMs = 0;
  let finalBooks: ReturnType<typeof describeBooks> = [];
  try {
    for (const step of schedule.setup) await apply(step);
    svc.start();
    if (!(await svc.ready(90_000))) violations.push({ invariant: 'service_ready', detail: 'the service did not become ready within 90 s of its first start' });
    log(`  ready after ${Date.now() - t0} ms`);
    for (const [i, step] of schedule.steps.entries()) {
      log(`  step ${i + 1}/${schedule.steps.length} ${JSON.stringify(step)}`);
      await apply(step);
      await sleep(step.waitMs);
    }

    // ---- settle: a healthy venue, the service running --------------------------------------
    armed = undefined;
    sim.faults.clear();
    sim.engine.partialFillRatio = undefined;
    sim.driver.stop();
    if (restart) await restart;
    if (!svc.running) svc.start();
    const settleStart = Date.now();
    await svc.ready(60_000);
    const eventual = await settle(sim, svc, settleStart + settleBoundMs, quietMs, log);
    settleMs = Date.now() - settleStart;
    violations.push(...eventual.map((v) => ({ ...v, detail: `${v.detail} [${settleBoundMs / 1000} s after the venue turned healthy]` })));
    finalBooks = describeBooks(sim.engine.snapshot());

    // ---- the process is alive (restarted if the schedule killed it) --------------------------
    finalPhase = true;
    if (!svc.running) violations.push({ invariant: 'process_alive', detail: 'the service process is not running at the end' });

    // ---- history on the venue's side ---------------------------------------------------------
    violations.push(...submissionViolations(sim.requests.records));
    violations.push(...manualOrderViolations(sim.engine.snapshot(), placed, sim.requests.records));
    violations.push(...tracker.violations);

    // ---- a clean stop, then every output and file of the service searched for secrets -------
    const exit = await svc.terminate(20_000);
    if (!exit) violations.push({ invariant: 'graceful_stop', detail: 'final SIGTERM: the service did not exit within 20 s (killed)' });
    else if (exit.code !== 0) violations.push({ invariant: 'graceful_stop', detail: `final SIGTERM: exit code ${exit.code} signal ${exit.signal}` });
    const listenKeys = [...new Set(sim.requests.records.map((r) => r.listenKey).filter((k): k is string => !!k))];
    const outputs = [{ where: 'stdout', text: svc.stdout }, { where: 'stderr', text: svc.stderr }, ...filesUnder(join(root, 'service'))];
    violations.push(...secretViolations(outputs, [
      { name: 'API key', value: sim.apiKey }, { name: 'API secret', value: sim.secret },
      ...listenKeys.map((k, i) => ({ name: `listen key ${i + 1}`, value: k })),
    ]));
  } finally {
    finalPhase = true;
    armed = undefined;
    if (svc.running) svc.kill9();
    await svc.exited(5000);
    await sim.close();
  }

  const counts = countKinds(schedule);
  const figures: RunFigures = {
    seed: schedule.seed, positionMode: mode, steps: counts.steps, faults: counts.faults, kills: counts.kills, killsDone, gracefulRestarts: counts.graceful,
    incarnations: svc.incarnations.length,
    orders: sim.requests.records.filter((r) => r.method === 'POST' && (r.path === '/fapi/v1/order' || r.path === '/fapi/v1/algoOrder') && r.applied && (r.status === 200 || r.status >= 500 || r.status === 0)).length,
    appFills: tracker.appFills, requests: sim.requests.records.length, stepsRefused, settleMs, wallMs: Date.now() - t0,
  };
  const failed = violations.length > 0;
  if (failed || options.keep) {
    const out = join(root, 'artifacts');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'schedule.json'), JSON.stringify(schedule, null, 2));
    writeFileSync(join(out, 'violations.json'), JSON.stringify({ violations, warnings: tracker.warnings, figures, books: finalBooks }, null, 2));
    writeFileSync(join(out, 'service.stdout.log'), svc.stdout);
    writeFileSync(join(out, 'service.stderr.log'), svc.stderr);
    writeFileSync(join(out, 'requests.json'), JSON.stringify(sim.requests.records.map((r) => ({ ...r, listenKey: r.listenKey ? '[key]' : undefined, params: { ...r.params, listenKey: undefined } }))));
  } else {
    rmSync(root, { recursive: true, force: true });
  }
  return { figures, violations, warnings: tracker.warnings, dir: root, books: finalBooks };
}

/** Every file under a directory, as text (binary files read as latin1, e.g. the SQLite store). */
function filesUnder(dir: string): Array<{ where: string; text: string }> {
  const out: Array<{ where: string; text: string }> = [];
  const walk = (p: string) => {
    let entries: string[] = [];
    try {
      entries = readdirSync(p);
    } catch {
      return;
    }
    for (const name of entries) {
      const full = join(p, name);
      try {
        if (statSync(full).isDirectory()) walk(full);
        else out.push({ where: full, text: readFileSync(full).toString('latin1') });
      } catch {
        /* gone meanwhile */
      }
    }
  };
  walk(dir);
  return out;
}

/**
 * Marks where every open position can carry its stop-loss, preferably where nothing of the
 * strategy fills either (between the DCA and TP levels): the mark is moved as little as possible.
 */
function safeMarks(sim: Simulator): Map<string, string> {
  const b = sim.engine.snapshot();
  const out = new Map<string, string>();
  for (const symbol of Object.keys(BASE_MARKS) as Sym[]) {
    const ps = b.positions.filter((p) => p.symbol === symbol);
    if (ps.length === 0) continue;
    const mark = new Decimal(b.marks[symbol]!);
    const window = (inner: boolean) => {
      let lo = new Decimal(0);
      let hi = new Decimal(Infinity);
      for (const p of ps) {
        const e = new Decimal(p.entryPrice);
        const long = new Decimal(p.positionAmt).gt(0);
        if (inner) {
          lo = Decimal.max(lo, e.mul(0.993));
          hi = Decimal.min(hi, e.mul(1.007));
        } else if (long) lo = Decimal.max(lo, e.mul(0.98 * 1.003));
        else hi = Decimal.min(hi, e.mul(1.02 * 0.997));
      }
      return lo.lt(hi) ? { lo, hi } : undefined;
    };
    const w = window(true) ?? window(false);
    if (!w) continue;
    if (mark.gte(w.lo) && mark.lte(w.hi)) continue;
    const target = mark.lt(w.lo) ? w.lo.mul(1.0005) : w.hi.mul(0.9995);
    out.set(symbol, tickRound(symbol, Decimal.min(Decimal.max(target, w.lo), w.hi)));
  }
  return out;
}

async function settle(sim: Simulator, svc: ServiceProcess, deadline: number, quietMs: number, log: (l: string) => void): Promise<Violation[]> {
  let last = '';
  let since = Date.now();
  let moves = 0;
  let current: Violation[] = [];
  while (Date.now() < deadline) {
    const marks = safeMarks(sim);
    if (marks.size > 0 && moves < 6) {
      moves++;
      for (const [symbol, price] of marks) {
        log(`  settle: mark ${symbol} -> ${price} (where the positions can be protected)`);
        sim.engine.setMark(symbol, price);
      }
    }
    const b = sim.engine.snapshot();
    const picture = JSON.stringify(describeBooks(b));
    if (picture !== last) {
      last = picture;
      since = Date.now();
    }
    current = eventualViolations(b, STRATEGY_FIGURES);
    if (current.length === 0 && svc.running && Date.now() - since >= quietMs) return [];
    await sleep(250);
  }
  return current;
}
