// Per-row CPU as the account grows (issue 13): N scopes with 3 open orders each, then bursts of
// rows (a market order filled, its fill, the position row) on scopes drawn across the account,
// each burst ending in that scope's pass. A per-row or per-pass path that scans the account's
// orders or scopes shows up as a ratio well above 1 between 10k and 1k scopes.
//
// Run alone: `node --expose-gc --import tsx test/bench/scale-rows.ts [scopes...]` (prints one JSON
// line per scope count); `npm run bench` reports `per_row_cpu_10k_over_1k` from it.
import { Decimal } from '../../src/domain/decimal.js';
import type { PrivateRow } from '../../src/domain/rows.js';
import { benchRuntime } from './bench-runtime.js';
import { symbolsFor } from './rows.js';

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const ORDERS_PER_SCOPE = 3;
const MEASURED_BURSTS = 4_000;
const CHUNK_BURSTS = 500;

export interface ScaleFigure { scopes: number; cpuMicrosPerRow: number; wallMicrosPerRow: number; rows: number }

const runtimeFor = (symbols: string[]) => benchRuntime(symbols, 'dry_run');

const sides = ['LONG', 'SHORT'] as const;

/** Three resting orders of another client per scope: what the account holds before the run. */
function restingOrders(symbols: string[]): PrivateRow[] {
  const rows: PrivateRow[] = [];
  for (const symbol of symbols) for (const managedSide of sides) for (let k = 0; k < ORDERS_PER_SCOPE; k++) {
    rows.push({ kind: 'order', symbol, managedSide, exchangeOrderId: `rest-${symbol}-${managedSide}-${k}`, side: managedSide === 'LONG' ? 'BUY' : 'SELL', type: 'LIMIT', status: 'NEW', price: new Decimal(50 + k), qty: new Decimal('1'), filledQty: new Decimal('0') });
  }
  return rows;
}

/** One burst per scope visited: a market order filled, its fill, the position row. */
function bursts(symbols: string[], count: number, seed: number): PrivateRow[] {
  const rows: PrivateRow[] = [];
  const scopes = symbols.length * 2;
  for (let i = 0; i < count; i++) {
    // A stride coprime with the scope count visits scopes spread over the whole account.
    const s = (seed + i * 7919) % scopes;
    const symbol = symbols[s >> 1]!;
    const managedSide = sides[s & 1]!;
    const price = new Decimal(100 + (i % 50));
    const id = `m-${seed}-${i}`;
    const side = managedSide === 'LONG' ? 'BUY' : 'SELL';
    rows.push({ kind: 'order', symbol, managedSide, exchangeOrderId: id, side, type: 'MARKET', status: 'FILLED', qty: new Decimal('1'), filledQty: new Decimal('1'), avgPrice: price });
    rows.push({ kind: 'execution', symbol, managedSide, exchangeOrderId: id, tradeId: `t-${seed}-${i}`, side, price, qty: new Decimal('1') });
    rows.push({ kind: 'position', symbol, managedSide, size: new Decimal(1 + (i % 3)), entryPrice: price });
  }
  return rows;
}

/** CPU and wall time per row with `scopeCount` scopes (3 open orders each), after a warm-up. */
export async function perRowAtScale(scopeCount: number): Promise<ScaleFigure> {
  const symbols = symbolsFor(Math.ceil(scopeCount / 2));
  const { runtime, advance } = await runtimeFor(symbols);
  const resting = restingOrders(symbols);
  for (let i = 0; i < resting.length; i += 5_000) {
    for (let j = i; j < Math.min(resting.length, i + 5_000); j++) runtime.router.ingest(resting[j]!);
    await advance(150);
  }
  await advance(2_000);
  const feed = async (rows: PrivateRow[]) => {
    const per = CHUNK_BURSTS * 3;
    for (let i = 0; i < rows.length; i += per) {
      for (let j = i; j < Math.min(rows.length, i + per); j++) runtime.router.ingest(rows[j]!);
      await advance(150);
    }
  };
  // Warm-up: the JIT, and one burst on every scope, so that at every scale the measured bursts
  // land on scopes that held a position before (a scope's first position is a cost of its own,
  // paid once; measured on cold scopes at 10k and warm ones at 1k it would be counted as growth).
  await feed(bursts(symbols, Math.max(1_000, symbols.length * 2), 1));
  const rows = bursts(symbols, MEASURED_BURSTS, 2);
  gc();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await feed(rows);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await runtime.stop();
  return { scopes: scopeCount, rows: rows.length, cpuMicrosPerRow: (cpu.user + cpu.system) / rows.length, wallMicrosPerRow: (wall * 1000) / rows.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
  for (const n of counts.length ? counts : [1_000, 10_000]) process.stdout.write(`${JSON.stringify(await perRowAtScale(n))}\n`);
  process.exit(0);
}
