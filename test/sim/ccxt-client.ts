// The plain ccxt `binanceusdm` client pointed at the simulator (research/ccxt.md section 1.2):
// built by the same factory the adapter uses, but the tests call ccxt's own methods directly,
// not the project's venue adapter (the simulator is tested as the venue).
import type { Simulator } from '../../src/sim/server.js';
import { createBinanceClient } from '../../src/venues/ccxt/client.js';

export async function binanceClient(sim: Simulator, overrides: { apiKey?: string; secret?: string; timeout?: number } = {}) {
  return createBinanceClient({
    restUrl: sim.rest, wsUrl: sim.ws, apiKey: overrides.apiKey ?? sim.apiKey, secret: overrides.secret ?? sim.secret,
    listenKeyRefreshMs: 1_200_000, timeoutMs: overrides.timeout ?? 3000,
  }) as Promise<any>;
}
