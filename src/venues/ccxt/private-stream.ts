// The Binance USD-M private stream over ccxt pro: four watch loops (orders incl. algo orders,
// fills, positions, balances) keep one user-data socket subscribed; the loops, the gap signals and
// the backoff are the venue-neutral WatchStream's (watch-stream.ts); ccxt's onConnected hook
// reports each (re)connection.
//
// Rows are read from the raw frames, not from what the watch calls return: ccxt's caches collapse
// several updates of one order into its latest state, emit no trade for a liquidation execution
// (x=CALCULATED), and drop the frame's T/E times. ccxt dispatches every user-data frame through
// `handleOrderUpdate` (ORDER_TRADE_UPDATE, ALGO_UPDATE) or `handleAcountUpdate` (ACCOUNT_UPDATE,
// ccxt's spelling), looked up on the instance per message; wrapped there, each frame becomes rows
// in wire order before ccxt sees it. A row that does not normalize becomes a `malformed` item
// naming the field and value (never the payload) and the stream goes on.
import type { StreamItem } from '../port.js';
import type { JournalLog } from '../../runtime/journal-catalogue.js';
import { registerSecret, scrubText } from '../../runtime/redact.js';
import type { BinanceClient } from './client.js';
import {
  balanceRows, liquidationExecutionRow, orderReason, positionEntries, positionRows, skippedEvent, streamAlgoRow, streamOrderRow, streamTradeRow, type FrameTimes,
} from './normalize.js';
import { closeClientSockets, WatchStream } from './watch-stream.js';

type Raw = Record<string, unknown>;

export class PrivateStream {
  private readonly watch: WatchStream;

  constructor(
    private readonly ex: BinanceClient,
    private readonly onLog: JournalLog,
    /** Told every (order id, client id) pair a frame shows, so fill history can name its orders. */
    private readonly onOrderIdentity: (exchangeOrderId: string, customOrderId: string) => void = () => undefined,
    /** The adapter's scrubber: every reason this stream hands on (items, logs) passes it. */
    scrub: (text: string) => string = (text) => scrubText(text),
  ) {
    this.watch = new WatchStream({
      // The results are not read (the frames were, see the header); the loops keep the socket
      // subscribed and notice its failures.
      loops: {
        orders: () => this.ex.watchOrders(),
        fills: () => this.ex.watchMyTrades(),
        positions: () => this.ex.watchPositions(),
        balances: () => this.ex.watchBalance(),
      },
      log: onLog,
      scrub,
      closeSockets: () => closeClientSockets(this.ex),
      // The next connection asks for a fresh listen key (the old one may be what expired).
      onConnectionEnded: () => {
        const options = (this.ex as unknown as { options: Record<string, { lastAuthenticatedTime?: number } | undefined> }).options;
        this.noteListenKey();
        for (const type of ['future', 'delivery']) if (options[type]) options[type]!.lastAuthenticatedTime = 0;
      },
    });
    const handlers = ex as unknown as Record<string, (client: unknown, message: unknown) => unknown>;
    for (const [name, read] of [['handleOrderUpdate', (m: Raw) => this.onOrderFrame(m)], ['handleAcountUpdate', (m: Raw) => this.onAccountFrame(m)]] as const) {
      const original = handlers[name];
      if (typeof original !== 'function') throw new Error(`ccxt binanceusdm has no ${name}: the private stream cannot read raw frames`);
      handlers[name] = (client: unknown, message: unknown) => {
        if (this.watch.isRunning && message && typeof message === 'object') {
          try {
            read(message as Raw);
          } catch (error) {
            this.watch.malformed(error);
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
      if (this.watch.isRunning && message && typeof message === 'object' && !Array.isArray(message)) {
        if ((message as Raw).e === 'listenKeyExpired') {
          this.onLog('listen_key_expired', {});
          this.watch.failNow('stream', new Error('listenKeyExpired: the venue expired the listen key'), 0);
          return undefined;
        }
        const skipped = skippedEvent(message as Raw);
        if (skipped) this.onLog('venue_event_skipped', skipped);
      }
      return handleMessage.call(ex, client, message);
    };
    (ex as unknown as { onConnected: (client: unknown) => void }).onConnected = () => {
      this.noteListenKey();
      this.watch.socketUp();
    };
  }

  items(): AsyncIterable<StreamItem> {
    return this.watch.items();
  }

  start(): void {
    this.watch.start();
  }

  /** Forces a reconnect (a watchdog saw silence): closing the socket fails every watch. */
  async restart(reason: string): Promise<void> {
    await this.watch.restart(reason);
  }

  async stop(): Promise<void> {
    await this.watch.stop();
  }

  /** ORDER_TRADE_UPDATE / ALGO_UPDATE frame -> (fill row,) order row; each row guarded alone. */
  private onOrderFrame(frame: Raw): void {
    if (frame.e !== 'ORDER_TRADE_UPDATE' && frame.e !== 'ALGO_UPDATE') return;
    const o = frame.o;
    if (!o || typeof o !== 'object' || Array.isArray(o)) {
      this.watch.malformed(`${String(frame.e)}: o: expected an object`);
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
      this.watch.emit(() => streamAlgoRow(order, times));
      return;
    }
    if (order.c) this.identify(order.i, order.c);
    // ccxt's order: the fill, then the order's new state (as its watch loops delivered them).
    if (order.x === 'TRADE') this.watch.emit(() => streamTradeRow(order, times));
    if (order.x === 'CALCULATED') this.watch.emit(() => liquidationExecutionRow(order, times));
    this.watch.emit(() => streamOrderRow(order, times));
  }

  /** ACCOUNT_UPDATE frame -> balance rows (none on a margin-only frame), then position rows with the frame's T/E (hedge mode's zero BOTH entries left out). */
  private onAccountFrame(frame: Raw): void {
    if (frame.e !== 'ACCOUNT_UPDATE') return;
    const a = (frame.a ?? {}) as Raw;
    const times: FrameTimes = { E: frame.E, T: frame.T };
    this.watch.emitAll(() => balanceRows(a));
    for (const p of positionEntries(a.P)) this.watch.emitAll(() => positionRows(p, 'pa', 'ep', times));
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
}
