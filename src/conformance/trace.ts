// What the runner fed in and what it saw, in order: the ground for the forbid checks. Entries
// come only from the steps themselves and from what crossed the scripted venue's boundary
// (hydrations, lookups, fill-history reads, submissions, with the store's durability and the
// account machine's state at that moment), never from journal records or runtime flags.
export type TraceEntry =
  | { t: 'event'; kind: string; symbol?: string; customOrderId?: string; exchangeOrderId?: string; status?: string; terminal: boolean; atMs: number }
  | { t: 'stream'; status: 'open' | 'disconnected' | 'reconnected'; atMs: number }
  | { t: 'restart'; atMs: number }
  | { t: 'hydration'; subject: string; scopeKey?: string; cause: string; openOrderIds: string[]; atMs: number }
  | { t: 'submission'; seq: number; action: string; slot: string; scopeKey: string; customOrderId: string; exchangeOrderId?: string; serviceReady: boolean; duringCommand: boolean; durable: boolean; atMs: number }
  | { t: 'answer'; seq: number; action: string; customOrderId: string; outcome: string; code?: string | number; httpStatus?: number; exchangeOrderId?: string; atMs: number }
  /** A lookup by custom id (`outcome`: a status, `absent` or `failed`) or a fill-history read. */
  | { t: 'lookup'; kind: 'lookup' | 'fills'; customOrderId?: string; outcome: string; atMs: number };

export class Trace {
  readonly entries: TraceEntry[] = [];
  /** Custom ids by the venue id the runner assigned or was told on acceptance. */
  readonly customIdByExchangeId = new Map<string, string>();

  add(entry: TraceEntry): void {
    this.entries.push(entry);
  }

  idOf(ids: { customOrderId?: string; exchangeOrderId?: string }): string | undefined {
    return ids.customOrderId ?? (ids.exchangeOrderId ? this.customIdByExchangeId.get(ids.exchangeOrderId) ?? `x:${ids.exchangeOrderId}` : undefined);
  }
}
