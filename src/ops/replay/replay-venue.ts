// The replayed venue: a Venue that answers from the record. The runtime's calls wait here until
// the replay driver reaches the recorded request they correspond to (`expect`: same kind, the
// first one that asks the same thing, else the oldest of that kind), and are answered with the
// recorded response (`answer`); private-stream items are pushed at their recorded times (`push`).
// A submit that does not ask what the recorded one asked is a decision difference; it still gets
// the recorded outcome, so the replay goes on as the run went. Custom order ids are random per
// run: the id the replayed runtime mints for a place stands for the recorded one from then on, in
// both directions (recorded answers carry the replay's id; its requests are compared under the
// recorded id).
import { canonicalJson } from '../audit/audit-journal.js';
import { scopeKey, type Scope } from '../../domain/scope.js';
import type { Decimal } from '../../domain/decimal.js';
import type { ExecutionRow, OrderRow, RestSnapshot } from '../../domain/rows.js';
import type { OrderIntent } from '../../domain/order-intent.js';
import { AsyncQueue } from '../../conformance/async-queue.js';
import type { HydrationRequest, StreamItem, SubmitOutcome, Venue, VenueMutation } from '../../venues/port.js';
import { decode, decodeError, type Encoded, type EncodedError } from './codec.js';
import type { CallKind } from './recording-venue.js';
import type { BaselineVenue } from './replay-baseline.js';

export interface Difference {
  /** The recorded request's seq; for `unexpected`, the last record fed before the replay made the call. */
  seq: number;
  /** A submit is a decision; the other calls are reads. */
  kind: 'decision' | 'read';
  /** `differs`: asked something else; `missing`: the run asked, the replay did not; `unexpected`: the replay asked, the run did not. */
  what: 'differs' | 'missing' | 'unexpected';
  call: CallKind;
  scope?: string;
  expected?: string;
  actual?: string;
}

interface OpenCall {
  kind: CallKind;
  args: unknown;
  afterSeq: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Described {
  /** What is compared (canonical JSON, in the recorded run's id space). */
  key: string;
  text: string;
  scope?: string;
}

const NEW_ID = '(new)';

/** What a call asks, in a form two runs can compare: times the clock derives (fills since) are left out. */
export function describeCall(kind: CallKind, args: unknown, idOf: (id: string) => string): Described {
  const a = args as Record<string, unknown>;
  const scope = a.scope ? scopeKey(a.scope as Scope) : undefined;
  switch (kind) {
    case 'submit': {
      const m = args as VenueMutation;
      const id = m.action === 'place' ? NEW_ID : idOf(m.customOrderId);
      const key = { action: m.action, scope, slot: m.slot, customOrderId: id, exchangeOrderId: m.exchangeOrderId, intent: m.intent };
      return { key: canonicalJson(key), text: `${m.action} ${m.slot} ${intentText(m.intent)}${id === NEW_ID ? '' : ` order ${id}`}`, scope };
    }
    case 'hydrate': {
      const r = args as HydrationRequest;
      const scopes = (r.scopes ?? []).map(scopeKey);
      return { key: canonicalJson({ subject: r.subject, scopes }), text: `hydrate ${r.subject}${scopes.length ? ` ${scopes.join(',')}` : ''}`, ...(scopes.length === 1 ? { scope: scopes[0] } : {}) };
    }
    case 'lookup': {
      const id = idOf(String(a.customOrderId));
      return { key: canonicalJson({ scope, customOrderId: id }), text: `lookup ${id}`, scope };
    }
    case 'fills':
      return { key: canonicalJson({ scope }), text: 'fills since', scope };
    case 'mark':
      return { key: canonicalJson({ symbol: a.symbol }), text: `mark price ${String(a.symbol)}` };
    case 'restart_stream':
      return { key: canonicalJson({ reason: a.reason }), text: `restart stream (${String(a.reason)})` };
  }
}

function intentText(i: OrderIntent | undefined): string {
  if (!i) return '';
  const d = (label: string, v: Decimal | undefined) => (v === undefined ? '' : ` ${label} ${v.toString()}`);
  return `${i.side} ${i.type}${d('price', i.price)}${d('trigger', i.triggerPrice)}${d('qty', i.qty)}${i.reduceOnly ? ' reduceOnly' : ''}${i.closePosition ? ' closePosition' : ''}`;
}

export class ReplayVenue implements Venue {
  readonly exchange: Venue['exchange'];
  readonly product: Venue['product'];
  readonly requestValidityMs?: number;
  readonly markPrice?: (symbol: string) => Promise<Decimal>;
  readonly restartStream?: (reason: string) => Promise<void>;
  private readonly stream = new AsyncQueue<StreamItem>();
  /** Calls the runtime made that no recorded request claimed yet, in the order made. */
  private readonly waiting: OpenCall[] = [];
  /** Claimed calls by the recorded call number, until the recorded response answers them. */
  private readonly paired = new Map<number, OpenCall>();
  private readonly toReplay = new Map<string, string>();
  private readonly toRecorded = new Map<string, string>();
  /** Calls made so far (the driver watches it to know when the runtime is idle). */
  callsMade = 0;
  /** The last record the driver fed (what an unexpected call is reported after). */
  lastSeq = 0;

  constructor(info: BaselineVenue) {
    this.exchange = info.exchange;
    this.product = info.product;
    if (info.requestValidityMs !== undefined) this.requestValidityMs = info.requestValidityMs;
    if (info.markPrice) this.markPrice = (symbol) => this.open('mark', { symbol }) as Promise<Decimal>;
    if (info.restartStream) this.restartStream = (reason) => this.open('restart_stream', { reason }) as Promise<void>;
  }

  hydrate(request: HydrationRequest): Promise<RestSnapshot> {
    return this.open('hydrate', request) as Promise<RestSnapshot>;
  }

  submit(mutation: VenueMutation): Promise<SubmitOutcome> {
    return this.open('submit', mutation) as Promise<SubmitOutcome>;
  }

  findByCustomId(scope: Scope, customOrderId: string): Promise<OrderRow | 'absent'> {
    return this.open('lookup', { scope, customOrderId }) as Promise<OrderRow | 'absent'>;
  }

  fillsSince(scope: Scope, sinceMs: number): Promise<ExecutionRow[]> {
    return this.open('fills', { scope, sinceMs }) as Promise<ExecutionRow[]>;
  }

  privateRows(): AsyncIterable<StreamItem> {
    return this.stream;
  }

  async close(): Promise<void> {
    this.stream.close();
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  private open(kind: CallKind, args: unknown): Promise<unknown> {
    this.callsMade++;
    return new Promise((resolve, reject) => this.waiting.push({ kind, args, afterSeq: this.lastSeq, resolve, reject }));
  }

  private recordedIdOf = (id: string) => this.toRecorded.get(id) ?? id;

  /**
   * A recorded request (seq, call number, kind, encoded arguments): claims the runtime's call that
   * asks the same (or, failing that, the oldest of the kind). Returns the difference, if any.
   */
  expect(seq: number, call: number, kind: CallKind, encodedArgs: Encoded): Difference | undefined {
    const recordedArgs = decode(encodedArgs);
    const expected = describeCall(kind, recordedArgs, (id) => id);
    const sameKind = this.waiting.filter((c) => c.kind === kind);
    const equal = sameKind.find((c) => describeCall(kind, c.args, this.recordedIdOf).key === expected.key);
    const claimed = equal ?? sameKind[0];
    const base = { seq, kind: kind === 'submit' ? 'decision' as const : 'read' as const, call: kind, ...(expected.scope ? { scope: expected.scope } : {}) };
    if (!claimed) return { ...base, what: 'missing', expected: expected.text };
    this.waiting.splice(this.waiting.indexOf(claimed), 1);
    this.paired.set(call, claimed);
    if (kind === 'submit') {
      const was = recordedArgs as VenueMutation;
      const now = claimed.args as VenueMutation;
      // The place the replay made stands for the recorded one (ids are random per run).
      if (was.action === 'place' && now.action === 'place' && !this.toReplay.has(was.customOrderId)) {
        this.toReplay.set(was.customOrderId, now.customOrderId);
        this.toRecorded.set(now.customOrderId, was.customOrderId);
      }
    }
    if (equal) return undefined;
    const actual = describeCall(kind, claimed.args, this.recordedIdOf);
    return { ...base, what: 'differs', expected: expected.text, actual: actual.text, ...(!expected.scope && actual.scope ? { scope: actual.scope } : {}) };
  }

  /** The recorded response to call `call`: answers the call it claimed. False when none did. */
  answer(call: number, response: { result?: Encoded; error?: EncodedError }): boolean {
    const open = this.paired.get(call);
    if (!open) return false;
    this.paired.delete(call);
    if (response.error) open.reject(decodeError(this.translate(response.error as unknown as Encoded) as unknown as EncodedError));
    else open.resolve(decode(this.translate(response.result ?? { $u: 1 })));
    return true;
  }

  /** A recorded stream item, into the private stream. */
  push(item: Encoded): void {
    this.stream.push(decode(this.translate(item)) as StreamItem);
  }

  /** The calls no recorded request claimed, with what they ask. */
  unclaimed(): Array<{ kind: CallKind; afterSeq: number; described: Described }> {
    return this.waiting.map((c) => ({ kind: c.kind, afterSeq: c.afterSeq, described: describeCall(c.kind, c.args, this.recordedIdOf) }));
  }

  /** The replay is over: every open call gets an answer (a submit `unknown`, a read an error) so the runtime can stop. */
  endAll(): void {
    const open = [...this.waiting, ...this.paired.values()];
    this.waiting.length = 0;
    this.paired.clear();
    for (const c of open) {
      if (c.kind === 'submit') c.resolve({ kind: 'unknown', reason: 'replay ended' } satisfies SubmitOutcome);
      else c.reject(new Error('replay ended'));
    }
  }

  /** Recorded custom ids the replay minted anew, replaced by the replay's (strings only: decimals are tagged objects). */
  private translate(value: Encoded): Encoded {
    if (this.toReplay.size === 0) return value;
    const walk = (v: Encoded): Encoded => {
      if (typeof v === 'string') return this.toReplay.get(v) ?? v;
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === 'object') {
        const out: Record<string, Encoded> = {};
        for (const [k, x] of Object.entries(v)) out[k] = walk(x);
        return out;
      }
      return v;
    };
    return walk(value);
  }
}
