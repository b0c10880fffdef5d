// Account events that end or charge positions (POST /__sim/liquidate, /funding, /account-config),
// seen through the plain ccxt client and, where ccxt drops the event (MARGIN_CALL,
// ACCOUNT_CONFIG_UPDATE) or the frame's shape is the point, on a raw user-data socket.
// Docs: developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/…
import WebSocket from 'ws';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { binanceClient } from './ccxt-client.js';
import { control, sleep, within } from './control-client.js';

const S = 'BTC/USDT:USDT';
let sim: Simulator;
let ex: any;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  sim = await startSimulator({ seed: 11 });
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

/** A raw socket on the same listen key as ccxt's: every frame as sent. */
async function rawFrames(): Promise<any[]> {
  const { listenKey } = await ex.fapiPrivatePostListenKey();
  const socket = new WebSocket(`${sim.ws}/private/ws?listenKey=${listenKey}`);
  sockets.push(socket);
  const frames: any[] = [];
  socket.on('message', (m) => frames.push(JSON.parse(String(m))));
  await new Promise((r) => socket.once('open', r));
  return frames;
}

async function connections(n: number) {
  for (let i = 0; i < 100 && sim.stream.connectionCount() < n; i++) await sleep(20);
  expect(sim.stream.connectionCount()).toBe(n);
}

/** Keeps calling a ccxt watch method, collecting what it resolves with, until the client closes. */
function collect(watch: () => Promise<any[]>): any[] {
  const items: any[] = [];
  void (async () => {
    for (;;) {
      try {
        items.push(...(await watch()));
      } catch {
        return;
      }
    }
  })();
  return items;
}

async function until(check: () => boolean, ms = 3000) {
  for (let waited = 0; !check() && waited < ms; waited += 20) await sleep(20);
}

const kinds = (frames: any[]) => frames.map((f) => (f.e === 'ORDER_TRADE_UPDATE' ? `ORDER:${f.o.x}` : f.e === 'ALGO_UPDATE' ? `ALGO:${f.o.X}` : f.e));

describe('POST /__sim/liquidate', () => {
  // Event-Order-Update "Liquidation and ADL": c = "autoclose-XXX" (liquidation) or "adl_autoclose" (ADL), X = NEW first;
  // x = CALCULATED is "Liquidation Execution"; expiry reason er 5 = "Order has expired when the account was liquidated".
  // Event-Margin-Call: MARGIN_CALL with cw (cross wallet) and the position rows. Event-Algo-Order-Update: EXPIRED = canceled by the system.
  test('liquidation with x=TRADE: MARGIN_CALL, the side\'s orders expire (er=5), the autoclose order fills and closes the position', async () => {
    await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '65000' });
    const open = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { positionSide: 'LONG', clientOrderId: 'long-open' });
    const sl = await ex.createOrder(S, 'market', 'sell', undefined, undefined, { stopLossPrice: 60000, closePosition: true, positionSide: 'LONG', clientOrderId: 'long-sl' });
    const other = await ex.createOrder(S, 'limit', 'sell', 0.01, 70000, { positionSide: 'SHORT', clientOrderId: 'short-open' });
    const frames = await rawFrames();
    const orders = collect(() => ex.watchOrders(S));
    const trades = collect(() => ex.watchMyTrades(S));
    const positions = collect(() => ex.watchPositions([S]));
    const liquidations = collect(() => ex.watchMyLiquidations(S));
    const balance = ex.watchBalance();
    await connections(2);

    const res = await control(sim, 'POST', '/liquidate', { symbol: 'BTCUSDT', positionSide: 'LONG', price: '61000', kind: 'liquidation', execution: 'TRADE' });
    expect(res.expiredOrderIds).toEqual([Number(open.id)]);
    expect(res.expiredAlgoIds).toEqual([Number(sl.id)]);
    await until(() => frames.some((f) => f.e === 'ACCOUNT_UPDATE'));
    expect(kinds(frames)).toEqual(['MARGIN_CALL', 'ORDER:EXPIRED', 'ALGO:EXPIRED', 'ORDER:NEW', 'TRADE_LITE', 'ORDER:TRADE', 'ACCOUNT_UPDATE']);
    const [call, expired, , placed, , fill, account] = frames;
    expect(call).toMatchObject({ cw: '10000', p: [{ s: 'BTCUSDT', ps: 'LONG', pa: '0.01', mt: 'CROSSED', iw: '0', mp: '65000', up: '0', mm: '2.6' }] });
    expect(expired.o).toMatchObject({ c: 'long-open', X: 'EXPIRED', er: '5' });
    expect(placed.o).toMatchObject({ c: expect.stringMatching(/^autoclose-/), o: 'LIQUIDATION', ot: 'LIQUIDATION', f: 'IOC', S: 'SELL', ps: 'LONG', X: 'NEW', q: '0.01' });
    expect(fill.o).toMatchObject({ c: placed.o.c, x: 'TRADE', X: 'FILLED', l: '0.01', z: '0.01', L: '61000', rp: '-40' });
    expect(account.a).toMatchObject({ m: 'ORDER', B: [{ a: 'USDT', wb: '9960' }], P: [{ s: 'BTCUSDT', ps: 'LONG', pa: '0', cr: '-40' }] });
    expect(frames.every((f) => f.E >= (f.T ?? f.E))).toBe(true); // pushed after the transaction, as the examples are

    // ccxt: the expired order and stop, the filled liquidation order, its trade, the flat position, the wallet.
    await until(() => orders.some((o) => o.clientOrderId === placed.o.c && o.status === 'closed') && trades.length > 0 && positions.length > 0);
    expect(orders.find((o) => o.id === open.id)).toMatchObject({ status: 'expired' });
    expect(orders.find((o) => o.id === sl.id)).toMatchObject({ status: 'expired' });
    expect(orders.find((o) => o.clientOrderId === placed.o.c && o.status === 'closed')).toMatchObject({ side: 'sell', filled: 0.01, average: 61000 });
    expect(orders.find((o) => o.id === other.id)).toBeUndefined();
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ order: String(placed.o.i), side: 'sell', price: 61000, amount: 0.01 });
    expect(positions.at(-1)).toMatchObject({ symbol: S, side: 'long', contracts: 0 });
    expect(liquidations.length).toBeGreaterThan(0); // ccxt's watchMyLiquidations keys on o=LIQUIDATION
    expect((await balance).USDT.total).toBeCloseTo(9960, 8); // realized -40, no commission

    // The books: userTrades lists the fill, the position is gone, the other side's order is still open.
    const mine = await ex.fetchMyTrades(S);
    expect(mine.map((t: any) => [t.order, t.price, t.amount, t.info.realizedPnl])).toEqual([[String(placed.o.i), 61000, 0.01, '-40']]);
    expect((await ex.fetchBalance()).USDT.total).toBeCloseTo(9960, 8);
    expect((await ex.fetchPositions([S])).filter((p: any) => p.contracts > 0)).toEqual([]);
    expect((await ex.fetchOpenOrders(S)).map((o: any) => o.id)).toEqual([other.id]);
    expect(await ex.fetchOrder(String(placed.o.i), S)).toMatchObject({ status: 'closed', filled: 0.01 });
  });

  test('ADL with x=CALCULATED: adl_autoclose closes part of the position; ccxt emits no trade, userTrades lists it; open orders stay', async () => {
    await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'SHORT', positionAmt: '-0.02', entryPrice: '65000' });
    const tp = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { positionSide: 'SHORT', clientOrderId: 'short-tp' });
    const frames = await rawFrames();
    const orders = collect(() => ex.watchOrders(S));
    const trades = ex.watchMyTrades(S);
    const positions = collect(() => ex.watchPositions([S]));
    await connections(2);

    await control(sim, 'POST', '/liquidate', { symbol: 'BTCUSDT', positionSide: 'SHORT', price: '64000', quantity: '0.01', kind: 'adl', execution: 'CALCULATED' });
    await until(() => frames.some((f) => f.e === 'ACCOUNT_UPDATE'));
    // No MARGIN_CALL (the user had margin), no expiries, no TRADE_LITE (it only carries x=TRADE).
    expect(kinds(frames)).toEqual(['ORDER:NEW', 'ORDER:CALCULATED', 'ACCOUNT_UPDATE']);
    expect(frames[0].o).toMatchObject({ c: 'adl_autoclose', o: 'MARKET', S: 'BUY', ps: 'SHORT', X: 'NEW' });
    expect(frames[1].o).toMatchObject({ c: 'adl_autoclose', x: 'CALCULATED', X: 'FILLED', l: '0.01', L: '64000', rp: '10' });
    expect(frames[2].a).toMatchObject({ m: 'ORDER', B: [{ wb: '10010' }], P: [{ ps: 'SHORT', pa: '-0.01', ep: '65000' }] });

    await until(() => orders.some((o) => o.clientOrderId === 'adl_autoclose') && positions.length > 0);
    expect(orders.find((o) => o.clientOrderId === 'adl_autoclose')).toMatchObject({ status: 'closed', side: 'buy', filled: 0.01 });
    expect(positions.at(-1)).toMatchObject({ side: 'short', contracts: 0.01 });
    expect(await within(trades, 300)).toBe('pending'); // ccxt emits trades only for x=TRADE
    const mine = await ex.fetchMyTrades(S);
    expect(mine.map((t: any) => [t.side, t.price, t.amount, t.info.realizedPnl])).toEqual([['buy', 64000, 0.01, '10']]);
    expect((await ex.fetchOpenOrders(S)).map((o: any) => o.id)).toEqual([tp.id]);
  });

  test('refusals: no position, more than the position, an unknown kind or execution, a side the mode does not have', async () => {
    await expect(control(sim, 'POST', '/liquidate', { symbol: 'BTCUSDT', positionSide: 'LONG', kind: 'liquidation', execution: 'TRADE' })).rejects.toThrow(/No LONG position/);
    await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '65000' });
    await expect(control(sim, 'POST', '/liquidate', { symbol: 'BTCUSDT', positionSide: 'LONG', quantity: '0.02', kind: 'adl', execution: 'TRADE' })).rejects.toThrow(/exceeds the position/);
    await expect(control(sim, 'POST', '/liquidate', { symbol: 'BTCUSDT', positionSide: 'LONG', kind: 'margin', execution: 'TRADE' })).rejects.toThrow(/kind/);
    await expect(control(sim, 'POST', '/liquidate', { symbol: 'BTCUSDT', positionSide: 'LONG', kind: 'adl', execution: 'FILL' })).rejects.toThrow(/execution/);
    await expect(control(sim, 'POST', '/liquidate', { symbol: 'BTCUSDT', positionSide: 'BOTH', kind: 'adl', execution: 'TRADE' })).rejects.toThrow(/position side/);
    expect((await control(sim, 'GET', '/state')).positions).toHaveLength(1);
  });

  test('one-way mode: a BOTH position is liquidated by a BUY when short', async () => {
    const oneWay = await startSimulator({ seed: 12, positionMode: 'one_way' });
    try {
      await control(oneWay, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'BOTH', positionAmt: '-0.01', entryPrice: '65000' });
      const res = await control(oneWay, 'POST', '/liquidate', { symbol: 'BTCUSDT', price: '66000', kind: 'liquidation', execution: 'CALCULATED' });
      expect(res.order).toMatchObject({ side: 'BUY', positionSide: 'BOTH', status: 'FILLED', executedQty: '0.01' });
      expect(res.trade).toMatchObject({ realizedPnl: '-10', price: '66000' });
      const state = await control(oneWay, 'GET', '/state');
      expect(state.positions).toEqual([]);
      expect(state.wallet).toBe('9990');
    } finally {
      await oneWay.close();
    }
  });
});

describe('POST /__sim/funding', () => {
  // Event-Balance-and-Position-Update: a FUNDING FEE in a crossed position pushes ACCOUNT_UPDATE with only the
  // balance B (the funding asset) and no position P; m = FUNDING_FEE.
  test('ACCOUNT_UPDATE m=FUNDING_FEE with the balance row only; the wallet moves by -(amount x mark x rate); an income record', async () => {
    await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '65000' });
    await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'SHORT', positionAmt: '-0.02', entryPrice: '65000' });
    const frames = await rawFrames();
    const balance = ex.watchBalance();
    const positions = ex.watchPositions([S]);
    await connections(2);

    // The long pays 0.065, the short (twice the size) receives 0.13: +0.065 net at rate 0.0001 and mark 65000.
    const res = await control(sim, 'POST', '/funding', { symbol: 'BTCUSDT', rate: '0.0001' });
    expect(res.fee).toBe('0.065');
    await until(() => frames.length > 0);
    expect(frames).toHaveLength(1);
    expect(frames[0].a).toEqual({ m: 'FUNDING_FEE', B: [{ a: 'USDT', wb: '10000.065', cw: '10000.065', bc: '0.065' }] });
    expect((await balance).USDT.total).toBeCloseTo(10000.065, 8);
    expect(await within(positions, 300)).toBe('pending'); // no P rows: no position update
    expect(sim.engine.incomeHistory).toEqual([
      { symbol: 'BTCUSDT', incomeType: 'FUNDING_FEE', income: '0.06500000', asset: 'USDT', info: 'FUNDING_FEE', time: expect.any(Number), tranId: expect.any(Number), tradeId: '' },
    ]);
    expect((await ex.fetchBalance()).USDT.total).toBeCloseTo(10000.065, 8);
  });

  test('a long pays at a positive rate; a symbol without a position sends nothing', async () => {
    await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '65000' });
    const frames = await rawFrames();
    expect(await control(sim, 'POST', '/funding', { symbol: 'ETHUSDT', rate: '0.0001' })).toEqual({ fee: '0' });
    expect((await control(sim, 'POST', '/funding', { symbol: 'BTCUSDT', rate: '0.0001' })).fee).toBe('-0.065');
    await until(() => frames.length > 0);
    await sleep(50);
    expect(frames.map((f) => [f.a.m, f.a.B[0].wb, f.a.B[0].bc])).toEqual([['FUNDING_FEE', '9999.935', '-0.065']]);
    expect(sim.engine.incomeHistory.map((i) => i.income)).toEqual(['-0.06500000']);
    await expect(control(sim, 'POST', '/funding', { symbol: 'BTCUSDT', rate: 'abc' })).rejects.toThrow(/rate/);
  });
});

describe('POST /__sim/account-config', () => {
  // Event-Account-Configuration-Update: ac {s, l} for a symbol's leverage, ai {j} for the Multi-Assets mode.
  test('ACCOUNT_CONFIG_UPDATE frames for leverage (ac) and multi-assets mode (ai); ccxt has no handler for them', async () => {
    const frames = await rawFrames();
    const orders = ex.watchOrders(S);
    const balance = ex.watchBalance();
    await connections(2);
    expect(await control(sim, 'POST', '/account-config', { symbol: 'BTCUSDT', leverage: 25 })).toEqual({ published: 1 });
    expect(await control(sim, 'POST', '/account-config', { multiAssets: true })).toEqual({ published: 1 });
    await until(() => frames.length >= 2);
    expect(frames).toEqual([
      { e: 'ACCOUNT_CONFIG_UPDATE', E: expect.any(Number), T: expect.any(Number), ac: { s: 'BTCUSDT', l: 25 } },
      { e: 'ACCOUNT_CONFIG_UPDATE', E: expect.any(Number), T: expect.any(Number), ai: { j: true } },
    ]);
    expect(await within(Promise.race([orders, balance]), 300)).toBe('pending');
    await expect(control(sim, 'POST', '/account-config', { symbol: 'BTCUSDT', leverage: 126 })).rejects.toThrow(/Leverage/);
    await expect(control(sim, 'POST', '/account-config', { symbol: 'NOPE', leverage: 5 })).rejects.toThrow(/symbol/);
    await expect(control(sim, 'POST', '/account-config', {})).rejects.toThrow(/leverage/);
  });
});
