// Moves mark prices: a seeded random walk, or a scripted path of prices at given offsets.
import { Decimal } from 'decimal.js';
import type { SimEngine } from './engine.js';
import { seededRandom } from './rng.js';

export type DriverConfig =
  | { mode: 'walk'; symbol: string; intervalMs: number; stepPct: string; seed?: number }
  | { mode: 'path'; points: Array<{ afterMs: number; symbol: string; price: string }> }
  | { mode: 'stop' };

export class PriceDriver {
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly engine: SimEngine, private readonly seed: number) {}

  configure(config: DriverConfig): void {
    this.stop();
    if (config.mode === 'walk') {
      const next = seededRandom(config.seed ?? this.seed);
      const spec = this.engine.spec(config.symbol);
      const step = new Decimal(config.stepPct).div(100);
      const timer = setInterval(() => {
        const mark = this.engine.mark(config.symbol);
        const move = mark.mul(step).mul(next() * 2 - 1);
        const price = mark.add(move).div(spec.tickSize).round().mul(spec.tickSize);
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
