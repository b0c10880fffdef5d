// The conformance harness's clock (test-only code, so it lives here, not in runtime/): XState's
// SimulatedClock API on a binary heap, stepped timer by timer. Benchmarks use it too.
import { SimulatedClock } from 'xstate';

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

/**
 * XState's SimulatedClock with the same API and firing order (due time, then arming order), on a
 * binary heap. The stock one re-sorts every armed timer whenever a firing timer arms or cancels
 * another, which is quadratic with thousands of scopes; this one is O(log n) per timer. It also
 * tells the next due time, so a driver can step timer by timer (one big jump does not cascade
 * timers armed by fired timers).
 */
export class SteppingClock extends SimulatedClock {
  private readonly heap: Timer[] = [];
  private readonly live = new Map<number, Timer>();
  private current = 0;
  private nextId = 0;
  private flushing = false;

  override now(): number {
    return this.current;
  }

  override setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    const timer: Timer = { id: this.nextId++, due: this.current + timeout, fn: fn as () => void };
    this.live.set(timer.id, timer);
    this.push(timer);
    return timer.id;
  }

  override clearTimeout(id: number): void {
    this.live.delete(id); // removed from the heap lazily
  }

  override set(time: number): void {
    if (time < this.current) throw new Error('Unable to travel back in time');
    this.current = time;
    this.flushDue();
  }

  override increment(ms: number): void {
    this.set(this.current + ms);
  }

  private flushDue(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (;;) {
        const top = this.peek();
        if (!top || top.due > this.current) break;
        this.pop();
        this.live.delete(top.id);
        top.fn();
      }
    } finally {
      this.flushing = false;
    }
  }

  nextDueAt(): number | undefined {
    return this.peek()?.due;
  }

  private peek(): Timer | undefined {
    while (this.heap.length > 0 && !this.live.has(this.heap[0]!.id)) this.pop();
    return this.heap[0];
  }

  private less(a: Timer, b: Timer): boolean {
    return a.due < b.due || (a.due === b.due && a.id < b.id);
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
