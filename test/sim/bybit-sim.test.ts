// The Bybit V5 overlay (src/sim/bybit/) driven by the real ccxt.pro.bybit client, configured as the
// adapter configures it, over 127.0.0.1: markets, wallet, positions in both modes, orders with
// orderLinkId, conditional orders and their trigger, lookups, duplicates, cancels, fills, the
// private stream, authentication, faults and rate limits. Raw requests and a raw socket check what
// ccxt hides (retCodes, headers, acks, which topics reach a connection).
import ccxt from 'ccxt';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import type { BybitStream } from '../../src/sim/bybit/stream.js';
import { control, sleep, within } from './control-client.js';
import { bybitClient, bybitRequest, rawPrivate, rejectionOf, until } from './bybit-client.js';

const S = 'BTC/USDT:USDT';
const E = 'ETH/USDT:USDT';
let sim: Simulator<BybitStream>;
let ex: any;

beforeAll(async () => {
  sim = await startSimulator({ venue: 'bybit', seed: 11 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await control(sim, 'POST', '/reset', {});
  ex = await bybitClient(sim);
  await ex.loadMarkets();
});
afterEach(async () => {
  await ex.close();
});

const records = (path: string) => sim.requests.records.filter((r) => r.path === path);
const lastOf = (path: string) => records(path)[records(path).length - 1]!;
const seed = (positionSide: string, positionAmt: string, entryPrice = '65000', symbol = 'BTCUSDT') => control(sim, 'POST', '/position', { symbol, positionSide, positionAmt, entryPrice });
const price = (p: string, symbol = 'BTCUSDT') => control(sim, 'POST', '/price', { symbol, price: p });
const stopLoss = (linkId: string, trigger: number, extra: Record<string, unknown> = {}) =>
  ex.createOrder(S, 'market', 'sell', 0.004, undefined, { triggerPrice: trigger, triggerDirection: 'descending', reduceOnly: true, positionIdx: 0, orderLinkId: linkId, closeOnTrigger: true, ...extra });

describe('markets, wallet and positions', () => {
  test('loadMarkets: BTC/USDT:USDT from instruments-info (linear, then PreLaunch, which is empty)', async () => {
    const m = ex.markets[S];
    expect(m).toMatchObject({ id: 'BTCUSDT', swap: true, linear: true, contract: true, settle: 'USDT', active: true, precision: { amount: 0.001, price: 0.1 } });
    expect(m.limits).toMatchObject({ amount: { min: 0.001, max: 1000 }, cost: { min: 5 } });
    expect(ex.markets[E]).toBeDefined();
    const calls = sim.requests.records.filter((r) => r.path === '/v5/market/instruments-info');
    expect(calls.map((r) => r.params.status ?? '')).toEqual(expect.arrayContaining(['', 'PreLaunch']));
    const pre = await bybitRequest(sim, 'GET', '/v5/market/instruments-info', { category: 'linear', status: 'PreLaunch' });
    expect(pre.body).toMatchObject({ retCode: 0, retMsg: 'OK', result: { category: 'linear', list: [], nextPageCursor: '' }, retExtInfo: {} });
    const ticker = await ex.fetchTicker(S);
    expect(ticker).toMatchObject({ symbol: S, last: 65000, markPrice: 65000, indexPrice: 65000 });
    expect(typeof (await ex.fetchTime())).toBe('number');
  });

  test('fetchBalance: the unified wallet\'s USDT', async () => {
    const b = await ex.fetchBalance();
    expect(b.USDT).toMatchObject({ total: 10000, free: 10000 });
    expect(b.info.result.list[0]).toMatchObject({ accountType: 'UNIFIED', totalWalletBalance: '10000', totalEquity: '10000' });
    expect(lastOf('/v5/account/wallet-balance').params).toMatchObject({ accountType: 'UNIFIED' });
    const other = await bybitRequest(sim, 'GET', '/v5/account/wallet-balance', { accountType: 'CONTRACT' });
    expect(other.body.retCode).toBe(10001);
  });

  test('fetchPositions, one-way mode: positionIdx 0, side Buy/Sell, a flat row only when the symbol is named', async () => {
    await seed('BOTH', '0.01', '64000');
    await seed('BOTH', '-0.5', '3100', 'ETHUSDT');
    const all = await ex.fetchPositions();
    expect(lastOf('/v5/position/list').params).toMatchObject({ settleCoin: 'USDT', category: 'linear' });
    expect(all.map((p: any) => [p.symbol, p.side, p.contracts, p.hedged])).toEqual(expect.arrayContaining([[S, 'long', 0.01, false], [E, 'short', 0.5, false]]));
    const btc = all.find((p: any) => p.symbol === S);
    expect(btc).toMatchObject({ entryPrice: 64000, unrealizedPnl: 10, markPrice: 65000, leverage: 20 });
    expect(btc.info).toMatchObject({ positionIdx: 0, side: 'Buy', size: '0.01', avgPrice: '64000', tradeMode: 0, positionStatus: 'Normal' });
    await seed('BOTH', '0', '0');
    expect((await ex.fetchPositions()).map((p: any) => p.symbol)).toEqual([E]); // settleCoin: sizes above zero only
    const flat = await ex.fetchPositions([S]);
    expect(flat).toHaveLength(1);
    expect(flat[0].info).toMatchObject({ positionIdx: 0, side: '', size: '0' });
    const inverse = await bybitRequest(sim, 'GET', '/v5/position/list', { category: 'inverse' });
    expect(inverse.body.result).toMatchObject({ category: 'inverse', list: [] });
  });

  test('fetchPositions, hedge mode: positionIdx 1 (long) and 2 (short)', async () => {
    sim.engine.setPositionMode('hedge');
    await seed('LONG', '0.02', '64000');
    await seed('SHORT', '-0.01', '66000');
    const rows = await ex.fetchPositions([S]);
    expect(rows.map((p: any) => [p.side, p.contracts, p.hedged, p.info.positionIdx, p.info.side])).toEqual([['long', 0.02, true, 1, 'Buy'], ['short', 0.01, true, 2, 'Sell']]);
    expect(rows[1].unrealizedPnl).toBe(10);
  });
});

describe('orders', () => {
  test('createOrder limit: orderLinkId as a param, and ccxt\'s clientOrderId sent as orderLinkId', async () => {
    const a = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { orderLinkId: 'dca-1' });
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.clientOrderId).toBe('dca-1');
    const b = await ex.createOrder(S, 'limit', 'buy', 0.02, 59000, { clientOrderId: 'dca-2' });
    expect(lastOf('/v5/order/create').params).toMatchObject({ orderLinkId: 'dca-2', category: 'linear', side: 'Buy', orderType: 'Limit', qty: '0.02', price: '59000' });
    const open = await ex.fetchOpenOrders(S);
    expect(open.map((o: any) => [o.id, o.clientOrderId, o.status, o.type, o.side, o.price, o.amount])).toEqual(expect.arrayContaining([
      [a.id, 'dca-1', 'open', 'limit', 'buy', 60000, 0.01], [b.id, 'dca-2', 'open', 'limit', 'buy', 59000, 0.02],
    ]));
    expect(open[0].info).toMatchObject({ category: 'linear', tpslMode: '', orderStatus: 'New', positionIdx: 0, stopOrderType: '', timeInForce: 'GTC', reduceOnly: false });
    const noLink = await ex.createOrder(S, 'limit', 'buy', 0.01, 58000);
    expect((await ex.fetchOpenOrder(noLink.id, S)).clientOrderId).toBeUndefined();
  });

  test('a conditional stop-loss: listed as StopOrder, triggers on the price crossing, fills under the same orderId and orderLinkId', async () => {
    await seed('BOTH', '0.01', '65000');
    const sl = await stopLoss('sl-1', 64000);
    expect(lastOf('/v5/order/create').params).toMatchObject({ triggerDirection: '2', triggerPrice: '64000', reduceOnly: 'true', closeOnTrigger: 'true', positionIdx: '0', orderLinkId: 'sl-1' });
    const stops = await ex.fetchOpenOrders(S, undefined, undefined, { orderFilter: 'StopOrder' });
    expect(stops).toHaveLength(1);
    expect(stops[0]).toMatchObject({ id: sl.id, clientOrderId: 'sl-1', status: 'open', type: 'market', side: 'sell', triggerPrice: 64000, stopLossPrice: 64000, reduceOnly: true, amount: 0.004 });
    expect(stops[0].info).toMatchObject({ orderStatus: 'Untriggered', stopOrderType: 'Stop', triggerDirection: 2, triggerBy: 'LastPrice', closeOnTrigger: true, tpslMode: '', category: 'linear' });
    expect(await ex.fetchOpenOrders(S, undefined, undefined, { orderFilter: 'Order' })).toEqual([]);
    expect((await ex.fetchOpenOrders(S)).map((o: any) => o.id)).toEqual([sl.id]); // no filter: every kind
    await price('63900');
    const done = await ex.fetchOpenOrder(undefined, S, { orderLinkId: 'sl-1' });
    expect(done).toMatchObject({ id: sl.id, clientOrderId: 'sl-1', status: 'closed', filled: 0.004, remaining: 0, average: 64000, triggerPrice: 64000 });
    expect(done.info).toMatchObject({ orderStatus: 'Filled', stopOrderType: 'Stop', orderType: 'Market' });
    expect(await ex.fetchOpenOrders(S, undefined, undefined, { orderFilter: 'StopOrder' })).toEqual([]);
    expect(await ex.fetchClosedOrder(sl.id, S)).toMatchObject({ id: sl.id, status: 'closed' }); // order/history, orderStatus=Filled
    expect(await ex.fetchOrder(sl.id, S, { acknowledged: true })).toMatchObject({ id: sl.id, status: 'closed', clientOrderId: 'sl-1' });
    const [pos] = await ex.fetchPositions([S]);
    expect(pos.contracts).toBe(0.006);
    const trades = await ex.fetchMyTrades(S);
    expect(trades.map((t: any) => [t.order, t.info.orderLinkId, t.info.stopOrderType, t.info.closedSize])).toEqual([[sl.id, 'sl-1', 'Stop', '0.004']]);
  });

  test('hedge mode: positionIdx must match the mode (10001); a stop on positionIdx 1 closes the long', async () => {
    sim.engine.setPositionMode('hedge');
    const err = await rejectionOf(ex.createOrder(S, 'limit', 'buy', 0.01, 60000));
    expect(err).toBeInstanceOf(ccxt.BadRequest);
    expect(err.message).toMatch(/"retCode":10001/);
    await seed('LONG', '0.01', '65000');
    const sl = await stopLoss('h-sl', 64500, { positionIdx: 1 });
    await price('64400');
    expect(await ex.fetchOpenOrder(sl.id, S)).toMatchObject({ status: 'closed', filled: 0.004 });
    const [long] = (await ex.fetchPositions([S])).filter((p: any) => p.side === 'long');
    expect(long.contracts).toBe(0.006);
    const inc = await rejectionOf(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { positionIdx: 1, reduceOnly: true }));
    expect(inc.message).toMatch(/"retCode":110017/);
    const ow = await rejectionOf(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { positionIdx: 0 }));
    expect(ow.message).toMatch(/"retCode":10001/);
  });

  test('fetchOpenOrder by orderLinkId finds an open order and a recently finished one', async () => {
    const o = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { orderLinkId: 'look-1' });
    expect(await ex.fetchOpenOrder(undefined, S, { orderLinkId: 'look-1' })).toMatchObject({ id: o.id, status: 'open' });
    await ex.cancelOrder(undefined, S, { orderLinkId: 'look-1' });
    expect(await ex.fetchOpenOrder(undefined, S, { orderLinkId: 'look-1' })).toMatchObject({ id: o.id, status: 'canceled' });
    expect(await ex.fetchOpenOrders(S)).toEqual([]); // without an id: open orders only
    const hist = await ex.fetchCanceledOrders(S);
    expect(hist.map((h: any) => h.id)).toEqual([o.id]);
    await control(sim, 'POST', '/faults', { forgetFinished: true });
    expect(await ex.fetchOpenOrders(S, undefined, undefined, { orderLinkId: 'look-1' })).toEqual([]);
    // ccxt quirk: with no id, fetchOpenOrder builds its "not found" message from `id.toString()`
    // and throws a TypeError instead of OrderNotFound.
    const gone = await rejectionOf(ex.fetchOpenOrder(undefined, S, { orderLinkId: 'look-1' }));
    expect(gone).toBeInstanceOf(TypeError);
    expect(await rejectionOf(ex.fetchOpenOrder(o.id, S))).toBeInstanceOf(ccxt.OrderNotFound);
  });

  test('retention: an unfilled cancelled order leaves the history after 24 h; realtime keeps the 500 latest finished', async () => {
    const o = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { orderLinkId: 'ret-1' });
    await ex.cancelOrder(o.id, S);
    await ex.createOrder(S, 'market', 'buy', 0.01, undefined, { orderLinkId: 'ret-2' });
    expect((await ex.fetchCanceledAndClosedOrders(S)).map((h: any) => h.clientOrderId).sort()).toEqual(['ret-1', 'ret-2']);
    sim.clock.advance(25 * 3_600_000);
    const since = sim.clock.now() - 8 * 86_400_000;
    expect((await ex.fetchCanceledAndClosedOrders(S, since)).map((h: any) => h.clientOrderId)).toEqual(['ret-2']); // filled: 2 years
    expect(await ex.fetchOpenOrder(o.id, S)).toMatchObject({ status: 'canceled' }); // still among the recent 500
    const raw = await bybitRequest(sim, 'GET', '/v5/order/realtime', { category: 'linear', symbol: 'BTCUSDT', openOnly: 1 });
    expect(raw.body.result.list.map((r: any) => r.orderLinkId).sort()).toEqual(['ret-1', 'ret-2']);
  });

  test('a duplicate orderLinkId (open, finished or conditional) is InvalidOrder 110072', async () => {
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { orderLinkId: 'dup-1' });
    const e1 = await rejectionOf(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { orderLinkId: 'dup-1' }));
    expect(e1).toBeInstanceOf(ccxt.InvalidOrder);
    expect(e1.message).toMatch(/"retCode":110072/);
    await ex.cancelOrder(undefined, S, { orderLinkId: 'dup-1' });
    expect((await rejectionOf(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { orderLinkId: 'dup-1' }))).message).toMatch(/110072/);
    await seed('BOTH', '0.01');
    await stopLoss('dup-sl', 64000);
    expect((await rejectionOf(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { orderLinkId: 'dup-sl' }))).message).toMatch(/110072/);
    expect((await rejectionOf(ex.createOrder(E, 'limit', 'buy', 0.01, 2900, { orderLinkId: 'dup-sl' }))).message).toMatch(/110072/); // per account
    const long = await rejectionOf(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { orderLinkId: 'x'.repeat(37) }));
    expect(long).toBeInstanceOf(ccxt.BadRequest);
  });

  test('cancelOrder by orderLinkId; a second cancel is OrderNotFound 110001', async () => {
    const o = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { orderLinkId: 'c-1' });
    const c = await ex.cancelOrder(undefined, S, { orderLinkId: 'c-1' });
    expect(c).toMatchObject({ id: o.id, clientOrderId: 'c-1' });
    expect(lastOf('/v5/order/cancel').params).toMatchObject({ orderLinkId: 'c-1', symbol: 'BTCUSDT', category: 'linear' });
    const again = await rejectionOf(ex.cancelOrder(undefined, S, { orderLinkId: 'c-1' }));
    expect(again).toBeInstanceOf(ccxt.OrderNotFound);
    expect(again.message).toMatch(/"retCode":110001/);
    expect((await rejectionOf(ex.cancelOrder(o.id, S))).message).toMatch(/110001/);
    await seed('BOTH', '0.01');
    const sl = await stopLoss('c-sl', 64000);
    await ex.cancelOrder(sl.id, S);
    expect(await ex.fetchOpenOrder(sl.id, S)).toMatchObject({ status: 'canceled' });
    expect((await ex.fetchOpenOrder(sl.id, S)).info.orderStatus).toBe('Deactivated');
  });

  test('at most 10 untriggered conditional orders per symbol: the 11th is 110009', async () => {
    await seed('BOTH', '0.1');
    for (let i = 0; i < 10; i++) await stopLoss(`cap-${i}`, 64000 - i * 10);
    const err = await rejectionOf(stopLoss('cap-10', 63000));
    expect(err).toBeInstanceOf(ccxt.InvalidOrder);
    expect(err.message).toMatch(/"retCode":110009/);
    await seed('BOTH', '1', '3000', 'ETHUSDT');
    await ex.createOrder(E, 'market', 'sell', 0.1, undefined, { triggerPrice: 2900, triggerDirection: 'descending', reduceOnly: true, orderLinkId: 'eth-sl' });
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000); // regular orders are not capped by it
  });

  test('fetchMyTrades(sym, since): fills with orderLinkId, fee and maker flag', async () => {
    const since = Date.now() - 1000;
    const o = await ex.createOrder(S, 'market', 'buy', 0.01, undefined, { orderLinkId: 'entry-1' });
    const trades = await ex.fetchMyTrades(S, since);
    expect(lastOf('/v5/execution/list').params).toMatchObject({ execType: 'Trade', symbol: 'BTCUSDT', category: 'linear', startTime: String(since) });
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ order: o.id, side: 'buy', price: 65000, amount: 0.01, cost: 650, takerOrMaker: 'taker', fee: { cost: 0.26, currency: 'USDT' } });
    expect(trades[0].info).toMatchObject({ orderLinkId: 'entry-1', execType: 'Trade', leavesQty: '0', closedSize: '0', feeRate: '0.0004', category: 'linear' });
    await ex.createOrder(S, 'limit', 'sell', 0.01, 65500, { orderLinkId: 'tp-1', reduceOnly: true });
    await price('65600');
    const more = await ex.fetchMyTrades(S, since);
    expect(more.map((t: any) => [t.info.orderLinkId, t.takerOrMaker, t.info.closedSize])).toEqual(expect.arrayContaining([['entry-1', 'taker', '0'], ['tp-1', 'maker', '0.01']]));
    const wide = await bybitRequest(sim, 'GET', '/v5/execution/list', { category: 'linear', startTime: since - 8 * 86_400_000, endTime: since });
    expect(wide.body.retCode).toBe(10001);
  });

  test('rejections: reduce-only that would increase (110017), margin (110007), trigger direction (110092/110093)', async () => {
    await seed('BOTH', '0.01');
    const ro = await rejectionOf(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { reduceOnly: true }));
    expect(ro).toBeInstanceOf(ccxt.InvalidOrder);
    expect(ro.message).toMatch(/"retCode":110017/);
    const margin = await rejectionOf(ex.createOrder(S, 'limit', 'buy', 100, 60000));
    expect(margin).toBeInstanceOf(ccxt.InsufficientFunds);
    expect(margin.message).toMatch(/"retCode":110007/);
    const falling = await rejectionOf(ex.createOrder(S, 'market', 'sell', 0.01, undefined, { triggerPrice: 66000, triggerDirection: 'descending', reduceOnly: true }));
    expect(falling.message).toMatch(/"retCode":110093/);
    const rising = await rejectionOf(ex.createOrder(S, 'market', 'buy', 0.01, undefined, { triggerPrice: 64000, triggerDirection: 'ascending' }));
    expect(rising).toBeInstanceOf(ccxt.InvalidOrder);
    expect(rising.message).toMatch(/"retCode":110092/);
    // ccxt rounds prices to the tick itself; a raw request shows the venue's answer.
    const tick = await bybitRequest(sim, 'POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: '60000.05' });
    expect(tick.body.retCode).toBe(10001);
    const qty = await bybitRequest(sim, 'POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.0005', price: '60000' });
    expect(qty.body.retCode).toBe(10001);
  });

  test('editOrder amends price and trigger; cancelAllOrders cancels regular and conditional orders', async () => {
    await seed('BOTH', '0.01');
    const o = await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { orderLinkId: 'ed-1' });
    await ex.editOrder(o.id, S, 'limit', 'buy', 0.02, 60500);
    expect(await ex.fetchOpenOrder(o.id, S)).toMatchObject({ price: 60500, amount: 0.02 });
    const sl = await stopLoss('ed-sl', 64000);
    await ex.editOrder(undefined, S, 'market', 'sell', undefined, undefined, { orderLinkId: 'ed-sl', triggerPrice: 63500 });
    expect(await ex.fetchOpenOrder(sl.id, S)).toMatchObject({ triggerPrice: 63500 });
    const wrong = await rejectionOf(ex.editOrder(sl.id, S, 'market', 'sell', undefined, undefined, { triggerPrice: 65500 }));
    expect(wrong.message).toMatch(/110093/);
    const same = await rejectionOf(ex.editOrder(o.id, S, 'limit', 'buy', 0.02, 60500));
    expect(same.message).toMatch(/"retCode":10001/);
    const cancelled = await ex.cancelAllOrders(S);
    expect(cancelled.map((c: any) => c.id).sort()).toEqual([o.id, sl.id].sort());
    expect(await ex.fetchOpenOrders(S)).toEqual([]);
  });

  test('a PostOnly order that would take is accepted, then cancelled', async () => {
    const o = await ex.createOrder(S, 'limit', 'buy', 0.01, 65100, { postOnly: true, orderLinkId: 'po-1' });
    expect(lastOf('/v5/order/create').params.timeInForce).toBe('PostOnly');
    const got = await ex.fetchOpenOrder(o.id, S);
    expect(got).toMatchObject({ status: 'canceled', filled: 0 });
    expect(got.info).toMatchObject({ timeInForce: 'PostOnly', rejectReason: 'EC_PostOnlyWillTakeLiquidity' });
  });
});

describe('private stream', () => {
  test('watchOrders, watchMyTrades, watchPositions and watchBalance receive the frames of a fill', async () => {
    const orders = ex.watchOrders(S);
    const trades = ex.watchMyTrades(S);
    const balance = ex.watchBalance();
    const snapshot = await ex.watchPositions([S]); // the first call answers from REST
    expect(Array.isArray(snapshot)).toBe(true);
    const positions = ex.watchPositions([S]);
    await until(() => JSON.stringify(sim.stream.describe()).includes('position') && ['order', 'execution', 'wallet'].every((t) => JSON.stringify(sim.stream.describe()).includes(`"${t}"`)));
    const o = await ex.createOrder(S, 'market', 'buy', 0.01, undefined, { orderLinkId: 'ws-1' });
    const [os, ts, ps, bs] = await Promise.all([orders, trades, positions, balance]);
    expect(os[os.length - 1]).toMatchObject({ id: o.id, clientOrderId: 'ws-1', symbol: S });
    expect(ts[0]).toMatchObject({ order: o.id, symbol: S, amount: 0.01, price: 65000, side: 'buy' });
    expect(ts[0].info).toMatchObject({ orderLinkId: 'ws-1', execType: 'Trade', leavesQty: '0' });
    expect(ps[0]).toMatchObject({ symbol: S, side: 'long', contracts: 0.01, entryPrice: 65000 });
    expect(bs.USDT.total).toBeCloseTo(9999.74, 6);
  });

  test('raw socket: auth, acks, pong, and only subscribed topics reach a connection', async () => {
    const a = await rawPrivate(sim);
    const b = await rawPrivate(sim);
    try {
      expect(await a.auth()).toMatchObject({ success: true, ret_msg: '', op: 'auth' });
      expect(await b.auth()).toMatchObject({ success: true });
      a.send({ op: 'subscribe', req_id: 'r1', args: ['order'] });
      expect(await a.wait((f) => f.op === 'subscribe')).toMatchObject({ success: true, ret_msg: '', req_id: 'r1', op: 'subscribe' });
      b.send({ op: 'subscribe', req_id: 'r2', args: ['wallet', 'position'] });
      await b.wait((f) => f.op === 'subscribe');
      a.send({ op: 'ping', req_id: 'p1' });
      const pong = await a.wait((f) => f.op === 'pong');
      expect(pong).toMatchObject({ op: 'pong', req_id: 'p1' });
      expect(Number(pong.args[0])).toBeGreaterThan(0);
      await ex.createOrder(S, 'market', 'buy', 0.01);
      const order = await a.wait((f) => f.topic === 'order' && f.data[0].orderStatus === 'Filled');
      expect(order).toMatchObject({ topic: 'order', creationTime: expect.any(Number), id: expect.any(String) });
      expect(order.data[0]).toMatchObject({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', tpslMode: '', cumExecQty: '0.01', leavesQty: '0' });
      await b.wait((f) => f.topic === 'wallet');
      const pos = await b.wait((f) => f.topic === 'position');
      expect(pos.data[0]).toMatchObject({ positionIdx: 0, side: 'Buy', size: '0.01', entryPrice: '65000' });
      await sleep(100);
      expect(new Set(a.frames.filter((f) => f.topic).map((f) => f.topic))).toEqual(new Set(['order']));
      expect(new Set(b.frames.filter((f) => f.topic).map((f) => f.topic))).toEqual(new Set(['wallet', 'position']));
    } finally {
      a.close();
      b.close();
    }
  });

  test('raw socket: a conditional order goes Untriggered, Triggered, Filled on the order topic under one orderId and orderLinkId', async () => {
    const s = await rawPrivate(sim);
    try {
      await s.auth();
      s.send({ op: 'subscribe', req_id: 'o', args: ['order', 'execution'] });
      await s.wait((f) => f.op === 'subscribe');
      await seed('BOTH', '0.01');
      const sl = await stopLoss('ws-sl', 64000);
      await s.wait((f) => f.topic === 'order' && f.data[0].orderStatus === 'Untriggered');
      await price('63900');
      await s.wait((f) => f.topic === 'order' && f.data[0].orderStatus === 'Filled');
      const rows = s.frames.filter((f) => f.topic === 'order').map((f) => f.data[0]);
      expect(rows.every((r) => r.orderId === sl.id && r.orderLinkId === 'ws-sl' && r.stopOrderType === 'Stop' && r.tpslMode === '')).toBe(true);
      const statuses = rows.map((r) => r.orderStatus);
      expect(statuses[0]).toBe('Untriggered');
      expect(statuses.indexOf('Triggered')).toBeGreaterThan(0);
      expect(statuses[statuses.length - 1]).toBe('Filled');
      const exec = s.frames.find((f) => f.topic === 'execution').data[0];
      expect(exec).toMatchObject({ orderId: sl.id, orderLinkId: 'ws-sl', execType: 'Trade', execPrice: '64000', execQty: '0.004', closedSize: '0.004', leavesQty: '0' });
      expect(typeof exec.seq).toBe('number');
    } finally {
      s.close();
    }
  });

  test('raw socket: a wrong key, a wrong signature and an expired `expires` are refused; subscribe needs auth', async () => {
    const s = await rawPrivate(sim);
    try {
      s.send({ op: 'subscribe', req_id: 'early', args: ['order'] });
      expect(await s.wait((f) => f.op === 'subscribe')).toMatchObject({ success: false, req_id: 'early' });
      const badKey = await s.auth({ apiKey: 'nope' });
      expect(badKey).toMatchObject({ success: false, op: 'auth', request: { op: 'auth' } });
      s.frames.length = 0;
      expect(await s.auth({ secret: 'wrong' })).toMatchObject({ success: false });
      s.frames.length = 0;
      expect(await s.auth({ expires: Date.now() - 1000 })).toMatchObject({ success: false });
      s.frames.length = 0;
      expect(await s.auth()).toMatchObject({ success: true });
    } finally {
      s.close();
    }
  });

  test('a bad secret on the WebSocket auth is an AuthenticationError', async () => {
    const bad = await bybitClient(sim, { secret: 'not-the-secret' });
    try {
      await bad.loadMarkets();
      const err = await rejectionOf(bad.watchOrders(S));
      expect(err).toBeInstanceOf(ccxt.AuthenticationError);
    } finally {
      await bad.close();
    }
  });

  test('stream faults: a dropped socket rejects watchOrders (NetworkError); a silent stream delivers nothing', async () => {
    const pending = ex.watchOrders(S);
    await until(() => JSON.stringify(sim.stream.describe()).includes('"order"'));
    expect((await control(sim, 'POST', '/stream/drop', {})).dropped).toBeGreaterThanOrEqual(1);
    expect(await rejectionOf(pending)).toBeInstanceOf(ccxt.NetworkError);
    const again = ex.watchOrders(S);
    await until(() => JSON.stringify(sim.stream.describe()).includes('"order"'));
    await control(sim, 'POST', '/faults', { stream: { silent: true } });
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000);
    expect(await within(again, 300)).toBe('pending');
    await control(sim, 'DELETE', '/faults');
    await ex.createOrder(S, 'limit', 'buy', 0.01, 59000, { orderLinkId: 'after-silence' });
    const got = await again;
    expect(got[got.length - 1].clientOrderId).toBe('after-silence');
  });
});

describe('authentication, faults and rate limits', () => {
  test('REST signed with the wrong secret is AuthenticationError 10004; a wrong key 10003; a skewed clock InvalidNonce 10002', async () => {
    const bad = await bybitClient(sim, { secret: 'not-the-secret' });
    try {
      await bad.loadMarkets();
      const err = await rejectionOf(bad.fetchBalance());
      expect(err).toBeInstanceOf(ccxt.AuthenticationError);
      expect(err.message).toMatch(/"retCode":10004/);
      expect(err.message).not.toContain(sim.secret);
    } finally {
      await bad.close();
    }
    const key = await bybitRequest(sim, 'GET', '/v5/account/wallet-balance', { accountType: 'UNIFIED' }, { apiKey: 'other' });
    expect([key.status, key.body.retCode]).toEqual([200, 10003]);
    const none = await bybitRequest(sim, 'GET', '/v5/account/wallet-balance', { accountType: 'UNIFIED' }, { unsigned: true });
    expect(none.body.retCode).toBe(10003);
    await control(sim, 'POST', '/faults', { clockSkewMs: 60_000 });
    const late = await rejectionOf(ex.fetchBalance());
    expect(late).toBeInstanceOf(ccxt.InvalidNonce);
    expect(late.message).toMatch(/"retCode":10002/);
  });

  test('an HTTP 5xx fault is ExchangeNotAvailable; a 10016 code is ExchangeError; `apply` places the order first', async () => {
    await control(sim, 'POST', '/faults', { rest: [{ kind: 'status', status: 503, path: '/v5/order/create' }] });
    expect(await rejectionOf(ex.createOrder(S, 'limit', 'buy', 0.01, 60000))).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    await control(sim, 'POST', '/faults', { rest: [{ kind: 'status', code: 10016, path: '/v5/order/create' }] });
    const coded = await rejectionOf(ex.createOrder(S, 'limit', 'buy', 0.01, 60000));
    expect(coded).toBeInstanceOf(ccxt.ExchangeError);
    expect(coded.message).toMatch(/"retCode":10016/);
    expect(lastOf('/v5/order/create')).toMatchObject({ applied: false, status: 200, code: 10016 });
    expect(await ex.fetchOpenOrders(S)).toEqual([]);
    await control(sim, 'POST', '/faults', { rest: [{ kind: 'status', status: 502, apply: true, path: '/v5/order/create' }] });
    expect(await rejectionOf(ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { orderLinkId: 'applied-1' }))).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect(await ex.fetchOpenOrder(undefined, S, { orderLinkId: 'applied-1' })).toMatchObject({ status: 'open' });
    await control(sim, 'POST', '/faults', { rest: [{ kind: 'timeout_after_apply', path: '/v5/order/create' }] });
    const slow = await bybitClient(sim, { timeout: 300 });
    try {
      await slow.loadMarkets();
      expect(await rejectionOf(slow.createOrder(S, 'limit', 'buy', 0.01, 60000, { orderLinkId: 'timed-out' }))).toBeInstanceOf(ccxt.RequestTimeout);
    } finally {
      await slow.close();
    }
    expect(await ex.fetchOpenOrder(undefined, S, { orderLinkId: 'timed-out' })).toMatchObject({ status: 'open' });
  });

  test('the order rate limit answers 10006 (RateLimitExceeded) with the X-Bapi-Limit headers; a rate_limit fault too', async () => {
    const now = sim.clock.now();
    sim.clock.advance(10_000 - (now % 10_000) + 20); // one 10-second window for the whole test
    sim.rateLimits.configure({ ordersPer10s: 2 });
    const first = await bybitRequest(sim, 'POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: '60000' });
    expect(first.body.retCode).toBe(0);
    expect(first.headers.get('x-bapi-limit')).toBe('2');
    expect(first.headers.get('x-bapi-limit-status')).toBe('1');
    expect(Number(first.headers.get('x-bapi-limit-reset-timestamp'))).toBeGreaterThan(Date.now() - 60_000);
    await ex.createOrder(S, 'limit', 'buy', 0.01, 60000);
    const err = await rejectionOf(ex.createOrder(S, 'limit', 'buy', 0.01, 60000));
    expect(err).toBeInstanceOf(ccxt.RateLimitExceeded);
    expect(err.message).toMatch(/"retCode":10006/);
    const raw = await bybitRequest(sim, 'POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: '60000' });
    expect([raw.status, raw.body.retCode, raw.body.retMsg, raw.headers.get('x-bapi-limit-status')]).toEqual([200, 10006, 'Too many visits!', '0']);
    expect(await ex.fetchBalance()).toBeDefined(); // reads are not order requests
    sim.rateLimits.reset();
    await control(sim, 'POST', '/faults', { rest: [{ kind: 'rate_limit', path: '/v5/position/list' }] });
    expect(await rejectionOf(ex.fetchPositions())).toBeInstanceOf(ccxt.RateLimitExceeded);
    await control(sim, 'POST', '/rate-limits', { weightPerMinute: 1 });
    await control(sim, 'DELETE', '/rate-limits');
    await ex.fetchTime();
    const ip = await rejectionOf(ex.fetchTime()); // Bybit's IP limit: HTTP 403
    expect(ip).toBeInstanceOf(ccxt.RateLimitExceeded);
    expect(lastOf('/v5/market/time')).toMatchObject({ status: 403, applied: false });
  });
});

describe('control API on the Bybit venue', () => {
  test('state, manual (foreign) orders, stream close and reset work unchanged', async () => {
    await control(sim, 'POST', '/manual-order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', price: '60000', quantity: '0.05', positionSide: 'BOTH', clientOrderId: 'manual-1' });
    const open = await ex.fetchOpenOrders(S);
    expect(open.map((o: any) => o.clientOrderId)).toEqual(['manual-1']);
    const state = await control(sim, 'GET', '/state');
    expect(state.orders).toHaveLength(1);
    expect(state.stream).toMatchObject({ connections: expect.any(Number), listenKeys: [] });
    const raw = await rawPrivate(sim);
    await raw.auth();
    expect((await control(sim, 'POST', '/stream/frames', { frames: [{ topic: 'order', id: 'x', creationTime: 1, data: [] }] })).frames).toBe(1);
    await raw.wait((f) => f.id === 'x');
    raw.close();
    await expect(control(sim, 'POST', '/stream/frames', { frames: [{ e: 'ORDER_TRADE_UPDATE' }] })).rejects.toThrow(/topic/);
    const pending = ex.watchOrders(S);
    await until(() => JSON.stringify(sim.stream.describe()).includes('"order"'));
    expect((await control(sim, 'POST', '/stream/close', {})).closed).toBeGreaterThanOrEqual(1);
    expect(await rejectionOf(pending)).toBeInstanceOf(ccxt.NetworkError);
    await control(sim, 'POST', '/reset', {});
    expect(await ex.fetchOpenOrders(S)).toEqual([]);
    expect(sim.venue).toBe('bybit');
  });
});
