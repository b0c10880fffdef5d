// ConfirmationTracker: every accepted or sent mutation is PENDING until a private confirmation or
// a scoped recovery resolves it. REST acceptance only moves a pending entry from in_flight to
// accepted; it never makes an order trusted. A private row that beats the REST answer is
// buffered and consumed when the answer arrives.
import { TERMINAL_STATUSES, type OrderRow } from '../domain/rows.js';
import type { OrderIntent } from '../domain/order-intent.js';
import type { Scope } from '../domain/scope.js';
import type { Journal } from './journal.js';

export type PendingState = 'in_flight' | 'accepted' | 'unknown';
export type PendingAction = 'place' | 'amend' | 'cancel';

export interface PendingConfirmation {
  key: string;
  scopeKey: string;
  action: PendingAction;
  slot: string;
  /** The placed order's id, or the target's id for amend and cancel. */
  customOrderId: string;
  state: PendingState;
  sinceMs: number;
  intent?: OrderIntent;
  /** A private row confirmed it before the REST answer arrived. */
  earlyConfirmed?: boolean;
}

export type Resolution = 'confirmed' | 'terminal' | 'rejected' | 'recovered' | 'benign_race';

export function pendingKey(action: PendingAction, customOrderId: string): string {
  return `${action}:${customOrderId}`;
}

export class ConfirmationTracker {
  private readonly pending = new Map<string, PendingConfirmation>();
  private readonly byScope = new Map<string, Set<string>>();

  constructor(private readonly journal: Journal, private readonly scopeLabel: (scopeKey: string) => Scope) {}

  register(entry: Omit<PendingConfirmation, 'key'>): PendingConfirmation {
    const key = pendingKey(entry.action, entry.customOrderId);
    const full: PendingConfirmation = { ...entry, key };
    this.pending.set(key, full);
    let set = this.byScope.get(entry.scopeKey);
    if (!set) this.byScope.set(entry.scopeKey, (set = new Set()));
    set.add(key);
    return full;
  }

  get(key: string): PendingConfirmation | undefined {
    return this.pending.get(key);
  }

  ofScope(scopeKey: string): PendingConfirmation[] {
    const keys = this.byScope.get(scopeKey);
    if (!keys) return [];
    const out: PendingConfirmation[] = [];
    for (const k of keys) {
      const p = this.pending.get(k);
      if (p) out.push(p);
    }
    return out;
  }

  /** How many mutations are pending across the account. */
  ofScopeCount(): number {
    return this.pending.size;
  }

  all(): IterableIterator<PendingConfirmation> {
    return this.pending.values();
  }

  /** Pending entries that are waiting on a private confirmation (not on a REST answer). */
  awaitingConfirmation(scopeKey: string): PendingConfirmation[] {
    return this.ofScope(scopeKey).filter((p) => p.state !== 'in_flight');
  }

  /** The earliest time a pending of this scope times out, if any. */
  deadline(scopeKey: string, timeoutMs: number): number | undefined {
    let earliest: number | undefined;
    for (const p of this.ofScope(scopeKey)) {
      if (p.state !== 'accepted') continue;
      const due = p.sinceMs + timeoutMs;
      if (earliest === undefined || due < earliest) earliest = due;
    }
    return earliest;
  }

  /** REST accepted the mutation. Returns true when a buffered early confirmation resolved it. */
  accepted(key: string): boolean {
    const p = this.pending.get(key);
    if (!p) return false;
    if (p.earlyConfirmed) {
      this.resolve(key, 'confirmed');
      return true;
    }
    p.state = 'accepted';
    this.journal.record('confirmation_pending', { scope: this.scopeLabel(p.scopeKey), action: p.action, slot: p.slot, customOrderId: p.customOrderId });
    return false;
  }

  markUnknown(key: string): void {
    const p = this.pending.get(key);
    if (p) p.state = 'unknown';
  }

  /**
   * Matches a private order row against pending entries of that order. Returns the entries it
   * resolved. Terminal rows resolve place/amend/cancel alike (a filled order needs no cancel);
   * active rows confirm a place, and an AMENDED row (or one showing the new values) an amend.
   */
  onOrderRow(row: OrderRow): PendingConfirmation[] {
    const id = row.customOrderId;
    if (!id) return [];
    const resolved: PendingConfirmation[] = [];
    const terminal = TERMINAL_STATUSES.has(row.status);
    for (const action of ['place', 'amend', 'cancel'] as const) {
      const p = this.pending.get(pendingKey(action, id));
      if (!p) continue;
      const confirms = terminal || (action === 'place') || (action === 'amend' && (row.status === 'AMENDED' || showsAmendedValues(p, row)));
      if (!confirms) continue;
      if (p.state === 'in_flight' && !terminal) {
        if (!p.earlyConfirmed) {
          p.earlyConfirmed = true;
          this.journal.record('early_confirmation_buffered', { scope: this.scopeLabel(p.scopeKey), action, slot: p.slot, customOrderId: id, status: row.status });
        }
        continue;
      }
      this.resolve(p.key, terminal && action !== 'cancel' ? 'terminal' : 'confirmed', row.status);
      resolved.push(p);
    }
    return resolved;
  }

  resolve(key: string, how: Resolution, status?: string): PendingConfirmation | undefined {
    const p = this.pending.get(key);
    if (!p) return undefined;
    this.pending.delete(key);
    this.byScope.get(p.scopeKey)?.delete(key);
    if (how === 'confirmed' || how === 'terminal') {
      this.journal.record('confirmation_matched', {
        scope: this.scopeLabel(p.scopeKey), action: p.action, slot: p.slot, customOrderId: p.customOrderId, resolution: how, ...(status ? { status } : {}),
      });
    }
    return p;
  }
}

function showsAmendedValues(p: PendingConfirmation, row: OrderRow): boolean {
  if (!p.intent) return false;
  const priceOk = p.intent.price === undefined || (row.price !== undefined && row.price.eq(p.intent.price));
  const qtyOk = p.intent.qty === undefined || (row.qty !== undefined && row.qty.eq(p.intent.qty));
  // An amended stop (Bybit) reports its new trigger price and quantity; it has no limit price.
  const triggerOk = p.intent.triggerPrice === undefined || (row.triggerPrice !== undefined && row.triggerPrice.eq(p.intent.triggerPrice));
  return priceOk && qtyOk && triggerOk && (row.price !== undefined || (p.intent.triggerPrice !== undefined && row.triggerPrice !== undefined));
}
