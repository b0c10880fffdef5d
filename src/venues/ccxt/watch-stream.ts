// The venue-neutral half of a private stream over ccxt pro: watch loops that keep one private
// socket subscribed, one queue of normalized items, and one failure state. ccxt does not reconnect
// private streams by itself and applies no backoff there: every watch failure is treated as a GAP
// (one `closed` signal per connection), the loops wait out one exponential backoff with jitter,
// then watch again; the venue's adapter reports each (re)connection (`socketUp`) and the stream
// says `open` once the socket is up and every loop watches on it.
//
// Rows come from the raw frames (each venue's adapter intercepts them before ccxt parses them),
// never from what the watch calls return: ccxt's caches collapse updates and drop venue times.
import { rowDefect } from '../../domain/row-validation.js';
import type { PrivateRow } from '../../domain/rows.js';
import type { StreamItem } from '../port.js';
import type { JournalLog } from '../../runtime/journal-catalogue.js';

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 30_000;

export interface WatchStreamOptions {
  /** The watch loops sharing the private socket, by name; their results are not read. */
  loops: Record<string, () => Promise<unknown>>;
  log: JournalLog;
  /** The adapter's scrubber: every reason this stream hands on (items, logs) passes it. */
  scrub: (text: string) => string;
  /** Closes the venue's sockets (every pending watch fails with them). */
  closeSockets: () => Promise<void>;
  /** Called when a connection ends, before the backoff (e.g. forget a listen key). */
  onConnectionEnded?: () => void;
}

export class WatchStream {
  private readonly queue: StreamItem[] = [];
  private waiter: ((r: IteratorResult<StreamItem>) => void) | undefined;
  private running = false;
  private stopped = false;
  /** `open` was announced for the current connection. */
  private connected = false;
  private failures = 0;
  /** The connection generation: a failure ends it once, however many loops notice. */
  private epoch = 0;
  /** Loops that are watching on the current connection (the stream is ready only when all are). */
  private readonly armed = new Set<string>();
  /** The venue reported the socket of the current connection up. */
  private up = false;
  /** The one backoff every loop waits out after a failure of the connection. */
  private backoff: Promise<void> = Promise.resolve();

  constructor(private readonly options: WatchStreamOptions) {}

  /** Frames are read only while the stream runs. */
  get isRunning(): boolean {
    return this.running;
  }

  items(): AsyncIterable<StreamItem> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift()!, done: false });
          if (!this.running && this.queue.length === 0 && this.stopped) return Promise.resolve({ value: undefined as never, done: true });
          return new Promise((resolve) => (this.waiter = resolve));
        },
      }),
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const [name, once] of Object.entries(this.options.loops)) void this.loop(name, once);
  }

  /** Forces a reconnect (a watchdog saw silence): closing the socket fails every watch. */
  async restart(reason: string): Promise<void> {
    this.options.log('stream_restart_requested', { reason: this.options.scrub(reason) });
    this.fail('watchdog', new Error(reason));
    await this.options.closeSockets();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: undefined as never, done: true });
    }
  }

  /** The venue says the socket of the current connection is up (ccxt's onConnected). */
  socketUp(): void {
    this.up = true;
    this.maybeOpen();
  }

  /** The venue ended the connection (an expiry notice): a gap at once, then reconnect after `waitMs`. */
  failNow(source: string, error: unknown, waitMs?: number): void {
    this.fail(source, error, waitMs);
  }

  /** One row, normalized and validated; a failure is one `malformed` item naming the field and value. */
  emit(build: () => PrivateRow): void {
    this.emitAll(() => [build()]);
  }

  emitAll(build: () => PrivateRow[]): void {
    let rows: PrivateRow[];
    try {
      rows = build();
    } catch (error) {
      this.malformed(error);
      return;
    }
    for (const row of rows) {
      const defect = rowDefect(row);
      if (defect) this.push({ kind: 'malformed', reason: `${row.kind}: ${defect.field}=${defect.value}: ${defect.reason}`.slice(0, 300) });
      else this.push(row);
    }
  }

  /** A frame that could not be read at all. */
  malformed(error: unknown): void {
    this.push({ kind: 'malformed', reason: this.options.scrub(reasonOf(error)) });
  }

  private async loop(name: string, once: () => Promise<unknown>): Promise<void> {
    while (this.running) {
      const epoch = this.epoch;
      this.arm(name, epoch);
      try {
        await once();
      } catch (error) {
        if (!this.running) return;
        if (epoch === this.epoch) this.fail(name, error);
        await this.backoff;
      }
    }
  }

  private arm(loop: string, epoch: number): void {
    if (epoch !== this.epoch) return;
    this.armed.add(loop);
    this.maybeOpen();
  }

  private maybeOpen(): void {
    if (this.connected || !this.up || this.armed.size < Object.keys(this.options.loops).length) return;
    this.connected = true;
    this.failures = 0;
    this.push({ kind: 'stream', status: 'open' });
  }

  /**
   * One failure state for the whole stream: the first loop to notice ends the connection (closing
   * the socket, so every watch fails with it), announces the gap once, and starts the one backoff
   * all loops wait out; a loop that notices an ended connection just waits.
   */
  private fail(source: string, error: unknown, waitMs?: number): void {
    this.failures++;
    this.epoch++;
    this.armed.clear();
    this.up = false;
    this.options.onConnectionEnded?.();
    const message = this.options.scrub(String((error as Error)?.message ?? error)).slice(0, 200);
    if (this.connected) {
      this.connected = false;
      this.push({ kind: 'stream', status: 'closed', reason: `${source}: ${message}` });
    }
    this.options.log('stream_watch_failed', { loop: source, reason: message, failures: this.failures, epoch: this.epoch });
    this.backoff = sleep(waitMs ?? this.backoffMs());
    void this.options.closeSockets();
  }

  /** Exponential backoff with full jitter: 250 ms doubling to 30 s. */
  private backoffMs(): number {
    const cap = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.min(10, this.failures));
    return Math.round(cap / 2 + Math.random() * (cap / 2));
  }

  private push(item: StreamItem): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: item, done: false });
    } else this.queue.push(item);
  }
}

const reasonOf = (error: unknown) => String((error as Error)?.message ?? error).slice(0, 300);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** Closes every socket a ccxt pro client holds. */
export async function closeClientSockets(ex: unknown): Promise<void> {
  const clients = Object.values((ex as { clients?: Record<string, { close: () => Promise<void> | undefined }> }).clients ?? {});
  await Promise.all(clients.map((c) => Promise.resolve().then(() => c.close()).catch(() => undefined)));
}
