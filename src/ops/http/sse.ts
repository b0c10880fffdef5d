// The event stream (/api/events, Server-Sent Events): a snapshot first (status and every scope),
// then deltas coalesced at most every `flushMs` (the status, the scopes whose summary changed,
// the scopes gone, and the newest journal records within a byte budget). Each client has its own
// bounded queue; a client that does not keep up overflows it, its queue is dropped, and when it
// reads again it gets `resync` and a fresh snapshot: a slow client costs bounded memory and never
// slows the others. Every frame passes the one scrubber. While a client is connected it holds the
// machine view (view-hub.ts) attached, and deltas carry the machine transitions of the window.
import type { JournalRecord } from '../../runtime/journal.js';
import { redact } from '../../runtime/redact.js';
import type { JournalRing, ScopeSummary } from './status-model.js';
import type { Transition } from './view-hub.js';

/** The machine view as the stream uses it: held while a client is connected, told of transitions. */
export interface ViewFeed {
  retain(): () => void;
  onTransition(listener: (t: Transition) => void): () => void;
}

/** Machine transitions one delta carries at most (the newest; `transitionsSkipped` counts the rest). */
const TRANSITIONS_PER_DELTA = 200;

export interface SseLimits {
  /** Deltas are coalesced over this window (ms). */
  flushMs: number;
  /** Scope summaries are compared in full at least this often (ms), journal activity or not. */
  fullCompareMs: number;
  /** A comment line this often (ms) keeps idle connections open through proxies. */
  heartbeatMs: number;
  /** Per-client queue bounds: past either, the queue is dropped and the client resyncs. */
  maxQueueMessages: number;
  maxQueueBytes: number;
  /** Journal records one delta carries at most (the newest; `journalSkipped` counts the rest). */
  journalRecordsPerDelta: number;
  journalBytesPerDelta: number;
}

export const DEFAULT_SSE_LIMITS: SseLimits = {
  flushMs: 250, fullCompareMs: 1_000, heartbeatMs: 15_000, maxQueueMessages: 256, maxQueueBytes: 1024 * 1024,
  journalRecordsPerDelta: 200, journalBytesPerDelta: 64 * 1024,
};

export interface SseSource {
  status(): Record<string, unknown>;
  scopes(): ScopeSummary[];
}

interface Client {
  id: number;
  queue: string[];
  bytes: number;
  resyncPending: boolean;
  closed: boolean;
  sent: number;
  wake: (() => void) | undefined;
  release: (() => void) | undefined;
}

function frame(event: string, id: number | undefined, body: unknown): string {
  return `event: ${event}\n${id !== undefined ? `id: ${id}\n` : ''}data: ${JSON.stringify(redact(body))}\n\n`;
}

export class SseHub {
  private readonly limits: SseLimits;
  private readonly clients = new Set<Client>();
  private nextClientId = 0;
  private seq = 0;
  private resyncs = 0;
  private dirty = false;
  private records: JournalRecord[] = [];
  private skipped = 0;
  private lastScopes = new Map<string, string>();
  private lastFullAt = 0;
  private lastBeatAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  private transitions: Transition[] = [];
  private transitionsSkipped = 0;
  private readonly unsubscribeViews: () => void;

  constructor(private readonly source: SseSource, ring: JournalRing, limits: Partial<SseLimits> = {}, private readonly views?: ViewFeed) {
    this.limits = { ...DEFAULT_SSE_LIMITS, ...limits };
    this.unsubscribeViews = views?.onTransition((t) => {
      if (this.clients.size === 0) return;
      this.dirty = true;
      this.transitions.push(t);
      if (this.transitions.length > TRANSITIONS_PER_DELTA) {
        this.transitions.shift();
        this.transitionsSkipped++;
      }
    }) ?? (() => undefined);
    this.unsubscribe = ring.onRecord((record) => {
      if (this.clients.size === 0) return;
      this.dirty = true;
      this.records.push(record);
      // Only the newest can go out: older ones are counted (clients backfill from /api/journal).
      if (this.records.length > this.limits.journalRecordsPerDelta * 2) {
        const drop = this.records.length - this.limits.journalRecordsPerDelta;
        this.skipped += drop;
        this.records = this.records.slice(drop);
      }
    });
  }

  stats(): { clients: number; resyncs: number; perClient: Array<{ id: number; queuedMessages: number; queuedBytes: number; resyncPending: boolean; sent: number }> } {
    return {
      clients: this.clients.size,
      resyncs: this.resyncs,
      perClient: [...this.clients].map((c) => ({ id: c.id, queuedMessages: c.queue.length, queuedBytes: c.bytes, resyncPending: c.resyncPending, sent: c.sent })),
    };
  }

  private snapshotFrame(): string {
    const scopes = this.source.scopes();
    return frame('snapshot', this.seq, { seq: this.seq, status: this.source.status(), scopes });
  }

  /**
   * Serves one client until it goes away: `write` sends text (and resolves when the transport
   * took it); `onAbort` registers what to do when the transport closes.
   */
  async serve(write: (text: string) => Promise<unknown>, onAbort: (listener: () => void) => void): Promise<void> {
    const client: Client = { id: ++this.nextClientId, queue: [], bytes: 0, resyncPending: false, closed: false, sent: 0, wake: undefined, release: undefined };
    onAbort(() => {
      client.closed = true;
      client.wake?.();
    });
    const first = this.snapshotFrame();
    this.clients.add(client);
    client.release = this.views?.retain();
    this.ensureTimer();
    try {
      await write(first);
      client.sent++;
      while (!client.closed) {
        if (client.resyncPending) {
          // Taken now, with the queue emptied now: every frame queued after it is newer.
          const snapshot = this.snapshotFrame();
          client.queue = [];
          client.bytes = 0;
          client.resyncPending = false;
          await write(frame('resync', undefined, { reason: 'queue_overflow', maxQueueMessages: this.limits.maxQueueMessages, maxQueueBytes: this.limits.maxQueueBytes }));
          await write(snapshot);
          client.sent += 2;
          continue;
        }
        const next = client.queue.shift();
        if (next === undefined) {
          await new Promise<void>((resolve) => (client.wake = resolve));
          client.wake = undefined;
          continue;
        }
        client.bytes -= next.length;
        await write(next);
        client.sent++;
      }
    } finally {
      this.disconnect(client);
    }
  }

  private disconnect(client: Client): void {
    client.closed = true;
    client.queue = [];
    client.bytes = 0;
    client.wake?.();
    client.release?.();
    client.release = undefined;
    this.clients.delete(client);
    if (this.clients.size === 0) {
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      this.records = [];
      this.skipped = 0;
      this.transitions = [];
      this.transitionsSkipped = 0;
    }
  }

  /** Ends every client's stream (the server is closing). */
  close(): void {
    this.unsubscribe();
    this.unsubscribeViews();
    for (const c of [...this.clients]) this.disconnect(c);
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.lastBeatAt = Date.now();
    this.timer = setInterval(() => this.flush(), this.limits.flushMs);
    this.timer.unref();
  }

  private broadcast(text: string): void {
    const { maxQueueMessages, maxQueueBytes } = this.limits;
    for (const c of this.clients) {
      if (c.resyncPending || c.closed) continue;
      if (c.queue.length + 1 > maxQueueMessages || c.bytes + text.length > maxQueueBytes) {
        // The client does not keep up: drop what it has queued; it resyncs when it reads again.
        c.queue = [];
        c.bytes = 0;
        c.resyncPending = true;
        this.resyncs++;
      } else {
        c.queue.push(text);
        c.bytes += text.length;
      }
      c.wake?.();
    }
  }

  /** One coalescing window: a delta when something changed, a heartbeat when idle for long. */
  flush(): void {
    if (this.clients.size === 0) return;
    const now = Date.now();
    const full = now - this.lastFullAt >= this.limits.fullCompareMs;
    if (!this.dirty && !full) {
      if (now - this.lastBeatAt >= this.limits.heartbeatMs) {
        this.lastBeatAt = now;
        this.broadcast(': ping\n\n');
      }
      return;
    }
    const scopes = this.source.scopes();
    if (full) this.lastFullAt = now;
    const changed: ScopeSummary[] = [];
    const seen = new Set<string>();
    for (const s of scopes) {
      seen.add(s.key);
      const json = JSON.stringify(s);
      if (this.lastScopes.get(s.key) !== json) {
        this.lastScopes.set(s.key, json);
        changed.push(s);
      }
    }
    const removed = [...this.lastScopes.keys()].filter((k) => !seen.has(k));
    for (const k of removed) this.lastScopes.delete(k);
    if (!this.dirty && changed.length === 0 && removed.length === 0) return;
    // The newest records within the byte budget; older ones are counted as skipped.
    const journal: JournalRecord[] = [];
    let budget = this.limits.journalBytesPerDelta;
    let skipped = this.skipped;
    for (let i = this.records.length - 1; i >= 0; i--) {
      const size = JSON.stringify(this.records[i]).length;
      if (size > budget || journal.length >= this.limits.journalRecordsPerDelta) {
        skipped += i + 1;
        break;
      }
      budget -= size;
      journal.unshift(this.records[i]!);
    }
    const transitions = this.transitions;
    const transitionsSkipped = this.transitionsSkipped;
    this.records = [];
    this.skipped = 0;
    this.transitions = [];
    this.transitionsSkipped = 0;
    this.dirty = false;
    this.lastBeatAt = now;
    this.seq++;
    this.broadcast(frame('delta', this.seq, {
      seq: this.seq, status: this.source.status(), scopes: changed, removed, journal, ...(skipped ? { journalSkipped: skipped } : {}),
      ...(transitions.length ? { transitions } : {}), ...(transitionsSkipped ? { transitionsSkipped } : {}),
    }));
  }
}
