// The Binance spot private stream over ccxt pro: three watch loops (orders, fills, balance) keep
// one WebSocket API user-data subscription (userDataStream.subscribe.signature on /ws-api/v3; no
// listen key); the loops, the gap signals and the backoff are the venue-neutral WatchStream's. Rows
// are read from the raw events (ccxt dispatches each through `handleMessage`, looked up on the
// instance per message, wrapped as {subscriptionId, event}): ccxt's caches collapse updates and its
// parsed orders carry floats, and it drops listStatus altogether.
//   - executionReport: the fill (x=TRADE) first, then the order row that reports its result;
//   - outboundAccountPosition: a balance row per asset (free + locked);
//   - listStatus: said (venue_event_skipped): each leg's own executionReport carries its fate;
//   - eventStreamTerminated: the venue ended the subscription: a gap (the runtime re-hydrates) and
//     a fresh subscription after the backoff;
//   - balanceUpdate (a deposit or withdrawal) makes no row: the outboundAccountPosition after it does.
import type { JournalLog } from '../../runtime/journal-catalogue.js';
import type { StreamItem } from '../port.js';
import { closeClientSockets, WatchStream } from '../ccxt/watch-stream.js';
import type { BinanceSpotClient } from './client.js';
import { balanceRowsOfAccountPosition, executionRowOfReport, orderRowOfReport } from './normalize.js';

type Raw = Record<string, unknown>;

export interface BinanceSpotStreamOptions {
  log: JournalLog;
  scrub: (text: string) => string;
  /** Every (order id, custom id) a report shows: the fill history has no client ids. */
  onOrderIdentity: (exchangeOrderId: string, customOrderId: string | undefined) => void;
}

export class BinanceSpotStream {
  private readonly watch: WatchStream;

  constructor(private readonly ex: BinanceSpotClient, private readonly options: BinanceSpotStreamOptions) {
    this.watch = new WatchStream({
      loops: {
        orders: () => this.ex.watchOrders(),
        fills: () => this.ex.watchMyTrades(),
        balances: () => this.ex.watchBalance(),
      },
      log: options.log,
      scrub: options.scrub,
      closeSockets: () => closeClientSockets(this.ex),
    });
    const handlers = ex as unknown as Record<string, (client: unknown, message: unknown) => unknown>;
    const handleMessage = handlers.handleMessage;
    if (typeof handleMessage !== 'function') throw new Error('ccxt binance has no handleMessage: the private stream cannot read raw events');
    handlers.handleMessage = (client: unknown, message: unknown) => {
      if (this.watch.isRunning && message && typeof message === 'object' && !Array.isArray(message)) {
        const envelope = message as Raw;
        const event = envelope.event && typeof envelope.event === 'object' ? (envelope.event as Raw) : envelope;
        try {
          this.onEvent(event);
        } catch (error) {
          this.watch.malformed(error);
        }
      }
      return handleMessage.call(ex, client, message);
    };
    (ex as unknown as { onConnected: (client: unknown) => void }).onConnected = () => this.watch.socketUp();
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

  /** One user-data event (exported for the unit tests through the class). */
  onEvent(e: Raw): void {
    switch (e.e) {
      case 'executionReport': {
        if (typeof e.i === 'number' || typeof e.i === 'string') {
          const own = e.x === 'CANCELED' && typeof e.C === 'string' && e.C ? e.C : typeof e.c === 'string' && e.c ? e.c : undefined;
          this.options.onOrderIdentity(String(e.i), own);
        }
        if (e.x === 'TRADE') this.watch.emit(() => executionRowOfReport(e));
        this.watch.emit(() => orderRowOfReport(e));
        return;
      }
      case 'outboundAccountPosition':
        this.watch.emitAll(() => balanceRowsOfAccountPosition(e));
        return;
      case 'listStatus':
        this.options.log('venue_event_skipped', {
          venueEvent: `listStatus:${String(e.l)}:${String(e.L)}`, reason: 'order list status: each leg\'s executionReport carries its own fate',
          ...(typeof e.s === 'string' ? { symbol: e.s } : {}), ...(typeof e.C === 'string' && e.C ? { customOrderId: e.C } : {}),
        });
        return;
      case 'eventStreamTerminated':
        // The venue ended the subscription (the socket may stay open): a gap, then a new subscription.
        this.watch.failNow('eventStreamTerminated', new Error('the venue terminated the user-data subscription'));
        return;
      default:
        return;
    }
  }
}
