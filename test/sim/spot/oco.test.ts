// OCO order lists through ccxt's implicit API (POST /api/v3/orderList/oco and friends): one lock
// of the base asset for both legs, both legs in fetchOpenOrders with their orderListId, the stop
// leg filling and the other leg expiring at once, and list cancels by listClientOrderId.
import ccxt from 'ccxt';
import { startSpotSimulator, type SpotSimulator } from '../../../src/sim/spot/server.js';
import { spotClient } from './spot-client.js';
import { control, signed } from './spot-raw.js';

const S = 'BTC/USDT';
let sim: SpotSimulator;
let ex: any;

const sellOco = (id: string, extra: Record<string, string> = {}) => ({
  symbol: 'BTCUSDT', side: 'SELL', quantity: '0.1', listClientOrderId: `oco-${id}`,
  aboveType: 'LIMIT_MAKER', abovePrice: '70000', aboveClientOrderId: `tp-${id}`,
  belowType: 'STOP_LOSS_LIMIT', belowStopPrice: '60000', belowPrice: '59900', belowTimeInForce: 'GTC', belowClientOrderId: `sl-${id}`,
  ...extra,
});

beforeAll(async () => {
  sim = await startSpotSimulator({ seed: 3, balances: { USDT: '10000', BTC: '0.5' } });
  ex = await spotClient(sim);
  await ex.loadMarkets();
});
afterAll(async () => {
  await ex.close();
  await sim.close();
});
beforeEach(() => sim.reset());

test('a sell OCO locks the quantity once and shows both legs with their orderListId', async () => {
  const list = await ex.privatePostOrderListOco(sellOco('1'));
  expect(list).toMatchObject({ contingencyType: 'OCO', listStatusType: 'EXEC_STARTED', listOrderStatus: 'EXECUTING', listClientOrderId: 'oco-1', symbol: 'BTCUSDT' });
  expect(list.orders.map((o: any) => o.clientOrderId).sort()).toEqual(['sl-1', 'tp-1']);
  expect(list.orderReports.map((o: any) => [o.clientOrderId, o.type, o.status, o.orderListId])).toEqual([
    ['sl-1', 'STOP_LOSS_LIMIT', 'NEW', list.orderListId],
    ['tp-1', 'LIMIT_MAKER', 'NEW', list.orderListId],
  ]);
  const b = await ex.fetchBalance();
  expect(b.BTC).toEqual({ free: 0.4, used: 0.1, total: 0.5 });
  const open = await ex.fetchOpenOrders(S);
  expect(open.map((o: any) => [o.clientOrderId, o.type, o.triggerPrice, o.info.orderListId])).toEqual([
    ['sl-1', 'limit', 60000, list.orderListId],
    ['tp-1', 'limit', undefined, list.orderListId],
  ]);
  const lists = await ex.privateGetOpenOrderList();
  expect(lists.map((l: any) => l.listClientOrderId)).toEqual(['oco-1']);
  const byClient = await ex.privateGetOrderList({ origClientOrderId: 'oco-1' });
  expect(byClient).toMatchObject({ orderListId: list.orderListId, listOrderStatus: 'EXECUTING' });
});

test('the price crosses the stop: the stop leg fills, the limit leg EXPIRES, the list is ALL_DONE', async () => {
  const list = await ex.privatePostOrderListOco(sellOco('2'));
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '59950' });
  const sl = await ex.fetchOrder(undefined, S, { clientOrderId: 'sl-2' });
  expect(sl).toMatchObject({ status: 'closed', filled: 0.1, average: 59950 });
  const tp = await ex.fetchOrder(undefined, S, { clientOrderId: 'tp-2' });
  expect(tp).toMatchObject({ status: 'expired', filled: 0 });
  const done = await ex.privateGetOrderList({ orderListId: list.orderListId });
  expect(done).toMatchObject({ listStatusType: 'ALL_DONE', listOrderStatus: 'ALL_DONE' });
  expect(await ex.privateGetOpenOrderList()).toEqual([]);
  expect(await ex.fetchOpenOrders(S)).toEqual([]);
  const b = await ex.fetchBalance();
  expect(b.BTC).toEqual({ free: 0.4, used: 0, total: 0.4 });
  // 0.1 x 59950 = 5995 USDT, less 0.1 % commission in USDT (the asset received)
  expect(b.info.balances.find((x: any) => x.asset === 'USDT').free).toBe('15989.00500000');
  const [t] = await ex.fetchMyTrades(S);
  expect(t).toMatchObject({ side: 'sell', price: 59950, amount: 0.1, takerOrMaker: 'taker', fee: { currency: 'USDT', cost: 5.995 } });
  expect(t.info.orderListId).toBe(list.orderListId);
});

test('the price reaches the limit leg: it fills as maker, the stop leg EXPIRES', async () => {
  await ex.privatePostOrderListOco(sellOco('3'));
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '70010' });
  expect(await ex.fetchOrder(undefined, S, { clientOrderId: 'tp-3' })).toMatchObject({ status: 'closed', filled: 0.1, average: 70000 });
  expect(await ex.fetchOrder(undefined, S, { clientOrderId: 'sl-3' })).toMatchObject({ status: 'expired' });
  const [t] = await ex.fetchMyTrades(S);
  expect(t).toMatchObject({ takerOrMaker: 'maker', price: 70000 });
});

test('cancel an order list by listClientOrderId: both legs CANCELED, the base unlocked', async () => {
  await ex.privatePostOrderListOco(sellOco('4'));
  const cancelled = await ex.privateDeleteOrderList({ symbol: 'BTCUSDT', listClientOrderId: 'oco-4' });
  expect(cancelled).toMatchObject({ contingencyType: 'OCO', listStatusType: 'ALL_DONE', listOrderStatus: 'ALL_DONE', listClientOrderId: 'oco-4' });
  expect(cancelled.orderReports.map((r: any) => [r.origClientOrderId, r.status])).toEqual([['sl-4', 'CANCELED'], ['tp-4', 'CANCELED']]);
  expect((await ex.fetchBalance()).BTC).toEqual({ free: 0.5, used: 0, total: 0.5 });
  await expect(ex.privateDeleteOrderList({ symbol: 'BTCUSDT', listClientOrderId: 'oco-4' })).rejects.toBeInstanceOf(ccxt.OrderNotFound);
});

test('cancelling one leg by DELETE /api/v3/order cancels the whole list', async () => {
  await ex.privatePostOrderListOco(sellOco('5'));
  await ex.cancelOrder(undefined, S, { clientOrderId: 'tp-5' });
  expect(await ex.fetchOrder(undefined, S, { clientOrderId: 'sl-5' })).toMatchObject({ status: 'canceled' });
  expect(await ex.privateGetOrderList({ origClientOrderId: 'oco-5' })).toMatchObject({ listOrderStatus: 'ALL_DONE' });
  expect((await ex.fetchBalance()).BTC.free).toBe(0.5);
});

test('OCO rejections: duplicate ids, price relationship, balance, leg types and places', async () => {
  await ex.privatePostOrderListOco(sellOco('6'));
  const dup = await signed(sim, 'POST', '/api/v3/orderList/oco', sellOco('6', { aboveClientOrderId: 'tp-6b', belowClientOrderId: 'sl-6b' }));
  expect(dup).toMatchObject({ status: 400, body: { code: -2010, msg: 'Duplicate order sent.' } });
  const legDup = await signed(sim, 'POST', '/api/v3/orderList/oco', sellOco('7', { aboveClientOrderId: 'tp-6' }));
  expect(legDup.body).toEqual({ code: -2010, msg: 'Duplicate order sent.' });
  const prices = await signed(sim, 'POST', '/api/v3/orderList/oco', sellOco('8', { abovePrice: '64000' }));
  expect(prices.body).toEqual({ code: -2010, msg: 'The relationship of the prices for the orders is not correct.' });
  const funds = await signed(sim, 'POST', '/api/v3/orderList/oco', sellOco('9', { quantity: '0.45' }));
  expect(funds.body).toEqual({ code: -2010, msg: 'Account has insufficient balance for requested action.' });
  const combo = await signed(sim, 'POST', '/api/v3/orderList/oco', sellOco('10', { aboveType: 'STOP_LOSS_LIMIT', aboveStopPrice: '70000', abovePrice: '70000', aboveTimeInForce: 'GTC' }));
  expect(combo.body).toEqual({ code: -1197, msg: 'A stop loss order in a sell OCO must be below.' });
  const limitBelow = await signed(sim, 'POST', '/api/v3/orderList/oco', sellOco('12', { aboveType: 'STOP_LOSS', aboveStopPrice: '70000', abovePrice: '', belowType: 'LIMIT_MAKER', belowPrice: '60000', belowStopPrice: '', belowTimeInForce: '' }));
  expect(limitBelow.body).toEqual({ code: -1197, msg: 'A stop loss order in a sell OCO must be below.' });
  const tpBelow = await signed(sim, 'POST', '/api/v3/orderList/oco', sellOco('13', { belowType: 'TAKE_PROFIT', belowStopPrice: '60000' }));
  expect(tpBelow.body).toMatchObject({ code: -1106 }); // belowPrice and belowTimeInForce sent with a TAKE_PROFIT leg
  const tpBelow2 = await signed(sim, 'POST', '/api/v3/orderList/oco', { ...sellOco('14'), belowType: 'TAKE_PROFIT', belowStopPrice: '60000', belowPrice: '', belowTimeInForce: '' });
  expect(tpBelow2.body).toEqual({ code: -1199, msg: 'A take profit order in a sell OCO must be above.' });
  const limitLeg = await signed(sim, 'POST', '/api/v3/orderList/oco', sellOco('15', { aboveType: 'LIMIT', aboveTimeInForce: 'GTC' }));
  expect(limitLeg.body).toEqual({ code: -1158, msg: 'Order type not supported in OCO.' });
  const twoMakers = await signed(sim, 'POST', '/api/v3/orderList/oco', { ...sellOco('16'), belowType: 'LIMIT_MAKER', belowStopPrice: '', belowTimeInForce: '' });
  expect(twoMakers.body).toEqual({ code: -1168, msg: 'At least one OCO order must be contingent.' });
  await expect(ex.privatePostOrderListOco(sellOco('11', { quantity: '0.45' }))).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
  // once the first list is done, its ids are free again
  await ex.privateDeleteOrderList({ symbol: 'BTCUSDT', listClientOrderId: 'oco-6' });
  await expect(ex.privatePostOrderListOco(sellOco('6'))).resolves.toMatchObject({ listClientOrderId: 'oco-6' });
});

test('a buy OCO locks quote once (the larger leg) and its stop triggers on a rise', async () => {
  const list = await ex.privatePostOrderListOco({
    symbol: 'BTCUSDT', side: 'BUY', quantity: '0.1', listClientOrderId: 'buy-oco',
    aboveType: 'STOP_LOSS', aboveStopPrice: '66000', aboveClientOrderId: 'buy-sl',
    belowType: 'LIMIT_MAKER', belowPrice: '64000', belowClientOrderId: 'buy-lm',
  });
  expect(list.orderReports.map((o: any) => o.type)).toEqual(['STOP_LOSS', 'LIMIT_MAKER']);
  expect((await ex.fetchBalance()).USDT).toEqual({ free: 3400, used: 6600, total: 10000 });
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '66100' });
  expect(await ex.fetchOrder(undefined, S, { clientOrderId: 'buy-sl' })).toMatchObject({ status: 'closed', average: 66100 });
  expect(await ex.fetchOrder(undefined, S, { clientOrderId: 'buy-lm' })).toMatchObject({ status: 'expired' });
  const b = await ex.fetchBalance();
  expect(b.USDT).toEqual({ free: 3390, used: 0, total: 3390 });
  expect(b.BTC.free).toBeCloseTo(0.5 + 0.0999, 10);
});
