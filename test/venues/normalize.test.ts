// Binance payloads -> normalized rows, with payloads built from Binance's documented examples and
// field lists (user-data-streams/Event-Order-Update, Event-Balance-and-Position-Update,
// Event-Algo-Order-Update; trade/rest-api Account-Trade-List). Proves: foreign types stay what they
// are, a liquidation execution (x=CALCULATED) is a fill, a zero quantity is never a fill, a
// malformed figure throws naming the field and value, and venue times reach the rows.
import { Decimal } from 'decimal.js';
import { rowDefect } from '../../src/domain/row-validation.js';
import {
  liquidationExecutionRow, positionRows, restAlgoRow, restOrderRow, restTradeRow, streamAlgoRow, streamOrderRow, streamTradeRow,
} from '../../src/venues/ccxt/normalize.js';

const d = (v: string) => new Decimal(v);

/** The documented ORDER_TRADE_UPDATE example (a trailing stop). */
const trailingFrame = () => ({
  e: 'ORDER_TRADE_UPDATE', E: 1568879465651, T: 1568879465650,
  o: {
    s: 'BTCUSDT', c: 'TEST', S: 'SELL', o: 'TRAILING_STOP_MARKET', f: 'GTC', q: '0.001', p: '0', ap: '0', sp: '7103.04', x: 'NEW', X: 'NEW',
    i: 8886774, l: '0', z: '0', L: '0', N: 'USDT', n: '0', T: 1568879465650, t: 0, b: '0', a: '9.91', m: false, R: false, wt: 'CONTRACT_PRICE',
    ot: 'TRAILING_STOP_MARKET', ps: 'LONG', cp: false, AP: '7476.89', cr: '5.0', pP: false, si: 0, ss: 0, rp: '0', V: 'EXPIRE_TAKER', pm: 'OPPONENT', gtd: 0,
  } as Record<string, unknown>,
});

/** A liquidation execution: Binance's risk engine closes the position (`autoclose-` id, x=CALCULATED). */
const liquidationFrame = (over: Record<string, unknown> = {}) => ({
  e: 'ORDER_TRADE_UPDATE', E: 1700000000123, T: 1700000000100,
  o: {
    s: 'BTCUSDT', c: 'autoclose-1700000000099345', S: 'SELL', o: 'LIQUIDATION', f: 'IOC', q: '0.010', p: '61000.10', ap: '61000.10', sp: '0',
    x: 'CALCULATED', X: 'FILLED', i: 9100000001, l: '0.010', z: '0.010', L: '61000.10', N: 'USDT', n: '0.24400040', T: 1700000000100, t: 0,
    b: '0', a: '0', m: false, R: false, wt: 'CONTRACT_PRICE', ot: 'LIQUIDATION', ps: 'LONG', cp: false, rp: '-40.00', pP: false, si: 0, ss: 0,
    V: 'NONE', pm: 'NONE', gtd: 0, ...over,
  } as Record<string, unknown>,
});

/** An ordinary fill of an app LIMIT order. */
const tradeFrame = (over: Record<string, unknown> = {}) => ({
  e: 'ORDER_TRADE_UPDATE', E: 1700000001005, T: 1700000001000,
  o: {
    s: 'BTCUSDT', c: 'app-dca-1', S: 'BUY', o: 'LIMIT', f: 'GTC', q: '0.010', p: '64350', ap: '64350', sp: '0', x: 'TRADE', X: 'FILLED',
    i: 4000000007, l: '0.010', z: '0.010', L: '64350', N: 'USDT', n: '0.12870000', T: 1700000001000, t: 500000009, b: '643.5', a: '0',
    m: true, R: false, wt: 'CONTRACT_PRICE', ot: 'LIMIT', ps: 'LONG', cp: false, rp: '0', pP: false, si: 0, ss: 0, V: 'EXPIRE_MAKER', pm: 'NONE', gtd: 0,
    ...over,
  } as Record<string, unknown>,
});

const frameTimes = (f: { E: number; T: number }) => ({ E: f.E, T: f.T });

describe('foreign order types stay what they are', () => {
  test('TRAILING_STOP_MARKET (the documented example): its type, no trigger price from `sp`, times T and E', () => {
    const f = trailingFrame();
    const row = streamOrderRow(f.o, frameTimes(f));
    expect(row).toMatchObject({ kind: 'order', type: 'TRAILING_STOP_MARKET', status: 'NEW', side: 'SELL', managedSide: 'LONG', exchangeOrderId: '8886774', customOrderId: 'TEST' });
    expect(row.triggerPrice).toBeUndefined();
    expect(row.venueType).toBeUndefined();
    expect(row.qty).toEqual(d('0.001'));
    expect(row.transactionTimeMs).toBe(1568879465650);
    expect(row.eventTimeMs).toBe(1568879465651);
    expect(rowDefect(row)).toBeUndefined();
  });

  test('TRAILING_STOP_MARKET over REST: stopPrice is not a trigger price either', () => {
    const row = restOrderRow({ symbol: 'BTCUSDT', orderId: 1, clientOrderId: 'x', side: 'SELL', positionSide: 'LONG', type: 'TRAILING_STOP_MARKET', status: 'NEW', price: '0', stopPrice: '7103.04', origQty: '0.001', executedQty: '0', avgPrice: '0', updateTime: 1700000000000 });
    expect(row).toMatchObject({ type: 'TRAILING_STOP_MARKET', transactionTimeMs: 1700000000000 });
    expect(row.triggerPrice).toBeUndefined();
  });

  test('a liquidation order row keeps the type LIQUIDATION', () => {
    const f = liquidationFrame();
    expect(streamOrderRow(f.o, frameTimes(f))).toMatchObject({ type: 'LIQUIDATION', status: 'FILLED', customOrderId: 'autoclose-1700000000099345', filledQty: d('0.01') });
  });

  test('an `autoclose-` order Binance labels MARKET is a liquidation order, not a MARKET order', () => {
    const f = liquidationFrame({ o: 'MARKET', x: 'TRADE', t: 777 });
    expect(streamOrderRow(f.o, frameTimes(f)).type).toBe('LIQUIDATION');
  });

  test('ADL orders (client id `adl_autoclose`) get the type ADL', () => {
    const f = liquidationFrame({ c: 'adl_autoclose', o: 'MARKET', x: 'TRADE', t: 778 });
    expect(streamOrderRow(f.o, frameTimes(f)).type).toBe('ADL');
  });

  test('any other unknown type is UNKNOWN with the venue name in venueType', () => {
    const f = tradeFrame({ o: 'SOME_NEW_TYPE', x: 'NEW', X: 'NEW', l: '0', z: '0' });
    expect(streamOrderRow(f.o, frameTimes(f))).toMatchObject({ type: 'UNKNOWN', venueType: 'SOME_NEW_TYPE' });
    expect(restAlgoRow({ symbol: 'BTCUSDT', algoId: 5, clientAlgoId: 'a', side: 'SELL', positionSide: 'LONG', orderType: 'VP', algoStatus: 'NEW', triggerPrice: '1', price: '0', quantity: '1' }))
      .toMatchObject({ type: 'UNKNOWN', venueType: 'VP' });
  });
});

describe('fills', () => {
  test('an ordinary TRADE: last price and quantity, fee, T and E', () => {
    const f = tradeFrame();
    const row = streamTradeRow(f.o, frameTimes(f));
    expect(row).toMatchObject({ kind: 'execution', tradeId: '500000009', exchangeOrderId: '4000000007', customOrderId: 'app-dca-1', side: 'BUY', managedSide: 'LONG', feeAsset: 'USDT', transactionTimeMs: 1700000001000, eventTimeMs: 1700000001005 });
    expect(row.price).toEqual(d('64350'));
    expect(row.qty).toEqual(d('0.01'));
    expect(row.fee).toEqual(d('0.1287'));
    expect(row.liquidation).toBeUndefined();
  });

  test('x=CALCULATED (liquidation execution) is a liquidation fill; without a trade id it gets a stable one from order id and T', () => {
    const f = liquidationFrame();
    const row = liquidationExecutionRow(f.o, frameTimes(f));
    expect(row).toMatchObject({ kind: 'execution', liquidation: true, tradeId: 'liq-9100000001-1700000000100', exchangeOrderId: '9100000001', side: 'SELL', managedSide: 'LONG', transactionTimeMs: 1700000000100, eventTimeMs: 1700000000123 });
    expect(row.price).toEqual(d('61000.1'));
    expect(row.qty).toEqual(d('0.01'));
    expect(liquidationExecutionRow(f.o, frameTimes(f)).tradeId).toBe(row.tradeId); // replayed: the same id
    expect(rowDefect(row)).toBeUndefined();
  });

  test('x=CALCULATED with a trade id uses it; without `l`/`L` it falls back to `z` and `ap`', () => {
    const f = liquidationFrame({ t: 123456, l: '0', L: '0' });
    const row = liquidationExecutionRow(f.o, frameTimes(f));
    expect(row.tradeId).toBe('123456');
    expect(row.qty).toEqual(d('0.01'));
    expect(row.price).toEqual(d('61000.1'));
  });

  test('fills of `autoclose-` and `adl_autoclose` orders are liquidation fills', () => {
    expect(streamTradeRow(liquidationFrame({ x: 'TRADE', t: 9 }).o).liquidation).toBe(true);
    expect(streamTradeRow(liquidationFrame({ c: 'adl_autoclose', x: 'TRADE', t: 9 }).o).liquidation).toBe(true);
  });

  test.each([['0'], ['0.000'], ['-0.010']])('a fill quantity l=%s is never a fill: the error names the field', (l) => {
    expect(() => streamTradeRow(tradeFrame({ l }).o)).toThrow(/^l: .*greater than zero.*/);
  });

  test('REST userTrades row: decimal strings, position side, time; the client id only when known', () => {
    const t = { buyer: true, commission: '0.02574', commissionAsset: 'USDT', id: 698759, maker: false, orderId: 25851813, price: '64350.0', qty: '0.002', quoteQty: '128.7', realizedPnl: '0', side: 'BUY', positionSide: 'LONG', symbol: 'BTCUSDT', time: 1569514978020 };
    const row = restTradeRow(t);
    expect(row).toMatchObject({ kind: 'execution', tradeId: '698759', exchangeOrderId: '25851813', side: 'BUY', managedSide: 'LONG', feeAsset: 'USDT', transactionTimeMs: 1569514978020 });
    expect(row.customOrderId).toBeUndefined();
    expect(row.price).toEqual(d('64350'));
    expect(row.qty).toEqual(d('0.002'));
    expect(restTradeRow(t, 'app-dca-1').customOrderId).toBe('app-dca-1');
    expect(() => restTradeRow({ ...t, qty: '0' })).toThrow(/^qty: /);
  });
});

describe('malformed figures throw an error naming the field and the value', () => {
  test.each([
    ['z', 'abc'], ['q', 'NaN'], ['p', 'Infinity'], ['ap', '1e500x'], ['sp', '--1'],
  ])('order row %s=%s', (field, value) => {
    const f = tradeFrame({ [field]: value, o: 'STOP_MARKET' });
    expect(() => streamOrderRow(f.o)).toThrow(new RegExp(`^${field}: .*${JSON.stringify(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  test.each([['L', 'abc'], ['l', 'NaN'], ['n', '1,5']])('fill row %s=%s', (field, value) => {
    expect(() => streamTradeRow(tradeFrame({ [field]: value }).o)).toThrow(new RegExp(`^${field}: `));
  });

  test('a non-finite number (not text) is refused too', () => {
    expect(() => streamOrderRow(tradeFrame({ q: Number.POSITIVE_INFINITY }).o)).toThrow(/^q: not a finite number/);
  });

  test('an unknown side is refused, never read as BUY', () => {
    expect(() => streamOrderRow(tradeFrame({ S: 'HOLD' }).o)).toThrow(/^S: .*"HOLD"/);
  });

  test('position and balance figures', () => {
    expect(() => positionRows({ s: 'BTCUSDT', pa: 'x1', ep: '1', ps: 'LONG' }, 'pa', 'ep')).toThrow(/^pa: .*"x1"/);
    expect(() => positionRows({ s: 'BTCUSDT', pa: '1', ep: 'NaN', ps: 'LONG' }, 'pa', 'ep')).toThrow(/^ep: /);
  });

  test('a malformed time is refused', () => {
    expect(() => streamOrderRow(tradeFrame({ T: 'soon' }).o)).toThrow(/^T: /);
  });
});

describe('venue times', () => {
  test('ACCOUNT_UPDATE (documented field list): position rows carry the frame T and E', () => {
    const frame = {
      e: 'ACCOUNT_UPDATE', E: 1564745798939, T: 1564745798938,
      a: { m: 'ORDER', B: [{ a: 'USDT', wb: '122624.12345678', cw: '100.12345678', bc: '50.12345678' }], P: [{ s: 'BTCUSDT', pa: '20', ep: '6563.66500', bep: '6563.6', cr: '0', up: '2850.21200', mt: 'isolated', iw: '13200.70726908', ps: 'LONG' }] },
    };
    const rows = positionRows(frame.a.P[0]!, 'pa', 'ep', { E: frame.E, T: frame.T });
    expect(rows).toEqual([{ kind: 'position', symbol: 'BTCUSDT', managedSide: 'LONG', size: d('20'), entryPrice: d('6563.665'), transactionTimeMs: 1564745798938, eventTimeMs: 1564745798939 }]);
  });

  test('one-way BOTH rows carry the times too; REST rows take updateTime', () => {
    const rows = positionRows({ s: 'BTCUSDT', pa: '0', ep: '0', ps: 'BOTH' }, 'pa', 'ep', { E: 2, T: 1 });
    expect(rows.map((r) => [r.managedSide, r.transactionTimeMs, r.eventTimeMs])).toEqual([['LONG', 1, 2], ['SHORT', 1, 2]]);
    const rest = positionRows({ symbol: 'BTCUSDT', positionAmt: '0.01', entryPrice: '65000', positionSide: 'LONG', updateTime: 1700000000000 }, 'positionAmt', 'entryPrice');
    expect(rest[0]).toMatchObject({ transactionTimeMs: 1700000000000 });
    expect(rest[0]!.eventTimeMs).toBeUndefined();
  });

  test('ALGO_UPDATE (documented field list): the frame T and E', () => {
    const frame = {
      e: 'ALGO_UPDATE', T: 1750515742297, E: 1750515742303,
      o: { caid: 'Q5xaq5EGKgXXa0fD7fs0Ip', aid: 2148719, at: 'CONDITIONAL', o: 'TAKE_PROFIT', s: 'BNBUSDT', S: 'SELL', ps: 'BOTH', f: 'GTC', q: '0.01', X: 'CANCELED', ai: '', ap: '0.00000', aq: '0.00000', act: '0', tp: '750', p: '750', V: 'EXPIRE_MAKER', wt: 'CONTRACT_PRICE', pm: 'NONE', cp: false, pP: false, R: false, tt: 0, gtd: 0, rm: 'Reduce Only reject' },
    };
    expect(streamAlgoRow(frame.o, { E: frame.E, T: frame.T })).toMatchObject({ type: 'TAKE_PROFIT', status: 'CANCELED', exchangeOrderId: 'algo-2148719', triggerPrice: d('750'), transactionTimeMs: 1750515742297, eventTimeMs: 1750515742303 });
  });

  test('the order row keeps the cumulative z as filledQty, not the last l', () => {
    const f = tradeFrame({ l: '0.004', z: '0.006', X: 'PARTIALLY_FILLED' });
    expect(streamOrderRow(f.o).filledQty).toEqual(d('0.006'));
  });
});

describe('order statuses', () => {
  test('an unknown status is a malformed row naming the field, never a guess of NEW', () => {
    const frame = trailingFrame();
    frame.o.X = 'SOMETHING_NEW';
    expect(() => streamOrderRow(frame.o, frame)).toThrow(/X: unknown order status \(got "SOMETHING_NEW"\)/);
  });

  test('liquidation orders the venue opened (NEW_INSURANCE, NEW_ADL) are open orders', () => {
    for (const X of ['NEW_INSURANCE', 'NEW_ADL']) {
      const frame = liquidationFrame({ X, x: 'NEW', l: '0', z: '0' });
      expect(streamOrderRow(frame.o, frame).status).toBe('NEW');
    }
  });
});
