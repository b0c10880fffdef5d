// OrderContextStore: customOrderId -> {scope, slot, generation, request, status}, durable on a
// DurableKv (SQLite file by default, PostgreSQL when shared, keyv in-memory in the harness). A context is written BEFORE the venue call
// and a failed write blocks the submission. Custom ids are opaque keys: nothing is parsed out of
// them. Reads are served from an in-memory mirror loaded once at startup.
import type Keyv from 'keyv';
import { LeaseLostError, type DurableKv } from '../store/durable-kv.js';
import { isDurableKv, keyvKv } from '../store/keyv-kv.js';
import type { PlainOrderFields } from '../domain/order-intent.js';
import { advanceLifecycle, contextStatusOf, lifecycleOfStatus, type LifecycleReport, type LifecycleState } from '../domain/order-lifecycle.js';

export type ContextStatus = 'pending' | 'active' | 'terminal';

/** The request a context records, as plain canonical fields. */
export type StoredIntent = PlainOrderFields;

export interface OrderContext {
  customOrderId: string;
  scopeKey: string;
  slot: string;
  generation: number;
  request?: StoredIntent;
  /** Coarse status, always `contextStatusOf(lifecycle)`: pending, active or terminal. */
  status: ContextStatus;
  /** Where the order stands (domain/order-lifecycle.ts); `unknown` keeps the scope in recovery. */
  lifecycle?: LifecycleState;
  exchangeOrderId?: string;
  /** The order had fill evidence (a DCA step with a fill is consumed). */
  filled?: boolean;
  /** The venue acknowledged the order once (accepted, or showed it open): "absent" cannot mean "never placed". */
  reachedVenue?: boolean;
  /** The position life of the scope when the order was placed (see LadderRecord.life). */
  life?: number;
  createdAtMs?: number;
  updatedAtMs: number;
}

/**
 * Per-scope DCA ladder progress for the current position life. A life ends when the position is
 * flat: the ladder restarts and rows of the ended life's orders no longer touch it.
 */
export interface LadderRecord {
  scopeKey: string;
  consumedSteps: number;
  life?: number;
  /** When the current life began (contexts written before lives were recorded are dated by it). */
  lifeStartedAtMs?: number;
}

const CONTEXT_PREFIX = 'ctx:';
const LADDER_PREFIX = 'ladder:';
const FILL_PREFIX = 'fill:';

export class ContextWriteError extends Error {
  constructor(readonly customOrderId: string, cause: unknown) {
    super(`durable context write failed for ${customOrderId}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'ContextWriteError';
  }
}

export class OrderContextStore {
  private readonly contexts = new Map<string, OrderContext>();
  private readonly ladders = new Map<string, LadderRecord>();
  private readonly generations = new Map<string, number>();
  private readonly byExchangeId = new Map<string, string>();
  /** Contexts that are not terminal, per scope (what recovery and ownership checks walk). */
  private readonly openByScope = new Map<string, Set<string>>();

  private readonly kv: DurableKv;

  constructor(store: DurableKv | Keyv) {
    this.kv = isDurableKv(store) ? store : keyvKv(store);
  }

  /** Loads every stored context and ladder into memory. */
  async load(): Promise<void> {
    this.contexts.clear();
    this.ladders.clear();
    this.generations.clear();
    this.byExchangeId.clear();
    this.openByScope.clear();
    this.fillIds.clear();
    for await (const [key, value] of this.kv.entries()) {
      if (key.startsWith(CONTEXT_PREFIX)) {
        const ctx = value as OrderContext;
        this.remember(ctx.lifecycle ? ctx : { ...ctx, lifecycle: lifecycleOfStatus(ctx.status, ctx.filled), ...(ctx.status === 'active' ? { reachedVenue: true } : {}) });
      } else if (key.startsWith(FILL_PREFIX)) {
        this.fillIds.add(key.slice(FILL_PREFIX.length));
      } else if (key.startsWith(LADDER_PREFIX)) {
        const ladder = value as LadderRecord;
        this.ladders.set(ladder.scopeKey, ladder);
      }
    }
  }

  get(customOrderId: string): OrderContext | undefined {
    return this.contexts.get(customOrderId);
  }

  /** The context of an order known only by its venue id (an echo without our custom id). */
  byExchangeOrderId(exchangeOrderId: string): OrderContext | undefined {
    const id = this.byExchangeId.get(exchangeOrderId);
    return id === undefined ? undefined : this.contexts.get(id);
  }

  all(): IterableIterator<OrderContext> {
    return this.contexts.values();
  }

  /** The scope's contexts that are not terminal. */
  openOfScope(scopeKey: string): OrderContext[] {
    const ids = this.openByScope.get(scopeKey);
    if (!ids) return [];
    const out: OrderContext[] = [];
    for (const id of ids) {
      const ctx = this.contexts.get(id);
      if (ctx) out.push(ctx);
    }
    return out;
  }

  /** Contexts whose order may or may not exist at the venue: the scope stays in recovery. */
  unresolvedOfScope(scopeKey: string): OrderContext[] {
    return this.openOfScope(scopeKey).filter((c) => c.lifecycle === 'unknown');
  }

  /**
   * Applies a lifecycle report: the mirror changes at once, the durable write follows (and its
   * failure is the caller's to journal). Returns the context as it now stands, or undefined.
   */
  async advance(customOrderId: string, report: LifecycleReport, patch: Partial<Omit<OrderContext, 'customOrderId' | 'status' | 'lifecycle'>> = {}): Promise<OrderContext | undefined> {
    const current = this.contexts.get(customOrderId);
    if (!current) return undefined;
    const lifecycle = advanceLifecycle(current.lifecycle ?? lifecycleOfStatus(current.status, current.filled), report);
    const changed = lifecycle !== current.lifecycle || Object.entries(patch).some(([k, v]) => k !== 'updatedAtMs' && (current as unknown as Record<string, unknown>)[k] !== v);
    if (!changed) return current;
    // Once reached, always reached: update() keeps the flag the context already holds.
    const reached = lifecycle === 'accepted' || lifecycle === 'open' || lifecycle === 'partially_filled' || lifecycle === 'filled' || report.kind === 'fill';
    await this.update(customOrderId, { ...patch, lifecycle, status: contextStatusOf(lifecycle), ...(reached ? { reachedVenue: true } : {}) });
    return this.contexts.get(customOrderId);
  }

  nextGeneration(scopeKey: string, slot: string): number {
    return (this.generations.get(`${scopeKey}|${slot}`) ?? 0) + 1;
  }

  /** Trade ids of fills applied before (a restart must not count a replayed fill twice). */
  readonly fillIds = new Set<string>();

  /** Records a fill's trade id durably, once. */
  async rememberFill(tradeId: string, atMs: number): Promise<void> {
    if (this.fillIds.has(tradeId)) return;
    this.fillIds.add(tradeId);
    await this.tracked(this.kv.set(FILL_PREFIX + tradeId, { atMs })).catch((error: unknown) => {
      throw new Error(`fill record write failed for ${tradeId}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /** Settles when every durable write already started has finished (a stopping account waits). */
  async flush(): Promise<void> {
    while (this.writes.size > 0) await Promise.allSettled([...this.writes]);
  }

  private readonly writes = new Set<Promise<unknown>>();

  private tracked<T>(write: Promise<T>): Promise<T> {
    this.writes.add(write);
    const startedAt = performance.now();
    return write.finally(() => {
      this.writes.delete(write);
      if (this.timers.size > 0) {
        const seconds = (performance.now() - startedAt) / 1000;
        for (const timer of this.timers) timer(seconds);
      }
    });
  }

  private readonly timers = new Set<(seconds: number) => void>();

  /** Told how long each durable write took (operators' metrics); returns the unsubscribe. */
  timeWrites(timer: (seconds: number) => void): () => void {
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  private observer: ((ok: boolean, detail: string, leaseLost: boolean) => void) | undefined;

  /** Told the outcome of every durable context write (the account degrades while writes fail, pauses when the lease is lost). */
  observeWrites(observer: (ok: boolean, detail: string, leaseLost: boolean) => void): void {
    this.observer = observer;
  }

  /** Durable write; throws ContextWriteError and leaves the mirror unchanged when it fails. */
  async put(ctx: OrderContext): Promise<void> {
    try {
      await this.tracked(this.kv.set(CONTEXT_PREFIX + ctx.customOrderId, ctx));
    } catch (error) {
      const failure = new ContextWriteError(ctx.customOrderId, error);
      this.observer?.(false, failure.message, error instanceof LeaseLostError);
      throw failure;
    }
    this.observer?.(true, '', false);
    this.remember(ctx);
  }

  /** Status changes after the venue call: the mirror changes at once, the write follows. */
  async update(customOrderId: string, patch: Partial<Omit<OrderContext, 'customOrderId'>>): Promise<void> {
    const current = this.contexts.get(customOrderId);
    if (!current) return;
    const next = { ...current, ...patch };
    this.contexts.set(customOrderId, next);
    this.index(next);
    await this.put(next);
  }

  consumedSteps(scopeKey: string): number {
    return this.ladders.get(scopeKey)?.consumedSteps ?? 0;
  }

  /** The scope's current position life (0 until its first flat). */
  lifeOf(scopeKey: string): number {
    return this.ladders.get(scopeKey)?.life ?? 0;
  }

  /**
   * Whether a row of this context's order belongs to an ended position life (a late row of
   * something that happened before the position last went flat). The venue's transaction time
   * decides when the row has one; otherwise the life the context was placed in, and for contexts
   * that predate recorded lives, when they were written.
   */
  ofEndedLife(ctx: OrderContext, rowTransactionTimeMs?: number): boolean {
    const startedAt = this.ladders.get(ctx.scopeKey)?.lifeStartedAtMs;
    // When the venue says when it happened, that decides: a fill of an order placed in an earlier
    // life that happens in this one is exposure of this one (it counts as a step of its ladder).
    if (rowTransactionTimeMs !== undefined && startedAt !== undefined) return rowTransactionTimeMs < startedAt;
    if (ctx.life !== undefined) return ctx.life < this.lifeOf(ctx.scopeKey);
    return startedAt !== undefined && (ctx.createdAtMs ?? ctx.updatedAtMs) < startedAt;
  }

  /** The position went flat at `atMs`: the ladder restarts and a new life begins. */
  async endLife(scopeKey: string, atMs: number): Promise<void> {
    await this.writeLadder({ scopeKey, consumedSteps: 0, life: this.lifeOf(scopeKey) + 1, lifeStartedAtMs: atMs });
  }

  async setConsumedSteps(scopeKey: string, consumedSteps: number): Promise<void> {
    const current = this.ladders.get(scopeKey);
    await this.writeLadder({ scopeKey, consumedSteps, life: current?.life ?? 0, ...(current?.lifeStartedAtMs !== undefined ? { lifeStartedAtMs: current.lifeStartedAtMs } : {}) });
  }

  private async writeLadder(record: LadderRecord): Promise<void> {
    const { scopeKey } = record;
    this.ladders.set(scopeKey, record);
    await this.tracked(this.kv.set(LADDER_PREFIX + scopeKey, record)).catch((error: unknown) => {
      throw new Error(`ladder write failed for ${scopeKey}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  private remember(ctx: OrderContext): void {
    this.contexts.set(ctx.customOrderId, ctx);
    this.index(ctx);
    if (ctx.exchangeOrderId) this.byExchangeId.set(ctx.exchangeOrderId, ctx.customOrderId);
    this.bumpGeneration(ctx.scopeKey, ctx.slot, ctx.generation);
  }

  private index(ctx: OrderContext): void {
    let ids = this.openByScope.get(ctx.scopeKey);
    if (ctx.status === 'terminal') {
      ids?.delete(ctx.customOrderId);
      if (ids && ids.size === 0) this.openByScope.delete(ctx.scopeKey);
      return;
    }
    if (!ids) this.openByScope.set(ctx.scopeKey, (ids = new Set()));
    ids.add(ctx.customOrderId);
  }

  private bumpGeneration(scopeKey: string, slot: string, generation: number): void {
    const key = `${scopeKey}|${slot}`;
    if ((this.generations.get(key) ?? 0) < generation) this.generations.set(key, generation);
  }
}
