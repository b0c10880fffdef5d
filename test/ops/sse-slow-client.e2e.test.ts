// A slow event-stream client costs bounded memory: the real stack (simulator, ccxt, runtime) with
// the real HTTP server on a free port, one client that never reads (a raw socket, paused) and one
// that reads as it comes. A burst of journal traffic larger than the socket buffers fills the slow
// client's queue: it is dropped at its bound and the client gets a resync (a fresh snapshot) when
// it reads again; the fast client sees every delta and no resync.
import { connect, type Socket } from 'node:net';
import { OpsHttp } from '../../src/ops/http/server.js';
import { startStack, waitFor, type Stack } from '../e2e/stack.js';
import { openSse, type SseReader } from './http-client.js';

let stack: Stack;
let http: OpsHttp;
let fast: SseReader | undefined;
let slow: Socket | undefined;

const LIMITS = { flushMs: 20, maxQueueMessages: 64, maxQueueBytes: 256 * 1024, journalBytesPerDelta: 64 * 1024 };

afterAll(async () => {
  fast?.close();
  slow?.destroy();
  await http?.close();
  await stack?.stop();
  http?.detach();
});

test('a client that does not read gets a resync at its queue bound; one that reads gets every delta', async () => {
  stack = await startStack({ seed: (sim) => sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000') });
  await waitFor('service ready', () => stack.runtime.state.serviceReady, 20_000);
  const journal = stack.runtime.core.journal;
  http = new OpsHttp({ journal, info: { venue: 'sim', executionMode: 'demo' }, sse: LIMITS });
  const url = (await http.start(stack.runtime, 0))!;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const port = Number(new URL(url).port);

  fast = await openSse(url);
  await fast.next('snapshot', (e) => e.event === 'snapshot');

  let received = '';
  slow = connect({ host: '127.0.0.1', port });
  await new Promise<void>((r) => slow!.once('connect', () => r()));
  slow.on('data', (c) => (received += String(c)));
  slow.write('GET /api/events HTTP/1.0\r\nAccept: text/event-stream\r\n\r\n');
  await waitFor('the slow client registered', () => http.sse.stats().clients === 2 && received.includes('event: snapshot'));
  slow.pause(); // from here it reads nothing

  // ~12 MB of journal traffic in bursts: far more than the kernel's socket buffers hold.
  let maxQueued = 0;
  const sampler = setInterval(() => {
    for (const c of http.sse.stats().perClient) maxQueued = Math.max(maxQueued, c.queuedBytes);
  }, 5);
  // Journal traffic in bursts until the slow client overflows (bounded: 40 s), then a little more.
  const blob = 'x'.repeat(6000);
  let last = 0;
  let overflowAt: number | undefined;
  const end = Date.now() + 40_000;
  for (let i = 0; Date.now() < end; i++) {
    journal.record('demo_step', { what: `${i} ${blob}` });
    last = i;
    if (i % 10 === 9) await new Promise((r) => setTimeout(r, 2));
    if (overflowAt === undefined && http.sse.stats().resyncs > 0) overflowAt = i;
    if (overflowAt !== undefined && i > overflowAt + 200) break;
  }
  clearInterval(sampler);
  expect(http.sse.stats().resyncs).toBeGreaterThanOrEqual(1);
  // Bounded: never more than the byte bound (plus the one message that overflowed it).
  expect(maxQueued).toBeLessThanOrEqual(LIMITS.maxQueueBytes + LIMITS.journalBytesPerDelta + 64 * 1024);
  expect(http.sse.stats().clients).toBe(2);

  // The fast client read everything as it came: deltas, and no resync.
  await waitFor('the fast client saw the last record', () => fast!.events.some((e) => e.event === 'delta' && e.data.includes(`"what":"${last} `)), 30_000);
  expect(fast.events.filter((e) => e.event === 'resync')).toEqual([]);
  expect(fast.events.filter((e) => e.event === 'delta').length).toBeGreaterThan(10);

  // The slow client reads again: what the kernel held, then a resync and a fresh snapshot.
  const before = received.length;
  expect(before).toBeGreaterThan(0);
  slow.resume();
  await waitFor('resync then a snapshot', () => {
    const at = received.indexOf('event: resync');
    return at >= 0 && /event: snapshot\n(?:id: \d+\n)?data: .*\n\n/.test(received.slice(at));
  }, 30_000);
  const resync = received.slice(received.indexOf('event: resync'));
  expect(resync).toMatch(/^event: resync\ndata: \{"reason":"queue_overflow"/);
  // The snapshot after it is whole: status and scopes.
  const snap = /event: snapshot\n(?:id: \d+\n)?data: (.*)\n\n/.exec(resync);
  expect(snap).not.toBeNull();
  const body = JSON.parse(snap![1]!) as { status: { ready: boolean }; scopes: Array<{ symbol: string }> };
  expect(body.status.ready).toBe(true);
  expect(body.scopes.some((s) => s.symbol === 'BTCUSDT')).toBe(true);
}, 120_000);
