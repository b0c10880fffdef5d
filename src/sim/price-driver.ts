// Moves prices: a seeded random walk, or a scripted path of prices at given offsets. A walk moves
// the mark and the last price together unless `target` names one; a path point may set `price`
// (both), or `mark` and/or `last` apart.
import { Decimal } from 'decimal.js';
import type { SimEngine } from './engine.js';
import { seededRandom } from './rng.js';

export type DriverConfig =
  | { mode: 'walk'; symbol: string; intervalMs: number; stepPct: string; seed?: number; target?: 'both' | 'mark' | 'last' }
  | { mode: 'path'; points: Array<{ afterMs: number; symbol: string; price?: string; mark?: string; last?: string }> }
  | { mode: 'stop' };

/** The next price of a seeded walk: a move of up to stepPct percent, rounded to the tick. */
export function walkStep(mark: Decimal, stepPct: Decimal, tick: string, random: number): Decimal {
  const move = mark.mul(stepPct).div(100).mul(random * 2 - 1);
  return mark.add(move).div(tick).round().mul(tick);
}

export class PriceDriver {
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly engine: SimEngine, private readonly seed: number) {}

  configure(config: DriverConfig): void {
    this.stop();
    if (config.mode === 'walk') {
      const next = seededRandom(config.seed ?? this.seed);
      const spec = this.engine.spec(config.symbol);
      const stepPct = new Decimal(config.stepPct);
      const timer = setInterval(() => {
        const target = config.target ?? 'both';
        const from = target === 'last' ? this.engine.lastPrice(config.symbol) : this.engine.mark(config.symbol);
        const price = walkStep(from, stepPct, spec.tickSize, next());
        if (!price.gt(0)) return;
        const p = price.toFixed();
        this.engine.setPrices(config.symbol, target === 'both' ? { mark: p, last: p } : target === 'mark' ? { mark: p } : { last: p });
      }, Math.max(10, config.intervalMs));
      this.timers.push(timer);
    } else if (config.mode === 'path') {
      for (const p of config.points) {
        const update = { mark: p.mark ?? p.price, last: p.last ?? p.price };
        this.timers.push(setTimeout(() => this.engine.setPrices(p.symbol, update), Math.max(0, p.afterMs)));
      }
    }
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }
}
