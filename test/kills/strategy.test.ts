// Kills for src/domain/strategy.ts (mutation testing, docs/TESTING.md). Slots per scope: SL and TP
// (protective) and DCA1..n (exposure-increasing), SPEC section 3. Protection is the slots the
// strategy configures.
import { Decimal } from '../../src/domain/decimal.js';
import { configuredProtectiveSlots, dcaSlot, dcaStepOf, isProtectiveSlot } from '../../src/domain/strategy.js';

test('DCA slots and their 1-based steps', () => {
  expect(dcaSlot(1)).toBe('DCA1');
  expect(dcaSlot(12)).toBe('DCA12');
  expect(dcaStepOf('DCA1')).toBe(1);
  expect(dcaStepOf('DCA12')).toBe(12);
});

test.each(['SL', 'TP', 'DCA', 'DCA0', 'DCA01', 'xDCA1', 'DCA1x', 'DCA-1', 'dca1', ' DCA1'])('%j is not a DCA slot', (slot) => {
  expect(dcaStepOf(slot)).toBeUndefined();
});

test('SL and TP are the protective slots, nothing else', () => {
  expect(isProtectiveSlot('SL')).toBe(true);
  expect(isProtectiveSlot('TP')).toBe(true);
  for (const slot of ['DCA1', 'sl', 'STOP', '']) expect(isProtectiveSlot(slot)).toBe(false);
});

test('protection is the slots the strategy configures', () => {
  const pct = new Decimal(1);
  expect([...configuredProtectiveSlots({ stopLossPct: pct, takeProfitPct: pct, dca: [] })].sort()).toEqual(['SL', 'TP']);
  expect(configuredProtectiveSlots({ stopLossPct: pct, dca: [] })).toEqual(['SL']);
  expect(configuredProtectiveSlots({ takeProfitPct: pct, dca: [] })).toEqual(['TP']);
  expect(configuredProtectiveSlots({ dca: [{ offsetPct: pct, sizePct: pct }] })).toEqual([]);
});
