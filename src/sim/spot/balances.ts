// The account's asset balances (free and locked) and every change to them. Orders lock, fills
// consume and credit, deposits add; the set of assets touched since the last flush is what the
// next outboundAccountPosition reports ("B": only the assets that changed).
import { Decimal } from 'decimal.js';
import { SimError } from '../sim-types.js';

export interface AssetBalance {
  asset: string;
  free: Decimal;
  locked: Decimal;
}

export const INSUFFICIENT = 'Account has insufficient balance for requested action.';

export function insufficient(): SimError {
  return new SimError(-2010, INSUFFICIENT);
}

export class SpotBalances {
  private readonly rows = new Map<string, AssetBalance>();
  private readonly touched = new Set<string>();

  constructor(initial: Record<string, string>, assets: Iterable<string> = []) {
    for (const a of assets) this.row(a);
    for (const [asset, free] of Object.entries(initial)) this.row(asset).free = new Decimal(free);
  }

  get(asset: string): AssetBalance {
    return this.row(asset);
  }

  all(): AssetBalance[] {
    return [...this.rows.values()];
  }

  /** Throws -2010 unless `amount` of `asset` is free. */
  ensureFree(asset: string, amount: Decimal): void {
    if (this.row(asset).free.lt(amount)) throw insufficient();
  }

  lock(asset: string, amount: Decimal): void {
    const r = this.row(asset);
    if (r.free.lt(amount)) throw insufficient();
    r.free = r.free.minus(amount);
    r.locked = r.locked.plus(amount);
    this.touched.add(asset);
  }

  /** Locked back to free (a cancel, what a finished order did not use). */
  release(asset: string, amount: Decimal): void {
    if (amount.isZero()) return;
    const r = this.row(asset);
    r.locked = r.locked.minus(amount);
    r.free = r.free.plus(amount);
    this.touched.add(asset);
  }

  /** Spent out of the locked part (a fill of a resting order). */
  spendLocked(asset: string, amount: Decimal): void {
    if (amount.isZero()) return;
    const r = this.row(asset);
    r.locked = r.locked.minus(amount);
    this.touched.add(asset);
  }

  /** Spent out of the free part (a market order, or a fill above what its lock holds). */
  spendFree(asset: string, amount: Decimal): void {
    if (amount.isZero()) return;
    const r = this.row(asset);
    if (r.free.lt(amount)) throw insufficient();
    r.free = r.free.minus(amount);
    this.touched.add(asset);
  }

  credit(asset: string, amount: Decimal): void {
    const r = this.row(asset);
    r.free = r.free.plus(amount);
    this.touched.add(asset);
  }

  /** The assets changed since the last call, in first-touched order; clears the set. */
  flushTouched(): AssetBalance[] {
    const out = [...this.touched].map((a) => this.row(a));
    this.touched.clear();
    return out;
  }

  private row(asset: string): AssetBalance {
    let r = this.rows.get(asset);
    if (!r) this.rows.set(asset, (r = { asset, free: new Decimal(0), locked: new Decimal(0) }));
    return r;
  }
}
