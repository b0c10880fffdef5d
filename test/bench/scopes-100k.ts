// `scopes_100k_spawn_ms` / `scopes_100k_stop_ms` / `scope_bytes` (issue 13, item 6): 100,000 scope
// actors made known on one account (dry run), the time to spawn them, the heap each costs after a
// forced GC, and the time to stop the whole account. Run in a process of its own (memory per scope
// must not be mixed with other figures' garbage): `node --expose-gc --import tsx test/bench/scopes-100k.ts [count]`
// prints one JSON line after the spawn, one after the stop, and one for XState's own floor.
//
// The floor (`xstate_actor_*`): the same number of bare XState actors (a one-state machine, no
// context, a shared parent, nothing of exstate) created and started in the same process. No
// design that keeps one XState actor per scope can spawn faster or hold less than that.
import { pathToFileURL } from 'node:url';
import { createActor, setup, type AnyActorRef } from 'xstate';
import { benchRuntime } from './bench-runtime.js';
import { symbolsFor } from './rows.js';

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const cpuMsSince = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

export interface ScopesFigure { spawnMs: number; spawnCpuMs: number; stopMs: number; stopCpuMs: number; scopeBytes: number }

export async function scopesAtScale(count: number, onSpawned?: (f: Pick<ScopesFigure, 'spawnMs' | 'spawnCpuMs' | 'scopeBytes'>) => void): Promise<ScopesFigure> {
  const symbols = symbolsFor(Math.ceil(count / 2));
  const { runtime, drain } = await benchRuntime(symbols, 'dry_run');
  await drain();
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let made = 0;
  for (const symbol of symbols) for (const side of ['LONG', 'SHORT'] as const) if (made++ < count) runtime.core.know(runtime.core.keyOf(symbol, side));
  const spawnMs = performance.now() - t0;
  const spawnCpuMs = cpuMsSince(c0);
  await drain();
  gc();
  const scopeBytes = (process.memoryUsage().heapUsed - heap0) / count;
  // Said before the stop: a stop that does not finish must not take these figures with it.
  onSpawned?.({ spawnMs, spawnCpuMs, scopeBytes });
  const c1 = process.cpuUsage();
  const t1 = performance.now();
  await runtime.stop();
  return { spawnMs, spawnCpuMs, stopMs: performance.now() - t1, stopCpuMs: cpuMsSince(c1), scopeBytes };
}

/** XState's own cost: `count` bare actors under one parent, created and started (see the header). */
export async function xstateFloor(count: number): Promise<{ floorSpawnMs: number; floorSpawnCpuMs: number; floorBytes: number }> {
  const bare = setup({}).createMachine({ id: 'bare', initial: 'idle', states: { idle: {} } });
  const parent = createActor(setup({}).createMachine({ id: 'parent' })).start();
  const refs: AnyActorRef[] = [];
  await new Promise((r) => setImmediate(r));
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) refs.push(createActor(bare, { id: `scope-${i}`, parent } as never).start() as AnyActorRef);
  const floorSpawnMs = performance.now() - t0;
  const floorSpawnCpuMs = cpuMsSince(c0);
  await new Promise((r) => setImmediate(r));
  gc();
  const floorBytes = (process.memoryUsage().heapUsed - heap0) / count;
  parent.stop();
  refs.length = 0;
  return { floorSpawnMs, floorSpawnCpuMs, floorBytes };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = Number(process.argv[2] ?? 100_000);
  const result = await scopesAtScale(count, (spawned) => process.stdout.write(`${JSON.stringify({ count, ...spawned })}\n`));
  process.stdout.write(`${JSON.stringify({ count, ...result })}\n`);
  gc();
  process.stdout.write(`${JSON.stringify({ count, ...(await xstateFloor(count)) })}\n`);
}
