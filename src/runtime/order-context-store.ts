// OrderContextStore: customOrderId -> {scope, slot, generation, request, status}, durable on keyv
// (SQLite file by default, in-memory in the harness). A context is written BEFORE the venue call
// and a failed write blocks the submission. Custom ids are opaque keys: nothing is parsed out of
// them. Reads are served from an in-memory mirror loaded once at startup.
import type Keyv from 'keyv';
import type { PlainOrderFields } from '../domain/order-intent.js';

export type ContextStatus = 'pending' | 'active' | 'terminal';

/** The request a context records, as plain canonical fields. */
export type StoredIntent = PlainOrderFields;

export interface OrderContext {
  customOrderId: string;
  scopeKey: string;
  slot: string;
  generation: number;
  request?: StoredIntent;
  status: ContextStatus;
  exchangeOrderId?: string;
  /** The order had fill evidence (a DCA step with a fill is consumed). */
  filled?: boolean;
  updatedAtMs: number;
}

/** Per-scope DCA ladder progress for the current position life (reset when flat). */
export interface LadderRecord {
  scopeKey: string;
  consumedSteps: number;
}

const CONTEXT_PREFIX = 'ctx:';
const LADDER_PREFIX = 'ladder:';

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

  constructor(private readonly keyv: Keyv) {}

  /** Loads every stored context and ladder into memory. */
  async load(): Promise<void> {
    this.contexts.clear();
    this.ladders.clear();
    this.generations.clear();
    this.byExchangeId.clear();
    const iterate = (this.keyv as unknown as { iterator?: (ns?: string) => AsyncIterable<[string, unknown]> }).iterator;
    if (!iterate) throw new Error('the configured keyv store cannot be iterated; use SQLite or the in-memory store');
    for await (const [key, value] of iterate.call(this.keyv, undefined)) {
      if (key.startsWith(CONTEXT_PREFIX)) {
        const ctx = value as OrderContext;
        this.remember(ctx);
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

  nextGeneration(scopeKey: string, slot: string): number {
    return (this.generations.get(`${scopeKey}|${slot}`) ?? 0) + 1;
  }

  /** Durable write; throws ContextWriteError and leaves the mirror unchanged when it fails. */
  async put(ctx: OrderContext): Promise<void> {
    try {
      const ok = await this.keyv.set(CONTEXT_PREFIX + ctx.customOrderId, ctx);
      if (ok === false) throw new Error('store refused the write');
    } catch (error) {
      throw new ContextWriteError(ctx.customOrderId, error);
    }
    this.remember(ctx);
  }

  /** Status changes after the venue call: the mirror changes at once, the write follows. */
  async update(customOrderId: string, patch: Partial<Omit<OrderContext, 'customOrderId'>>): Promise<void> {
    const current = this.contexts.get(customOrderId);
    if (!current) return;
    const next = { ...current, ...patch };
    this.contexts.set(customOrderId, next);
    await this.put(next);
  }

  consumedSteps(scopeKey: string): number {
    return this.ladders.get(scopeKey)?.consumedSteps ?? 0;
  }

  async setConsumedSteps(scopeKey: string, consumedSteps: number): Promise<void> {
    const record: LadderRecord = { scopeKey, consumedSteps };
    this.ladders.set(scopeKey, record);
    const ok = await this.keyv.set(LADDER_PREFIX + scopeKey, record);
    if (ok === false) throw new Error(`ladder write failed for ${scopeKey}`);
  }

  private remember(ctx: OrderContext): void {
    this.contexts.set(ctx.customOrderId, ctx);
    if (ctx.exchangeOrderId) this.byExchangeId.set(ctx.exchangeOrderId, ctx.customOrderId);
    this.bumpGeneration(ctx.scopeKey, ctx.slot, ctx.generation);
  }

  private bumpGeneration(scopeKey: string, slot: string, generation: number): void {
    const key = `${scopeKey}|${slot}`;
    if ((this.generations.get(key) ?? 0) < generation) this.generations.set(key, generation);
  }
}
