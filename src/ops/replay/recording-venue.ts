// The recording venue: a decorator of the Venue the service hands the runtime (write-capable
// modes, where the audit journal keeps every record). Everything the runtime learns from the
// venue crosses the port, so recording the port is recording the run's inputs: each call with its
// arguments (`venue_request`; a submit is a decision), each answer or thrown error
// (`venue_response`), each private-stream item (`venue_stream_item`), in the order they entered
// and at the clock time of entry (the journal stamps it). Values go through the replay codec
// (lossless decimals and undefined); every record still passes the journal's scrubber. Rows are
// normalized by the adapter, so no key, signature or listen key is among them.
import type { Decimal } from '../../domain/decimal.js';
import type { ExecutionRow, OrderRow, RestSnapshot } from '../../domain/rows.js';
import type { Scope } from '../../domain/scope.js';
import type { Journal } from '../../runtime/journal.js';
import type { HydrationRequest, StreamItem, SubmitOutcome, Venue, VenueMutation } from '../../venues/port.js';
import { encode, encodeError } from './codec.js';

/** The kinds of venue call, as `venue_request.kind` names them. */
export type CallKind = 'hydrate' | 'lookup' | 'fills' | 'mark' | 'restart_stream' | 'submit';

interface Tags {
  scope?: Scope;
  customOrderId?: string;
}

export class RecordingVenue implements Venue {
  readonly exchange: Venue['exchange'];
  readonly product: Venue['product'];
  readonly requestValidityMs?: number;
  readonly markPrice?: (symbol: string) => Promise<Decimal>;
  readonly restartStream?: (reason: string) => Promise<void>;
  private calls = 0;

  constructor(private readonly inner: Venue, private readonly journal: Journal) {
    this.exchange = inner.exchange;
    this.product = inner.product;
    if (inner.requestValidityMs !== undefined) this.requestValidityMs = inner.requestValidityMs;
    // Optional capabilities stay optional: the runtime checks whether the venue has them.
    if (inner.markPrice) this.markPrice = (symbol) => this.call('mark', { symbol }, {}, () => inner.markPrice!(symbol));
    if (inner.restartStream) this.restartStream = (reason) => this.call('restart_stream', { reason }, {}, () => inner.restartStream!(reason));
  }

  hydrate(request: HydrationRequest): Promise<RestSnapshot> {
    const scope = request.scopes?.length === 1 ? request.scopes[0] : undefined;
    return this.call('hydrate', request, scope ? { scope } : {}, () => this.inner.hydrate(request));
  }

  submit(mutation: VenueMutation): Promise<SubmitOutcome> {
    return this.call('submit', mutation, { scope: mutation.scope, customOrderId: mutation.customOrderId }, () => this.inner.submit(mutation));
  }

  findByCustomId(scope: Scope, customOrderId: string): Promise<OrderRow | 'absent'> {
    return this.call('lookup', { scope, customOrderId }, { scope, customOrderId }, () => this.inner.findByCustomId(scope, customOrderId));
  }

  fillsSince(scope: Scope, sinceMs: number): Promise<ExecutionRow[]> {
    return this.call('fills', { scope, sinceMs }, { scope }, () => this.inner.fillsSince(scope, sinceMs));
  }

  async *privateRows(): AsyncIterable<StreamItem> {
    for await (const item of this.inner.privateRows()) {
      this.journal.record('venue_stream_item', { item: encode(item) });
      yield item;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async call<T>(kind: CallKind, args: unknown, tags: Tags, run: () => Promise<T>): Promise<T> {
    const call = ++this.calls;
    this.journal.record('venue_request', { call, kind, ...tags, args: encode(args) });
    let result: T;
    try {
      result = await run();
    } catch (error) {
      this.journal.record('venue_response', { call, kind, ...tags, error: encodeError(error) });
      throw error;
    }
    this.journal.record('venue_response', { call, kind, ...tags, result: encode(result) });
    return result;
  }
}

/** The runtime's backoff jitter (Math.random, as before), each draw recorded for replay. */
export function recordingJitter(journal: Journal): () => number {
  return () => {
    const value = Math.random();
    journal.record('replay_jitter', { value });
    return value;
  };
}
