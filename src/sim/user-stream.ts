// The private user-data stream: listen keys that expire unless kept alive, WebSocket clients at
// the URL ccxt builds (/private/ws?listenKey=KEY, and the legacy /ws/KEY), and delivery of the
// engine's events through the stream's realism and faults: a TRADE_LITE before each fill, the
// 24-hour connection limit, an account update ahead of its fill, silence, duplicates,
// reordering, delay.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { tradeLiteOf } from './account-frames.js';
import type { UserEvent } from './engine.js';
import type { Faults } from './faults.js';

/** "A single connection is only valid for 24 hours; expect to be disconnected at the 24 hour mark" (user-data-streams). */
export const CONNECTION_MAX_AGE_MS = 24 * 60 * 60_000;
/** How long a held frame waits for its partner before it goes out alone (never lost). */
const HOLD_MS = 250;

interface ListenKey {
  key: string;
  expiresAt: number;
  expired: boolean;
}

export class UserStream {
  private readonly keys = new Map<string, ListenKey>();
  private readonly clients = new Map<WebSocket, string>();
  /** When each connection opened, on the venue clock (the 24-hour limit). */
  private readonly openedAt = new Map<WebSocket, number>();
  private held: UserEvent | undefined;
  /** accountFirst: a fill's order row waiting for its ACCOUNT_UPDATE to go out first. */
  private heldFill: UserEvent | undefined;
  private timer: NodeJS.Timeout | undefined;

  /**
   * `now` times listen keys (the wall clock: a client's keepalives run in real time); `venueNow`
   * is the venue clock a test can advance, which ages connections and stamps listenKeyExpired.
   */
  constructor(private readonly faults: Faults, private readonly ttlMs: number, private readonly now: () => number, private readonly venueNow: () => number = now) {
    // Expiry and connection age are checked on a short wall-clock tick; the simulator serves real clients.
    this.timer = setInterval(() => {
      this.expireDue();
      this.closeAged();
    }, 250);
    this.timer.unref();
  }

  private keepaliveCount = 0;

  /** How many distinct listen keys were issued (tests: a fresh key after an expiry). */
  issuedKeys(): number {
    return this.keys.size;
  }

  /** How many keepalives (PUT /fapi/v1/listenKey) kept a live key alive. */
  keepalives(): number {
    return this.keepaliveCount;
  }

  /** POST /fapi/v1/listenKey: Binance returns the same active key while it lives. */
  create(): string {
    for (const k of this.keys.values()) if (!k.expired) {
      k.expiresAt = this.now() + this.ttlMs;
      return k.key;
    }
    const key = randomBytes(24).toString('base64url');
    this.keys.set(key, { key, expiresAt: this.now() + this.ttlMs, expired: false });
    return key;
  }

  keepAlive(key: string | undefined): boolean {
    const k = key ? this.keys.get(key) : [...this.keys.values()].find((x) => !x.expired);
    if (!k || k.expired) return false;
    k.expiresAt = this.now() + this.ttlMs;
    this.keepaliveCount++;
    return true;
  }

  close(key: string | undefined): void {
    const k = key ? this.keys.get(key) : undefined;
    if (k) k.expired = true;
  }

  /** Expires every live key now (the control API's "expire the listen key"). */
  expireAll(): void {
    for (const k of this.keys.values()) if (!k.expired) this.expire(k);
  }

  accept(socket: WebSocket, request: IncomingMessage): void {
    const url = new URL(request.url ?? '/', 'http://sim');
    const key = url.searchParams.get('listenKey') ?? url.pathname.split('/').pop() ?? '';
    const k = this.keys.get(key);
    if (!k || k.expired) {
      socket.close(1008, 'invalid listen key');
      return;
    }
    this.clients.set(socket, key);
    this.openedAt.set(socket, this.venueNow());
    const forget = () => {
      this.clients.delete(socket);
      this.openedAt.delete(socket);
    };
    socket.on('close', forget);
    socket.on('error', forget);
  }

  publish(event: UserEvent): void {
    const { stream } = this.faults;
    if (stream.silent) return; // a silent stream loses what it does not send
    if (stream.tradeLite) {
      // Event-Trade-Lite: the fast twin of a TRADE row, ahead of it; it bypasses the order faults below.
      const lite = tradeLiteOf(event);
      if (lite) this.deliver(lite);
    }
    this.accountFirst(event);
  }

  /**
   * Binance guarantees order only within one event type; it has been seen sending a fill's
   * ACCOUNT_UPDATE before its ORDER_TRADE_UPDATE (JKorf/Binance.Net#546). With `accountFirst` a
   * fill row waits for the next frame: an ACCOUNT_UPDATE goes out ahead of it.
   */
  private accountFirst(event: UserEvent): void {
    const fill = this.heldFill;
    if (fill) {
      this.heldFill = undefined;
      if (event.e === 'ACCOUNT_UPDATE') {
        this.forward(event);
        this.forward(fill);
        return;
      }
      this.forward(fill);
    }
    if (this.faults.stream.accountFirst && isFill(event)) {
      this.heldFill = event;
      setTimeout(() => {
        if (this.heldFill === event) {
          this.heldFill = undefined;
          this.forward(event);
        }
      }, HOLD_MS).unref();
      return;
    }
    this.forward(event);
  }

  /** The transport faults: neighbour swaps, duplicates, then delivery (with any delay). */
  private forward(event: UserEvent): void {
    const { stream } = this.faults;
    if (stream.reorder) {
      if (!this.held) {
        // Held for its successor; delivered alone if none comes soon (reordered, never lost).
        this.held = event;
        setTimeout(() => {
          if (this.held === event) {
            this.held = undefined;
            this.deliver(event);
          }
        }, HOLD_MS).unref();
        return;
      }
      const first = this.held;
      this.held = undefined;
      this.deliver(event);
      this.deliver(first);
      return;
    }
    this.deliver(event);
    if (stream.duplicate) this.deliver(event);
  }

  /** Closes every client: with a close frame (code) or by dropping the TCP connection. */
  disconnectAll(mode: 'close' | 'drop'): number {
    const n = this.clients.size;
    for (const socket of [...this.clients.keys()]) {
      if (mode === 'drop') socket.terminate();
      else socket.close(1001, 'going away');
    }
    return n;
  }

  connectionCount(): number {
    return this.clients.size;
  }

  describe() {
    const venueNow = this.venueNow();
    return {
      listenKeys: [...this.keys.values()].map((k) => ({ expired: k.expired, expiresInMs: k.expiresAt - this.now() })),
      connections: this.clients.size,
      connectionAgesMs: [...this.openedAt.values()].map((at) => venueNow - at),
    };
  }

  /** Closes every connection that is 24 hours old on the venue clock (a close frame, code 1000). */
  closeAged(): number {
    const now = this.venueNow();
    let n = 0;
    for (const [socket, opened] of [...this.openedAt]) {
      // A reset puts the venue clock back: a connection opened "in the future" is aged from now.
      if (opened > now) this.openedAt.set(socket, now);
      if (now - opened < CONNECTION_MAX_AGE_MS) continue;
      this.openedAt.delete(socket);
      this.clients.delete(socket);
      socket.close(1000, 'connection is 24 hours old');
      n++;
    }
    return n;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.disconnectAll('close');
  }

  /** Sends one frame's text as it is to every live client, past every fault (the raw-frame control call); returns how many got it. */
  sendText(text: string): number {
    let n = 0;
    for (const [socket, key] of this.clients) if (!this.keys.get(key)?.expired && socket.readyState === 1) {
      socket.send(text);
      n++;
    }
    return n;
  }

  private deliver(event: UserEvent): void {
    const text = JSON.stringify(event);
    const send = () => {
      for (const [socket, key] of this.clients) if (!this.keys.get(key)?.expired && socket.readyState === 1) socket.send(text);
    };
    if (this.faults.stream.delayMs > 0) setTimeout(send, this.faults.stream.delayMs);
    else send();
  }

  private expireDue(): void {
    const now = this.now();
    for (const k of this.keys.values()) if (!k.expired && k.expiresAt <= now) this.expire(k);
  }

  /** Binance says so once on the socket, then the stream goes quiet. `E` is a string, as in the doc's example. */
  private expire(k: ListenKey): void {
    const text = JSON.stringify({ e: 'listenKeyExpired', E: String(this.venueNow()), listenKey: k.key });
    for (const [socket, key] of this.clients) if (key === k.key && socket.readyState === 1) socket.send(text);
    k.expired = true;
  }
}

function isFill(event: UserEvent): boolean {
  if (event.e !== 'ORDER_TRADE_UPDATE') return false;
  const x = (event.o as { x?: unknown } | undefined)?.x;
  return x === 'TRADE' || x === 'CALCULATED';
}
