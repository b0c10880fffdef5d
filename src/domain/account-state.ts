// AccountState: the trusted local view of one account's private state. A plain mutable store
// with O(1) updates: machines hold control state, this holds data. The same apply methods serve
// startup hydration, replay, the conformance harness and benchmarks.
//
// Every stream row bumps a sequence number; a REST snapshot carries the sequence at which it was
// requested (its fence) and never overwrites an entity a newer stream row touched (lesson 7).
import { type Decimal, ZERO } from './decimal.js';
import type { ExecutionRow, Filters, OrderRow, PositionRow, BalanceRow, RestSnapshot } from './rows.js';
import { TERMINAL_STATUSES } from './rows.js';
import type { ScopeKey } from './scope.js';
import { applySpotFill, isSpotDust } from './spot-position.js';
import { untrustedScope, type ScopeTrust, type TrustSubject, type TrustValue } from './trust.js';
import type { Product } from './scope.js';

export interface StoredOrder {
  readonly key: string;
  row: OrderRow;
  scopeKey: ScopeKey | undefined;
  seq: number;
}

export interface StoredPosition {
  scopeKey: ScopeKey;
  symbol: string;
  managedSide: 'LONG' | 'SHORT';
  size: Decimal;
  entryPrice: Decimal;
  seq: number;
}

export interface StoredBalance {
  asset: string;
  walletBalance: Decimal;
  availableBalance: Decimal;
}

export interface OrderApplyResult {
  key: string;
  /**
   * The row carried NEW fill evidence: its cumulative filled quantity grew past what was known,
   * or (without a quantity) a filled or triggered status. A cancel with no new fill is none.
   */
  fillEvidence: boolean;
  terminal: boolean;
  /** The order was not known as active before and now is. */
  becameActive: boolean;
  /** A late or duplicate row that changed nothing (e.g. NEW after a terminal row). */
  ignored: boolean;
}

const TERMINAL_MEMORY = 50_000;
const FILL_MEMORY = 100_000;

export class AccountState {
  serviceReady = false;
  privateStreamReady = false;
  readonly positions = new Map<ScopeKey, StoredPosition>();
  readonly orders = new Map<string, StoredOrder>();
  readonly balances = new Map<string, StoredBalance>();
  readonly filters = new Map<string, Filters>();
  readonly trust = new Map<ScopeKey, ScopeTrust>();
  readonly recoveryRequired = new Set<ScopeKey>();
  /**
   * Trust a scope starts with when it first becomes known. After a full snapshot every scope of
   * the account is covered (an absent position is flat, an absent order is not open), so new
   * scopes start trusted; during a stream gap they start untrusted.
   */
  baselineTrust: ScopeTrust = untrustedScope();
  private readonly byExchangeId = new Map<string, string>();
  /** Keys of `orders` per scope: a pass reads its scope's orders without scanning the account's. */
  private readonly orderKeysByScope = new Map<ScopeKey, Set<string>>();
  private readonly terminal = new Map<string, { status: OrderRow['status']; exchangeOrderId?: string; filledQty?: Decimal }>();
  /** Venue transaction time of the latest applied position row, per scope (lesson 14). */
  private readonly positionTxMs = new Map<ScopeKey, number>();
  private readonly fills = new Map<string, ExecutionRow>();
  private readonly seenTradeIds = new Set<string>();
  private seq = 0;

  constructor(readonly product: Product) {}

  /** The fence to hand to a snapshot requested now. */
  fence(): number {
    return this.seq;
  }

  // ---- lookups -------------------------------------------------------------------------------

  findOrder(ids: { customOrderId?: string; exchangeOrderId?: string }): StoredOrder | undefined {
    if (ids.customOrderId) {
      const hit = this.orders.get(`c:${ids.customOrderId}`);
      if (hit) return hit;
    }
    if (ids.exchangeOrderId) {
      const key = this.byExchangeId.get(ids.exchangeOrderId) ?? `x:${ids.exchangeOrderId}`;
      return this.orders.get(key);
    }
    return undefined;
  }

  terminalStatusOf(ids: { customOrderId?: string; exchangeOrderId?: string }): OrderRow['status'] | undefined {
    if (ids.customOrderId) {
      const t = this.terminal.get(`c:${ids.customOrderId}`);
      if (t && !contradicts(t.exchangeOrderId, ids.exchangeOrderId)) return t.status;
    }
    if (ids.exchangeOrderId) return this.terminal.get(`x:${ids.exchangeOrderId}`)?.status;
    return undefined;
  }

  hasFill(tradeId: string): boolean {
    return this.fills.has(tradeId);
  }

  /** Trade ids applied in an earlier run: a replayed fill with one of them is a duplicate. */
  seedFills(tradeIds: Iterable<string>): void {
    for (const id of tradeIds) this.seenTradeIds.add(id);
  }

  ordersOfScope(scopeKey: ScopeKey): StoredOrder[] {
    const keys = this.orderKeysByScope.get(scopeKey);
    if (!keys) return [];
    const out: StoredOrder[] = [];
    for (const key of keys) {
      const order = this.orders.get(key);
      if (order) out.push(order);
    }
    return out;
  }

  trustOf(scopeKey: ScopeKey): ScopeTrust {
    let t = this.trust.get(scopeKey);
    if (!t) {
      t = { ...this.baselineTrust };
      // Filters are trusted only once hydrated for the scope's symbol.
      if (!this.filters.has(symbolOfKey(scopeKey))) t.filter = 'untrusted';
      this.trust.set(scopeKey, t);
    }
    return t;
  }

  /** Restores trust after a snapshot covered the scope: filters only when the symbol has them. */
  trustAfterSnapshot(scopeKey: ScopeKey, subjects: readonly TrustSubject[]): void {
    const t = this.trustOf(scopeKey);
    for (const subject of subjects) t[subject] = 'trusted';
    if (subjects.includes('filter') && !this.filters.has(symbolOfKey(scopeKey))) t.filter = 'untrusted';
  }

  /**
   * Whether fill evidence at `transactionTimeMs` may have changed the position beyond its latest
   * applied row. Venues may send the position update before the order update of one fill
   * (Binance: ACCOUNT_UPDATE and ORDER_TRADE_UPDATE share `T`): such a fill is already in it.
   * Without venue times on both sides, arrival order decides: the fill is newer.
   */
  fillIsNewerThanPosition(scopeKey: ScopeKey, transactionTimeMs: number | undefined): boolean {
    const positionAt = this.positionTxMs.get(scopeKey);
    if (transactionTimeMs === undefined || positionAt === undefined) return true;
    return transactionTimeMs > positionAt;
  }

  setTrust(scopeKey: ScopeKey, subject: TrustSubject, value: TrustValue): void {
    this.trustOf(scopeKey)[subject] = value;
  }

  // ---- stream rows ---------------------------------------------------------------------------

  applyOrder(row: OrderRow, scopeKey: ScopeKey | undefined): OrderApplyResult {
    this.seq++;
    const found = this.findSameOrder(row);
    // A custom id another client reused after our order closed is a different order (lesson 15).
    const key = found?.key ?? this.keyForNew(row);
    if (!key) throw new Error('order row without customOrderId or exchangeOrderId');
    const existing = this.absorbTwin(found, row);
    const finished = existing ? undefined : this.terminal.get(key);
    const knownFilled = existing?.row.filledQty ?? finished?.filledQty;
    const fillEvidence = row.filledQty !== undefined
      ? row.filledQty.gt(knownFilled ?? ZERO)
      : !finished && (row.status === 'FILLED' || row.status === 'TRIGGERED');
    const terminal = TERMINAL_STATUSES.has(row.status);
    if (terminal) {
      if (existing) this.removeOrder(existing);
      if (finished) return { key, fillEvidence, terminal, becameActive: false, ignored: !fillEvidence };
      this.rememberTerminal(key, { ...row, filledQty: maxDecimal(existing?.row.filledQty, row.filledQty) });
      return { key, fillEvidence, terminal, becameActive: false, ignored: false };
    }
    if (this.terminal.has(key) || (row.exchangeOrderId && this.terminal.has(`x:${row.exchangeOrderId}`))) {
      // A late NEW/AMENDED row after terminal evidence: never resurrect the order.
      return { key, fillEvidence: false, terminal: false, becameActive: false, ignored: true };
    }
    const merged: OrderRow = existing ? mergeOrder(existing.row, row) : { ...row, status: row.status === 'AMENDED' ? 'NEW' : row.status };
    const stored: StoredOrder = { key, row: merged, scopeKey: scopeKey ?? existing?.scopeKey, seq: this.seq };
    this.putOrder(stored);
    if (merged.exchangeOrderId) this.byExchangeId.set(merged.exchangeOrderId, key);
    return { key, fillEvidence, terminal: false, becameActive: !existing, ignored: false };
  }

  /**
   * One venue order seen first by its custom id alone and then by its venue id alone is stored
   * twice (nothing linked the two rows). A row carrying both ids links them: the venue-id copy is
   * folded into the custom-id one (the higher cumulative fill wins), so no phantom copy stays open.
   */
  private absorbTwin(found: StoredOrder | undefined, row: OrderRow): StoredOrder | undefined {
    if (!found || !row.customOrderId || !row.exchangeOrderId) return found;
    const twinKey = this.byExchangeId.get(row.exchangeOrderId) ?? `x:${row.exchangeOrderId}`;
    const twin = twinKey === found.key ? undefined : this.orders.get(twinKey);
    if (!twin || twin.row.customOrderId !== undefined) return found;
    this.removeOrder(twin);
    return { ...found, row: { ...found.row, filledQty: maxDecimal(found.row.filledQty, twin.row.filledQty) }, scopeKey: found.scopeKey ?? twin.scopeKey };
  }

  /** The stored order this row speaks of: same custom id unless the venue ids contradict. */
  private findSameOrder(row: OrderRow): StoredOrder | undefined {
    if (row.customOrderId) {
      const hit = this.orders.get(`c:${row.customOrderId}`);
      if (hit && !contradicts(hit.row.exchangeOrderId, row.exchangeOrderId)) return hit;
    }
    if (row.exchangeOrderId) {
      const key = this.byExchangeId.get(row.exchangeOrderId) ?? `x:${row.exchangeOrderId}`;
      return this.orders.get(key);
    }
    return undefined;
  }

  private keyForNew(row: OrderRow): string | undefined {
    if (row.customOrderId) {
      const ckey = `c:${row.customOrderId}`;
      const clash = this.orders.get(ckey)?.row.exchangeOrderId ?? this.terminal.get(ckey)?.exchangeOrderId;
      if (!contradicts(clash, row.exchangeOrderId)) return ckey;
    }
    return row.exchangeOrderId ? `x:${row.exchangeOrderId}` : undefined;
  }

  /** Records a fill once per trade id; returns false for a duplicate. Spot fills derive the position. */
  applyExecution(row: ExecutionRow, scopeKey: ScopeKey | undefined): boolean {
    this.seq++;
    if (this.fills.has(row.tradeId) || this.seenTradeIds.has(row.tradeId)) return false;
    this.fills.set(row.tradeId, row);
    if (this.fills.size > FILL_MEMORY) this.fills.delete(this.fills.keys().next().value as string);
    if (this.product === 'spot' && scopeKey) {
      const current = this.positions.get(scopeKey);
      const filters = this.filters.get(row.symbol);
      const next = applySpotFill(current ?? { size: ZERO, entryPrice: ZERO }, row, filters?.baseAsset);
      // Issue 14: what is left below the symbol's minimum tradable quantity (a sell that leaves a
      // fee's worth of base asset) is dust, not a position: the scope is flat. The notional is at
      // the fill's price (the price now), not the entry.
      const dust = next.size.gt(ZERO) && isSpotDust(next.size, row.price, filters);
      this.positions.set(scopeKey, {
        scopeKey, symbol: row.symbol, managedSide: 'LONG', size: dust ? ZERO : next.size, entryPrice: dust ? ZERO : next.entryPrice, seq: this.seq,
      });
    }
    return true;
  }

  /** Applies a position row; returns false (and changes nothing) for a row older than the one applied. */
  applyPosition(row: PositionRow, scopeKey: ScopeKey): boolean {
    this.seq++;
    if (row.transactionTimeMs !== undefined) {
      const latest = this.positionTxMs.get(scopeKey);
      // Trust follows venue time (lesson 14): a late row never replaces a newer position.
      if (latest !== undefined && row.transactionTimeMs < latest) return false;
      this.positionTxMs.set(scopeKey, row.transactionTimeMs);
    }
    this.positions.set(scopeKey, {
      scopeKey, symbol: row.symbol, managedSide: row.managedSide, size: row.size, entryPrice: row.entryPrice, seq: this.seq,
    });
    return true;
  }

  applyBalance(row: BalanceRow): void {
    this.seq++;
    const current = this.balances.get(row.asset);
    // Margin-only frames carry no wallet balance: keep what we had (lesson 6).
    const walletBalance = row.walletBalance ?? current?.walletBalance;
    if (walletBalance === undefined) return;
    this.balances.set(row.asset, {
      asset: row.asset,
      walletBalance,
      availableBalance: row.availableBalance ?? current?.availableBalance ?? walletBalance,
    });
  }

  // ---- snapshots -----------------------------------------------------------------------------

  /**
   * Applies a REST snapshot as a replacement for what it covers. `covers(scopeKey)` says which
   * scopes the snapshot speaks for; `scopeOfOrder` resolves order ownership; `fence` is the
   * sequence at which the snapshot was requested.
   */
  applySnapshot(
    snapshot: RestSnapshot,
    covers: (scopeKey: ScopeKey | undefined, symbol: string) => boolean,
    scopeOfOrder: (row: OrderRow) => ScopeKey | undefined,
    scopeOfPosition: (row: PositionRow) => ScopeKey,
    fence: number,
  ): { removedOrders: StoredOrder[] } {
    const removedOrders: StoredOrder[] = [];
    if (snapshot.filters) for (const [symbol, f] of Object.entries(snapshot.filters)) this.filters.set(symbol, f);
    if (snapshot.balances) for (const b of snapshot.balances) this.applySnapshotBalance(b);
    if (snapshot.positions) {
      const seen = new Set<ScopeKey>();
      for (const row of snapshot.positions) {
        const key = scopeOfPosition(row);
        if (!covers(key, row.symbol)) continue;
        seen.add(key);
        const current = this.positions.get(key);
        if (current && current.seq > fence) continue;
        const latest = this.positionTxMs.get(key);
        if (row.transactionTimeMs !== undefined && latest !== undefined && row.transactionTimeMs < latest) continue;
        if (row.transactionTimeMs !== undefined) this.positionTxMs.set(key, row.transactionTimeMs);
        // An estimated entry (spot: a holding its trades do not explain) is taken once per life:
        // re-reading it at every snapshot would move the SL with the price.
        const keepEntry = row.entryEstimated === true && row.size.gt(ZERO) && current !== undefined && current.size.gt(ZERO) && current.entryPrice.gt(ZERO);
        this.positions.set(key, { scopeKey: key, symbol: row.symbol, managedSide: row.managedSide, size: row.size, entryPrice: keepEntry ? current.entryPrice : row.entryPrice, seq: fence });
      }
      for (const [key, pos] of this.positions) {
        if (!seen.has(key) && covers(key, pos.symbol) && pos.seq <= fence && this.product !== 'spot') pos.size = ZERO;
      }
    }
    if (snapshot.openOrders) {
      const seen = new Set<string>();
      for (const row of snapshot.openOrders) {
        const scopeKey = scopeOfOrder(row);
        if (!covers(scopeKey, row.symbol)) continue;
        const existing = this.findSameOrder(row);
        const key = existing?.key ?? this.keyForNew(row);
        if (!key) continue;
        seen.add(key);
        if (existing && existing.seq > fence) continue;
        // A terminal order never becomes open again, whatever an older listing says.
        if (!existing && this.terminalStatusOf(row) !== undefined) continue;
        const merged = existing ? { ...row, filledQty: maxDecimal(existing.row.filledQty, row.filledQty) } : { ...row };
        this.putOrder({ key, row: merged, scopeKey: scopeKey ?? existing?.scopeKey, seq: fence });
        if (row.exchangeOrderId) this.byExchangeId.set(row.exchangeOrderId, key);
      }
      for (const order of [...this.orders.values()]) {
        if (seen.has(order.key) || order.seq > fence || !covers(order.scopeKey, order.row.symbol)) continue;
        this.removeOrder(order);
        removedOrders.push(order);
      }
    }
    if (snapshot.fills) for (const fill of snapshot.fills) if (!this.fills.has(fill.tradeId)) this.fills.set(fill.tradeId, fill);
    return { removedOrders };
  }

  private applySnapshotBalance(row: BalanceRow): void {
    if (row.walletBalance === undefined) return;
    this.balances.set(row.asset, { asset: row.asset, walletBalance: row.walletBalance, availableBalance: row.availableBalance ?? row.walletBalance });
  }

  /** Stores an order and keeps the per-scope index in step (an order may move to a scope once known). */
  private putOrder(stored: StoredOrder): void {
    const before = this.orders.get(stored.key)?.scopeKey;
    this.orders.set(stored.key, stored);
    if (before !== stored.scopeKey) this.unindex(before, stored.key);
    if (stored.scopeKey !== undefined) {
      let keys = this.orderKeysByScope.get(stored.scopeKey);
      if (!keys) this.orderKeysByScope.set(stored.scopeKey, (keys = new Set()));
      keys.add(stored.key);
    }
  }

  private unindex(scopeKey: ScopeKey | undefined, key: string): void {
    if (scopeKey === undefined) return;
    const keys = this.orderKeysByScope.get(scopeKey);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) this.orderKeysByScope.delete(scopeKey);
  }

  private removeOrder(order: StoredOrder): void {
    this.orders.delete(order.key);
    this.unindex(order.scopeKey, order.key);
    if (order.row.exchangeOrderId && this.byExchangeId.get(order.row.exchangeOrderId) === order.key) {
      this.byExchangeId.delete(order.row.exchangeOrderId);
    }
  }

  private rememberTerminal(key: string, row: OrderRow): void {
    const entry = { status: row.status, exchangeOrderId: row.exchangeOrderId, filledQty: row.filledQty };
    this.terminal.set(key, entry);
    if (row.exchangeOrderId) this.terminal.set(`x:${row.exchangeOrderId}`, entry);
    while (this.terminal.size > TERMINAL_MEMORY) this.terminal.delete(this.terminal.keys().next().value as string);
  }
}

function mergeOrder(previous: OrderRow, row: OrderRow): OrderRow {
  return {
    ...previous,
    ...definedFields(row),
    // A late row with a lower cumulative figure never lowers it (lesson 14).
    filledQty: maxDecimal(previous.filledQty, row.filledQty),
    status: row.status === 'AMENDED' ? previous.status : previous.status === 'PARTIALLY_FILLED' && row.status === 'NEW' ? previous.status : row.status,
  };
}

function maxDecimal(a: Decimal | undefined, b: Decimal | undefined): Decimal | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a.gte(b) ? a : b;
}

/** Two venue ids contradict only when both are known and differ. */
function contradicts(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}

function symbolOfKey(scopeKey: ScopeKey): string {
  return scopeKey.split(':')[2] ?? '';
}

function definedFields<T extends object>(row: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(row)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
