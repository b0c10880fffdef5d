// A venue for benchmarks: answers hydration with filters for every symbol and accepts every
// submission at once, recording when the request reached it.
import { Decimal } from '../../src/domain/decimal.js';
import type { ExecutionRow, OrderRow, RestSnapshot } from '../../src/domain/rows.js';
import type { StreamItem, SubmitOutcome, Venue, VenueMutation } from '../../src/venues/port.js';

export class BenchVenue implements Venue {
  readonly exchange = 'generic' as const;
  readonly product = 'linear' as const;
  readonly submitted: Array<{ at: number; mutation: VenueMutation }> = [];
  onSubmit: ((m: VenueMutation) => void) | undefined;

  constructor(private readonly symbols: string[]) {}

  async hydrate(): Promise<RestSnapshot> {
    const f = { tickSize: new Decimal('0.1'), stepSize: new Decimal('0.001'), minQty: new Decimal('0.001'), minNotional: new Decimal('5') };
    return { positions: [], openOrders: [], filters: Object.fromEntries(this.symbols.map((s) => [s, f])), balances: [], fills: [] };
  }

  /** The stream opens at once and then stays quiet (benchmarks feed rows to the router directly). */
  privateRows(): AsyncIterable<StreamItem> {
    let opened = false;
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          if (opened) return new Promise<IteratorResult<StreamItem>>(() => undefined);
          opened = true;
          return Promise.resolve({ value: { kind: 'stream', status: 'open' } as StreamItem, done: false });
        },
      }),
    };
  }

  async submit(mutation: VenueMutation): Promise<SubmitOutcome> {
    this.submitted.push({ at: performance.now(), mutation });
    this.onSubmit?.(mutation);
    return { kind: 'accepted' };
  }

  async fillsSince(): Promise<ExecutionRow[]> {
    return [];
  }

  async findByCustomId(): Promise<OrderRow | 'absent'> {
    return 'absent';
  }

  async close(): Promise<void> {}
}
