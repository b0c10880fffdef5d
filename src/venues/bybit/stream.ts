// The Bybit V5 private stream over ccxt pro: four watch loops (order, execution, position, wallet)
// keep one authenticated /v5/private socket subscribed; the loops, the gap signals and the backoff
// are the venue-neutral WatchStream's. The stream is open once Bybit accepted the auth and
// acknowledged all four subscriptions. Rows are read from the raw topic frames (ccxt dispatches each
// through `handleMessage`, looked up on the instance per message): ccxt's caches collapse updates,
// drop `creationTime`, and its parsed orders carry floats. Within one frame the rows keep the
// venue's order; an execution frame's fills come before the order rows that report their result.
import type { RowSide } from '../../domain/rows.js';
import type { JournalLog } from '../../runtime/journal-catalogue.js';
import type { StreamItem } from '../port.js';
import { closeClientSockets, WatchStream } from '../ccxt/watch-stream.js';
import type { BybitClient } from './client.js';
import { balanceRows, executionRow, FILL_EXEC_TYPES, orderRow, positionRows, sideOfIdx, type TopicTimes } from './normalize.js';

type Raw = Record<string, unknown>;

const READ_TOPICS: ReadonlySet<string> = new Set(['order', 'execution', 'position', 'wallet']);
const LOOP_COUNT = 4;

export interface BybitStreamOptions {
  hedge: boolean;
  log: JournalLog;
  scrub: (text: string) => string;
  /** Every (order id, custom id, side) a frame shows: fill history and hedge-mode fills need them. */
  onOrderIdentity: (exchangeOrderId: string, customOrderId: string | undefined, side: RowSide) => void;
  sideOfOrder: (exchangeOrderId: string) => RowSide | undefined;
}

export class BybitStream {
  private readonly watch: WatchStream;
  /** This connection's auth answer was a success. */
  private authenticated = false;
  /** Subscribe acknowledgements on this connection (one per topic). */
  private acknowledged = 0;

  constructor(private readonly ex: BybitClient, private readonly options: BybitStreamOptions) {
    this.watch = new WatchStream({
      loops: {
        orders: () => this.ex.watchOrders(),
        fills: () => this.ex.watchMyTrades(),
        positions: () => this.ex.watchPositions(),
        balances: () => this.ex.watchBalance(),
      },
      log: options.log,
      scrub: options.scrub,
      closeSockets: () => closeClientSockets(this.ex),
      onConnectionEnded: () => {
        this.authenticated = false;
        this.acknowledged = 0;
      },
    });
    const handlers = ex as unknown as Record<string, (client: unknown, message: unknown) => unknown>;
    const handleMessage = handlers.handleMessage;
    if (typeof handleMessage !== 'function') throw new Error('ccxt bybit has no handleMessage: the private stream cannot read raw frames');
    handlers.handleMessage = (client: unknown, message: unknown) => {
      if (this.watch.isRunning && message && typeof message === 'object' && !Array.isArray(message)) {
        this.onControl(message as Raw);
        try {
          this.onFrame(message as Raw);
        } catch (error) {
          this.watch.malformed(error);
        }
      }
      return handleMessage.call(ex, client, message);
    };
  }

  /**
   * The stream is up only when Bybit accepted the auth and acknowledged every topic: ccxt's
   * onConnected fires when the socket opens, before either, and a fill in between would be in
   * neither the reconnect snapshot nor the stream.
   */
  private onControl(message: Raw): void {
    const ok = message.success === true || message.retCode === 0;
    if (message.op === 'auth' && ok) this.authenticated = true;
    else if (message.op === 'subscribe' && ok) this.acknowledged++;
    else return;
    if (this.authenticated && this.acknowledged >= LOOP_COUNT) this.watch.socketUp();
  }

  items(): AsyncIterable<StreamItem> {
    return this.watch.items();
  }

  start(): void {
    this.watch.start();
  }

  async restart(reason: string): Promise<void> {
    await this.watch.restart(reason);
  }

  async stop(): Promise<void> {
    await this.watch.stop();
  }

  private onFrame(frame: Raw): void {
    const topic = typeof frame.topic === 'string' ? frame.topic : undefined;
    if (!topic || !READ_TOPICS.has(topic)) return;
    if (!Array.isArray(frame.data)) {
      this.watch.malformed(`${topic}: data: expected a list`);
      return;
    }
    const times: TopicTimes = { creationTime: frame.creationTime };
    for (const entry of frame.data as unknown[]) {
      if (!entry || typeof entry !== 'object') {
        this.watch.malformed(`${topic}: expected an object in data`);
        continue;
      }
      const row = entry as Raw;
      if (row.category !== undefined && row.category !== 'linear' && topic !== 'wallet') continue; // another product of the account
      switch (topic) {
        case 'order':
          this.noteIdentity(row);
          this.watch.emit(() => orderRow(row, times));
          break;
        case 'execution':
          if (FILL_EXEC_TYPES.has(String(row.execType))) this.watch.emit(() => executionRow(row, this.options.hedge, this.options.sideOfOrder, times));
          else this.options.log('venue_event_skipped', { venueEvent: `execution:${String(row.execType)}`, reason: 'not a fill of an order (funding, settlement or another execution type)', ...ids(row) });
          break;
        case 'position':
          this.watch.emitAll(() => positionRows(row, times));
          break;
        case 'wallet':
          this.watch.emitAll(() => balanceRows(row));
          break;
      }
    }
  }

  private noteIdentity(row: Raw): void {
    const orderId = row.orderId;
    if (typeof orderId !== 'string' || !orderId) return;
    try {
      this.options.onOrderIdentity(orderId, typeof row.orderLinkId === 'string' && row.orderLinkId ? row.orderLinkId : undefined, sideOfIdx(row.positionIdx));
    } catch {
      // An unreadable positionIdx: orderRow reports the row as malformed.
    }
  }
}

function ids(row: Raw): { symbol?: string; exchangeOrderId?: string; customOrderId?: string } {
  const s = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const out: { symbol?: string; exchangeOrderId?: string; customOrderId?: string } = {};
  if (s(row.symbol)) out.symbol = s(row.symbol);
  if (s(row.orderId)) out.exchangeOrderId = s(row.orderId);
  if (s(row.orderLinkId)) out.customOrderId = s(row.orderLinkId);
  return out;
}
