// Seeded random schedules for the chaos run: a schedule is plain JSON (so a failing one can be
// saved, replayed and shrunk), generated deterministically from a seed with the simulator's own
// PRNG (mulberry32). Prices are absolute: a percentage of the symbol's start mark, so a replay
// sets the same marks whatever the service did in between.
import type { RestFaultRule } from '../../src/sim/faults.js';
import { seededRandom } from '../../src/sim/rng.js';

export type Sym = 'BTCUSDT' | 'ETHUSDT';
export type Dir = 'LONG' | 'SHORT';

export type Step = (
  /** Sets the mark to base × (1 + pct/100) (rounded to the tick): triggers and fills what it crosses. */
  | { kind: 'price'; symbol: Sym; pct: number }
  /** Seeds a position (another user's, or one the account already held): size and entry. */
  | { kind: 'position'; symbol: Sym; dir: Dir; qty: string; entryPct: number }
  /** Another user closes the whole position with a market order. */
  | { kind: 'flatten'; symbol: Sym; dir: Dir }
  /** Another user's order on the same account (client id `manual-…`). */
  | { kind: 'manual-order'; id: string; symbol: Sym; dir: Dir; action: 'open' | 'close'; type: 'LIMIT' | 'MARKET' | 'STOP_MARKET'; pricePct: number; qty: string }
  /** A crossing limit order first fills this share (null: off). */
  | { kind: 'partial-fills'; ratio: string | null }
  | { kind: 'rest-fault'; rule: RestFaultRule }
  | { kind: 'stream-fault'; set: { silent?: boolean; duplicate?: boolean; reorder?: boolean; delayMs?: number } }
  | { kind: 'stream-action'; action: 'drop' | 'close' | 'expire-listen-key' | 'margin-frame' }
  | { kind: 'clock-skew'; ms: number }
  | { kind: 'forget-finished'; on: boolean }
  /** Clears every fault (REST rules, stream switches, skew, retention). */
  | { kind: 'heal' }
  /** kill -9 of the service now; a new process on the same store after restartAfterMs. */
  | { kind: 'kill'; restartAfterMs: number }
  /**
   * kill -9 at the moment the simulator has applied the next matching request (before its answer
   * is written); disarmed after withinMs. A new process on the same store after restartAfterMs.
   */
  | { kind: 'kill-on-request'; method: string; path: string; withinMs: number; restartAfterMs: number }
  /** SIGTERM, wait for a clean exit (code 0), start again on the same store. */
  | { kind: 'graceful-restart' }
) & { /** Time to let pass after the step, before the next one. */ waitMs: number };

export interface Schedule {
  seed: number;
  positionMode: 'hedge' | 'one_way';
  /** Applied before the service starts (positions and orders it finds at startup). */
  setup: Step[];
  steps: Step[];
}

export interface GenerateOptions {
  steps: number;
  /** At most this many kills / restarts in one schedule (each start costs a few seconds). */
  maxRestarts?: number;
  /** Share of seeds run in one-way position mode (default 0.25). */
  oneWayShare?: number;
}

export const BASE_MARKS: Record<Sym, string> = { BTCUSDT: '65000', ETHUSDT: '3000' };
export const TICKS: Record<Sym, string> = { BTCUSDT: '0.1', ETHUSDT: '0.01' };
const QTY: Record<Sym, string[]> = { BTCUSDT: ['0.005', '0.01', '0.02'], ETHUSDT: ['0.1', '0.2', '0.5'] };

/** Around the strategy's levels (TP 1 %, DCA 1 % and 1.5 %, SL 2 % of the entry) and beyond. */
const PRICE_PCTS = [-3, -2.4, -2.1, -1.8, -1.6, -1.3, -1.1, -0.9, -0.6, -0.3, 0, 0.3, 0.6, 0.9, 1.1, 1.3, 1.6, 1.8, 2.1, 2.4, 3];
const ENTRY_PCTS = [-1, -0.5, 0, 0.5, 1];

const ORDER_PATHS: Array<[string, string]> = [
  ['/fapi/v1/order', 'POST'], ['/fapi/v1/algoOrder', 'POST'], ['/fapi/v1/order', 'DELETE'], ['/fapi/v1/algoOrder', 'DELETE'], ['/fapi/v1/order', 'PUT'],
];
const READ_PATHS: Array<[string, string]> = [
  ['/fapi/v1/order', 'GET'], ['/fapi/v1/algoOrder', 'GET'], ['/fapi/v1/openOrders', 'GET'], ['/fapi/v1/openAlgoOrders', 'GET'],
  ['/fapi/v3/positionRisk', 'GET'], ['/fapi/v2/positionRisk', 'GET'], ['/fapi/v1/userTrades', 'GET'], ['/fapi/v2/balance', 'GET'], ['/fapi/v3/balance', 'GET'],
  ['/fapi/v1/listenKey', 'POST'], ['/fapi/v1/listenKey', 'PUT'],
];
const REJECT_CODES = [-1000, -1001, -1006, -1007, -1021, -2019, -4164, -2021, -2022, -4116, -20132, -2015, -1111, -4014];

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed * 2654435761 + 12345);
  }
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  weighted<T extends string>(weights: Record<T, number>): T {
    const entries = Object.entries(weights) as Array<[T, number]>;
    let r = this.next() * entries.reduce((a, [, w]) => a + w, 0);
    for (const [k, w] of entries) {
      r -= w;
      if (r < 0) return k;
    }
    return entries[entries.length - 1]![0];
  }
}

function restRule(r: Rng): RestFaultRule {
  const kind = r.weighted({ timeout: 3, reset: 3, s503: 2, s503code: 2, s503apply: 3, s500: 1, r429: 2, r418: 1, reject: 3, delay: 3, lookup: 3 });
  const [path, method] = kind === 'lookup' ? r.pick([['/fapi/v1/order', 'GET'], ['/fapi/v1/algoOrder', 'GET']] as Array<[string, string]>) : r.chance(0.7) ? r.pick(ORDER_PATHS) : r.pick(READ_PATHS);
  const count = r.int(1, 3);
  switch (kind) {
    case 'timeout': return { kind: 'timeout_after_apply', path, method, count };
    case 'reset': return { kind: 'reset_after_apply', path, method, count };
    case 's503': return { kind: 'status', status: 503, path, method, count };
    case 's503code': return { kind: 'status', status: 503, code: -1001, path, method, count };
    case 's503apply': return r.chance(0.5) ? { kind: 'status', status: 503, code: -1001, apply: true, path, method, count } : { kind: 'status', status: 503, apply: true, path, method, count };
    case 's500': return { kind: 'status', status: 500, code: -1000, path, method, count };
    case 'r429': return { kind: 'rate_limit', status: 429, retryAfterSec: r.int(1, 3), path, method, count };
    case 'r418': return { kind: 'rate_limit', status: 418, retryAfterSec: r.int(1, 2), path, method, count };
    case 'reject': return { kind: 'reject', code: r.pick(REJECT_CODES), path, method, count };
    case 'delay': return { kind: 'delay', ms: r.pick([300, 800, 1500, 2500, 3500]), path, method, count };
    case 'lookup': return r.chance(0.5)
      ? { kind: 'status', status: 503, code: -1000, path, method, count: r.int(1, 5) }
      : { kind: 'reject', code: r.pick([-1000, -2013]), path, method, count: r.int(1, 5) };
  }
}

const wait = (r: Rng) => (r.chance(0.3) ? r.int(50, 300) : r.int(400, 2200));

function marketStep(r: Rng, mode: Schedule['positionMode'], seq: { n: number }, seed: number): Step {
  const symbol: Sym = r.chance(0.75) ? 'BTCUSDT' : 'ETHUSDT';
  const dir: Dir = r.chance(0.6) ? 'LONG' : 'SHORT';
  const kind = r.weighted({ position: 4, flatten: 2, open: 3, close: 2 });
  if (kind === 'position') return { kind: 'position', symbol, dir, qty: r.pick(QTY[symbol]), entryPct: r.pick(ENTRY_PCTS), waitMs: wait(r) };
  if (kind === 'flatten') return { kind: 'flatten', symbol, dir, waitMs: wait(r) };
  const id = `manual-${seed}-${++seq.n}`;
  const qty = r.pick(QTY[symbol]);
  if (kind === 'open') {
    // Exposure-increasing: a market order (a fill at once) or a resting limit beyond the mark.
    const type = r.chance(0.4) ? 'MARKET' : 'LIMIT';
    const pricePct = (dir === 'LONG' ? -1 : 1) * r.pick([0.4, 0.8, 1.2, 1.7, 2.3]);
    return { kind: 'manual-order', id, symbol, dir, action: 'open', type, pricePct, qty, waitMs: wait(r) };
  }
  // Closing: another user's take-profit (limit) or stop (conditional, quantity not closePosition).
  const type = r.chance(0.5) ? 'LIMIT' : 'STOP_MARKET';
  const away = r.pick([0.7, 1.4, 2.6, 3.5]);
  const pricePct = (type === 'LIMIT') === (dir === 'LONG') ? away : -away;
  void mode;
  return { kind: 'manual-order', id, symbol, dir, action: 'close', type, pricePct, qty, waitMs: wait(r) };
}

export function generateSchedule(seed: number, options: GenerateOptions): Schedule {
  const r = new Rng(seed);
  const positionMode = r.chance(options.oneWayShare ?? 0.25) ? 'one_way' : 'hedge';
  const seq = { n: 0 };
  const setup: Step[] = [];
  // Positions the service finds at startup (1-3 scopes), then 0-2 other market events.
  const scopes: Array<[Sym, Dir]> = positionMode === 'hedge'
    ? [['BTCUSDT', 'LONG'], ['BTCUSDT', 'SHORT'], ['ETHUSDT', 'LONG'], ['ETHUSDT', 'SHORT']]
    : [['BTCUSDT', r.chance(0.5) ? 'LONG' : 'SHORT'], ['ETHUSDT', r.chance(0.5) ? 'LONG' : 'SHORT']];
  const nPositions = r.int(1, Math.min(3, scopes.length));
  for (let i = 0; i < nPositions; i++) {
    const [symbol, dir] = scopes.splice(r.int(0, scopes.length - 1), 1)[0]!;
    setup.push({ kind: 'position', symbol, dir, qty: r.pick(QTY[symbol]), entryPct: r.pick(ENTRY_PCTS), waitMs: 0 });
  }
  const nOther = r.int(0, 2);
  for (let i = 0; i < nOther; i++) setup.push({ ...marketStep(r, positionMode, seq, seed), waitMs: 0 });
  const steps: Step[] = [];
  let restarts = 0;
  const maxRestarts = options.maxRestarts ?? 2;
  while (steps.length < options.steps) {
    const kind = r.weighted({ price: 30, market: 20, partial: 3, rest: 20, stream: 12, skew: 2, forget: 3, heal: 4, kill: 3, killOnRequest: 4, graceful: 1 });
    switch (kind) {
      case 'price':
        steps.push({ kind: 'price', symbol: r.chance(0.75) ? 'BTCUSDT' : 'ETHUSDT', pct: r.pick(PRICE_PCTS), waitMs: wait(r) });
        break;
      case 'market':
        steps.push(marketStep(r, positionMode, seq, seed));
        break;
      case 'partial':
        steps.push({ kind: 'partial-fills', ratio: r.chance(0.6) ? r.pick(['0.3', '0.5', '0.7']) : null, waitMs: wait(r) });
        break;
      case 'rest':
        steps.push({ kind: 'rest-fault', rule: restRule(r), waitMs: wait(r) });
        break;
      case 'stream': {
        const which = r.weighted({ silent: 3, duplicate: 2, reorder: 2, delay: 2, drop: 3, close: 1, expire: 3, margin: 1, healthy: 2 });
        if (which === 'silent') steps.push({ kind: 'stream-fault', set: { silent: true }, waitMs: wait(r) });
        else if (which === 'duplicate') steps.push({ kind: 'stream-fault', set: { duplicate: true }, waitMs: wait(r) });
        else if (which === 'reorder') steps.push({ kind: 'stream-fault', set: { reorder: true }, waitMs: wait(r) });
        else if (which === 'delay') steps.push({ kind: 'stream-fault', set: { delayMs: r.pick([100, 300, 800, 1500]) }, waitMs: wait(r) });
        else if (which === 'healthy') steps.push({ kind: 'stream-fault', set: { silent: false, duplicate: false, reorder: false, delayMs: 0 }, waitMs: wait(r) });
        else steps.push({ kind: 'stream-action', action: ({ drop: 'drop', close: 'close', expire: 'expire-listen-key', margin: 'margin-frame' } as const)[which], waitMs: wait(r) });
        break;
      }
      case 'skew':
        steps.push({ kind: 'clock-skew', ms: r.pick([-7000, -2500, 1500, 6000]), waitMs: wait(r) });
        break;
      case 'forget':
        steps.push({ kind: 'forget-finished', on: r.chance(0.7), waitMs: wait(r) });
        break;
      case 'heal':
        steps.push({ kind: 'heal', waitMs: wait(r) });
        break;
      case 'kill':
        if (restarts >= maxRestarts) continue;
        restarts++;
        steps.push({ kind: 'kill', restartAfterMs: r.pick([0, 200, 1000, 3000]), waitMs: wait(r) });
        break;
      case 'killOnRequest': {
        if (restarts >= maxRestarts) continue;
        restarts++;
        const [path, method] = r.pick([['/fapi/v1/algoOrder', 'POST'], ['/fapi/v1/order', 'POST'], ['/fapi/v1/order', 'POST'], ['/fapi/v1/order', 'DELETE'], ['/fapi/v1/algoOrder', 'DELETE'], ['/fapi/v1/order', 'PUT']] as Array<[string, string]>);
        // Something to submit soon: a price move that makes the service act, then the kill waits for it.
        steps.push({ kind: 'kill-on-request', method, path, withinMs: 8000, restartAfterMs: r.pick([0, 500, 2000]), waitMs: r.int(20, 200) });
        break;
      }
      case 'graceful':
        if (restarts >= maxRestarts) continue;
        restarts++;
        steps.push({ kind: 'graceful-restart', waitMs: wait(r) });
        break;
    }
  }
  return { seed, positionMode, setup, steps };
}

/** Short labels for per-run figures. */
export function countKinds(schedule: Schedule) {
  const all = [...schedule.setup, ...schedule.steps];
  const faults = all.filter((s) => ['rest-fault', 'stream-fault', 'stream-action', 'clock-skew', 'forget-finished'].includes(s.kind)).length;
  const kills = all.filter((s) => s.kind === 'kill' || s.kind === 'kill-on-request').length;
  const graceful = all.filter((s) => s.kind === 'graceful-restart').length;
  return { steps: all.length, faults, kills, graceful };
}
