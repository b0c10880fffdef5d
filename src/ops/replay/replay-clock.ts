// The replay's simulated clock. The runtime and its actors take it as their clock (RuntimeClock and
// XState's clock interface); the replay driver moves it to each recorded input's time. Unlike the
// conformance harness's SteppingClock it can stand AT a time without firing the timers due then:
// a recorded input and a timer due in the same millisecond are ambiguous (a Node timer fires at or
// after its due time, never before), so the input goes first and the timer right after.
import type { RuntimeClock } from '../../runtime/clock.js';

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

export class ReplayClock implements RuntimeClock {
  private current: number;
  private nextId = 1;
  /** Live timers (a few per scope: a plain list is enough). */
  private readonly timers = new Map<number, Timer>();

  constructor(startMs: number) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.current + Math.max(0, Number(timeout) || 0), fn: fn as () => void });
    return id;
  }

  clearTimeout(id: unknown): void {
    this.timers.delete(id as number);
  }

  /** The earliest live timer (due time, then arming order), if any. */
  next(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers.values()) if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    return best;
  }

  /** Fires one timer: the clock moves to its due time (never back). */
  fire(timer: Timer): void {
    if (!this.timers.delete(timer.id)) return;
    if (timer.due > this.current) this.current = timer.due;
    timer.fn();
  }

  /** Stands at `time` without firing anything (never back). */
  moveTo(time: number): void {
    if (time > this.current) this.current = time;
  }
}
