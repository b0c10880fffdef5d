// The private stream over ccxt pro: four watch loops (orders incl. algo orders, fills, positions,
// balances) keep one user-data socket subscribed. ccxt does not reconnect private streams by itself
// and applies no backoff there: every watch failure is treated as a GAP (one `closed` signal per
// connection), the loops wait with exponential backoff plus jitter, then watch again; ccxt's
// onConnected hook reports each (re)connection as `open`.
//
// Rows are read from the raw frames, not from what the watch calls return: ccxt's caches collapse
// several updates of one order into its latest state, emit no trade for a liquidation execution
// (x=CALCULATED), and drop the frame's T/E times. ccxt dispatches every user-data frame through
// `handleOrderUpdate` (ORDER_TRADE_UPDATE, ALGO_UPDATE) or `handleAcountUpdate` (ACCOUNT_UPDATE,
// ccxt's spelling), looked up on the instance per message; wrapped there, each frame becomes rows
// in wire order before ccxt sees it. A row that does not normalize becomes a `malformed` item
// naming the field and value (never the payload) and the stream goes on.
import { rowDefect } from '../../domain/row-validation.js';
import type { PrivateRow } from '../../domain/rows.js';
import type { StreamItem } from '../port.js';
import type { JournalLog } from '../../runtime/journal-catalogue.js';
import { registerSecret, scrubText } from '../../runtime/redact.js';
import type { BinanceClient } from './client.js';
import {
  balanceRows, liquidationExecutionRow, orderReason, positionEntries, positionRows, skippedEvent, streamAlgoRow, streamOrderRow, streamTradeRow, type FrameTimes,
} from './normalize.js';

type Raw = Record<string, unknown>;
const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 30_000;

export class PrivateStream {
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
  /** ccxt reported the socket of the current connection up. */
  private socketUp = false;
  /** The one backoff every loop waits out after a failure of the connection. */
  private backoff: Promise<void> = Promise.resolve();

  constructor(
    private readonly ex: BinanceClient,
    private readonly onLog: JournalLog,
    /** Told every (order id, client id) pair a frame shows, so fill history can name its orders. */
    private readonly onOrderIdentity: (exchangeOrderId: string, customOrderId: string) => void = () => undefined,
    /** The adapter's scrubber: every reason this stream hands on (items, logs) passes it. */
    private readonly scrub: (text: string) => string = (text) => scrubText(text),
  ) {
    const handlers = ex as unknown as Record<string, (client: unknown, message: unknown) => unknown>;
    for (const [name, read] of [['handleOrderUpdate', (m: Raw) => this.onOrderFrame(m)], ['handleAcountUpdate', (m: Raw) => this.onAccountFrame(m)]] as const) {
      const original = handlers[name];
      if (typeof original !== 'function') throw new Error(`ccxt binanceusdm has no ${name}: the private stream cannot read raw frames`);
      handlers[name] = (client: unknown, message: unknown) => {
        if (this.running && message && typeof message === 'object') {
          try {
            read(message as Raw);
          } catch (error) {
            this.push({ kind: 'malformed', reason: this.scrub(reasonOf(error)) });
          }
        }
        return original.call(ex, client, message);
      };
    }
    // ccxt drops `listenKeyExpired` (it is in no handler table): seen here, it is a gap at once.
    // Every other event exstate makes no row of (MARGIN_CALL, TRADE_LITE, ...) is journaled as
    // skipped, then handed to ccxt as before: nothing the venue sends passes without a trace.
    const handleMessage = handlers.handleMessage;
    if (typeof handleMessage !== 'function') throw new Error('ccxt binanceusdm has no handleMessage: the private stream cannot see listenKeyExpired');
    handlers.handleMessage = (client: unknown, message: unknown) => {
      if (this.running && message && typeof message === 'object' && !Array.isArray(message)) {
        if ((message as Raw).e === 'listenKeyExpired') {
          this.onLog('listen_key_expired', {});
          this.fail('stream', this.epoch, new Error('listenKeyExpired: the venue expired the listen key'), 0);
          return undefined;
        }
        const skipped = skippedEvent(message as Raw);
        if (skipped) this.onLog('venue_event_skipped', skipped);
      }
      return handleMessage.call(ex, client, message);
    };
    (ex as unknown as { onConnected: (client: unknown) => void }).onConnected = () => {
      this.noteListenKey();
      this.socketUp = true;
      this.maybeOpen();
    };
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
    // The results are not read (the frames were, see the header); the loops keep the socket
    // subscribed and notice its failures.
    void this.loop('orders', async () => void (await this.ex.watchOrders()));
    void this.loop('fills', async () => void (await this.ex.watchMyTrades()));
    void this.loop('positions', async () => void (await this.ex.watchPositions()));
    void this.loop('balances', async () => void (await this.ex.watchBalance()));
  }

  /** Forces a reconnect (a watchdog saw silence): closing the socket fails every watch. */
  async restart(reason: string): Promise<void> {
    this.onLog('stream_restart_requested', { reason: this.scrub(reason) });
    this.fail('watchdog', this.epoch, new Error(reason));
    await this.closeSockets();
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

  /** ORDER_TRADE_UPDATE / ALGO_UPDATE frame -> (fill row,) order row; each row guarded alone. */
  private onOrderFrame(frame: Raw): void {
    if (frame.e !== 'ORDER_TRADE_UPDATE' && frame.e !== 'ALGO_UPDATE') return;
    const o = frame.o;
    if (!o || typeof o !== 'object' || Array.isArray(o)) {
      this.push({ kind: 'malformed', reason: `${String(frame.e)}: o: expected an object` });
      return;
    }
    const times: FrameTimes = { E: frame.E, T: frame.T };
    const order = o as Raw;
    // The expiry reason (er), EXPIRED_IN_MATCH and an algo order's failure reason (rm) have no
    // place in an order row: the journal keeps them.
    const reason = orderReason(frame.e, order);
    if (reason) this.onLog('venue_order_reason', reason);
    if (frame.e === 'ALGO_UPDATE') {
      if (order.caid && order.ai) this.identify(order.ai, order.caid);
      this.emit(() => streamAlgoRow(order, times));
      return;
    }
    if (order.c) this.identify(order.i, order.c);
    // ccxt's order: the fill, then the order's new state (as its watch loops delivered them).
    if (order.x === 'TRADE') this.emit(() => streamTradeRow(order, times));
    if (order.x === 'CALCULATED') this.emit(() => liquidationExecutionRow(order, times));
    this.emit(() => streamOrderRow(order, times));
  }

  /** ACCOUNT_UPDATE frame -> balance rows (none on a margin-only frame), then position rows with the frame's T/E (hedge mode's zero BOTH entries left out). */
  private onAccountFrame(frame: Raw): void {
    if (frame.e !== 'ACCOUNT_UPDATE') return;
    const a = (frame.a ?? {}) as Raw;
    const times: FrameTimes = { E: frame.E, T: frame.T };
    this.emitAll(() => balanceRows(a));
    for (const p of positionEntries(a.P)) this.emitAll(() => positionRows(p, 'pa', 'ep', times));
  }

  /** The listen key ccxt holds is a secret: the scrubber learns each one as soon as it is used. */
  private noteListenKey(): void {
    const options = (this.ex as unknown as { options?: Record<string, { listenKey?: unknown } | undefined> }).options ?? {};
    for (const type of ['future', 'delivery']) {
      const key = options[type]?.listenKey;
      if (typeof key === 'string') registerSecret(key, 'listen_key');
    }
  }

  private identify(orderId: unknown, clientId: unknown): void {
    if ((typeof orderId === 'string' || typeof orderId === 'number') && typeof clientId === 'string' && clientId) this.onOrderIdentity(String(orderId), clientId);
  }

  private emit(build: () => PrivateRow): void {
    this.emitAll(() => [build()]);
  }

  /** Normalizes and validates rows; a failure is one `malformed` item naming the field and value. */
  private emitAll(build: () => PrivateRow[]): void {
    let rows: PrivateRow[];
    try {
      rows = build();
    } catch (error) {
      this.push({ kind: 'malformed', reason: this.scrub(reasonOf(error)) });
      return;
    }
    for (const row of rows) {
      const defect = rowDefect(row);
      if (defect) this.push({ kind: 'malformed', reason: `${row.kind}: ${defect.field}=${defect.value}: ${defect.reason}`.slice(0, 300) });
      else this.push(row);
    }
  }

  private async loop(name: string, once: () => Promise<void>): Promise<void> {
    while (this.running) {
      const epoch = this.epoch;
      this.arm(name, epoch);
      try {
        await once();
      } catch (error) {
        if (!this.running) return;
        this.fail(name, epoch, error);
        await this.backoff;
      }
    }
  }

  /** A loop watches on this connection; when all do and the socket is up, the stream is ready. */
  private arm(loop: string, epoch: number): void {
    if (epoch !== this.epoch) return;
    this.armed.add(loop);
    this.maybeOpen();
  }

  private maybeOpen(): void {
    if (this.connected || !this.socketUp || this.armed.size < LOOPS.length) return;
    this.connected = true;
    this.failures = 0;
    this.push({ kind: 'stream', status: 'open' });
  }

  /**
   * One failure state for the whole stream: the first loop to notice ends the connection (closing
   * the socket, so every watch fails with it), announces the gap once, and starts the one backoff
   * all loops wait out; a loop that notices an ended connection just waits. The next connection
   * asks for a fresh listen key (the old one may be what expired).
   */
  private fail(loop: string, epoch: number, error: unknown, waitMs?: number): void {
    if (epoch !== this.epoch) return;
    this.failures++;
    this.epoch++;
    this.armed.clear();
    this.socketUp = false;
    const options = (this.ex as unknown as { options: Record<string, { lastAuthenticatedTime?: number } | undefined> }).options;
    this.noteListenKey();
    for (const type of ['future', 'delivery']) if (options[type]) options[type]!.lastAuthenticatedTime = 0;
    const message = this.scrub(String((error as Error)?.message ?? error)).slice(0, 200);
    if (this.connected) {
      this.connected = false;
      this.push({ kind: 'stream', status: 'closed', reason: `${loop}: ${message}` });
    }
    this.onLog('stream_watch_failed', { loop, reason: message, failures: this.failures, epoch: this.epoch });
    this.backoff = sleep(waitMs ?? this.backoffMs());
    void this.closeSockets();
  }

  private async closeSockets(): Promise<void> {
    const clients = Object.values((this.ex as unknown as { clients: Record<string, { close: () => Promise<void> | undefined }> }).clients ?? {});
    await Promise.all(clients.map((c) => Promise.resolve().then(() => c.close()).catch(() => undefined)));
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

/** The watch loops that share the user-data socket. */
const LOOPS = ['orders', 'fills', 'positions', 'balances'] as const;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
