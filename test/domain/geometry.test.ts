import { Decimal } from '../../src/domain/decimal.js';
import { canon, parseDecimal } from '../../src/domain/decimal.js';
import { filterFailure, geometryFailures, quantizeLevels, quantizePrice, quantizeQtyDown, rawLevels } from '../../src/domain/geometry.js';

const d = (s: string) => new Decimal(s);
const filters = { tickSize: d('0.1'), stepSize: d('0.001'), minQty: d('0.001'), minNotional: d('5') };
const strategy = { takeProfitPct: d('1'), stopLossPct: d('2'), dca: [{ offsetPct: d('1'), sizePct: d('100') }] };

describe('decimal boundary', () => {
  test('canonical strings have no exponent and no trailing zeros', () => {
    expect(canon(d('63700.000'))).toBe('63700');
    expect(canon(d('0.0000001'))).toBe('0.0000001');
    expect(canon(d('-0'))).toBe('0');
  });
  test('non-finite and malformed input is rejected with the field named', () => {
    expect(() => parseDecimal('NaN', 'price')).toThrow(/price: not a decimal number/);
    expect(() => parseDecimal(Infinity, 'qty')).toThrow(/qty: not a finite number/);
    expect(() => parseDecimal('1e5', 'qty')).toThrow(/qty/);
    expect(parseDecimal(' 12.50 ', 'qty').toFixed()).toBe('12.5');
  });
});

describe('quantization', () => {
  test('prices round half-up to the tick, quantities round down to the step', () => {
    expect(canon(quantizePrice(d('65321.75'), d('0.1')))).toBe('65321.8');
    expect(canon(quantizePrice(d('63732.5'), d('100')))).toBe('63700');
    expect(canon(quantizeQtyDown(d('0.0105'), d('0.001')))).toBe('0.01');
    expect(canon(quantizeQtyDown(d('0.0099999'), d('0.001')))).toBe('0.009');
  });
});

describe('levels and geometry', () => {
  test('long: TP above entry, DCA and SL below', () => {
    const q = quantizeLevels(rawLevels('LONG', d('65000'), d('0.01'), strategy), filters, d('0.01'));
    expect([canon(q.tp!), canon(q.sl!), canon(q.dca[0]!.price), canon(q.dca[0]!.qty)]).toEqual(['65650', '63700', '64350', '0.01']);
    expect(geometryFailures('LONG', d('65000'), q).size).toBe(0);
  });
  test('short mirrors long', () => {
    const q = quantizeLevels(rawLevels('SHORT', d('65000'), d('0.01'), strategy), filters, d('0.01'));
    expect([canon(q.tp!), canon(q.sl!), canon(q.dca[0]!.price)]).toEqual(['64350', '66300', '65650']);
  });
  test('a DCA level equal to the SL is rejected by side; crossed levels too', () => {
    const eq = { tp: d('65700'), sl: d('63700'), dca: [{ price: d('63700'), qty: d('0.01') }] };
    expect(geometryFailures('LONG', d('65000'), eq).get('DCA1')).toBe('long_dca_equal_sl_rejected');
    const crossed = { tp: d('65700'), sl: d('63700'), dca: [{ price: d('63600'), qty: d('0.01') }] };
    expect(geometryFailures('LONG', d('65000'), crossed).get('DCA1')).toBe('long_dca_crosses_sl_rejected');
    const shortEq = { tp: d('64400'), sl: d('66300'), dca: [{ price: d('66300'), qty: d('0.01') }] };
    expect(geometryFailures('SHORT', d('65000'), shortEq).get('DCA1')).toBe('short_dca_equal_sl_rejected');
  });
  test('filters name their failure', () => {
    expect(filterFailure(filters, d('64350'), d('0'), true)).toBe('qty_rounds_to_zero');
    expect(filterFailure({ ...filters, minQty: d('0.02') }, d('64350'), d('0.01'), true)).toBe('qty_below_min_qty');
    expect(filterFailure({ ...filters, minNotional: d('1000') }, d('64350'), d('0.01'), true)).toBe('notional_below_min_notional');
    expect(filterFailure({ ...filters, minNotional: d('1000') }, d('64350'), d('0.01'), false)).toBeUndefined();
  });
});
