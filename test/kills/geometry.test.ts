// Kills for the surviving mutants of src/domain/geometry.ts (issue 9, docs/MUTATION_SURVIVORS.md).
// SPEC section 3: prices are quantized to the tick and quantities to the step with the hydrated
// filters; a venue that has no such filter (tick or step 0) leaves the value as it is, never a
// NaN. A level that rounds to zero is an explicit block with a reason, never a silent skip.
import { Decimal } from '../../src/domain/decimal.js';
import { filterFailure, quantizePrice, quantizeQtyDown } from '../../src/domain/geometry.js';

const d = (s: string) => new Decimal(s);
const FILTERS = { tickSize: d('0.1'), stepSize: d('0.001'), minQty: d('0.001'), minNotional: d('5') };

describe('quantization without a filter', () => {
  test('a zero tick leaves the price as it is', () => {
    expect(quantizePrice(d('63700.37'), d('0')).toFixed()).toBe('63700.37');
    expect(quantizePrice(d('63700.37'), d('0.1')).toFixed()).toBe('63700.4');
  });

  test('a zero step leaves the quantity as it is', () => {
    expect(quantizeQtyDown(d('0.0123'), d('0')).toFixed()).toBe('0.0123');
    expect(quantizeQtyDown(d('0.0129'), d('0.001')).toFixed()).toBe('0.012');
  });
});

describe('filter failures are reasons', () => {
  test('a price that rounds to zero blocks with its reason, for exits and entries alike', () => {
    expect(filterFailure(FILTERS, d('0'), d('1'), false)).toBe('price_rounds_to_zero');
    expect(filterFailure(FILTERS, d('0'), d('1'), true)).toBe('price_rounds_to_zero');
    expect(filterFailure(FILTERS, d('0.1'), d('1'), false)).toBeUndefined();
  });
});
