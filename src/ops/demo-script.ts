// The price path of `npm run demo` on the simulator: a dip that fills the DCA step (protection is
// then re-derived), a rise that fills the take-profit (the position closes and its orders are
// cleaned up), then another user's market buy reopens a position, and a gentle random walk.
import { Decimal } from 'decimal.js';
import type { Simulator } from '../sim/server.js';
import type { SpotOrderRequest } from '../sim/spot/order-request.js';
import type { SpotSimulator } from '../sim/spot/server.js';

export const DEMO_POSITION = { symbol: 'BTCUSDT', positionSide: 'LONG' as const, positionAmt: '0.01', entryPrice: '65000' };

export function playDemo(sim: Simulator, onStep: (what: string) => void): () => void {
  const timers: NodeJS.Timeout[] = [];
  const at = (ms: number, what: string, act: () => void) =>
    timers.push(setTimeout(() => {
      onStep(what);
      act();
    }, ms));
  const price = (p: string) => () => sim.engine.setMark('BTCUSDT', p);
  at(4_000, 'price 64800', price('64800'));
  at(6_000, 'price 64500', price('64500'));
  at(8_000, 'price 64340: the DCA step fills', price('64340'));
  at(14_000, 'price 64900', price('64900'));
  at(18_000, 'price 65330: the take-profit fills', price('65330'));
  at(24_000, 'another user buys 0.01 at market: a new position', () =>
    sim.engine.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01', positionSide: 'LONG', owner: 'manual' }));
  at(28_000, 'a gentle random walk from here on', () => sim.driver.configure({ mode: 'walk', symbol: 'BTCUSDT', intervalMs: 1000, stepPct: '0.05' }));
  return () => timers.forEach(clearTimeout);
}

/** The spot demo's holding: bought by a market order on the simulator, so trade history gives its entry. */
export const DEMO_SPOT_HOLDING = { symbol: 'BTCUSDT', quantity: '0.01', price: '65000' };

/**
 * The price path of `npm run demo -- --venue binance-spot`: the holding is protected by one OCO
 * list at once; a dip fills the DCA buy (the list is replaced for the new size and entry), a rise
 * fills the take-profit leg (the holding is sold, the DCA buy is cancelled), then another user's
 * market buy brings a new holding.
 */
export function playSpotDemo(sim: SpotSimulator, onStep: (what: string) => void): () => void {
  const timers: NodeJS.Timeout[] = [];
  const at = (ms: number, what: string, act: () => void) =>
    timers.push(setTimeout(() => {
      onStep(what);
      try {
        act();
      } catch (error) {
        onStep(`${what}: ${String((error as Error)?.message ?? error)}`);
      }
    }, ms));
  const price = (p: string) => () => sim.engine.setPrice('BTCUSDT', p);
  at(6_000, 'price 64800', price('64800'));
  at(8_000, 'price 64340: the DCA buy fills', price('64340'));
  at(14_000, 'price 64900', price('64900'));
  at(20_000, 'price 65400: the take-profit leg fills', price('65400'));
  at(26_000, 'another user buys 0.01 at market: a new holding', () => sim.engine.placeOrder(spotMarketBuy('0.01', 'manual')));
  return () => timers.forEach(clearTimeout);
}

/** A market buy on the spot simulator, as its engine takes it. */
export function spotMarketBuy(quantity: string, owner: 'api' | 'manual'): SpotOrderRequest {
  return { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: new Decimal(quantity), owner };
}
