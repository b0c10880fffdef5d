// The user-data socket as Binance runs it: TRADE_LITE ahead of each fill, a fill's ACCOUNT_UPDATE
// ahead of its order row (a fault), connections closed at 24 hours on the venue clock, and the
// listenKeyExpired frame's string `E`. Seen through the plain ccxt client and a raw socket.
// Docs: developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams (24 hours),
// …/Event-Trade-Lite, …/Event-User-Data-Stream-Expired.
import ccxt from 'ccxt';
import WebSocket from 'ws';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { binanceClient } from './ccxt-client.js';
import { control, sleep, within } from './control-client.js';

const S = 'BTC/USDT:USDT';
const DAY_MS = 24 * 60 * 60_000;
let sim: Simulator;
let ex: any;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  sim = await startSimulator({ seed: 13 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await control(sim, 'POST', '/reset', {});
  ex = await binanceClient(sim);
  await ex.loadMarkets();
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await ex.close();
});

async function rawSocket(): Promise<{ frames: any[]; socket: WebSocket; closed: Promise<number> }> {
  const { listenKey } = await ex.fapiPrivatePostListenKey();
  const socket = new WebSocket(`${sim.ws}/private/ws?listenKey=${listenKey}`);
  sockets.push(socket);
  const frames: any[] = [];
  socket.on('message', (m) => frames.push(JSON.parse(String(m))));
  const closed = new Promise<number>((r) => socket.once('close', (code) => r(code)));
  await new Promise((r) => socket.once('open', r));
  return { frames, socket, closed };
}

async function connections(n: number) {
  for (let i = 0; i < 100 && sim.stream.connectionCount() !== n; i++) await sleep(20);
  expect(sim.stream.connectionCount()).toBe(n);
}

async function until(check: () => boolean, ms = 3000) {
  for (let waited = 0; !check() && waited < ms; waited += 20) await sleep(20);
}

const kinds = (frames: any[]) => frames.map((f) => (f.e === 'ORDER_TRADE_UPDATE' ? `ORDER:${f.o.x}` : f.e));

describe('TRADE_LITE', () => {
  // Event-Trade-Lite: a faster, smaller twin of ORDER_TRADE_UPDATE that "only pushes TRADE Execution Type".
  // Binance pushes it on the listen-key stream without any subscription (clients such as hftbacktest#172 and
  // nautilus_trader#2008 met it unasked), so it is on by default.
  test('each fill is preceded by a TRADE_LITE carrying the fill\'s fields; ccxt ignores it (one trade, not two)', async () => {
    const { frames } = await rawSocket();
    const trades = ex.watchMyTrades(S);
    await connections(2);
    const placed = await ex.createOrder(S, 'market', 'buy', 0.01, undefined, { positionSide: 'LONG', clientOrderId: 'lite-1' });
    await until(() => frames.some((f) => f.e === 'ACCOUNT_UPDATE'));
    expect(kinds(frames)).toEqual(['ORDER:NEW', 'TRADE_LITE', 'ORDER:TRADE', 'ACCOUNT_UPDATE']);
    const [, lite, fill] = frames;
    const o = fill.o;
    expect(lite).toEqual({ e: 'TRADE_LITE', E: fill.E, T: fill.T, s: 'BTCUSDT', q: o.q, p: o.p, m: false, c: 'lite-1', S: 'BUY', L: o.L, l: o.l, t: o.t, i: Number(placed.id) });
    const got = await trades;
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ order: placed.id, amount: 0.01, price: 65000 });
    expect(await within(ex.watchMyTrades(S), 300)).toBe('pending');
  });

  test('switched off with {"stream":{"tradeLite":false}}; faults cleared turn it back on', async () => {
    const { frames } = await rawSocket();
    await control(sim, 'POST', '/faults', { stream: { tradeLite: false } });
    await ex.createOrder(S, 'market', 'buy', 0.01, undefined, { positionSide: 'LONG' });
    await until(() => frames.some((f) => f.e === 'ACCOUNT_UPDATE'));
    expect(kinds(frames)).toEqual(['ORDER:NEW', 'ORDER:TRADE', 'ACCOUNT_UPDATE']);
    frames.length = 0;
    await control(sim, 'DELETE', '/faults');
    expect((await control(sim, 'GET', '/state')).faults.stream).toMatchObject({ tradeLite: true, accountFirst: false });
    await ex.createOrder(S, 'market', 'sell', 0.01, undefined, { positionSide: 'LONG' });
    await until(() => frames.some((f) => f.e === 'ACCOUNT_UPDATE'));
    expect(kinds(frames)).toEqual(['ORDER:NEW', 'TRADE_LITE', 'ORDER:TRADE', 'ACCOUNT_UPDATE']);
  });
});

describe('accountFirst', () => {
  // User-data-streams: order is guaranteed only within one event type; Binance has been seen sending a fill's
  // ACCOUNT_UPDATE before its ORDER_TRADE_UPDATE (JKorf/Binance.Net issue 546).
  test('{"stream":{"accountFirst":true}} sends a fill\'s ACCOUNT_UPDATE before its order row; ccxt still sees the fill and the position', async () => {
    const { frames } = await rawSocket();
    const trades = ex.watchMyTrades(S);
    const positions = ex.watchPositions([S]);
    await connections(2);
    await control(sim, 'POST', '/faults', { stream: { accountFirst: true } });
    const placed = await ex.createOrder(S, 'market', 'buy', 0.02, undefined, { positionSide: 'LONG' });
    await until(() => frames.filter((f) => f.e === 'ORDER_TRADE_UPDATE').length === 2);
    expect(kinds(frames)).toEqual(['ORDER:NEW', 'TRADE_LITE', 'ACCOUNT_UPDATE', 'ORDER:TRADE']);
    expect((await trades)[0]).toMatchObject({ order: placed.id, amount: 0.02 });
    expect((await positions)[0]).toMatchObject({ side: 'long', contracts: 0.02 });
  });

  test('a fill row with no account update after it still goes out (held, never lost)', async () => {
    const { frames } = await rawSocket();
    await control(sim, 'POST', '/faults', { stream: { accountFirst: true } });
    sim.stream.publish({ e: 'ORDER_TRADE_UPDATE', E: 1, T: 1, o: { s: 'BTCUSDT', c: 'lone', x: 'TRADE', X: 'FILLED', i: 1 } });
    await sleep(50);
    expect(frames.map((f) => f.e)).toEqual(['TRADE_LITE']); // the order row waits for an account update
    await until(() => frames.length > 1, 1000);
    expect(frames.map((f) => f.o?.c ?? f.e)).toEqual(['TRADE_LITE', 'lone']);
  });
});

describe('the 24-hour connection limit', () => {
  // User-data-streams: "A single connection is only valid for 24 hours; expect to be disconnected at the 24 hour mark."
  test('a connection 24 hours old on the venue clock is closed; ccxt sees the close and a new connection works', async () => {
    const pending = ex.watchOrders(S);
    pending.catch(() => undefined);
    await connections(1);
    sim.clock.advance(DAY_MS - 60_000);
    expect(await within(pending, 500)).toBe('pending'); // 23h59m: still open
    expect(sim.stream.describe().connectionAgesMs[0]).toBeGreaterThanOrEqual(DAY_MS - 60_000);
    await control(sim, 'POST', '/clock', { advanceMs: 60_000 });
    await expect(pending).rejects.toBeInstanceOf(ccxt.NetworkError);
    await expect(pending).rejects.toThrow(/1000/);
    await connections(0);

    const again = ex.watchOrders(S);
    await connections(1);
    const placed = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { positionSide: 'LONG' });
    const [o] = await again;
    expect(o).toMatchObject({ id: placed.id, status: 'open' });
  });

  test('each connection is aged from its own opening: a younger one stays open (raw sockets, close code 1000)', async () => {
    const first = await rawSocket();
    sim.clock.advance(12 * 60 * 60_000);
    const second = await rawSocket();
    sim.clock.advance(12 * 60 * 60_000);
    expect(await first.closed).toBe(1000);
    await sleep(300);
    expect(second.socket.readyState).toBe(WebSocket.OPEN);
    expect(sim.stream.connectionCount()).toBe(1);
  });
});

describe('listenKeyExpired', () => {
  // Event-User-Data-Stream-Expired: the documented example carries "E" as a string.
  test('the frame carries E as a string of the venue time', async () => {
    const { frames, socket } = await rawSocket();
    const before = sim.clock.now();
    await control(sim, 'POST', '/stream/expire-listen-key');
    await until(() => frames.length > 0);
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ e: 'listenKeyExpired', E: expect.stringMatching(/^\d+$/), listenKey: expect.any(String) });
    expect(Number(frames[0].E)).toBeGreaterThanOrEqual(before);
    expect(socket.readyState).toBe(WebSocket.OPEN);
  });
});
