// Indexes over the engine's books. The engine keeps every order it ever took (the query
// endpoints still serve finished ones), so a scan of a whole map grows with the account's
// history: seeding 40,000 orders made every placement walk all the earlier ones (duplicate client
// id, MAX_NUM_ORDERS, the `b`/`a` book notional, the margin check). The indexes keep what those
// paths ask for: the live entries per symbol and the entries per client id, each in the map's
// insertion order, so a walk over an index meets the entries in the order a scan of the map
// did (sums, "oldest first" and "newest wins" rules give the same answers).

/**
 * A Map that reports every write, so an index over its values stays complete whoever writes to it
 * (the engine, account-events.ts, a test).
 */
export class WatchedMap<K, V> extends Map<K, V> {
  private onSet: ((key: K, value: V, replaced: V | undefined) => void) | undefined;
  private onDrop: (() => void) | undefined;

  watch(onSet: (key: K, value: V, replaced: V | undefined) => void, onDrop: () => void): void {
    this.onSet = onSet;
    this.onDrop = onDrop;
  }

  override set(key: K, value: V): this {
    const replaced = super.get(key);
    super.set(key, value);
    this.onSet?.(key, value, replaced);
    return this;
  }

  override delete(key: K): boolean {
    const had = super.delete(key);
    if (had) this.onDrop?.();
    return had;
  }

  override clear(): void {
    super.clear();
    this.onDrop?.();
  }
}

/**
 * The live entries of a WatchedMap by symbol (and all of them), and every entry by client id.
 * Entries leave the live sets lazily, when a read meets them no longer live: statuses only move
 * forward (an order never reopens), so an entry found finished once stays out.
 */
export class BookIndex<T extends { symbol: string }> {
  private readonly live = new Set<T>();
  private readonly bySymbol = new Map<string, Set<T>>();
  private readonly byClientId = new Map<string, T[]>();
  private stale = false;

  constructor(
    private readonly source: ReadonlyMap<unknown, T>,
    private readonly isLive: (entry: T) => boolean,
    private readonly clientIdOf?: (entry: T) => string,
  ) {}

  /** A write to the source map. A replaced entry keeps its old place in the map: rebuild from the map's order. */
  added(entry: T, replaced: T | undefined): void {
    if (replaced === entry) return;
    if (replaced !== undefined) this.stale = true;
    if (!this.stale) this.index(entry);
  }

  /** An entry deleted from the source map (or the map cleared): rebuild on the next read. */
  dropped(): void {
    this.stale = true;
  }

  /** The live entries, of one symbol or of all, oldest first. */
  liveEntries(symbol?: string): T[] {
    this.fresh();
    if (symbol === undefined) return this.prune(this.live);
    const set = this.bySymbol.get(symbol);
    return set ? this.prune(set) : [];
  }

  /** Every entry with this client id, live or finished, oldest first. */
  withClientId(clientId: string): readonly T[] {
    this.fresh();
    return this.byClientId.get(clientId) ?? [];
  }

  private index(entry: T): void {
    this.live.add(entry);
    let set = this.bySymbol.get(entry.symbol);
    if (!set) this.bySymbol.set(entry.symbol, (set = new Set()));
    set.add(entry);
    if (!this.clientIdOf) return;
    const id = this.clientIdOf(entry);
    const same = this.byClientId.get(id);
    if (same) same.push(entry);
    else this.byClientId.set(id, [entry]);
  }

  private fresh(): void {
    if (!this.stale) return;
    this.stale = false;
    this.live.clear();
    this.bySymbol.clear();
    this.byClientId.clear();
    for (const entry of this.source.values()) this.index(entry);
  }

  private prune(set: Set<T>): T[] {
    const out: T[] = [];
    for (const entry of set) {
      if (this.isLive(entry)) out.push(entry);
      else set.delete(entry); // deleting the entry being visited is safe in a Set iteration
    }
    return out;
  }
}
