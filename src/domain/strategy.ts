// Strategy inputs: percentages of the trusted entry price (levels) and position size (DCA size).
import type { Decimal } from './decimal.js';

export interface DcaStep {
  offsetPct: Decimal;
  sizePct: Decimal;
}

export interface Strategy {
  takeProfitPct?: Decimal;
  stopLossPct?: Decimal;
  dca: DcaStep[];
}

export type Slot = 'SL' | 'TP' | `DCA${number}`;

export function dcaSlot(step: number): Slot {
  return `DCA${step}`;
}

/** 1-based DCA step of a slot, or undefined for protective slots. */
export function dcaStepOf(slot: string): number | undefined {
  const m = /^DCA([1-9]\d*)$/.exec(slot);
  return m ? Number(m[1]) : undefined;
}

export function isProtectiveSlot(slot: string): slot is 'SL' | 'TP' {
  return slot === 'SL' || slot === 'TP';
}

export function configuredProtectiveSlots(strategy: Strategy): Array<'SL' | 'TP'> {
  const slots: Array<'SL' | 'TP'> = [];
  if (strategy.stopLossPct) slots.push('SL');
  if (strategy.takeProfitPct) slots.push('TP');
  return slots;
}
