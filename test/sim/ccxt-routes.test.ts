// The routes plain ccxt calls that the simulator used to answer with 404 -5000, each driven through
// ccxt's own method (raw signed requests where ccxt hides the venue's answer). Shapes and rules from
// developers.binance.com/docs/derivatives/usds-margined-futures/: market-data/rest-api
// (24hr-Ticker-Price-Change-Statistics, Order-Book, Kline-Candlestick-Data), trade/rest-api
// (Place-Multiple-Orders, Cancel-Multiple-Orders, Change-Initial-Leverage, Change-Margin-Type,
// Change-Position-Mode, Query-Current-Open-Order, Position-Information-V3), account/rest-api
// (User-Commission-Rate, Get-Income-History), user-data-streams/Event-Account-Configuration-Update.
import ccxt from 'ccxt';
import WebSocket from 'ws';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { binanceClient } from './ccxt-client.js';
import { control, sleep } from './control-client.js';
import { publicRequest, signedRequest } from './signed-request.js';

const S = 'BTC/USDT:USDT';
const long = { positionSide: 'LONG' };
let sim: Simulator;
let ex: any;

beforeAll(async () => {
  sim = await startSimulator({ seed: 51 });
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
  await ex.close();
});

const lastRecord = () => sim.requests.records[sim.requests.records.length - 1]!;

/** Frames pushed on a raw user-data socket. */
async function rawStream(): Promise<{ frames: any[]; close: () => void }> {
  const { listenKey } = await ex.fapiPrivatePostListenKey();
  const socket = new WebSocket(`${sim.ws}/private/ws?listenKey=${listenKey}`);
  const frames: any[] = [];
  socket.on('message', (m) => frames.push(JSON.parse(String(m))));
  await new Promise((r) => socket.once('open', r));
  return { frames, close: () => socket.close() };
}

describe('market data', () => {
  test('fetchTicker (ticker/24hr): last price is the mark; the day\'s fills give volume, high and low', async () => {
    const t0 = await ex.fetchTicker(S);
    expect(t0).toMatchObject({ symbol: S, last: 65000, baseVolume: 0 });
    await ex.createOrder(S, 'market', 'buy', 0.01, undefined, long);
    await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '66000' });
    await ex.createOrder(S, 'market', 'buy', 0.02, undefined, long);
    await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '65500' });
    const t = await ex.fetchTicker(S);
    expect(t).toMatchObject({ last: 65500, open: 65000, high: 66000, low: 65000, baseVolume: 0.03, quoteVolume: 1970 });
    expect(t.info.count).toBe(2);
    expect(lastRecord()).toMatchObject({ path: '/fapi/v1/ticker/24hr', applied: true, status: 200 });
    expect((await publicRequest(sim, '/fapi/v1/ticker/24hr')).body.map((r: any) => r.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
  });

  test('fetchOrderBook (depth): the mark on both sides, then the account\'s resting orders; only the documented limits', async () => {
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, long);
    await ex.createOrder(S, 'limit', 'buy', 0.02, 60000, long);
    await ex.createOrder(S, 'limit', 'buy', 0.01, 61000, long);
    const book = await ex.fetchOrderBook(S, 5);
    expect(book.bids).toEqual([[65000, 1000], [61000, 0.01], [60000, 0.03]]);
    expect(book.asks).toEqual([[65000, 1000]]);
    const bad = await publicRequest(sim, '/fapi/v1/depth', { symbol: 'BTCUSDT', limit: 7 });
    expect([bad.status, bad.body.code]).toEqual([400, -1130]);
  });

  test('fetchOHLCV (klines): candles from the fills, flat in between, the current one closing at the mark', async () => {
    await ex.createOrder(S, 'market', 'buy', 0.01, undefined, long);
    sim.clock.advance(5 * 60_000);
    await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '65100' });
    const candles = await ex.fetchOHLCV(S, '1m', undefined, 8);
    expect(candles).toHaveLength(8);
    const withFill = candles.find((c: number[]) => c[5] > 0);
    expect(withFill.slice(1)).toEqual([65000, 65000, 65000, 65000, 0.01]);
    expect(candles[candles.length - 1].slice(1, 5)).toEqual([65000, 65100, 65000, 65100]);
    expect(candles.every((c: number[], i: number) => i === 0 || c[0] - candles[i - 1][0] === 60_000)).toBe(true);
    const bad = await publicRequest(sim, '/fapi/v1/klines', { symbol: 'BTCUSDT', interval: '7m' });
    expect([bad.status, bad.body.code]).toEqual([400, -1120]);
  });
});

describe('account configuration', () => {
  test('setLeverage: the answer, ACCOUNT_CONFIG_UPDATE `ac` on the stream, positionRisk V2 reports it; -4028 outside 1..125', async () => {
    const stream = await rawStream();
    await expect(ex.setLeverage(7, S)).resolves.toEqual({ leverage: 7, maxNotionalValue: '10000000', symbol: 'BTCUSDT' });
    await sleep(100);
    expect(stream.frames.filter((f) => f.e === 'ACCOUNT_CONFIG_UPDATE').map((f) => f.ac)).toEqual([{ s: 'BTCUSDT', l: 7 }]);
    stream.close();
    const v2 = await ex.fapiPrivateV2GetPositionRisk({ symbol: 'BTCUSDT' });
    expect(v2.map((r: any) => [r.positionSide, r.leverage])).toEqual([['LONG', '7'], ['SHORT', '7']]);
    await expect(ex.fapiPrivatePostLeverage({ symbol: 'BTCUSDT', leverage: 126 })).rejects.toBeInstanceOf(ccxt.BadRequest);
    expect(lastRecord()).toMatchObject({ path: '/fapi/v1/leverage', applied: true, status: 400, code: -4028 });
  });

  test('setMarginMode: isolated once, then -4046 "No need to change margin type." (MarginModeAlreadySet); -4047 open orders, -4048 a position', async () => {
    await expect(ex.setMarginMode('isolated', S)).resolves.toEqual({ code: 200, msg: 'success' });
    expect((await ex.fapiPrivateV2GetPositionRisk({ symbol: 'BTCUSDT' }))[0].marginType).toBe('isolated');
    await expect(ex.setMarginMode('isolated', S)).rejects.toBeInstanceOf(ccxt.MarginModeAlreadySet);
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, long);
    await expect(ex.setMarginMode('cross', S)).rejects.toThrow(/-4047/);
    await ex.cancelAllOrders(S);
    await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '65000' });
    await expect(ex.setMarginMode('cross', S)).rejects.toThrow(/-4048/);
  });

  test('setPositionMode: -4068 with a position, -4067 with an open order, -4059 unchanged; after the change orders use the new mode', async () => {
    await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '65000' });
    await expect(ex.setPositionMode(false)).rejects.toThrow(/-4068/);
    await ex.createOrder(S, 'market', 'sell', 0.01, undefined, long);
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, long);
    await expect(ex.setPositionMode(false)).rejects.toThrow(/-4067/);
    await ex.cancelAllOrders(S);
    await expect(ex.setPositionMode(false)).resolves.toEqual({ code: 200, msg: 'success' });
    expect(await ex.fapiPrivateGetPositionSideDual()).toEqual({ dualSidePosition: false });
    await expect(ex.setPositionMode(false)).rejects.toThrow(/-4059/);
    // One-way now: no positionSide (BOTH), and a LONG one is refused.
    await ex.createOrder(S, 'market', 'buy', 0.01, undefined);
    const [p] = await ex.fetchPositions([S]);
    expect(p).toMatchObject({ contracts: 0.01, side: 'long', hedged: false });
    expect(p.info.positionSide).toBe('BOTH');
    await expect(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, long)).rejects.toThrow(/-4061/);
  });

  test('fetchTradingFee (commissionRate): the maker and taker rates the engine charges', async () => {
    expect(await ex.fetchTradingFee(S)).toMatchObject({ symbol: S, maker: 0.0002, taker: 0.0004 });
  });
});

describe('batches and single-order lookups', () => {
  test('createOrders (POST batchOrders): one result per order in order, a rejection as {code, msg}; at most 5', async () => {
    const res = await ex.createOrders([
      { symbol: S, type: 'limit', side: 'buy', amount: 0.01, price: 60000, params: { ...long, clientOrderId: 'b-1' } },
      { symbol: S, type: 'limit', side: 'buy', amount: 100, price: 60000, params: { ...long, clientOrderId: 'b-2' } },
      { symbol: S, type: 'limit', side: 'buy', amount: 0.01, price: 59000, params: { ...long, clientOrderId: 'b-3' } },
    ]);
    expect(res.map((o: any) => [o.clientOrderId, o.status])).toEqual([['b-1', 'open'], [undefined, 'rejected'], ['b-3', 'open']]);
    expect(res[1].info).toEqual({ code: -2019, msg: 'Margin is insufficient.' });
    expect(lastRecord()).toMatchObject({ path: '/fapi/v1/batchOrders', applied: true, status: 200 });
    const six = Array.from({ length: 6 }, (_, i) => ({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.01', price: String(50000 + i), positionSide: 'LONG', timeInForce: 'GTC' }));
    const tooMany = await signedRequest(sim, 'POST', '/fapi/v1/batchOrders', { batchOrders: JSON.stringify(six) });
    expect(tooMany.body).toEqual({ code: -4082, msg: 'Invalid number of batch place orders: 6' });
  });

  test('cancelOrders (DELETE batchOrders): each id canceled; an unknown one answers -2011 in its place', async () => {
    const a = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, long);
    const b = await ex.createOrder(S, 'limit', 'buy', 0.01, 59000, long);
    const canceled = await ex.cancelOrders([a.id, b.id], S);
    expect(canceled.map((o: any) => o.status)).toEqual(['canceled', 'canceled']);
    const c = await ex.createOrder(S, 'limit', 'buy', 0.01, 58000, { ...long, clientOrderId: 'c-1' });
    const raw = await signedRequest(sim, 'DELETE', '/fapi/v1/batchOrders', { symbol: 'BTCUSDT', origClientOrderIdList: JSON.stringify(['c-1', 'nope']) });
    expect(raw.body.map((r: any) => r.status ?? r.code)).toEqual(['CANCELED', -2011]);
    expect(raw.body[0].orderId).toBe(Number(c.id));
  });

  test('fetchOpenOrder (openOrder): an open order; a finished one is -2013 (OrderNotFound)', async () => {
    const o = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, long);
    expect((await ex.fetchOpenOrder(o.id, S)).status).toBe('open');
    await ex.cancelOrder(o.id, S);
    await expect(ex.fetchOpenOrder(o.id, S)).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    expect(lastRecord()).toMatchObject({ path: '/fapi/v1/openOrder', code: -2013 });
  });
});

describe('income history and positions', () => {
  test('fetchFundingHistory and the income rows of fills (REALIZED_PNL, COMMISSION), paged', async () => {
    await ex.createOrder(S, 'market', 'buy', 0.01, undefined, long);
    await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '66000' });
    await control(sim, 'POST', '/funding', { symbol: 'BTCUSDT', rate: '0.0001' });
    await ex.createOrder(S, 'market', 'sell', 0.01, undefined, long);
    const funding = await ex.fetchFundingHistory(S);
    expect(funding).toHaveLength(1);
    expect(funding[0]).toMatchObject({ symbol: S, code: 'USDT', amount: -0.066 });
    const rows = await ex.fapiPrivateGetIncome({ symbol: 'BTCUSDT' });
    expect(rows.map((r: any) => [r.incomeType, r.income])).toEqual([
      ['COMMISSION', '-0.26'], ['FUNDING_FEE', '-0.06600000'], ['REALIZED_PNL', '10'], ['COMMISSION', '-0.264'],
    ]);
    const from = rows[0].time; // from a startTime the oldest come first; `page` steps on
    const firstTwo = await ex.fapiPrivateGetIncome({ symbol: 'BTCUSDT', startTime: from, limit: 2 });
    const nextTwo = await ex.fapiPrivateGetIncome({ symbol: 'BTCUSDT', startTime: from, limit: 2, page: 2 });
    expect([...firstTwo, ...nextTwo]).toEqual(rows);
    expect((await ex.fapiPrivateGetIncome({ incomeType: 'REALIZED_PNL' })).map((r: any) => r.tradeId)).toEqual([String(sim.engine.trades[1]!.id)]);
    // ccxt's fetchLedger reads the same rows.
    const ledger = await ex.fetchLedger('USDT', undefined, undefined, { subType: 'linear' });
    expect(ledger.map((l: any) => [l.info.incomeType, l.amount])).toEqual([['COMMISSION', 0.26], ['FUNDING_FEE', 0.066], ['REALIZED_PNL', 10], ['COMMISSION', 0.264]]);
  });

  test('positionRisk V3 lists a symbol with open orders (flat) as well as positions; V2 lists every symbol', async () => {
    expect(await ex.fapiPrivateV3GetPositionRisk()).toEqual([]);
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, long);
    const v3 = await ex.fapiPrivateV3GetPositionRisk();
    expect(v3.map((r: any) => [r.symbol, r.positionSide, r.positionAmt])).toEqual([['BTCUSDT', 'LONG', '0']]);
    await control(sim, 'POST', '/position', { symbol: 'ETHUSDT', positionSide: 'SHORT', positionAmt: '-1', entryPrice: '3000' });
    expect((await ex.fapiPrivateV3GetPositionRisk()).map((r: any) => [r.symbol, r.positionSide, r.positionAmt])).toEqual([['BTCUSDT', 'LONG', '0'], ['ETHUSDT', 'SHORT', '-1']]);
    expect((await ex.fapiPrivateV2GetPositionRisk()).map((r: any) => `${r.symbol}:${r.positionSide}`)).toEqual(['BTCUSDT:LONG', 'BTCUSDT:SHORT', 'ETHUSDT:LONG', 'ETHUSDT:SHORT']);
  });
});
