// Strategy validation shared by the service and the conformance harness: missing, non-finite or
// contradictory inputs are rejected before any client exists, naming the field and the value.
import { Decimal, HUNDRED, ZERO, parseDecimal } from '../domain/decimal.js';
import type { DcaStep, Strategy } from '../domain/strategy.js';
import { ConfigError } from './config-error.js';

export interface RawStrategy {
  takeProfitPct?: unknown;
  stopLossPct?: unknown;
  dca?: unknown;
}

function pct(value: unknown, field: string): Decimal {
  let d: Decimal;
  try {
    d = parseDecimal(value, field);
  } catch {
    throw new ConfigError(field, value, 'not a finite decimal number');
  }
  if (d.lte(ZERO)) throw new ConfigError(field, value, 'must be greater than 0');
  return d;
}

export function parseStrategy(raw: RawStrategy | undefined, prefix = 'strategy'): Strategy {
  if (!raw || typeof raw !== 'object') throw new ConfigError(prefix, raw, 'a strategy is required (takeProfitPct, stopLossPct, dca)');
  const takeProfitPct = raw.takeProfitPct === undefined || raw.takeProfitPct === '' ? undefined : pct(raw.takeProfitPct, `${prefix}.takeProfitPct`);
  const stopLossPct = raw.stopLossPct === undefined || raw.stopLossPct === '' ? undefined : pct(raw.stopLossPct, `${prefix}.stopLossPct`);
  if (!takeProfitPct && !stopLossPct) throw new ConfigError(`${prefix}.stopLossPct`, raw.stopLossPct, 'at least one protective level (stopLossPct or takeProfitPct) is required');
  if (stopLossPct && stopLossPct.gte(HUNDRED)) throw new ConfigError(`${prefix}.stopLossPct`, raw.stopLossPct, 'must be below 100');
  const rawDca = raw.dca ?? [];
  if (!Array.isArray(rawDca)) throw new ConfigError(`${prefix}.dca`, rawDca, 'expected a list of {offsetPct, sizePct}');
  const dca: DcaStep[] = rawDca.map((step: unknown, i: number) => {
    const field = `${prefix}.dca[${i}]`;
    if (!step || typeof step !== 'object') throw new ConfigError(field, step, 'expected {offsetPct, sizePct}');
    const s = step as Record<string, unknown>;
    return { offsetPct: pct(s.offsetPct, `${field}.offsetPct`), sizePct: pct(s.sizePct, `${field}.sizePct`) };
  });
  dca.forEach((step, i) => {
    const field = `${prefix}.dca[${i}].offsetPct`;
    if (i > 0 && step.offsetPct.lte(dca[i - 1]!.offsetPct)) throw new ConfigError(field, step.offsetPct.toFixed(), 'DCA offsets must increase step by step');
    if (step.offsetPct.gte(HUNDRED)) throw new ConfigError(field, step.offsetPct.toFixed(), 'must be below 100');
    if (stopLossPct && step.offsetPct.eq(stopLossPct)) throw new ConfigError(field, step.offsetPct.toFixed(), 'dca_equal_sl_rejected: a DCA level equal to the stop-loss level');
    if (stopLossPct && step.offsetPct.gt(stopLossPct)) throw new ConfigError(field, step.offsetPct.toFixed(), 'dca_beyond_sl_rejected: a DCA level beyond the stop-loss level');
  });
  return { takeProfitPct, stopLossPct, dca };
}
