// The injected clock. XState actors take it as their system clock; the runtime reads `now()`
// from it and never from the wall clock, so a SimulatedClock drives everything in tests.
import { SimulatedClock } from 'xstate';

export interface RuntimeClock {
  now(): number;
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
}

export const systemClock: RuntimeClock = {
  now: () => Date.now(),
  setTimeout: (fn, timeout) => setTimeout(fn, timeout),
  clearTimeout: (id) => clearTimeout(id as NodeJS.Timeout),
};

/**
 * XState's SimulatedClock plus a look at the next due timer, so a driver can step through
 * time timer by timer (one big `increment` does not cascade timers armed by fired timers).
 */
export class SteppingClock extends SimulatedClock {
  nextDueAt(): number | undefined {
    const timeouts = (this as unknown as { timeouts: Map<number, { start: number; timeout: number }> }).timeouts;
    let next: number | undefined;
    for (const t of timeouts.values()) {
      const due = t.start + t.timeout;
      if (next === undefined || due < next) next = due;
    }
    return next;
  }
}
