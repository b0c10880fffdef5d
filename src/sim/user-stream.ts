// The private user-data stream: listen keys that expire unless kept alive, WebSocket clients at
// the URL ccxt builds (/private/ws?listenKey=KEY, and the legacy /ws/KEY), and delivery of the
// engine's events through the stream faults (silence, duplicates, reordering, delay).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { UserEvent } from './engine.js';
import type { Faults } from './faults.js';

interface ListenKey {
  key: string;
  expiresAt: number;
  expired: boolean;
}

export class UserStream {
  private readonly keys = new Map<string, ListenKey>();
  private readonly clients = new Map<WebSocket, string>();
  private held: UserEvent | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly faults: Faults, private readonly ttlMs: number, private readonly now: () => number) {
    // Expiry is checked on a short wall-clock tick; the simulator serves real clients.
    this.timer = setInterval(() => this.expireDue(), 250);
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
    socket.on('close', () => this.clients.delete(socket));
    socket.on('error', () => this.clients.delete(socket));
  }

  publish(event: UserEvent): void {
    const { stream } = this.faults;
    if (stream.silent) return; // a silent stream loses what it does not send
    if (stream.reorder) {
      if (!this.held) {
        // Held for its successor; delivered alone if none comes soon (reordered, never lost).
        this.held = event;
        setTimeout(() => {
          if (this.held === event) {
            this.held = undefined;
            this.deliver(event);
          }
        }, 250).unref();
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
    return { listenKeys: [...this.keys.values()].map((k) => ({ expired: k.expired, expiresInMs: k.expiresAt - this.now() })), connections: this.clients.size };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.disconnectAll('close');
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

  /** Binance says so once on the socket, then the stream goes quiet. */
  private expire(k: ListenKey): void {
    const text = JSON.stringify({ e: 'listenKeyExpired', E: this.now(), listenKey: k.key });
    for (const [socket, key] of this.clients) if (key === k.key && socket.readyState === 1) socket.send(text);
    k.expired = true;
  }
}
