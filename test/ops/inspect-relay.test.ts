// The inspector relay on its own, over real sockets on 127.0.0.1: the bridge page it serves (the
// hosted Stately inspector in a frame, no other external origin, a strict Content-Security-Policy),
// what it refuses (a non-loopback Host: DNS rebinding; a browser WebSocket from another origin:
// any web page probing 127.0.0.1; past the viewer limit), and a viewer that stops reading: dropped
// at its byte bound while a reading viewer gets everything (broadcasting is synchronous and
// never waits for a viewer: a queue that would pass its bound is the viewer's end).
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { STATELY_INSPECT_URL } from '../../src/ops/inspect/bridge-page.js';
import { InspectRelay, type DropReason, type Viewer } from '../../src/ops/inspect/relay.js';

const relays: InspectRelay[] = [];
const sockets: Array<WebSocket | Socket> = [];

interface Seen {
  connected: Viewer[];
  dropped: Array<[number, DropReason]>;
  refused: string[];
}

async function relayOn(options: { maxBufferedBytes?: number; maxViewers?: number } = {}) {
  const seen: Seen = { connected: [], dropped: [], refused: [] };
  const relay: InspectRelay = new InspectRelay({ port: 0, ...options }, {
    onConnect: (v) => {
      v.joined = true;
      seen.connected.push(v);
    },
    onDisconnect: (v, reason) => seen.dropped.push([v.id, reason]),
    onRefused: (reason) => seen.refused.push(reason),
    onError: () => undefined,
  });
  relays.push(relay);
  const { port } = await relay.listen();
  return { relay, port, seen };
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += String(c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A WebSocket handshake: the status line the relay answers with (101 when accepted). */
function handshake(port: number, headers: Record<string, string> = {}, path = '/ws'): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    sockets.push(ws);
    ws.once('open', () => resolve(101));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', (e) => (String(e).includes('Unexpected server response') ? undefined : reject(e)));
  });
}

afterAll(async () => {
  for (const s of sockets) (s instanceof WebSocket ? s.terminate() : s.destroy());
  for (const r of relays) await r.close();
});

test('the bridge page frames the hosted Stately inspector and names no other external origin', async () => {
  const { port } = await relayOn();
  const page = await get(port, '/');
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toMatch(/^text\/html/);
  expect(page.body).toContain(`<iframe id="stately" src="${STATELY_INSPECT_URL}"`);
  // The page speaks @statelyai/inspect's browser protocol: it waits for the frame's hello...
  expect(page.body).toContain("'@statelyai.connected'");
  // ...then posts each event to the origin that answered (never to any origin), fed by its own relay.
  expect(page.body).toContain('postMessage(ev, target)');
  expect(page.body).not.toMatch(/postMessage\([^)]*'\*'\)/);
  expect(page.body).toContain("new WebSocket('ws://' + location.host + '/ws')");
  const externals = new Set(page.body.match(/\b(?:https?|wss?):\/\/[^\s"'`<>)]+/g));
  expect([...externals]).toEqual([STATELY_INSPECT_URL]);
  const csp = String(page.headers['content-security-policy']);
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain('frame-src https://stately.ai');
  expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
  expect(csp.match(/https?:\/\/[^\s;]+/g)).toEqual(['https://stately.ai']);
  expect(page.headers['cache-control']).toBe('no-store');

  expect((await get(port, '/', {}, 'HEAD')).status).toBe(200);
  expect((await get(port, '/favicon.ico')).status).toBe(404);
  expect((await get(port, '/', {}, 'POST')).status).toBe(405);
});

test('a non-loopback Host and a foreign browser origin are refused; the bridge page\'s own origin and plain clients are let in', async () => {
  const { port, seen } = await relayOn();
  expect((await get(port, '/', { host: `attacker.example:${port}` })).status).toBe(403);
  expect(await handshake(port, { host: `attacker.example:${port}`, origin: `http://attacker.example:${port}` })).toBe(403);
  expect(await handshake(port, { origin: 'https://evil.example' })).toBe(403);
  expect(await handshake(port, { origin: 'null' })).toBe(403);
  expect(await handshake(port, {}, '/elsewhere')).toBe(404);
  expect(seen.refused).toEqual(['host_not_loopback', 'host_not_loopback', 'foreign_origin', 'foreign_origin', 'not_found']);
  expect(seen.connected).toHaveLength(0);

  expect(await handshake(port, { origin: `http://127.0.0.1:${port}` })).toBe(101);
  expect(await handshake(port, { host: `localhost:${port}`, origin: `http://localhost:${port}` })).toBe(101);
  expect(await handshake(port)).toBe(101); // no Origin: not a browser
  expect(seen.connected).toHaveLength(3);
});

test('viewers past the limit are refused', async () => {
  const { port, seen } = await relayOn({ maxViewers: 2 });
  expect(await handshake(port)).toBe(101);
  expect(await handshake(port)).toBe(101);
  expect(await handshake(port)).toBe(503);
  expect(seen.refused).toEqual(['too_many_viewers']);
});

test('a viewer that stops reading is dropped at its bound; a reading viewer gets every message; no queue passes its bound', async () => {
  const bound = 256 * 1024;
  const { relay, port, seen } = await relayOn({ maxBufferedBytes: bound });
  let fastCount = 0;
  const fast = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  sockets.push(fast);
  fast.on('message', () => fastCount++);
  await new Promise((r) => fast.once('open', r));

  // The slow viewer: a raw socket that completes the handshake, then never reads again.
  const slow = connect({ host: '127.0.0.1', port });
  sockets.push(slow);
  await new Promise<void>((r) => slow.once('connect', () => r()));
  let handshakeReply = '';
  slow.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  await new Promise<void>((r) => slow.on('data', (c) => {
    handshakeReply += String(c);
    if (handshakeReply.includes('\r\n\r\n')) r();
  }));
  expect(handshakeReply).toMatch(/^HTTP\/1\.1 101/);
  slow.pause();
  await new Promise((r) => setTimeout(r, 50));
  expect(relay.viewerCount).toBe(2);

  // 2,000 messages of 10 kB (20 MB): far more than the socket buffers and the bound hold.
  const message = JSON.stringify({ type: '@xstate.snapshot', pad: 'x'.repeat(10_000) });
  for (let i = 0; i < 2_000; i++) {
    relay.broadcast(message);
    // The reading viewer reads in this process: let it read before its own queue nears the bound
    // (on a loaded machine a turn of the event loop can come late).
    const fastId = seen.connected[0]!.id;
    const fastBuffered = () => relay.stats().perViewer.find((v) => v.id === fastId)?.bufferedBytes ?? 0;
    for (let spins = 0; (i % 10 === 9 || fastBuffered() > bound / 2) && spins < 1_000; spins++) {
      await new Promise((r) => setImmediate(r));
      if (fastBuffered() <= bound / 4) break;
    }
    for (const v of relay.stats().perViewer) expect(v.bufferedBytes).toBeLessThanOrEqual(bound + message.length);
  }
  const slowId = seen.connected[1]!.id;
  expect(seen.dropped).toEqual([[slowId, 'slow']]);
  expect(relay.viewerCount).toBe(1);
  await new Promise<void>((resolve) => {
    const check = () => (fastCount >= 2_000 ? resolve() : setTimeout(check, 20));
    check();
  });
  expect(fastCount).toBe(2_000);
});
