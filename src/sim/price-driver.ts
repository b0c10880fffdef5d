// Moves mark prices: a seeded random walk, or a scripted path of prices at given offsets.
import { Decimal } from 'decimal.js';
import type { SimEngine } from './engine.js';
import { seededRandom } from './rng.js';

export type DriverConfig =
  | { mode: 'walk'; symbol: string; intervalMs: number; stepPct: string; seed?: number }
  | { mode: 'path'; points: Array<{ afterMs: number; symbol: string; price: string }> }
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
        const price = walkStep(this.engine.mark(config.symbol), stepPct, spec.tickSize, next());
        if (price.gt(0)) this.engine.setMark(config.symbol, price.toFixed());
      }, Math.max(10, config.intervalMs));
      this.timers.push(timer);
    } else if (config.mode === 'path') {
      for (const p of config.points) this.timers.push(setTimeout(() => this.engine.setMark(p.symbol, p.price), Math.max(0, p.afterMs)));
    }
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }
}
