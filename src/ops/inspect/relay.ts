// The inspector relay: its own small HTTP server on 127.0.0.1 only (never 0.0.0.0; reach it from a
// workstation through an SSH tunnel), serving the bridge page at `/` and the event WebSocket at
// `/ws`. Nothing flows back from a viewer. Because any web page the operator's browser opens may
// try ws://127.0.0.1:PORT, a request must name a loopback host (no DNS rebinding) and a browser's
// WebSocket must come from the bridge page's own origin; anything else is refused. Each viewer's
// send queue is bounded in bytes (what the socket has not taken yet): a viewer that does not
// keep up is dropped, so a slow browser costs bounded memory and never slows the service.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { bridgePage, type BridgePage } from './bridge-page.js';

/** The only address the relay binds. */
export const INSPECT_HOST = '127.0.0.1';
export const INSPECT_WS_PATH = '/ws';
/** A viewer whose unsent bytes pass this is dropped (the replay of 2,000 scope actors is ~8 MB). */
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** Viewers at once; more are refused (each costs a replay and a queue). */
export const DEFAULT_MAX_VIEWERS = 8;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

export interface Viewer {
  readonly id: number;
  readonly socket: WebSocket;
  /** Receives broadcasts only once its replay is out (see attachment.ts). */
  joined: boolean;
  sent: number;
}

export type DropReason = 'closed' | 'slow' | 'stopped';

export interface RelayHooks {
  onConnect(viewer: Viewer): void;
  onDisconnect(viewer: Viewer, reason: DropReason): void;
  onRefused(reason: string): void;
  /** The server failed after it was listening. */
  onError(error: unknown): void;
}

export interface RelayOptions {
  port: number;
  maxBufferedBytes?: number;
  maxViewers?: number;
  /** Tests only: the frame's address instead of https://stately.ai/inspect. */
  statelyUrl?: string;
}

/** Why a request is refused, or undefined when it may go on. */
export function refusal(request: IncomingMessage, websocket: boolean): string | undefined {
  const host = request.headers.host ?? '';
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return 'bad_host';
  }
  if (!LOOPBACK_HOSTS.has(hostname)) return 'host_not_loopback';
  const origin = request.headers.origin;
  // Browsers always send Origin on a WebSocket: it must be the bridge page's own. Non-browser
  // clients (a test, a CLI viewer) send none.
  if (websocket && origin !== undefined && origin !== `http://${host}`) return 'foreign_origin';
  return undefined;
}

export class InspectRelay {
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly viewers = new Set<Viewer>();
  private readonly page: BridgePage;
  private readonly maxBufferedBytes: number;
  private readonly maxViewers: number;
  private nextId = 1;
  private closing = false;

  constructor(private readonly options: RelayOptions, private readonly hooks: RelayHooks) {
    this.page = bridgePage(options.statelyUrl);
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.maxViewers = options.maxViewers ?? DEFAULT_MAX_VIEWERS;
    this.server = createServer((req, res) => {
      const why = refusal(req, false);
      if (why) {
        this.hooks.onRefused(why);
        res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden\n');
        return;
      }
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      if (path !== '/') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      res.writeHead(200, this.page.headers).end(req.method === 'HEAD' ? undefined : this.page.html);
    });
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  /** Listens on 127.0.0.1:`port` (0: a free one); rejects when the port cannot be had. */
  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, INSPECT_HOST, () => {
        this.server.off('error', reject);
        this.server.on('error', (error) => this.hooks.onError(error));
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** To every joined viewer. */
  broadcast(text: string): void {
    for (const v of this.viewers) if (v.joined) this.send(v, text);
  }

  /** To one viewer; a viewer past its bound is dropped instead. */
  send(viewer: Viewer, text: string): void {
    const ws = viewer.socket;
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount + text.length > this.maxBufferedBytes) {
      this.drop(viewer, 'slow');
      return;
    }
    ws.send(text);
    viewer.sent++;
  }

  stats(): { viewers: number; perViewer: Array<{ id: number; joined: boolean; sent: number; bufferedBytes: number }> } {
    return { viewers: this.viewers.size, perViewer: [...this.viewers].map((v) => ({ id: v.id, joined: v.joined, sent: v.sent, bufferedBytes: v.socket.bufferedAmount })) };
  }

  /** Ends every viewer and stops listening. */
  async close(): Promise<void> {
    this.closing = true;
    for (const v of [...this.viewers]) this.drop(v, 'stopped');
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '/').split('?')[0];
    const why = path !== INSPECT_WS_PATH ? 'not_found' : refusal(req, true) ?? (this.closing ? 'stopping' : this.viewers.size >= this.maxViewers ? 'too_many_viewers' : undefined);
    if (why) {
      this.hooks.onRefused(why);
      socket.end(`HTTP/1.1 ${why === 'not_found' ? '404 Not Found' : why === 'too_many_viewers' || why === 'stopping' ? '503 Service Unavailable' : '403 Forbidden'}\r\nconnection: close\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const viewer: Viewer = { id: this.nextId++, socket: ws, joined: false, sent: 0 };
      this.viewers.add(viewer);
      // Viewers only read: anything they send is ignored. An error ends in 'close'.
      ws.on('error', () => undefined);
      ws.on('close', () => this.forget(viewer, 'closed'));
      this.hooks.onConnect(viewer);
    });
  }

  private drop(viewer: Viewer, reason: DropReason): void {
    this.forget(viewer, reason);
    viewer.socket.terminate();
  }

  private forget(viewer: Viewer, reason: DropReason): void {
    if (!this.viewers.delete(viewer)) return;
    this.hooks.onDisconnect(viewer, reason);
  }
}
