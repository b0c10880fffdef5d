// Boundary validation of normalized rows: a row with a quantity that is not positive, a
// non-finite number or a negative price never reaches the account view. Pure: the router (stream
// rows) and the hydrator (REST rows) journal the defect as `malformed_row_skipped` and go on.
import type { Decimal } from './decimal.js';
import type { PrivateRow } from './rows.js';

export interface RowDefect {
  field: string;
  value: string;
  reason: string;
}

type Rule = 'positive' | 'non_negative' | 'finite';

function check(value: Decimal | undefined, field: string, rule: Rule): RowDefect | undefined {
  if (value === undefined) return undefined;
  if (!value.isFinite()) return { field, value: value.toString(), reason: 'not a finite number' };
  if (rule === 'positive' && !value.gt(0)) return { field, value: value.toFixed(), reason: 'must be greater than zero' };
  if (rule === 'non_negative' && value.lt(0)) return { field, value: value.toFixed(), reason: 'must not be negative' };
  return undefined;
}

function firstDefect(checks: Array<[Decimal | undefined, string, Rule]>): RowDefect | undefined {
  for (const [value, field, rule] of checks) {
    const defect = check(value, field, rule);
    if (defect) return defect;
  }
  return undefined;
}

/** The first defect of a row, or undefined when every figure it carries is usable. */
export function rowDefect(row: PrivateRow): RowDefect | undefined {
  switch (row.kind) {
    case 'order': {
      const defect = firstDefect([
        [row.qty, 'qty', 'positive'], [row.price, 'price', 'positive'], [row.triggerPrice, 'triggerPrice', 'positive'],
        [row.filledQty, 'filledQty', 'non_negative'], [row.avgPrice, 'avgPrice', 'non_negative'],
      ]);
      if (defect) return defect;
      if (row.qty && row.filledQty && row.filledQty.gt(row.qty)) {
        return { field: 'filledQty', value: row.filledQty.toFixed(), reason: `exceeds the order quantity ${row.qty.toFixed()}` };
      }
      return undefined;
    }
    case 'execution':
      if (!row.tradeId) return { field: 'tradeId', value: String(row.tradeId), reason: 'a fill needs a trade id' };
      // A fee may be negative: maker rebates.
      return firstDefect([[row.qty, 'qty', 'positive'], [row.price, 'price', 'positive'], [row.fee, 'fee', 'finite']]);
    case 'position':
      return firstDefect([[row.size, 'size', 'non_negative'], [row.entryPrice, 'entryPrice', 'non_negative']]);
    case 'balance':
      return firstDefect([[row.walletBalance, 'walletBalance', 'non_negative'], [row.availableBalance, 'availableBalance', 'non_negative']]);
  }
}
