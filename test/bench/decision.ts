// Decision latency (issue 13: `decision_p99_ms` / `decision_durable_p99_ms`): demo mode, a venue
// that accepts and confirms every place on the private stream on the next turn (so no scope sits in
// recovery), a warm-up first. For each fresh scope a position row arrives; the simulated clock then
// reaches the end of the burst wait, and the figure is the real time from there to the first
// request reaching the venue port: the pass, the gates and the context write, without the wait.
// `durable`: the context write goes to the SQLite store (group commit, WAL, synchronous FULL, one
// fsync) instead of memory.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from '../../src/domain/decimal.js';
import type { PrivateRow } from '../../src/domain/rows.js';
import { openDurableStore } from '../../src/ops/store.js';
import { benchRuntime } from './bench-runtime.js';
import { confirmation } from './protect-many.js';
import { symbolsFor } from './rows.js';

export async function decisionSamples(options: { durable: boolean; scopes?: number; warmup?: number }): Promise<number[]> {
  const scopes = options.scopes ?? 400;
  const warmup = options.warmup ?? 100;
  const symbols = symbolsFor(scopes + warmup);
  const store = options.durable ? await openDurableStore(join(mkdtempSync(join(tmpdir(), 'exstate-decision-')), 'd.sqlite')) : undefined;
  const { runtime, clock, venue, advance, drain } = await benchRuntime(symbols, 'demo', { confirmationTimeoutMs: 600_000 }, store?.kv);
  let nextId = 1;
  const samples: number[] = [];
  for (let i = 0; i < symbols.length; i++) {
    let reached = 0;
    venue.onSubmit = (m) => {
      if (reached === 0) reached = performance.now();
      if (m.action === 'place') {
        const row = confirmation(m, String(nextId++));
        setImmediate(() => runtime.router.ingest(row));
      }
    };
    const row: PrivateRow = { kind: 'position', symbol: symbols[i]!, managedSide: 'LONG', size: new Decimal('1'), entryPrice: new Decimal('100') };
    runtime.router.ingest(row);
    await drain();
    const t0 = performance.now();
    clock.set(clock.now() + 150); // the burst wait ends: from here to the venue call is the decision
    for (let k = 0; k < 50 && reached === 0; k++) await drain();
    if (i >= warmup && reached > 0) samples.push(reached - t0);
    await advance(10);
  }
  venue.onSubmit = undefined;
  await runtime.stop();
  await store?.close();
  return samples.sort((a, b) => a - b);
}

export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
