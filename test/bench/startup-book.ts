// The book the startup benches seed per symbol: a LONG and a SHORT position (entry 100) and 8
// resting limit orders of another client around a mark of 100 (none marketable).
import type { Simulator } from '../../src/sim/server.js';

export function seedStartupBook(engine: Simulator['engine'], symbols: readonly string[]): void {
  for (const symbol of symbols) {
    engine.seedPosition(symbol, 'LONG', '1', '100');
    engine.seedPosition(symbol, 'SHORT', '-1', '100');
    for (let k = 0; k < 8; k++) {
      engine.placeOrder({ symbol, side: k % 2 ? 'SELL' : 'BUY', type: 'LIMIT', price: k % 2 ? `${110 + k}` : `${90 - k}`, quantity: '0.1', positionSide: k % 2 ? 'SHORT' : 'LONG', owner: 'manual' });
    }
  }
}
