// The spot WebSocket API (/ws-api/v3) as far as user data goes, which is how ccxt 4.5.84 gets
// spot user data (no listen key): `userDataStream.subscribe.signature` (apiKey, timestamp,
// signature over the sorted parameters) answers {id, status: 200, result: {subscriptionId}};
// events then arrive as {subscriptionId, event}. Also served: userDataStream.unsubscribe,
// session.subscriptions, ping, time. Errors answer {id, status, error: {code, msg}}. The control
// API can end subscriptions (eventStreamTerminated) or drop connections; the stream faults
// `silent`, `duplicate` and `delayMs` of ../faults.ts apply to events.
import type { WebSocket } from 'ws';
import { SimError } from '../sim-types.js';
import type { Faults } from '../faults.js';
import type { RequestLog } from '../request-log.js';
import { verifyWsParams, type Credentials } from './auth.js';
import { streamTerminated } from './frames.js';
import type { SpotEvent } from './types.js';

interface Session {
  socket: WebSocket;
  subscriptions: Set<number>;
  nextId: number;
}

export interface WsApiDeps {
  creds: Credentials;
  /** Signed requests are checked against it (the wall clock plus a skew fault). */
  serverTime: () => number;
  venueNow: () => number;
  wallNow: () => number;
  faults: Faults;
  requests: RequestLog;
}

interface WsRequest {
  id: unknown;
  method: string;
  params: Record<string, unknown>;
}

const RATE_LIMITS = [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000, count: 2 }];

export class SpotWsApi {
  private readonly sessions = new Map<WebSocket, Session>();

  constructor(private readonly deps: WsApiDeps) {}

  accept(socket: WebSocket): void {
    const session: Session = { socket, subscriptions: new Set(), nextId: 0 };
    this.sessions.set(socket, session);
    socket.on('message', (data) => this.onMessage(session, String(data)));
    const forget = () => this.sessions.delete(socket);
    socket.on('close', forget);
    socket.on('error', forget);
  }

  /** An event to every subscription of every connection, through the stream faults. */
  publish(event: SpotEvent): void {
    const { stream } = this.deps.faults;
    if (stream.silent) return;
    const send = () => {
      for (const s of this.sessions.values()) {
        if (s.socket.readyState !== 1) continue;
        for (const subscriptionId of s.subscriptions) s.socket.send(JSON.stringify({ subscriptionId, event }));
      }
    };
    const times = stream.duplicate ? 2 : 1;
    for (let i = 0; i < times; i++) {
      if (stream.delayMs > 0) setTimeout(send, stream.delayMs);
      else send();
    }
  }

  /** Ends every subscription with eventStreamTerminated; the connections stay open. */
  terminateAll(): number {
    let n = 0;
    for (const s of this.sessions.values()) {
      for (const subscriptionId of s.subscriptions) {
        if (s.socket.readyState === 1) s.socket.send(JSON.stringify({ subscriptionId, event: streamTerminated(this.deps.venueNow()) }));
        n++;
      }
      s.subscriptions.clear();
    }
    return n;
  }

  /** Closes every connection: a close frame (code 1001) or a dropped TCP connection. */
  disconnectAll(mode: 'close' | 'drop'): number {
    const n = this.sessions.size;
    for (const s of [...this.sessions.values()]) {
      if (mode === 'drop') s.socket.terminate();
      else s.socket.close(1001, 'going away');
      this.sessions.delete(s.socket);
    }
    return n;
  }

  connectionCount(): number {
    return this.sessions.size;
  }

  subscriptionCount(): number {
    let n = 0;
    for (const s of this.sessions.values()) n += s.subscriptions.size;
    return n;
  }

  describe() {
    return { connections: this.sessions.size, subscriptions: this.subscriptionCount() };
  }

  private onMessage(session: Session, text: string): void {
    let req: WsRequest;
    try {
      const parsed = JSON.parse(text) as Partial<WsRequest>;
      if (!parsed || typeof parsed !== 'object' || typeof parsed.method !== 'string') throw new Error('malformed');
      req = { id: parsed.id ?? null, method: parsed.method, params: parsed.params && typeof parsed.params === 'object' ? parsed.params : {} };
    } catch {
      this.reply(session, { id: null, status: 400, error: { code: -1000, msg: 'Malformed request.' } });
      return;
    }
    const logged = Object.fromEntries(Object.entries(req.params).filter(([k]) => k !== 'signature' && k !== 'apiKey').map(([k, v]) => [k, String(v)]));
    let applied = false;
    try {
      const result = this.run(session, req);
      applied = true;
      this.deps.requests.record({ method: 'WS', path: req.method, params: logged, applied, status: 200 }, this.deps.wallNow());
      this.reply(session, { id: req.id, status: 200, result, rateLimits: RATE_LIMITS });
    } catch (error) {
      const e = error instanceof SimError ? error : new SimError(-1000, 'An unknown error occurred while processing the request.', 500);
      this.deps.requests.record({ method: 'WS', path: req.method, params: logged, applied, status: e.httpStatus, code: e.code }, this.deps.wallNow());
      this.reply(session, { id: req.id, status: e.httpStatus, error: { code: e.code, msg: e.msg }, rateLimits: RATE_LIMITS });
    }
  }

  private run(session: Session, req: WsRequest): unknown {
    switch (req.method) {
      case 'userDataStream.subscribe.signature': {
        verifyWsParams(req.params, this.deps.creds, this.deps.serverTime());
        const subscriptionId = session.nextId++;
        session.subscriptions.add(subscriptionId);
        return { subscriptionId };
      }
      case 'userDataStream.unsubscribe': {
        const id = req.params.subscriptionId;
        if (id === undefined) session.subscriptions.clear();
        else if (!session.subscriptions.delete(Number(id))) throw new SimError(-2, 'Invalid subscriptionId.');
        return {};
      }
      case 'session.subscriptions':
        return [...session.subscriptions].map((subscriptionId) => ({ subscriptionId }));
      case 'ping':
        return {};
      case 'time':
        return { serverTime: this.deps.serverTime() };
      default:
        throw new SimError(-1000, `Unknown method: ${req.method}`);
    }
  }

  private reply(session: Session, body: unknown): void {
    if (session.socket.readyState === 1) session.socket.send(JSON.stringify(body));
  }
}
