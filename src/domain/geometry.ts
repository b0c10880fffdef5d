// Percentage geometry and quantization. Levels come from the trusted entry price; prices round
// half-up to the tick, quantities round down to the step (a closing leg never over-closes), and
// the result is validated again against geometry and filters. A failure is a reason, never a skip.
import { Decimal, HUNDRED, ZERO } from './decimal.js';
import type { Filters } from './rows.js';
import type { ManagedSide } from './scope.js';
import type { Strategy } from './strategy.js';

export interface Levels {
  tp?: Decimal;
  sl?: Decimal;
  dca: Array<{ price: Decimal; qty: Decimal }>;
}

export function quantizePrice(price: Decimal, tick: Decimal): Decimal {
  if (tick.lte(ZERO)) return price;
  return price.div(tick).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).mul(tick);
}

export function quantizeQtyDown(qty: Decimal, step: Decimal): Decimal {
  if (step.lte(ZERO)) return qty;
  return qty.div(step).toDecimalPlaces(0, Decimal.ROUND_DOWN).mul(step);
}

function offset(entry: Decimal, pct: Decimal, direction: 1 | -1): Decimal {
  return entry.mul(HUNDRED.add(pct.mul(direction))).div(HUNDRED);
}

/** Raw (unquantized) levels for a side. Long: TP above, DCA and SL below; short mirrors. */
export function rawLevels(side: ManagedSide, entry: Decimal, size: Decimal, strategy: Strategy): Levels {
  const up: 1 | -1 = side === 'LONG' ? 1 : -1;
  const down: 1 | -1 = side === 'LONG' ? -1 : 1;
  return {
    tp: strategy.takeProfitPct ? offset(entry, strategy.takeProfitPct, up) : undefined,
    sl: strategy.stopLossPct ? offset(entry, strategy.stopLossPct, down) : undefined,
    dca: strategy.dca.map((step) => ({ price: offset(entry, step.offsetPct, down), qty: size.mul(step.sizePct).div(HUNDRED) })),
  };
}

export function quantizeLevels(levels: Levels, filters: Filters, size: Decimal): Levels & { closeQty: Decimal } {
  return {
    tp: levels.tp && quantizePrice(levels.tp, filters.tickSize),
    sl: levels.sl && quantizePrice(levels.sl, filters.tickSize),
    dca: levels.dca.map((l) => ({ price: quantizePrice(l.price, filters.tickSize), qty: quantizeQtyDown(l.qty, filters.stepSize) })),
    closeQty: quantizeQtyDown(size, filters.stepSize),
  };
}

/**
 * Checks the order of levels after quantization. Long: TP > entry > DCA1 > DCA2 ... > SL.
 * Returns per-slot reasons; an empty map means the geometry holds.
 */
export function geometryFailures(side: ManagedSide, entry: Decimal, levels: Levels): Map<string, string> {
  const failures = new Map<string, string>();
  const prefix = side === 'LONG' ? 'long' : 'short';
  // "beyond" means further from entry in the loss direction for SL/DCA, profit direction for TP.
  const above = (a: Decimal, b: Decimal) => (side === 'LONG' ? a.gt(b) : a.lt(b));
  if (levels.tp !== undefined && (levels.tp.lte(ZERO) || !above(levels.tp, entry))) failures.set('TP', `${prefix}_tp_not_beyond_entry_rejected`);
  if (levels.sl !== undefined && (levels.sl.lte(ZERO) || !above(entry, levels.sl))) failures.set('SL', `${prefix}_sl_not_beyond_entry_rejected`);
  let previous = entry;
  levels.dca.forEach((step, i) => {
    const slot = `DCA${i + 1}`;
    if (step.price.lte(ZERO) || !above(previous, step.price)) {
      failures.set(slot, `${prefix}_dca_not_beyond_previous_level_rejected`);
    } else if (levels.sl !== undefined && step.price.eq(levels.sl)) {
      failures.set(slot, `${prefix}_dca_equal_sl_rejected`);
    } else if (levels.sl !== undefined && !above(step.price, levels.sl)) {
      failures.set(slot, `${prefix}_dca_crosses_sl_rejected`);
    }
    previous = step.price;
  });
  return failures;
}

/** Filter check for a quantity-bearing order; `exposureIncreasing` also enforces min notional. */
export function filterFailure(filters: Filters, price: Decimal | undefined, qty: Decimal, exposureIncreasing: boolean): string | undefined {
  if (qty.lte(ZERO)) return 'qty_rounds_to_zero';
  if (qty.lt(filters.minQty)) return 'qty_below_min_qty';
  if (price !== undefined && price.lte(ZERO)) return 'price_rounds_to_zero';
  if (exposureIncreasing && price !== undefined && price.mul(qty).lt(filters.minNotional)) return 'notional_below_min_notional';
  return undefined;
}
