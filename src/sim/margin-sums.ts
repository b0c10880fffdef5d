// The account-wide sums behind available() (used margin, total unrealized PnL), kept per symbol.
// available() runs on every placement and trigger (the margin check) and in the account payloads;
// summing every position and open order each time made seeding 10,000 positions and 40,000
// orders quadratic. Here a symbol's terms are summed again only after its books changed.
//
// The engine summed the terms one by one at Decimal's precision (20 significant digits by
// default), so an incrementally kept total is only the same value when that summation rounded
// nothing. The totals here are exact; `exactAt` answers only when no partial sum of the old loop
// could have needed more digits than the precision, and the engine falls back to the loop
// otherwise. Book values (tick and step multiples) are far inside that bound.
import { Decimal } from 'decimal.js';

const ZERO = new Decimal(0);
/** Arithmetic that never rounds the running totals (digits grow only with the terms' spread). */
const Exact = Decimal.clone({ precision: 1e9 });

interface Part {
  sum: Decimal;
  abs: Decimal;
  decimals: number;
}

/** Exact sums of terms grouped by key, with what it takes to judge a one-by-one summation. */
export class ExactSums {
  private readonly parts = new Map<string, Part>();
  private sum: Decimal = new Exact(0);
  private abs: Decimal = new Exact(0);
  /** How many parts have each largest number of decimals. */
  private readonly decimals = new Map<number, number>();

  /** Replaces the terms of one key. */
  set(key: string, terms: readonly Decimal[]): void {
    this.remove(key);
    if (terms.length === 0) return;
    let sum: Decimal = new Exact(0);
    let abs: Decimal = new Exact(0);
    let decimals = 0;
    for (const t of terms) {
      sum = sum.add(t);
      abs = abs.add(t.abs());
      decimals = Math.max(decimals, t.decimalPlaces());
    }
    this.parts.set(key, { sum, abs, decimals });
    this.sum = this.sum.add(sum);
    this.abs = this.abs.add(abs);
    this.decimals.set(decimals, (this.decimals.get(decimals) ?? 0) + 1);
  }

  clear(): void {
    this.parts.clear();
    this.decimals.clear();
    this.sum = new Exact(0);
    this.abs = new Exact(0);
  }

  /**
   * The sum a one-by-one loop at `precision` significant digits gives, whatever the order, or
   * undefined when that loop may have rounded. Every term is a multiple of 10^-k (k its largest
   * number of decimals) and every partial sum lies within the sum of the absolute terms B, so
   * when B < 10^(precision - k) each partial sum fits the precision and no step rounds.
   */
  exactAt(precision: number): Decimal | undefined {
    if (this.abs.isZero()) return ZERO; // the loop's +0, never -0
    let k = 0;
    for (const [decimals, count] of this.decimals) if (count > 0 && decimals > k) k = decimals;
    if (this.abs.e + 1 + k > precision) return undefined;
    return this.sum.isZero() ? ZERO : new Decimal(this.sum);
  }

  private remove(key: string): void {
    const part = this.parts.get(key);
    if (!part) return;
    this.parts.delete(key);
    this.sum = this.sum.sub(part.sum);
    this.abs = this.abs.sub(part.abs);
    const left = (this.decimals.get(part.decimals) ?? 1) - 1;
    if (left > 0) this.decimals.set(part.decimals, left);
    else this.decimals.delete(part.decimals);
  }
}

/** ROUND_FLOOR makes an exact cancellation -0 in the loop; leave that mode to the loop. */
function roundsSigned(): boolean {
  return Decimal.rounding === Decimal.ROUND_FLOOR;
}

/** The terms of one symbol: its positions' and open orders' margin, its positions' unrealized PnL. */
export interface SymbolTerms {
  margin: Decimal[];
  upnl: Decimal[];
}

/**
 * Used margin and unrealized PnL per symbol, summed again for a symbol only after `touch`. A
 * change of what every term depends on (leverage, Decimal's precision or rounding) starts over.
 */
export class MarginSums {
  private readonly margin = new ExactSums();
  private readonly upnl = new ExactSums();
  private readonly dirty = new Set<string>();
  private everything = true;
  private basis = '';

  constructor(
    private readonly termsOf: (symbol: string) => SymbolTerms,
    private readonly symbolsWithTerms: () => Iterable<string>,
    private readonly basisNow: () => string,
  ) {}

  touch(symbol: string): void {
    this.dirty.add(symbol);
  }

  touchAll(): void {
    this.everything = true;
  }

  /** The used margin, when the one-by-one sum would give exactly this value; else undefined. */
  usedMargin(): Decimal | undefined {
    this.refresh();
    return roundsSigned() ? undefined : this.margin.exactAt(Decimal.precision);
  }

  /** The total unrealized PnL, under the same condition. */
  unrealized(): Decimal | undefined {
    this.refresh();
    return roundsSigned() ? undefined : this.upnl.exactAt(Decimal.precision);
  }

  private refresh(): void {
    const basis = this.basisNow();
    if (basis !== this.basis) {
      this.basis = basis;
      this.everything = true;
    }
    if (this.everything) {
      this.everything = false;
      this.margin.clear();
      this.upnl.clear();
      for (const symbol of this.symbolsWithTerms()) this.dirty.add(symbol);
    }
    for (const symbol of this.dirty) {
      const terms = this.termsOf(symbol);
      this.margin.set(symbol, terms.margin);
      this.upnl.set(symbol, terms.upnl);
    }
    this.dirty.clear();
  }
}
