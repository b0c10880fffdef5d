// Binance spot's answers for what a client gets wrong, seen raw (status and body): filters,
// symbols, order-type rules, duplicates, unknown orders, response types, history windows,
// signatures and the control API's state.
import { startSpotSimulator, type SpotSimulator } from '../../../src/sim/spot/server.js';
import { control, pub, signed } from './spot-raw.js';

let sim: SpotSimulator;

beforeAll(async () => {
  sim = await startSpotSimulator({ seed: 5, balances: { USDT: '10000', BTC: '1' } });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => sim.reset());

const order = (p: Record<string, string>) => signed(sim, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', ...p });
const limitBuy = (p: Record<string, string> = {}) => order({ side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '60000', ...p });

test('public routes: ping, time, exchangeInfo filters and order types, prices', async () => {
  expect((await pub(sim, '/api/v3/ping')).body).toEqual({});
  expect(Math.abs((await pub(sim, '/api/v3/time')).body.serverTime - Date.now())).toBeLessThan(2000);
  const info = (await pub(sim, '/api/v3/exchangeInfo')).body;
  const btc = info.symbols.find((s: any) => s.symbol === 'BTCUSDT');
  expect(btc).toMatchObject({ status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', ocoAllowed: true, otoAllowed: true, isSpotTradingAllowed: true });
  expect(btc.orderTypes).toEqual(['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT']);
  expect(btc.filters).toEqual(expect.arrayContaining([
    expect.objectContaining({ filterType: 'PRICE_FILTER', tickSize: '0.01000000' }),
    expect.objectContaining({ filterType: 'LOT_SIZE', stepSize: '0.00001000', minQty: '0.00001000', maxQty: '9000.00000000' }),
    expect.objectContaining({ filterType: 'NOTIONAL', minNotional: '5.00000000' }),
  ]));
  expect((await pub(sim, '/api/v3/ticker/price', { symbol: 'BTCUSDT' })).body).toEqual({ symbol: 'BTCUSDT', price: '65000.00000000' });
  expect((await pub(sim, '/api/v3/ticker/bookTicker', { symbol: 'ETHUSDT' })).body).toMatchObject({ symbol: 'ETHUSDT', bidPrice: '3000.00000000', askPrice: '3000.00000000' });
  expect((await pub(sim, '/api/v3/ticker/price', { symbol: 'XRPUSDT' })).body).toEqual({ code: -1121, msg: 'Invalid symbol.' });
});

test('filters: PRICE_FILTER, LOT_SIZE, NOTIONAL as -1013; unknown symbol -1121', async () => {
  expect(await limitBuy({ price: '60000.005' })).toMatchObject({ status: 400, body: { code: -1013, msg: 'Filter failure: PRICE_FILTER' } });
  expect((await limitBuy({ quantity: '0.000015' })).body).toEqual({ code: -1013, msg: 'Filter failure: LOT_SIZE' });
  expect((await limitBuy({ quantity: '0.00001' })).body).toEqual({ code: -1013, msg: 'Filter failure: NOTIONAL' });
  expect((await limitBuy({ quantity: '10000' })).body).toEqual({ code: -1013, msg: 'Filter failure: LOT_SIZE' });
  expect((await order({ side: 'BUY', type: 'MARKET', quantity: '0.00005' })).body).toEqual({ code: -1013, msg: 'Filter failure: NOTIONAL' });
  expect((await limitBuy({ symbol: 'XRPUSDT' })).body).toEqual({ code: -1121, msg: 'Invalid symbol.' });
  expect((await limitBuy({ quantity: 'abc' })).body).toMatchObject({ code: -1100 });
  expect((await limitBuy({ timeInForce: 'GTD' })).body).toEqual({ code: -1115, msg: 'Invalid timeInForce.' });
  expect((await order({ side: 'BUY', type: 'LIMIT', quantity: '0.01', price: '60000' })).body).toMatchObject({ code: -1102 });
  expect((await limitBuy({ type: 'STOP_MARKET' })).body).toEqual({ code: -1116, msg: 'Invalid orderType.' });
  expect(sim.engine.openOrders()).toEqual([]);
});

test('LIMIT_MAKER that would take: -2010; stops that would trigger: -2010 "Order would trigger immediately."; client id rules', async () => {
  expect((await order({ side: 'BUY', type: 'LIMIT_MAKER', quantity: '0.01', price: '65000' })).body).toEqual({ code: -2010, msg: 'Order would immediately match and take.' });
  expect((await order({ side: 'SELL', type: 'STOP_LOSS_LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '65500', stopPrice: '65500' })).body).toEqual({ code: -2010, msg: 'Order would trigger immediately.' });
  expect((await order({ side: 'SELL', type: 'TAKE_PROFIT', quantity: '0.01', stopPrice: '64000' })).body).toEqual({ code: -2010, msg: 'Order would trigger immediately.' });
  expect((await limitBuy({ newClientOrderId: 'x'.repeat(37) })).body).toMatchObject({ code: -1100 });
  expect((await limitBuy({ newClientOrderId: 'bad id' })).body).toMatchObject({ code: -1100 });
  expect((await limitBuy({ newClientOrderId: 'dup-1' })).status).toBe(200);
  expect((await limitBuy({ newClientOrderId: 'dup-1' })).body).toEqual({ code: -2010, msg: 'Duplicate order sent.' });
  expect((await signed(sim, 'DELETE', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: 'dup-1' })).status).toBe(200);
  expect((await limitBuy({ newClientOrderId: 'dup-1' })).status).toBe(200); // unique among open orders only
});

test('newOrderRespType ACK, RESULT and FULL; LIMIT and MARKET default to FULL, others to ACK', async () => {
  const ack = (await limitBuy({ newOrderRespType: 'ACK' })).body;
  expect(Object.keys(ack).sort()).toEqual(['clientOrderId', 'orderId', 'orderListId', 'symbol', 'transactTime']);
  const result = (await limitBuy({ newOrderRespType: 'RESULT' })).body;
  expect(result).toMatchObject({ status: 'NEW', type: 'LIMIT', side: 'BUY', price: '60000.00000000', origQty: '0.01000000', executedQty: '0.00000000', cummulativeQuoteQty: '0.00000000', timeInForce: 'GTC', orderListId: -1, selfTradePreventionMode: 'EXPIRE_MAKER' });
  expect(result).not.toHaveProperty('fills');
  const full = (await order({ side: 'SELL', type: 'MARKET', quantity: '0.1' })).body;
  expect(full).toMatchObject({ status: 'FILLED', executedQty: '0.10000000', cummulativeQuoteQty: '6500.00000000' });
  expect(full.fills).toEqual([{ price: '65000.00000000', qty: '0.10000000', commission: '6.50000000', commissionAsset: 'USDT', tradeId: expect.any(Number) }]);
  const stop = (await order({ side: 'SELL', type: 'STOP_LOSS', quantity: '0.01', stopPrice: '60000' })).body;
  expect(Object.keys(stop).sort()).toEqual(['clientOrderId', 'orderId', 'orderListId', 'symbol', 'transactTime']);
});

test('IOC and FOK that do not cross expire at once and unlock; MARKET by quoteOrderQty', async () => {
  const ioc = (await limitBuy({ timeInForce: 'IOC' })).body;
  expect(ioc).toMatchObject({ status: 'EXPIRED', executedQty: '0.00000000' });
  const fok = (await limitBuy({ timeInForce: 'FOK', price: '66000' })).body;
  expect(fok).toMatchObject({ status: 'FILLED', executedQty: '0.01000000', cummulativeQuoteQty: '650.00000000' }); // crosses: fills at the last price
  const q = (await order({ side: 'BUY', type: 'MARKET', quoteOrderQty: '100' })).body;
  expect(q).toMatchObject({ status: 'FILLED', origQuoteOrderQty: '100.00000000', executedQty: '0.00153000', cummulativeQuoteQty: '99.45000000' });
  const usdt = sim.engine.balances.get('USDT');
  expect([usdt.free.toFixed(8), usdt.locked.toFixed(8)]).toEqual(['9250.55000000', '0.00000000']);
});

test('queries: unknown -2013, cancel of a finished order -2011, openOrders cancel-all, forgetFinished and archiving', async () => {
  expect((await signed(sim, 'GET', '/api/v3/order', { symbol: 'BTCUSDT', orderId: 1 })).body).toEqual({ code: -2013, msg: 'Order does not exist.' });
  expect((await signed(sim, 'GET', '/api/v3/order', { symbol: 'BTCUSDT' })).body).toMatchObject({ code: -1102 });
  const filled = (await order({ side: 'SELL', type: 'MARKET', quantity: '0.01' })).body;
  expect((await signed(sim, 'DELETE', '/api/v3/order', { symbol: 'BTCUSDT', orderId: filled.orderId })).body).toEqual({ code: -2011, msg: 'Unknown order sent.' });
  await limitBuy({ newClientOrderId: 'a-1' });
  await limitBuy({ newClientOrderId: 'a-2', price: '59000' });
  const all = (await signed(sim, 'DELETE', '/api/v3/openOrders', { symbol: 'BTCUSDT' })).body;
  expect(all.map((o: any) => [o.origClientOrderId, o.status])).toEqual([['a-1', 'CANCELED'], ['a-2', 'CANCELED']]);
  expect((await signed(sim, 'DELETE', '/api/v3/openOrders', { symbol: 'BTCUSDT' })).body).toEqual({ code: -2011, msg: 'Unknown order sent.' });
  expect((await signed(sim, 'GET', '/api/v3/allOrders', { symbol: 'BTCUSDT' })).body.map((o: any) => o.status)).toEqual(['FILLED', 'CANCELED', 'CANCELED']);

  await control(sim, 'POST', '/faults', { forgetFinished: true });
  expect((await signed(sim, 'GET', '/api/v3/order', { symbol: 'BTCUSDT', orderId: filled.orderId })).body).toEqual({ code: -2013, msg: 'Order does not exist.' });
  await control(sim, 'POST', '/faults', { forgetFinished: false });
  await control(sim, 'POST', '/clock', { advanceMs: 91 * 24 * 3600_000 });
  expect((await signed(sim, 'GET', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: 'a-1' })).body).toEqual({ code: -2026, msg: 'Order was canceled or expired with no executed qty over 90 days ago and has been archived.' });
  expect((await signed(sim, 'GET', '/api/v3/order', { symbol: 'BTCUSDT', orderId: filled.orderId })).body).toMatchObject({ status: 'FILLED' });
});

test('myTrades: fromId, limit, the 24-hour window (-1127), orderId filter', async () => {
  for (let i = 0; i < 3; i++) await order({ side: 'SELL', type: 'MARKET', quantity: '0.01' });
  const all = (await signed(sim, 'GET', '/api/v3/myTrades', { symbol: 'BTCUSDT' })).body;
  expect(all).toHaveLength(3);
  expect(Object.keys(all[0]).sort()).toEqual(['commission', 'commissionAsset', 'id', 'isBestMatch', 'isBuyer', 'isMaker', 'orderId', 'orderListId', 'price', 'qty', 'quoteQty', 'symbol', 'time']);
  const from = (await signed(sim, 'GET', '/api/v3/myTrades', { symbol: 'BTCUSDT', fromId: all[1].id, limit: 1 })).body;
  expect(from.map((t: any) => t.id)).toEqual([all[1].id]);
  expect((await signed(sim, 'GET', '/api/v3/myTrades', { symbol: 'BTCUSDT', limit: 2 })).body.map((t: any) => t.id)).toEqual([all[1].id, all[2].id]);
  expect((await signed(sim, 'GET', '/api/v3/myTrades', { symbol: 'BTCUSDT', orderId: all[0].orderId })).body).toHaveLength(1);
  const now = Date.now();
  expect((await signed(sim, 'GET', '/api/v3/myTrades', { symbol: 'BTCUSDT', startTime: now - 25 * 3600_000, endTime: now })).body).toEqual({ code: -1127, msg: 'More than 24 hours between startTime and endTime.' });
  expect((await signed(sim, 'GET', '/api/v3/myTrades', { symbol: 'BTCUSDT', startTime: now - 3600_000, endTime: now + 1000 })).body).toHaveLength(3);
  expect((await signed(sim, 'GET', '/api/v3/myTrades', { symbol: 'BTCUSDT', fromId: 1, startTime: now })).body).toMatchObject({ code: -1128 });
});

test('signatures and timing: missing signature -1102, bad timestamp -1021, wrong secret -1022', async () => {
  const res = await fetch(`${sim.rest}/api/v3/account?timestamp=${Date.now()}`, { headers: { 'X-MBX-APIKEY': sim.apiKey } });
  expect([res.status, await res.json()]).toEqual([400, { code: -1102, msg: "Mandatory parameter 'signature' was not sent, was empty/null, or malformed." }]);
  expect((await signed(sim, 'GET', '/api/v3/account', {}, { timestamp: Date.now() - 60_000 })).body).toMatchObject({ code: -1021 });
  expect((await signed(sim, 'GET', '/api/v3/account', {}, { secret: 'nope' })).body).toEqual({ code: -1022, msg: 'Signature for this request is not valid.' });
  const unknown = await signed(sim, 'GET', '/api/v3/nothing');
  expect(unknown.status).toBe(404);
});

test('control API: state, manual (foreign) orders, deposits and reset', async () => {
  const manual = await control(sim, 'POST', '/manual-order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '61000' });
  expect(manual).toMatchObject({ symbol: 'BTCUSDT', status: 'NEW', type: 'LIMIT' });
  expect(manual.clientOrderId).toMatch(/^web_/);
  await control(sim, 'POST', '/balance', { asset: 'ETH', free: '2' });
  const state = await control(sim, 'GET', '/state');
  expect(state.openOrders.map((o: any) => o.clientOrderId)).toEqual([manual.clientOrderId]);
  expect(state.balances).toEqual(expect.arrayContaining([{ asset: 'USDT', free: '9390.00000000', locked: '610.00000000' }, { asset: 'ETH', free: '2.00000000', locked: '0.00000000' }]));
  expect(state.prices).toMatchObject({ BTCUSDT: '65000', ETHUSDT: '3000' });
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '60500' });
  expect((await control(sim, 'GET', '/state')).trades).toHaveLength(1);
  await control(sim, 'POST', '/reset');
  const fresh = await control(sim, 'GET', '/state');
  expect([fresh.openOrders, fresh.trades, fresh.orderLists]).toEqual([[], [], []]);
});

test('options: fees charged in the quote asset, maker 0, custom prices and balances', async () => {
  const quoteFees = await startSpotSimulator({ commissionAsset: 'quote', fees: { maker: '0', taker: '0.002' }, prices: { BTCUSDT: '50000' }, balances: { USDT: '1000' } });
  try {
    const buy = await signed(quoteFees, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' });
    expect(buy.body.fills).toEqual([expect.objectContaining({ price: '50000.00000000', commission: '1.00000000', commissionAsset: 'USDT' })]);
    const rest = await signed(quoteFees, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '51000' });
    expect(rest.body.status).toBe('NEW');
    quoteFees.engine.setPrice('BTCUSDT', '51000');
    const [, maker] = quoteFees.engine.trades;
    expect([maker!.isMaker, maker!.commission.toFixed(8), maker!.commissionAsset]).toEqual([true, '0.00000000', 'USDT']);
    const row = (a: string) => quoteFees.engine.balances.get(a);
    expect([row('USDT').free.toFixed(8), row('BTC').free.toFixed(8)]).toEqual(['1009.00000000', '0.00000000']); // 1000 - 501 + 510
  } finally {
    await quoteFees.close();
  }
});
