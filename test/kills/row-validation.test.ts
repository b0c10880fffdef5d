// Kills for the surviving mutants of src/domain/row-validation.ts (issue 9,
// docs/MUTATION_SURVIVORS.md). A row with an unusable figure never reaches the account view and
// is journaled as `malformed_row_skipped` with its field, value and reason (docs/OPERATIONS.md):
// the reason is what the operator reads, so it must say what is wrong. A fee may be negative
// (maker rebates): that row is valid.
import { Decimal } from '../../src/domain/decimal.js';
import { rowDefect } from '../../src/domain/row-validation.js';
import type { ExecutionRow, OrderRow } from '../../src/domain/rows.js';

const d = (s: string) => new Decimal(s);
const fill = (over: Partial<ExecutionRow>): ExecutionRow => ({ kind: 'execution', symbol: 'BTCUSDT', managedSide: 'LONG', tradeId: 't1', side: 'BUY', price: d('100'), qty: d('1'), ...over });
const order = (over: Partial<OrderRow>): OrderRow => ({ kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: 'a', side: 'BUY', type: 'LIMIT', status: 'NEW', price: d('100'), qty: d('1'), ...over });

describe('what a malformed row reports', () => {
  test('a maker rebate (negative fee) is a valid fill', () => {
    expect(rowDefect(fill({ fee: d('-0.02'), feeAsset: 'USDT' }))).toBeUndefined();
  });

  test('a negative figure that must not be negative says so', () => {
    expect(rowDefect(order({ filledQty: d('-1') }))).toEqual({ field: 'filledQty', value: '-1', reason: 'must not be negative' });
    expect(rowDefect({ kind: 'position', symbol: 'BTCUSDT', managedSide: 'LONG', size: d('-0.5'), entryPrice: d('100') }))
      .toEqual({ field: 'size', value: '-0.5', reason: 'must not be negative' });
  });

  test('a cumulative fill above the order quantity names the quantity', () => {
    expect(rowDefect(order({ qty: d('1'), filledQty: d('1.5'), status: 'PARTIALLY_FILLED' })))
      .toEqual({ field: 'filledQty', value: '1.5', reason: 'exceeds the order quantity 1' });
  });

  test('a fill without a trade id says it needs one', () => {
    expect(rowDefect(fill({ tradeId: '' }))).toEqual({ field: 'tradeId', value: '', reason: 'a fill needs a trade id' });
  });
});
