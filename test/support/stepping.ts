// Moving a SteppingClock the way the service's timers would see time pass: every timer due on the
// way fires in order, and the event loop turns after each (promises, setImmediate replies) before
// the clock moves on. Shared by the tests and benches that drive a real AccountRuntime.
import type { SteppingClock } from '../../src/conformance/stepping-clock.js';

export const tick = () => new Promise<void>((r) => setImmediate(r));

/** A few turns of the event loop: enough for a reply chain of promises and immediates to settle. */
export async function drainTurns(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await tick();
}

/** Moves `clock` to `at`, firing every timer due on the way and draining after each. */
export async function advanceClockTo(clock: SteppingClock, at: number, drain: () => Promise<void> = drainTurns): Promise<void> {
  for (;;) {
    const next = clock.nextDueAt();
    if (next === undefined || next > at) break;
    clock.set(Math.max(next, clock.now()));
    await drain();
  }
  clock.set(at);
  await drain();
}

/**
 * The service's start on a stepping clock: the machines boot, the private stream says it is open,
 * the account starts, and everything due at the current time runs.
 */
export async function bootWithOpenStream(
  runtime: { boot(): void; start(): void },
  venue: { push(item: { kind: 'stream'; status: 'open' }): void },
  clock: SteppingClock,
  drain: () => Promise<void> = drainTurns,
): Promise<void> {
  runtime.boot();
  venue.push({ kind: 'stream', status: 'open' });
  runtime.start();
  await drain();
  await advanceClockTo(clock, clock.now(), drain);
}
