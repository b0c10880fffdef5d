// The injected clock. XState actors take it as their system clock; the runtime reads `now()`
// from it and never from the wall clock, so a simulated clock drives everything in tests.
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
