// Bybit V5 private-topic and REST rows -> normalized rows, from the payloads Bybit documents
// (bybit-exchange.github.io/docs/v5/websocket/private/order, execution, position, wallet).
import { Decimal } from '../../src/domain/decimal.js';
import { balanceRows, executionRow, filtersOf, orderRow, positionRows } from '../../src/venues/bybit/normalize.js';

const d = (v: string) => new Decimal(v);
const limitOrder = {
  category: 'linear', symbol: 'BTCUSDT', orderId: '1321003749386327552', orderLinkId: 'my-link-1', side: 'Buy', orderType: 'Limit', price: '60000', qty: '0.010',
  orderStatus: 'PartiallyFilled', timeInForce: 'GTC', positionIdx: 1, leavesQty: '0.006', cumExecQty: '0.004', cumExecValue: '240', avgPrice: '60000',
  triggerPrice: '', triggerDirection: 0, stopOrderType: '', tpslMode: '', reduceOnly: false, closeOnTrigger: false, createdTime: '1700000000000', updatedTime: '1700000001000',
};

test('a limit order: ids, side, cumulative fill, the hedge side from positionIdx, Bybit times', () => {
  expect(orderRow(limitOrder, { creationTime: 1700000001005 })).toEqual({
    kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: 'my-link-1', exchangeOrderId: '1321003749386327552', side: 'BUY', type: 'LIMIT',
    status: 'PARTIALLY_FILLED', price: d('60000'), triggerPrice: undefined, qty: d('0.01'), filledQty: d('0.004'), avgPrice: d('60000'), reduceOnly: false, closePosition: false,
    transactionTimeMs: 1700000001000, eventTimeMs: 1700000001005,
  });
  expect(orderRow({ ...limitOrder, positionIdx: 0 }).managedSide).toBe('BOTH');
  expect(orderRow({ ...limitOrder, positionIdx: 2 }).managedSide).toBe('SHORT');
});

test('conditional orders: a sell that triggers when the price falls is a stop; when it rises, a take-profit; Untriggered and Triggered are open, Deactivated cancelled', () => {
  const stop = { ...limitOrder, side: 'Sell', orderType: 'Market', price: '57000', orderStatus: 'Untriggered', triggerPrice: '58000', triggerDirection: 2, stopOrderType: 'Stop', reduceOnly: true, cumExecQty: '0', avgPrice: '' };
  const row = orderRow(stop);
  expect(row).toMatchObject({ type: 'STOP_MARKET', status: 'NEW', triggerPrice: d('58000'), reduceOnly: true });
  expect(row.price).toBeUndefined(); // a market order's price is Bybit's slippage guard
  expect(orderRow({ ...stop, triggerDirection: 1 }).type).toBe('TAKE_PROFIT_MARKET');
  expect(orderRow({ ...stop, side: 'Buy', triggerDirection: 1 }).type).toBe('STOP_MARKET');
  expect(orderRow({ ...stop, orderType: 'Limit' }).type).toBe('STOP');
  expect(orderRow({ ...stop, orderStatus: 'Deactivated' }).status).toBe('CANCELED');
  // Triggered is an instant state: the order it became reports New and Filled under the same ids next.
  expect(orderRow({ ...stop, orderStatus: 'Triggered' }).status).toBe('NEW');
  expect(orderRow({ ...stop, stopOrderType: 'TrailingStop' }).type).toBe('TRAILING_STOP_MARKET');
  expect(orderRow({ ...stop, stopOrderType: 'StopLoss', triggerDirection: 0 }).type).toBe('STOP_MARKET');
});

test('statuses: Filled, Cancelled, PartiallyFilledCanceled (cancelled with its fills), Rejected; an unknown status is malformed', () => {
  expect(orderRow({ ...limitOrder, orderStatus: 'Filled', cumExecQty: '0.010' })).toMatchObject({ status: 'FILLED', filledQty: d('0.01') });
  expect(orderRow({ ...limitOrder, orderStatus: 'Cancelled' }).status).toBe('CANCELED');
  expect(orderRow({ ...limitOrder, orderStatus: 'PartiallyFilledCanceled' })).toMatchObject({ status: 'CANCELED', filledQty: d('0.004') });
  expect(orderRow({ ...limitOrder, orderStatus: 'Rejected' }).status).toBe('REJECTED');
  expect(() => orderRow({ ...limitOrder, orderStatus: 'Weird' })).toThrow('orderStatus: unknown order status (got "Weird")');
  expect(() => orderRow({ ...limitOrder, qty: 'NaN' })).toThrow(/qty/);
  expect(() => orderRow({ ...limitOrder, side: 'BUY' })).toThrow('side: not an order side');
  expect(() => orderRow({ ...limitOrder, positionIdx: 7 })).toThrow('positionIdx');
});

const execution = {
  category: 'linear', symbol: 'BTCUSDT', execId: 'e0cbe81d-0f18-5866-9415-cf319b5dab3b', orderId: '1321003749386327552', orderLinkId: 'my-link-1', side: 'Buy', orderType: 'Limit',
  execType: 'Trade', execPrice: '60000', execQty: '0.004', execValue: '240', execFee: '0.024', feeRate: '0.0001', feeCurrency: 'USDT', isMaker: true,
  leavesQty: '0.006', orderQty: '0.010', orderPrice: '60000', execTime: '1700000001000', closedSize: '0', seq: 4688002127,
};

test('an execution: the fill\'s own price and quantity, its fee, the trade id; one-way fills are BOTH', () => {
  expect(executionRow(execution, false, () => undefined, { creationTime: 1700000001003 })).toEqual({
    kind: 'execution', symbol: 'BTCUSDT', managedSide: 'BOTH', customOrderId: 'my-link-1', exchangeOrderId: '1321003749386327552', tradeId: 'e0cbe81d-0f18-5866-9415-cf319b5dab3b',
    side: 'BUY', price: d('60000'), qty: d('0.004'), fee: d('0.024'), feeAsset: 'USDT', transactionTimeMs: 1700000001000, eventTimeMs: 1700000001003,
  });
});

test('hedge-mode fills carry no positionIdx: the order\'s side when known, else opening buys are LONG and closing sells are LONG', () => {
  expect(executionRow(execution, true, () => 'SHORT').managedSide).toBe('SHORT');
  expect(executionRow(execution, true, () => undefined).managedSide).toBe('LONG');
  expect(executionRow({ ...execution, side: 'Sell' }, true, () => undefined).managedSide).toBe('SHORT');
  expect(executionRow({ ...execution, side: 'Sell', closedSize: '0.004' }, true, () => undefined).managedSide).toBe('LONG');
  expect(executionRow({ ...execution, side: 'Buy', closedSize: '0.004' }, true, () => undefined).managedSide).toBe('SHORT');
});

test('liquidation executions are marked; a zero or unreadable quantity is malformed', () => {
  expect(executionRow({ ...execution, execType: 'BustTrade' }, false, () => undefined).liquidation).toBe(true);
  expect(executionRow({ ...execution, execType: 'AdlTrade' }, false, () => undefined).liquidation).toBe(true);
  expect(() => executionRow({ ...execution, execQty: '0' }, false, () => undefined)).toThrow('execQty: a fill quantity must be greater than zero');
  expect(() => executionRow({ ...execution, execPrice: '' }, false, () => undefined)).toThrow(/execPrice/);
});

test('positions: hedge rows by positionIdx; one-way by side; a flat one-way row flattens both sides', () => {
  const hedge = { category: 'linear', symbol: 'BTCUSDT', side: 'Sell', size: '0.014', avgPrice: '60000', positionIdx: 2, updatedTime: '1700000002000' };
  expect(positionRows(hedge)).toEqual([{ kind: 'position', symbol: 'BTCUSDT', managedSide: 'SHORT', size: d('0.014'), entryPrice: d('60000'), transactionTimeMs: 1700000002000 }]);
  expect(positionRows({ ...hedge, positionIdx: 0, side: 'Buy' })[0]).toMatchObject({ managedSide: 'LONG', size: d('0.014') });
  expect(positionRows({ ...hedge, positionIdx: 0, side: 'Sell' })[0]).toMatchObject({ managedSide: 'SHORT' });
  const flat = positionRows({ ...hedge, positionIdx: 0, side: '', size: '0', avgPrice: '0' });
  expect(flat.map((r) => [r.managedSide, r.size.toString()])).toEqual([['LONG', '0'], ['SHORT', '0']]);
  // The WebSocket row may name the entry `entryPrice` only.
  expect(positionRows({ symbol: 'BTCUSDT', side: 'Buy', size: '1', entryPrice: '61000', positionIdx: 1 })[0]!.entryPrice).toEqual(d('61000'));
  expect(() => positionRows({ ...hedge, size: 'abc' })).toThrow(/size/);
});

test('wallet: one balance row per coin; instruments: filters from the raw strings', () => {
  expect(balanceRows({ accountType: 'UNIFIED', coin: [{ coin: 'USDT', walletBalance: '1000.5', equity: '1001' }] })).toEqual([{ kind: 'balance', asset: 'USDT', walletBalance: d('1000.5') }]);
  expect(filtersOf({ symbol: 'BTCUSDT', priceFilter: { tickSize: '0.10' }, lotSizeFilter: { qtyStep: '0.001', minOrderQty: '0.001', maxOrderQty: '100', minNotionalValue: '5' } })).toEqual({
    tickSize: d('0.1'), stepSize: d('0.001'), minQty: d('0.001'), minNotional: d('5'),
  });
  expect(filtersOf({ symbol: 'X' })).toBeUndefined();
});
