// What the runner fed in and what it saw, in order: the ground for the forbid checks. Entries
// come from the steps themselves, the scripted venue and the journal, never from the runtime's
// own bookkeeping.
export type TraceEntry =
  | { t: 'event'; kind: string; customOrderId?: string; exchangeOrderId?: string; status?: string; terminal: boolean; atMs: number }
  | { t: 'stream'; status: 'open' | 'disconnected' | 'reconnected'; atMs: number }
  | { t: 'restart'; atMs: number }
  | { t: 'hydration'; subject: string; scopeKey?: string; cause: string; openOrderIds: string[]; atMs: number }
  | { t: 'request'; action: string; slot: string; scopeKey: string; customOrderId: string; atMs: number }
  | { t: 'submission'; seq: number; action: string; slot: string; scopeKey: string; customOrderId: string; serviceReady: boolean; duringCommand: boolean; durable: boolean; atMs: number }
  | { t: 'answer'; seq: number; action: string; customOrderId: string; outcome: string; code?: string | number; httpStatus?: number; atMs: number }
  | { t: 'lookup'; customOrderId: string; atMs: number };

export class Trace {
  readonly entries: TraceEntry[] = [];
  /** Custom ids by the venue id the runner assigned or was told on acceptance. */
  readonly customIdByExchangeId = new Map<string, string>();

  add(entry: TraceEntry): void {
    this.entries.push(entry);
  }

  /** The last hydration entry still waiting for the venue's answer. */
  lastHydration(): Extract<TraceEntry, { t: 'hydration' }> | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (e.t === 'hydration') return e;
    }
    return undefined;
  }

  idOf(ids: { customOrderId?: string; exchangeOrderId?: string }): string | undefined {
    return ids.customOrderId ?? (ids.exchangeOrderId ? this.customIdByExchangeId.get(ids.exchangeOrderId) ?? `x:${ids.exchangeOrderId}` : undefined);
  }
}
