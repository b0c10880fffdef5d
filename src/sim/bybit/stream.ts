// The Bybit V5 private WebSocket (/v5/private) as ccxt `bybit` uses it: `auth` with
// [apiKey, expires, hex HMAC-SHA256(secret, "GET/realtime" + expires)], `subscribe` to topics,
// `ping`/`pong`, then topic frames `{id, topic, creationTime, data:[row]}` to each connection for
// the topics it subscribed (`order`, `execution`, `execution.fast`, `position`, `wallet`, and their
// `.linear` forms). The shared stream faults apply to topic frames: silent (control answers still
// go out, so ccxt's keepalive holds: a data gap only a watchdog notices), duplicate, reorder,
// delayMs; drop and close through disconnectAll. Binance's tradeLite and accountFirst switches
// have no Bybit meaning and are ignored.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { UserEvent } from '../engine.js';
import type { Faults } from '../faults.js';
import type { TopicRow } from './frames.js';
import type { BybitCredentials } from './rest.js';

const TOPICS = new Set(['order', 'order.linear', 'execution', 'execution.linear', 'execution.fast', 'execution.fast.linear', 'position', 'position.linear', 'wallet']);
/** How long a reordered frame waits for its successor before it goes out alone (never lost). */
const HOLD_MS = 250;

interface Session {
  connId: string;
  authenticated: boolean;
  topics: Set<string>;
  openedAt: number;
}

type Outgoing = Array<[WebSocket, string]>;

const baseTopic = (t: string) => t.replace(/\.linear$/, '').replace(/\.fast$/, '');
/** The first characters of a credential, for echoing a refused auth without repeating it. */
const masked = (v: unknown) => (typeof v === 'string' && v.length > 4 ? `${v.slice(0, 4)}***` : '***');

export class BybitStream {
  private readonly sessions = new Map<WebSocket, Session>();
  private nextConn = 1;
  private nextFrame = 1;
  private pings = 0;
  private auths = 0;
  private held: Outgoing | undefined;

  constructor(
    private readonly faults: Faults,
    private readonly creds: BybitCredentials,
    /** Wall clock plus the skew fault: `expires` is checked against it. */
    private readonly serverTime: () => number,
    /** The venue clock: frames' creationTime and connection ages. */
    private readonly venueNow: () => number,
    private readonly translate: (e: UserEvent) => TopicRow[],
  ) {}

  accept(socket: WebSocket, _request: IncomingMessage): void {
    const session: Session = { connId: `sim-conn-${this.nextConn++}`, authenticated: false, topics: new Set(), openedAt: this.venueNow() };
    this.sessions.set(socket, session);
    const forget = () => this.sessions.delete(socket);
    socket.on('close', forget);
    socket.on('error', forget);
    socket.on('message', (data) => this.onMessage(socket, session, String(data)));
  }

  private onMessage(socket: WebSocket, s: Session, text: string): void {
    let msg: { op?: unknown; args?: unknown; req_id?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      this.reply(socket, { success: false, ret_msg: 'error:the message is not JSON', conn_id: s.connId, op: '' });
      return;
    }
    const reqId = msg.req_id !== undefined ? { req_id: msg.req_id } : {};
    const args = Array.isArray(msg.args) ? msg.args : [];
    switch (msg.op) {
      case 'auth': {
        const problem = s.authenticated ? 'Repeat auth' : this.authProblem(args);
        if (problem) {
          this.reply(socket, { success: false, ret_msg: problem, op: 'auth', conn_id: s.connId, ...reqId, request: { op: 'auth', args: [masked(args[0]), args[1], masked(args[2])] } });
          return;
        }
        s.authenticated = true;
        this.auths++;
        this.reply(socket, { success: true, ret_msg: '', op: 'auth', conn_id: s.connId, ...reqId });
        return;
      }
      case 'subscribe':
      case 'unsubscribe': {
        const op = msg.op;
        if (!s.authenticated) {
          this.reply(socket, { success: false, ret_msg: 'Request not authorized', conn_id: s.connId, ...reqId, op });
          return;
        }
        const bad = args.find((t) => typeof t !== 'string' || !TOPICS.has(t));
        if (bad !== undefined || args.length === 0) {
          this.reply(socket, { success: false, ret_msg: `error:topic:${String(bad ?? '')} not supported`, conn_id: s.connId, ...reqId, op });
          return;
        }
        for (const t of args as string[]) {
          if (op === 'subscribe') s.topics.add(t);
          else s.topics.delete(t);
        }
        this.reply(socket, { success: true, ret_msg: '', conn_id: s.connId, ...reqId, op });
        return;
      }
      case 'ping':
        this.pings++;
        this.reply(socket, { op: 'pong', ...reqId, args: [String(Date.now())], conn_id: s.connId });
        return;
      default:
        this.reply(socket, { success: false, ret_msg: `error:handler not found for op ${String(msg.op)}`, conn_id: s.connId, ...reqId, op: msg.op ?? '' });
    }
  }

  /** Why an auth request is refused (undefined when it is good): key, expiry, then signature. */
  private authProblem(args: unknown[]): string | undefined {
    const [key, expires, sign] = args;
    if (key !== this.creds.apiKey) return 'API key is invalid.';
    const when = typeof expires === 'number' ? expires : Number(expires);
    if (!Number.isFinite(when) || when <= this.serverTime()) return 'Params Error: the request has expired (expires is in the past)';
    const expected = createHmac('sha256', this.creds.secret).update(`GET/realtime${String(expires)}`).digest('hex');
    const given = typeof sign === 'string' ? sign.toLowerCase() : '';
    if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return 'Invalid sign';
    return undefined;
  }

  private reply(socket: WebSocket, msg: object): void {
    if (socket.readyState === 1) socket.send(JSON.stringify(msg));
  }

  /** An engine event: its topic rows, serialized now, to each connection subscribed to the topic. */
  publish(event: UserEvent): void {
    if (![...this.sessions.values()].some((s) => s.authenticated && s.topics.size > 0)) return; // nobody listens: nothing to build
    const rows = this.translate(event);
    if (rows.length === 0 || this.faults.stream.silent) return; // a silent stream loses what it does not send
    for (const r of rows) {
      const out: Outgoing = [];
      const texts = new Map<string, string>();
      for (const [socket, s] of this.sessions) {
        if (!s.authenticated) continue;
        for (const name of s.topics) {
          if (baseTopic(name) !== r.topic) continue;
          let text = texts.get(name);
          if (text === undefined) {
            text = JSON.stringify({ id: `sim-${this.nextFrame++}`, topic: name, creationTime: this.venueNow(), data: [r.row] });
            texts.set(name, text);
          }
          out.push([socket, text]);
        }
      }
      if (out.length > 0) this.forward(out);
    }
  }

  /** The transport faults: neighbour swaps, duplicates, then delivery (with any delay). */
  private forward(out: Outgoing): void {
    const { stream } = this.faults;
    if (stream.reorder) {
      const first = this.held;
      if (!first) {
        this.held = out;
        setTimeout(() => {
          if (this.held === out) {
            this.held = undefined;
            this.deliver(out);
          }
        }, HOLD_MS).unref();
        return;
      }
      this.held = undefined;
      this.deliver(out);
      this.deliver(first);
      return;
    }
    this.deliver(out);
    if (stream.duplicate) this.deliver(out);
  }

  private deliver(out: Outgoing): void {
    const send = () => {
      for (const [socket, text] of out) if (socket.readyState === 1) socket.send(text);
    };
    if (this.faults.stream.delayMs > 0) setTimeout(send, this.faults.stream.delayMs);
    else send();
  }

  /** Sends one frame's text as it is to every authenticated connection, past every fault; returns how many got it. */
  sendText(text: string): number {
    let n = 0;
    for (const [socket, s] of this.sessions) if (s.authenticated && socket.readyState === 1) {
      socket.send(text);
      n++;
    }
    return n;
  }

  /** Closes every connection: with a close frame (1001) or by dropping the TCP connection. */
  disconnectAll(mode: 'close' | 'drop'): number {
    const n = this.sessions.size;
    for (const socket of [...this.sessions.keys()]) {
      if (mode === 'drop') socket.terminate();
      else socket.close(1001, 'going away');
      this.sessions.delete(socket);
    }
    return n;
  }

  /** Bybit has no listen keys: nothing expires (the control API's expire-listen-key is a no-op here). */
  expireAll(): void {}

  connectionCount(): number {
    return this.sessions.size;
  }

  /** How many `ping` requests were answered. */
  keepalives(): number {
    return this.pings;
  }

  /** How many `auth` requests succeeded (Bybit's counterpart of a listen key issued). */
  issuedKeys(): number {
    return this.auths;
  }

  describe() {
    const now = this.venueNow();
    const sessions = [...this.sessions.values()].map((s) => ({ connId: s.connId, authenticated: s.authenticated, topics: [...s.topics], ageMs: now - s.openedAt }));
    return { connections: sessions.length, connectionAgesMs: sessions.map((s) => s.ageMs), listenKeys: [] as Array<{ expired: boolean; expiresInMs: number }>, sessions };
  }

  stop(): void {
    this.disconnectAll('close');
  }
}
