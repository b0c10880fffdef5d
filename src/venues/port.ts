// The one interface the runtime sees of a venue. Adapters own every venue quirk and hand over
// normalized rows; the runtime never sees a venue payload.
import type { Decimal } from '../domain/decimal.js';
import type { OrderIntent } from '../domain/order-intent.js';
import type { ExecutionRow, OrderRow, PrivateRow, RestSnapshot } from '../domain/rows.js';
import type { ExchangeId, Product, Scope } from '../domain/scope.js';

export type HydrationSubject = 'startup' | 'reconnect' | 'recovery';

export interface HydrationRequest {
  subject: HydrationSubject;
  scopes?: Scope[];
}

export interface VenueMutation {
  action: 'place' | 'amend' | 'cancel';
  scope: Scope;
  slot: string;
  /** The new order's id for place; the target's id for amend and cancel. */
  customOrderId: string;
  exchangeOrderId?: string;
  intent: OrderIntent;
  /**
   * The second leg of one venue order list (venues whose `protectionOrderList` capability is set):
   * the TP of an SL+TP pair placed (or cancelled) as ONE request. Its context is written before the
   * request like the first leg's; the one outcome applies to both legs.
   */
  paired?: { slot: string; customOrderId: string; exchangeOrderId?: string; intent: OrderIntent };
}

export type SubmitOutcome =
  | { kind: 'accepted'; exchangeOrderId?: string; /** The paired leg's venue id (order lists). */ pairedExchangeOrderId?: string }
  | {
    kind: 'rejected'; code?: string | number; message?: string; httpStatus?: number; retryAfterMs?: number;
    /**
     * A paired request (an order list) refused because of ONE leg (a stop that would trigger at
     * once): that leg's slot. The other leg was not placed either, but nothing is wrong with it.
     */
    refusedSlot?: string;
  }
  | { kind: 'unknown'; reason: string };

export type StreamSignal =
  | { kind: 'stream'; status: 'open' }
  | { kind: 'stream'; status: 'closed'; reason: string };

export type StreamItem = PrivateRow | StreamSignal | { kind: 'malformed'; reason: string; raw?: unknown };

export interface Venue {
  readonly exchange: ExchangeId;
  readonly product: Product;
  /**
   * How long after it was sent a request can still be applied by the venue (Binance: recvWindow
   * plus clock skew). Until then a lookup that answers "absent" proves nothing. 0: never later.
   */
  readonly requestValidityMs?: number;
  hydrate(request: HydrationRequest): Promise<RestSnapshot>;
  /** Normalized rows and transport signals, in arrival order. */
  privateRows(): AsyncIterable<StreamItem>;
  submit(mutation: VenueMutation): Promise<SubmitOutcome>;
  /**
   * The order with this custom id (terminal orders carry their terminal status), or 'absent'.
   * 'absent' does not prove the order never existed: venues stop serving finished orders after a
   * retention window. A failed lookup throws; it never answers 'absent'.
   */
  findByCustomId(scope: Scope, customOrderId: string): Promise<OrderRow | 'absent'>;
  /**
   * The account's fills on the scope's symbol since `sinceMs` (REST trade history), each with the
   * custom id and/or venue order id of its order where the venue gives them. Scoped recovery
   * reads them so that a fill is evidence even when its order is no longer served.
   */
  fillsSince(scope: Scope, sinceMs: number): Promise<ExecutionRow[]>;
  /** The symbol's mark price now (what triggers stops); venues without one leave it out. */
  markPrice?(symbol: string): Promise<Decimal>;
  /** Drops and re-opens the private stream (a watchdog saw silence); venues without one ignore it. */
  restartStream?(reason: string): Promise<void>;
  close(): Promise<void>;
}
