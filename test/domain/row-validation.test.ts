// Boundary validation of normalized rows, table-driven from SPEC section 3 ("non-finite input is
// rejected with a reason") and the row contract: a quantity that is not positive, a non-finite
// number, a negative price, a filled quantity above the order quantity or a fill without a trade
// id never reaches the account view; the defect names the field.
import { Decimal } from '../../src/domain/decimal.js';
import { rowDefect } from '../../src/domain/row-validation.js';
import type { BalanceRow, ExecutionRow, OrderRow, PositionRow, PrivateRow } from '../../src/domain/rows.js';

const d = (s: string) => new Decimal(s);
const NAN = new Decimal(NaN);
const INF = new Decimal(Infinity);
const NEG_INF = new Decimal(-Infinity);

const orderRow = (over: Partial<OrderRow> = {}): OrderRow => ({
  kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: 'a', exchangeOrderId: '1', side: 'SELL', type: 'STOP_MARKET',
  status: 'PARTIALLY_FILLED', price: d('100'), triggerPrice: d('99'), qty: d('1'), filledQty: d('0.5'), avgPrice: d('99.5'), ...over,
});
const execRow = (over: Partial<ExecutionRow> = {}): ExecutionRow => ({
  kind: 'execution', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: 'a', exchangeOrderId: '1', tradeId: 't1', side: 'BUY',
  price: d('100'), qty: d('0.1'), fee: d('0.01'), feeAsset: 'USDT', ...over,
});
const posRow = (over: Partial<PositionRow> = {}): PositionRow => ({
  kind: 'position', symbol: 'BTCUSDT', managedSide: 'LONG', size: d('0.5'), entryPrice: d('100'), ...over,
});
const balRow = (over: Partial<BalanceRow> = {}): BalanceRow => ({ kind: 'balance', asset: 'USDT', walletBalance: d('1000'), availableBalance: d('900'), ...over });

describe('valid rows have no defect', () => {
  test.each([
    ['order (every figure set)', orderRow()],
    ['order NEW without filledQty/avgPrice', orderRow({ status: 'NEW', filledQty: undefined, avgPrice: undefined })],
    ['order with filledQty 0', orderRow({ status: 'NEW', filledQty: d('0') })],
    ['order with filledQty equal to qty', orderRow({ status: 'FILLED', filledQty: d('1') })],
    ['closePosition order without qty', orderRow({ qty: undefined, filledQty: undefined, closePosition: true })],
    ['MARKET order without price', orderRow({ type: 'MARKET', price: undefined, triggerPrice: undefined })],
    ['execution', execRow()],
    ['execution without fee', execRow({ fee: undefined, feeAsset: undefined })],
    ['execution with zero fee', execRow({ fee: d('0') })],
    ['position', posRow()],
    ['flat position (size 0, entry 0)', posRow({ size: d('0'), entryPrice: d('0') })],
    ['balance', balRow()],
    ['margin-only balance frame (no figures)', balRow({ walletBalance: undefined, availableBalance: undefined })],
    ['zero balance', balRow({ walletBalance: d('0'), availableBalance: d('0') })],
  ] as Array<[string, PrivateRow]>)('%s', (_l, row) => {
    expect(rowDefect(row)).toBeUndefined();
  });
});

describe('zero or negative quantities', () => {
  test.each([
    ['order qty 0', orderRow({ qty: d('0'), filledQty: undefined }), 'qty'],
    ['order qty -1', orderRow({ qty: d('-1'), filledQty: undefined }), 'qty'],
    ['order filledQty -0.1', orderRow({ filledQty: d('-0.1') }), 'filledQty'],
    ['execution qty 0', execRow({ qty: d('0') }), 'qty'],
    ['execution qty -0.1', execRow({ qty: d('-0.1') }), 'qty'],
    ['position size -0.5', posRow({ size: d('-0.5') }), 'size'],
  ] as Array<[string, PrivateRow, string]>)('%s -> defect on %s', (_l, row, field) => {
    expect(rowDefect(row)).toMatchObject({ field });
    expect(rowDefect(row)!.reason).toEqual(expect.any(String));
  });
});

describe('non-finite values', () => {
  const NON_FINITE: Array<[string, Decimal]> = [['NaN', NAN], ['Infinity', INF], ['-Infinity', NEG_INF]];
  const FIELDS: Array<[string, (v: Decimal) => PrivateRow]> = [
    ['order.qty', (v) => orderRow({ qty: v, filledQty: undefined })],
    ['order.price', (v) => orderRow({ price: v })],
    ['order.triggerPrice', (v) => orderRow({ triggerPrice: v })],
    ['order.filledQty', (v) => orderRow({ filledQty: v })],
    ['order.avgPrice', (v) => orderRow({ avgPrice: v })],
    ['execution.qty', (v) => execRow({ qty: v })],
    ['execution.price', (v) => execRow({ price: v })],
    ['execution.fee', (v) => execRow({ fee: v })],
    ['position.size', (v) => posRow({ size: v })],
    ['position.entryPrice', (v) => posRow({ entryPrice: v })],
    ['balance.walletBalance', (v) => balRow({ walletBalance: v })],
    ['balance.availableBalance', (v) => balRow({ availableBalance: v })],
  ];
  test.each(FIELDS.flatMap(([f, make]) => NON_FINITE.map(([n, v]) => [f, n, make(v)] as const)))('%s = %s -> defect naming the field', (qualified, _n, row) => {
    const field = qualified.split('.')[1];
    const defect = rowDefect(row);
    expect(defect).toBeDefined();
    expect(defect!.field).toBe(field);
  });
});

describe('negative prices', () => {
  test.each([
    ['order.price', orderRow({ price: d('-1') })],
    ['order.triggerPrice', orderRow({ triggerPrice: d('-1') })],
    ['order.avgPrice', orderRow({ avgPrice: d('-1') })],
    ['execution.price', execRow({ price: d('-100') })],
    ['position.entryPrice', posRow({ entryPrice: d('-100') })],
  ] as Array<[string, PrivateRow]>)('%s negative -> defect naming the field', (qualified, row) => {
    expect(rowDefect(row)).toMatchObject({ field: qualified.split('.')[1] });
  });
});

describe('filledQty above qty', () => {
  test('filledQty 1.5 of qty 1 -> defect on filledQty', () => {
    const defect = rowDefect(orderRow({ qty: d('1'), filledQty: d('1.5') }));
    expect(defect).toMatchObject({ field: 'filledQty' });
    expect(defect!.value).toBe('1.5');
  });
  test('filledQty just above qty (decimal precision, no float error) -> defect', () => {
    expect(rowDefect(orderRow({ qty: d('0.3'), filledQty: d('0.30000000000000001') }))).toMatchObject({ field: 'filledQty' });
  });
  test('filledQty exactly qty in decimal (0.1 + 0.2 = 0.3) -> no defect', () => {
    expect(rowDefect(orderRow({ qty: d('0.3'), filledQty: d('0.1').plus(d('0.2')) }))).toBeUndefined();
  });
});

describe('missing tradeId', () => {
  test.each([
    ['empty string', ''],
    ['undefined', undefined],
  ] as Array<[string, string | undefined]>)('tradeId %s -> defect on tradeId', (_l, tradeId) => {
    const row = { ...execRow(), tradeId } as ExecutionRow;
    expect(rowDefect(row)).toMatchObject({ field: 'tradeId' });
  });
});

describe('the defect carries the offending value and a reason', () => {
  test('qty -2 -> value "-2"', () => {
    const defect = rowDefect(execRow({ qty: d('-2') }))!;
    expect(defect.value).toBe('-2');
    expect(defect.reason.length).toBeGreaterThan(0);
  });
  test('NaN price -> value "NaN"', () => {
    expect(rowDefect(execRow({ price: NAN }))!.value).toBe('NaN');
  });
});
