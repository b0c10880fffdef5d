// Port mutations -> Bybit V5 bodies, written from Bybit's place/amend/cancel pages
// (bybit-exchange.github.io/docs/v5/order/create-order): orderLinkId on every call, positionIdx by
// position mode, stops as conditional orders triggered by the mark with the right direction.
import { Decimal } from '../../src/domain/decimal.js';
import type { OrderIntent } from '../../src/domain/order-intent.js';
import type { Scope } from '../../src/domain/scope.js';
import { buildBybitCall } from '../../src/venues/bybit/requests.js';
import type { VenueMutation } from '../../src/venues/port.js';

const d = (v: string) => new Decimal(v);
const scope = (managedSide: 'LONG' | 'SHORT'): Scope => ({ exchange: 'bybit', product: 'linear', symbol: 'BTCUSDT', managedSide }) as Scope;
const place = (side: 'LONG' | 'SHORT', intent: OrderIntent): VenueMutation => ({ action: 'place', scope: scope(side), slot: intent.slot, customOrderId: 'abc123', intent });

test('a long SL: a conditional market sell, reduce-only and close-on-trigger, triggered when the mark falls to it (direction 2), positionIdx 1 in hedge mode', () => {
  const call = buildBybitCall(place('LONG', { slot: 'SL', side: 'SELL', type: 'STOP_MARKET', triggerPrice: d('58000.0'), qty: d('0.010'), reduceOnly: true }), true);
  expect(call).toEqual({
    endpoint: 'create',
    body: {
      category: 'linear', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Market', qty: '0.01', orderLinkId: 'abc123', positionIdx: 1,
      reduceOnly: true, closeOnTrigger: true, triggerPrice: '58000', triggerDirection: 2, triggerBy: 'MarkPrice',
    },
  });
});

test('a short SL buys when the mark rises to it (direction 1); a short TP-market buys when it falls (direction 2); positionIdx 2 in hedge, 0 in one-way', () => {
  const sl = buildBybitCall(place('SHORT', { slot: 'SL', side: 'BUY', type: 'STOP_MARKET', triggerPrice: d('62000'), qty: d('1'), reduceOnly: true }), true);
  expect(sl.body).toMatchObject({ side: 'Buy', triggerDirection: 1, positionIdx: 2 });
  const tp = buildBybitCall(place('SHORT', { slot: 'TP', side: 'BUY', type: 'TAKE_PROFIT_MARKET', triggerPrice: d('55000'), qty: d('1'), reduceOnly: true }), false);
  expect(tp.body).toMatchObject({ side: 'Buy', triggerDirection: 2, positionIdx: 0 });
  const longTp = buildBybitCall(place('LONG', { slot: 'TP', side: 'SELL', type: 'TAKE_PROFIT_MARKET', triggerPrice: d('70000'), qty: d('1'), reduceOnly: true }), false);
  expect(longTp.body).toMatchObject({ side: 'Sell', triggerDirection: 1 });
});

test('a LIMIT TP and a DCA step are plain limit orders (GTC, no trigger); only the TP is reduce-only', () => {
  const tp = buildBybitCall(place('LONG', { slot: 'TP', side: 'SELL', type: 'LIMIT', price: d('66000'), qty: d('0.01'), reduceOnly: true }), true);
  expect(tp.body).toEqual({ category: 'linear', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Limit', qty: '0.01', orderLinkId: 'abc123', positionIdx: 1, price: '66000', timeInForce: 'GTC', reduceOnly: true });
  const dca = buildBybitCall(place('LONG', { slot: 'DCA1', side: 'BUY', type: 'LIMIT', price: d('59000'), qty: d('0.02') } as OrderIntent), true);
  expect(dca.body).not.toHaveProperty('reduceOnly');
  expect(dca.body).not.toHaveProperty('triggerPrice');
  expect(dca.body).not.toHaveProperty('closeOnTrigger');
});

test('cancel and amend name the order by orderLinkId (ccxt would send clientOrderId, which Bybit ignores)', () => {
  const intent: OrderIntent = { slot: 'TP', side: 'SELL', type: 'LIMIT', price: d('66100'), qty: d('0.02'), reduceOnly: true };
  expect(buildBybitCall({ action: 'cancel', scope: scope('LONG'), slot: 'TP', customOrderId: 'x1', intent }, true)).toEqual({ endpoint: 'cancel', body: { category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'x1' } });
  expect(buildBybitCall({ action: 'amend', scope: scope('LONG'), slot: 'TP', customOrderId: 'x1', intent }, true)).toEqual({
    endpoint: 'amend', body: { category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'x1', qty: '0.02', price: '66100' },
  });
});

test('a close-position stop cannot be expressed on Bybit: refused before anything is sent', () => {
  expect(() => buildBybitCall(place('LONG', { slot: 'SL', side: 'SELL', type: 'STOP_MARKET', triggerPrice: d('58000'), closePosition: true }), true)).toThrow('no close-position stop');
});
