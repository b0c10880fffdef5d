// `scopes_100k_spawn_ms` / `scopes_100k_stop_ms` / `scope_bytes` (issue 13, item 6): 100,000 scope
// actors made known on one account (dry run), the time to spawn them, the heap each costs after a
// forced GC, and the time to stop the whole account. Run in a process of its own (memory per scope
// must not be mixed with other figures' garbage): `node --expose-gc --import tsx test/bench/scopes-100k.ts [count]`
// prints one JSON line after the spawn and one after the stop.
import { pathToFileURL } from 'node:url';
import { benchRuntime } from './bench-runtime.js';
import { symbolsFor } from './rows.js';

export async function scopesAtScale(count: number, onSpawned?: (f: { spawnMs: number; scopeBytes: number }) => void): Promise<{ spawnMs: number; stopMs: number; scopeBytes: number }> {
  const gc = () => (globalThis as { gc?: () => void }).gc?.();
  const symbols = symbolsFor(Math.ceil(count / 2));
  const { runtime, drain } = await benchRuntime(symbols, 'dry_run');
  await drain();
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let made = 0;
  for (const symbol of symbols) for (const side of ['LONG', 'SHORT'] as const) if (made++ < count) runtime.core.know(runtime.core.keyOf(symbol, side));
  const spawnMs = performance.now() - t0;
  await drain();
  gc();
  const scopeBytes = (process.memoryUsage().heapUsed - heap0) / count;
  // Said before the stop: a stop that does not finish must not take these figures with it.
  onSpawned?.({ spawnMs, scopeBytes });
  const t1 = performance.now();
  await runtime.stop();
  return { spawnMs, stopMs: performance.now() - t1, scopeBytes };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = Number(process.argv[2] ?? 100_000);
  const result = await scopesAtScale(count, (spawned) => process.stdout.write(`${JSON.stringify({ count, ...spawned })}\n`));
  process.stdout.write(`${JSON.stringify({ count, ...result })}\n`);
}
