// Port mutations -> Binance spot requests (issue 14): single orders on POST /api/v3/order, the SL
// and TP of one pass as ONE POST /api/v3/orderList/oco with each leg's own custom id, cancels by
// origClientOrderId; nothing spot cannot express is sent. And the spot error table.
import { Decimal } from '../../src/domain/decimal.js';
import { classifyVenueError } from '../../src/domain/error-classifier.js';
import type { OrderIntent } from '../../src/domain/order-intent.js';
import type { Scope } from '../../src/domain/scope.js';
import { refinedSpotCode } from '../../src/venues/binance-spot/error-codes.js';
import { buildSpotCall, listClientOrderIdOf } from '../../src/venues/binance-spot/requests.js';
import { BINANCE_SPOT_RULES } from '../../src/venues/binance-spot/rules.js';
import type { VenueMutation } from '../../src/venues/port.js';

const d = (s: string) => new Decimal(s);
const scope: Scope = { exchange: 'binance', product: 'spot', symbol: 'BTCUSDT', managedSide: 'LONG' };
const SL: OrderIntent = { slot: 'SL', side: 'SELL', type: 'STOP_MARKET', triggerPrice: d('63700'), qty: d('0.00999') };
const TP: OrderIntent = { slot: 'TP', side: 'SELL', type: 'LIMIT', price: d('65650'), qty: d('0.00999') };
const DCA: OrderIntent = { slot: 'DCA1', side: 'BUY', type: 'LIMIT', price: d('64350'), qty: d('0.00999') };
const place = (intent: OrderIntent, id: string, paired?: VenueMutation['paired']): VenueMutation => ({ action: 'place', scope, slot: intent.slot, customOrderId: id, intent, ...(paired ? { paired } : {}) });

test('a DCA buy is a plain LIMIT GTC order with the custom id', () => {
  expect(buildSpotCall(place(DCA, 'dcaId'))).toEqual({
    endpoint: 'order', body: { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.00999', price: '64350', timeInForce: 'GTC', newClientOrderId: 'dcaId', newOrderRespType: 'RESULT' },
  });
});

test('an SL alone (its TP blocked) is a STOP_LOSS with the holding quantity', () => {
  expect(buildSpotCall(place(SL, 'slId')).body).toEqual({ symbol: 'BTCUSDT', side: 'SELL', type: 'STOP_LOSS', quantity: '0.00999', stopPrice: '63700', newClientOrderId: 'slId', newOrderRespType: 'RESULT' });
});

test('the SL and TP paired: ONE OCO list, the TP the LIMIT_MAKER above, the SL the STOP_LOSS below, each leg its own custom id, whichever leg comes first', () => {
  const expected = {
    endpoint: 'oco',
    body: {
      symbol: 'BTCUSDT', side: 'SELL', quantity: '0.00999', listClientOrderId: 'LslId', newOrderRespType: 'RESULT',
      aboveType: 'LIMIT_MAKER', abovePrice: '65650', aboveClientOrderId: 'tpId', belowType: 'STOP_LOSS', belowStopPrice: '63700', belowClientOrderId: 'slId',
    },
  };
  expect(buildSpotCall(place(SL, 'slId', { slot: 'TP', customOrderId: 'tpId', intent: TP }))).toEqual(expected);
  expect(buildSpotCall(place(TP, 'tpId', { slot: 'SL', customOrderId: 'slId', intent: SL }))).toEqual(expected);
});

test('an SL with a limit price (STOP) makes a STOP_LOSS_LIMIT leg', () => {
  const body = buildSpotCall(place({ ...SL, type: 'STOP', price: d('63600') }, 'slId', { slot: 'TP', customOrderId: 'tpId', intent: TP })).body;
  expect(body).toMatchObject({ belowType: 'STOP_LOSS_LIMIT', belowStopPrice: '63700', belowPrice: '63600', belowTimeInForce: 'GTC' });
});

test('a list whose legs disagree is never sent; nor is a reduce-only, close-position or amend request', () => {
  expect(() => buildSpotCall(place(SL, 'slId', { slot: 'TP', customOrderId: 'tpId', intent: { ...TP, qty: d('0.01') } }))).toThrow(/one quantity/);
  expect(() => buildSpotCall(place(SL, 'slId', { slot: 'DCA1', customOrderId: 'x', intent: DCA }))).toThrow(/pairs an SL and a TP/);
  expect(() => buildSpotCall(place({ ...SL, reduceOnly: true }, 'slId'))).toThrow(/reduce-only/);
  expect(() => buildSpotCall(place({ ...SL, closePosition: true, qty: undefined }, 'slId'))).toThrow(/close-position/);
  expect(() => buildSpotCall({ action: 'amend', scope, slot: 'DCA1', customOrderId: 'dcaId', intent: DCA })).toThrow(/no amend/);
});

test('a cancel names the order by origClientOrderId (one leg cancels its whole list)', () => {
  expect(buildSpotCall({ action: 'cancel', scope, slot: 'SL', customOrderId: 'slId', intent: SL, paired: { slot: 'TP', customOrderId: 'tpId', intent: TP } })).toEqual({ endpoint: 'cancel', body: { symbol: 'BTCUSDT', origClientOrderId: 'slId' } });
});

test('listClientOrderId fits the venue\'s custom-id rule', () => {
  expect(listClientOrderIdOf('AbCdEfGhIjKlMnOpQrSt')).toMatch(BINANCE_SPOT_RULES.customId.pattern);
});

describe('the spot error table', () => {
  const cls = (action: 'place' | 'cancel', code: number | string | undefined, httpStatus?: number, targetTerminal = false) =>
    classifyVenueError(BINANCE_SPOT_RULES.errors, { action, code, ...(httpStatus !== undefined ? { httpStatus } : {}), targetTerminal });
  const msg = (m: string) => `binance {"code":-2010,"msg":"${m}"}`;

  test('-2010 told apart by its message: a duplicate is looked up, insufficient balance and would-trigger block', () => {
    expect(cls('place', refinedSpotCode(-2010, msg('Duplicate order sent.')))).toBe('lookup');
    expect(cls('place', refinedSpotCode(-2010, msg('Account has insufficient balance for requested action.')))).toBe('block');
    expect(cls('place', refinedSpotCode(-2010, msg('Order would trigger immediately.')))).toBe('block');
    expect(cls('place', refinedSpotCode(-2010, msg('Order would immediately match and take.')))).toBe('block');
    expect(refinedSpotCode(-1013, msg('x'))).toBe(-1013);
  });

  test('the three refusals of a level the market already passed are market-state codes (watched, never dropped); other -2010s are not', () => {
    const refined = ['Order would trigger immediately.', 'Order would immediately match and take.', 'The relationship of the prices for the orders is not correct.']
      .map((m) => refinedSpotCode(-2010, msg(m)));
    expect(refined).toEqual(['-2010:would_trigger', '-2010:would_take', '-2010:price_relationship']);
    for (const code of refined) expect(BINANCE_SPOT_RULES.marketStateCodes).toContain(code);
    for (const m of ['Account has insufficient balance for requested action.', 'Duplicate order sent.', 'Something else.']) {
      expect(BINANCE_SPOT_RULES.marketStateCodes).not.toContain(refinedSpotCode(-2010, msg(m)));
    }
  });

  test('missing orders, filters, rate limits, clock, 5xx and unlisted codes', () => {
    expect(cls('cancel', -2011, 400, true)).toBe('benign_race');
    expect(cls('cancel', -2011, 400, false)).toBe('unknown');
    expect(cls('place', -2013, 400)).toBe('block');
    expect(cls('cancel', -2026, 400, true)).toBe('benign_race');
    expect(cls('place', -1013, 400)).toBe('block');
    expect(cls('place', -1003, 429)).toBe('retry');
    expect(cls('place', -1015, 400)).toBe('retry');
    expect(cls('place', -1021, 400)).toBe('retry');
    expect(cls('place', -2010, 503)).toBe('unknown');
    expect(cls('place', undefined, 503)).toBe('unknown');
    expect(cls('place', -9999, 400)).toBe('unknown');
    expect(cls('place', -1000, 400)).toBe('unknown');
  });

  test('mode evidence and capabilities', () => {
    expect(BINANCE_SPOT_RULES.modeEvidence).toEqual({ authCodes: [-2014, -2015, -1022], authHttpStatuses: [401, 403], clockSkewCodes: [-1021], rateLimitCodes: [-1003, -1015], rateLimitHttpStatuses: [429, 418] });
    expect(BINANCE_SPOT_RULES.capabilities).toEqual({ closePositionStops: false, closePositionStopsExclusive: false, protectionOrderList: 'oco', amends: false });
  });
});
