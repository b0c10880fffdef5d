// Protection for many new positions at once (issue 13, `protect_10k_positions_ms`): N scopes get a
// position in one burst; the venue accepts every request and confirms it on the private stream
// (an order row NEW with the custom id) on the next turn of the event loop. The figure is the wall
// time from the position rows to every SL and TP confirmed (no pending confirmation left), on a
// simulated clock that jumps over the burst waits (so only the work is timed, not the waiting).
//
// Run alone: `node --expose-gc --import tsx test/bench/protect-many.ts [positions...]`.
import { Decimal } from '../../src/domain/decimal.js';
import type { OrderRow } from '../../src/domain/rows.js';
import { parseStrategy } from '../../src/config/strategy-config.js';
import type { VenueMutation } from '../../src/venues/port.js';
import { symbolsFor } from './rows.js';

import { benchRuntime, tick } from './bench-runtime.js';

export interface ProtectFigure { positions: number; ms: number; cpuMs: number; submissions: number }

/** The private confirmation a venue sends for an accepted place: the order, NEW, with our custom id. */
export function confirmation(m: VenueMutation, exchangeOrderId: string): OrderRow {
  const i = m.intent;
  return {
    kind: 'order', symbol: m.scope.symbol, managedSide: m.scope.managedSide, customOrderId: m.customOrderId, exchangeOrderId,
    side: i.side, type: i.type, status: 'NEW', price: i.price, triggerPrice: i.triggerPrice, qty: i.qty, filledQty: new Decimal(0),
    reduceOnly: i.reduceOnly, closePosition: i.closePosition,
  };
}

export async function protectMany(positions: number): Promise<ProtectFigure> {
  const symbols = symbolsFor(Math.ceil(positions / 2));
  const { runtime, clock, venue } = await benchRuntime(symbols, 'demo', {
    strategy: parseStrategy({ takeProfitPct: '1', stopLossPct: '2', dca: [] }), confirmationTimeoutMs: 600_000,
  });
  let nextId = 1;
  venue.onSubmit = (m) => {
    if (m.action !== 'place') return;
    const row = confirmation(m, String(nextId++));
    setImmediate(() => runtime.router.ingest(row));
  };
  for (let i = 0; i < 10; i++) await tick();
  const scopes: Array<{ symbol: string; managedSide: 'LONG' | 'SHORT' }> = [];
  for (const symbol of symbols) for (const managedSide of ['LONG', 'SHORT'] as const) if (scopes.length < positions) scopes.push({ symbol, managedSide });
  (globalThis as { gc?: () => void }).gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const s of scopes) runtime.router.ingest({ kind: 'position', symbol: s.symbol, managedSide: s.managedSide, size: new Decimal('1'), entryPrice: new Decimal('100') });
  const target = positions * 2;
  let idle = 0;
  while (venue.submitted.length < target || [...runtime.core.tracker.all()].length > 0) {
    const before = venue.submitted.length;
    const next = clock.nextDueAt();
    if (next !== undefined) clock.set(Math.max(next, clock.now()));
    for (let i = 0; i < 5; i++) await tick();
    idle = venue.submitted.length === before && next === undefined ? idle + 1 : 0;
    if (idle > 1_000) throw new Error(`stuck: ${venue.submitted.length}/${target} submitted, ${[...runtime.core.tracker.all()].length} pending`);
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // BENCH_NO_STOP=1: leave the runtime running (a CPU profile of the protection work alone).
  if (process.env.BENCH_NO_STOP !== '1') await runtime.stop();
  return { positions, ms, cpuMs: (cpu.user + cpu.system) / 1000, submissions: venue.submitted.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
  for (const n of counts.length ? counts : [1_000, 10_000]) process.stdout.write(`${JSON.stringify(await protectMany(n))}\n`);
  process.exit(0);
}
