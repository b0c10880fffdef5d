// The embedded venue: an in-memory account used by `npm start` when no venue is configured.
// It is seeded with one open position so a first run shows hydration, readiness and the SL/TP
// candidates. (The loopback simulator that real ccxt trades against replaces it as the
// embedded default once it exists; this one never touches a network.)
import { Decimal } from '../../domain/decimal.js';
import type { OrderRow, RestSnapshot } from '../../domain/rows.js';
import type { Scope } from '../../domain/scope.js';
import type { HydrationRequest, StreamItem, SubmitOutcome, Venue, VenueMutation } from '../port.js';

interface Waiter {
  resolve: (r: IteratorResult<StreamItem>) => void;
}

export class EmbeddedVenue implements Venue {
  readonly exchange = 'generic' as const;
  readonly product = 'linear' as const;
  private readonly orders: OrderRow[] = [];
  private readonly history = new Map<string, OrderRow>();
  private readonly queue: StreamItem[] = [{ kind: 'stream', status: 'open' }];
  private waiter: Waiter | undefined;
  private closed = false;
  private nextId = 1;

  constructor(private readonly seed = { symbol: 'BTCUSDT', size: '0.01', entryPrice: '65000' }) {}

  async hydrate(_request: HydrationRequest): Promise<RestSnapshot> {
    return {
      positions: [{ kind: 'position', symbol: this.seed.symbol, managedSide: 'LONG', size: new Decimal(this.seed.size), entryPrice: new Decimal(this.seed.entryPrice) }],
      openOrders: this.orders.map((o) => ({ ...o })),
      filters: { [this.seed.symbol]: { tickSize: new Decimal('0.1'), stepSize: new Decimal('0.001'), minQty: new Decimal('0.001'), minNotional: new Decimal('5') } },
      balances: [{ kind: 'balance', asset: 'USDT', walletBalance: new Decimal('10000'), availableBalance: new Decimal('9350') }],
      fills: [],
    };
  }

  privateRows(): AsyncIterable<StreamItem> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift()!, done: false });
          if (this.closed) return Promise.resolve({ value: undefined as never, done: true });
          return new Promise((resolve) => (this.waiter = { resolve }));
        },
      }),
    };
  }

  async submit(m: VenueMutation): Promise<SubmitOutcome> {
    const i = m.intent;
    if (m.action === 'place') {
      const row: OrderRow = {
        kind: 'order', symbol: m.scope.symbol, managedSide: m.scope.managedSide, customOrderId: m.customOrderId, exchangeOrderId: String(this.nextId++),
        side: i.side, type: i.type, status: 'NEW', price: i.price, triggerPrice: i.triggerPrice, qty: i.qty, reduceOnly: i.reduceOnly, closePosition: i.closePosition,
      };
      this.orders.push(row);
      this.history.set(m.customOrderId, row);
      this.emit({ ...row });
      return { kind: 'accepted', exchangeOrderId: row.exchangeOrderId };
    }
    const index = this.orders.findIndex((o) => o.customOrderId === m.customOrderId);
    if (index < 0) return { kind: 'rejected', code: -2011, message: 'Unknown order sent.' };
    const row = this.orders[index]!;
    if (m.action === 'cancel') {
      this.orders.splice(index, 1);
      this.emit({ ...row, status: 'CANCELED' });
    } else {
      if (i.price) row.price = i.price;
      if (i.qty) row.qty = i.qty;
      this.emit({ ...row, status: 'AMENDED' });
    }
    return { kind: 'accepted' };
  }

  async findByCustomId(_scope: Scope, customOrderId: string): Promise<OrderRow | 'absent'> {
    return this.history.get(customOrderId) ?? 'absent';
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiter?.resolve({ value: undefined as never, done: true });
    this.waiter = undefined;
  }

  private emit(item: StreamItem): void {
    // Private confirmations arrive shortly after the REST answer, as on a real venue.
    setTimeout(() => {
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = undefined;
        w.resolve({ value: item, done: false });
      } else this.queue.push(item);
    }, 20);
  }
}
