// The conformance harness's venue: an in-memory REST view that steps replace, a private stream
// that steps push into, and submissions that stay in flight until a `submit_result` step answers
// them. An accepted answer applies the mutation to the REST view; nothing else changes it.
import type { Decimal } from '../domain/decimal.js';
import type { ExecutionRow, Filters, OrderRow, RestSnapshot } from '../domain/rows.js';
import type { Scope } from '../domain/scope.js';
import type { HydrationRequest, StreamItem, SubmitOutcome, Venue, VenueMutation } from '../venues/port.js';
import { AsyncQueue } from './async-queue.js';
import { faultError, VenueScript, type ArmedFault } from './venue-script.js';

export interface RestView {
  positions: NonNullable<RestSnapshot['positions']>;
  openOrders: OrderRow[];
  filters: NonNullable<RestSnapshot['filters']>;
  balances: NonNullable<RestSnapshot['balances']>;
  fills: NonNullable<RestSnapshot['fills']>;
}

export interface ScriptedSubmission {
  seq: number;
  mutation: VenueMutation;
  answered: boolean;
  resolve: (outcome: SubmitOutcome) => void;
}

export interface VenueHooks {
  onSubmit?: (s: ScriptedSubmission) => void;
  /** A scripted fault answered a submission at once. */
  onFaultAnswer?: (s: ScriptedSubmission, outcome: SubmitOutcome, fault: ArmedFault) => void;
  onHydrate?: (request: HydrationRequest, snapshot: RestSnapshot) => void;
  onLookup?: (entry: { kind: 'lookup' | 'fills'; customOrderId?: string; outcome: string }) => void;
}

export class ScriptedVenue implements Venue {
  readonly submissions: ScriptedSubmission[] = [];
  private readonly history = new Map<string, OrderRow>();
  private stream = new AsyncQueue<StreamItem>();
  private nextExchangeId = 1;
  private seq = 0;
  /** The next N lookups by custom id (and fill-history reads) fail as a venue error would. */
  lookupFailures = 0;
  /** Orders the venue no longer serves to a lookup (Binance's retention window for finished orders). */
  readonly forgotten = new Set<string>();
  /** Finished orders older than this are no longer served to a lookup (none: served forever). */
  retentionMs: number | undefined;
  private readonly finishedAt = new Map<string, number>();
  /** Faults and held calls the steps arm. */
  readonly script = new VenueScript();
  /** Mark prices per symbol (`marks` in a venue_state payload). */
  readonly marks = new Map<string, Decimal>();

  async markPrice(symbol: string): Promise<Decimal> {
    const mark = this.marks.get(symbol);
    if (!mark) throw new Error(`no mark price for ${symbol}`);
    return mark;
  }
  /** Every lookup and fill-history read, in order (what crossed the venue boundary). */
  readonly lookups: Array<{ customOrderId?: string; kind: 'lookup' | 'fills'; outcome: string }> = [];

  private noteLookup(entry: { customOrderId?: string; kind: 'lookup' | 'fills'; outcome: string }): void {
    this.lookups.push(entry);
    this.hooks.onLookup?.(entry);
  }

  constructor(
    readonly exchange: Venue['exchange'],
    readonly product: Venue['product'],
    readonly view: RestView,
    private readonly defaultFilters: Filters | undefined,
    private readonly hooks: VenueHooks = {},
    private readonly now: () => number = () => 0,
  ) {}

  /** Runs a read through the script: a fault throws, a hold parks the answer until released. */
  private async scripted<T>(call: 'hydration' | 'lookup' | 'fills', read: () => T): Promise<T> {
    const fault = this.script.take(call);
    if (fault) throw faultError(fault);
    const answer = read();
    if (!this.script.takeHold(call)) return answer;
    return new Promise<T>((resolve) => this.script.park(call, () => resolve(answer)));
  }

  replace(payload: Partial<RestView>): void {
    if (payload.positions) this.view.positions = payload.positions;
    if (payload.openOrders) {
      // An order that leaves the open orders without a stated ending (`closedOrders`) is one the
      // venue no longer serves: a lookup cannot tell how it ended.
      const still = new Set(payload.openOrders.map((o) => o.customOrderId));
      for (const o of this.view.openOrders) if (o.customOrderId && !still.has(o.customOrderId) && this.history.get(o.customOrderId)?.status === o.status) this.history.delete(o.customOrderId);
      this.view.openOrders = payload.openOrders;
    }
    if (payload.filters) this.view.filters = payload.filters;
    if (payload.balances) this.view.balances = payload.balances;
    if (payload.fills) this.view.fills = payload.fills;
    for (const o of this.view.openOrders) if (o.customOrderId) this.history.set(o.customOrderId, o);
  }

  async hydrate(request: HydrationRequest): Promise<RestSnapshot> {
    return this.scripted('hydration', () => this.snapshot(request));
  }

  /** The REST view as of the request (a held answer keeps it even if steps change the view). */
  private snapshot(request: HydrationRequest): RestSnapshot {
    const snapshot: RestSnapshot = {
      positions: this.view.positions.map((p) => ({ ...p })),
      openOrders: this.view.openOrders.map((o) => ({ ...o })),
      filters: this.filtersSnapshot(),
      balances: this.view.balances.map((b) => ({ ...b })),
      fills: this.view.fills.map((f) => ({ ...f })),
    };
    this.hooks.onHydrate?.(request, snapshot);
    return snapshot;
  }

  privateRows(): AsyncIterable<StreamItem> {
    return this.stream;
  }

  /**
   * A new process subscribes anew: the old subscription ends, and requests the dead process had
   * in flight can no longer be answered to it (whether the venue applied them is what
   * `venue_state` says).
   */
  reopenStream(): void {
    for (const s of this.submissions) if (!s.answered) s.answered = true;
    this.stream.close();
    this.stream = new AsyncQueue<StreamItem>();
  }

  push(item: StreamItem): void {
    this.stream.push(item);
  }

  submit(mutation: VenueMutation): Promise<SubmitOutcome> {
    return new Promise((resolve) => {
      const s: ScriptedSubmission = { seq: ++this.seq, mutation, answered: false, resolve };
      this.submissions.push(s);
      this.hooks.onSubmit?.(s);
      const fault = this.script.take('submission', { action: mutation.action, slot: mutation.slot });
      if (fault) this.answerWithFault(s, fault);
    });
  }

  /** A scripted fault answers at once, as the venue's failure would reach the adapter. */
  private answerWithFault(s: ScriptedSubmission, fault: ArmedFault): void {
    s.answered = true;
    if (fault.applied) this.applyAccepted(s.mutation, s.mutation.action === 'place' ? `${9_000_000 + this.nextExchangeId++}` : undefined);
    const outcome: SubmitOutcome = fault.kind === 'timeout' || fault.kind === 'network_error'
      ? { kind: 'unknown', reason: fault.kind }
      : fault.kind === 'auth'
        ? { kind: 'rejected', code: -2015, httpStatus: 401, message: 'Invalid API-key, IP, or permissions for action.' }
        : { kind: 'rejected', ...(fault.code !== undefined ? { code: fault.code } : {}), httpStatus: fault.httpStatus ?? 503 };
    this.hooks.onFaultAnswer?.(s, outcome, fault);
    s.resolve(outcome);
  }

  /** Answers the oldest unanswered submission that matches. */
  answer(match: (m: VenueMutation) => boolean, outcome: SubmitOutcome, appliedAnyway = false): ScriptedSubmission | undefined {
    const s = this.submissions.find((x) => !x.answered && match(x.mutation));
    if (!s) return undefined;
    s.answered = true;
    // A 5xx or a timeout may come back for a request the venue did apply.
    if (outcome.kind !== 'accepted' && appliedAnyway) this.applyAccepted(s.mutation, s.mutation.action === 'place' ? `${9_000_000 + this.nextExchangeId++}` : undefined);
    if (outcome.kind === 'accepted') {
      const exchangeOrderId = outcome.exchangeOrderId ?? (s.mutation.action === 'place' ? `${9_000_000 + this.nextExchangeId++}` : undefined);
      this.applyAccepted(s.mutation, exchangeOrderId);
      s.resolve({ kind: 'accepted', ...(exchangeOrderId ? { exchangeOrderId } : {}) });
    } else s.resolve(outcome);
    return s;
  }

  async findByCustomId(scope: Scope, customOrderId: string): Promise<OrderRow | 'absent'> {
    const fault = this.script.take('lookup');
    if (fault) {
      this.noteLookup({ customOrderId, kind: 'lookup', outcome: 'failed' });
      throw faultError(fault);
    }
    return this.scripted('lookup', () => this.lookup(scope, customOrderId));
  }

  private lookup(_scope: Scope, customOrderId: string): OrderRow | 'absent' {
    if (this.lookupFailures > 0) {
      this.lookupFailures--;
      this.noteLookup({ customOrderId, kind: 'lookup', outcome: 'failed' });
      throw new Error('venue error -1000: An unknown error occurred while processing the request.');
    }
    const open = this.view.openOrders.find((o) => o.customOrderId === customOrderId);
    const finished = this.finishedAt.get(customOrderId);
    const expired = finished !== undefined && this.retentionMs !== undefined && this.now() - finished > this.retentionMs;
    const known = open ?? (this.forgotten.has(customOrderId) || expired ? undefined : this.history.get(customOrderId));
    this.noteLookup({ customOrderId, kind: 'lookup', outcome: known ? known.status : 'absent' });
    return known ? { ...known } : 'absent';
  }

  /** Finished orders: gone from the open orders, served by a lookup with their terminal status. */
  closeOrders(rows: OrderRow[]): void {
    for (const row of rows) {
      if (!row.customOrderId) continue;
      this.view.openOrders = this.view.openOrders.filter((o) => o.customOrderId !== row.customOrderId);
      this.history.set(row.customOrderId, { ...row });
      this.finishedAt.set(row.customOrderId, this.now());
    }
  }

  async fillsSince(scope: Scope, sinceMs: number): Promise<ExecutionRow[]> {
    const fault = this.script.take('fills');
    if (fault) {
      this.noteLookup({ kind: 'fills', outcome: 'failed' });
      throw faultError(fault);
    }
    return this.scripted('fills', () => this.fills(scope, sinceMs));
  }

  private fills(scope: Scope, sinceMs: number): ExecutionRow[] {
    if (this.lookupFailures > 0) {
      this.lookupFailures--;
      this.noteLookup({ kind: 'fills', outcome: 'failed' });
      throw new Error('venue error -1000: An unknown error occurred while processing the request.');
    }
    const fills = this.view.fills.filter((f) => f.symbol === scope.symbol && (f.transactionTimeMs === undefined || f.transactionTimeMs >= sinceMs));
    this.noteLookup({ kind: 'fills', outcome: String(fills.length) });
    return fills.map((f) => ({ ...f }));
  }

  private filtersSnapshot(): Record<string, Filters> {
    const out: Record<string, Filters> = {};
    if (this.defaultFilters) {
      const symbols = [...this.view.positions, ...this.view.openOrders, ...this.view.fills].map((r) => r.symbol);
      for (const s of [...symbols, ...this.extraSymbols]) out[s] = this.defaultFilters;
    }
    return { ...out, ...this.view.filters };
  }

  /** Symbols that get default filters even before any row mentions them. */
  readonly extraSymbols = new Set<string>();

  async close(): Promise<void> {
    this.stream.close();
  }

  private applyAccepted(m: VenueMutation, exchangeOrderId: string | undefined): void {
    const i = m.intent;
    if (m.action === 'place') {
      const row: OrderRow = {
        kind: 'order', symbol: m.scope.symbol, managedSide: m.scope.managedSide, customOrderId: m.customOrderId, exchangeOrderId,
        side: i.side, type: i.type, status: 'NEW', price: i.price, triggerPrice: i.triggerPrice, qty: i.qty,
        reduceOnly: i.reduceOnly, closePosition: i.closePosition,
      };
      this.view.openOrders.push(row);
      this.history.set(m.customOrderId, row);
    } else if (m.action === 'amend') {
      const row = this.view.openOrders.find((o) => o.customOrderId === m.customOrderId);
      if (row) {
        if (i.price) row.price = i.price;
        if (i.qty) row.qty = i.qty;
      }
    } else {
      const index = this.view.openOrders.findIndex((o) => o.customOrderId === m.customOrderId);
      if (index >= 0) {
        const [row] = this.view.openOrders.splice(index, 1);
        if (row && row.customOrderId) {
          this.history.set(row.customOrderId, { ...row, status: 'CANCELED' });
          this.finishedAt.set(row.customOrderId, this.now());
        }
      }
    }
  }
}
