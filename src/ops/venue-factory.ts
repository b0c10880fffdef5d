// Opens the configured venue through its plug-in (src/venues/registry.ts): a configured venue at
// its explicit URLs, or the built-in simulator (seeded with an open position) reached through the
// same plug-in over real ccxt.
import type { ServiceConfig } from '../config/service-config.js';
import type { Journal } from '../runtime/journal.js';
import type { JournalLog } from '../runtime/journal-catalogue.js';
import { startSimulator, type Simulator } from '../sim/server.js';
import { startSpotSimulator, type SpotSimulator } from '../sim/spot/server.js';
import type { VenueDeps } from '../venues/plugin.js';
import type { Venue } from '../venues/port.js';
import { venueNamed } from '../venues/registry.js';
import { DEMO_POSITION, DEMO_SPOT_HOLDING, playDemo, playSpotDemo, spotMarketBuy } from './demo-script.js';

export interface VenueHandle {
  venue: Venue;
  /** The embedded simulator (futures or spot) when the VENUE is a simulated one. */
  sim?: Simulator | SpotSimulator;
  close(): Promise<void>;
}

export async function openVenue(config: ServiceConfig, journal: Journal): Promise<VenueHandle> {
  const log: JournalLog = (event, fields) => journal.record(event, fields);
  const deps: VenueDeps = {
    positionMode: config.runtime.positionMode, timeoutMs: config.venueTimeoutMs, log,
    ...(config.runtime.configuredSymbols && config.runtime.configuredSymbols.length > 0 ? { symbols: config.runtime.configuredSymbols } : {}),
  };
  const { plugin, simulated } = venueNamed(config.venue);
  if (!simulated) {
    const venue = await plugin.open(config.venueSettings, deps);
    return { venue, close: () => venue.close() };
  }
  if (plugin.product === 'spot') return openSpotSimulator(config, journal, deps);
  // The simulator speaks the plug-in's venue (VENUE=sim: Binance USD-M, VENUE=sim-bybit: Bybit V5).
  const sim = await startSimulator({ seed: config.simSeed, positionMode: config.runtime.positionMode, venue: plugin.id as 'binanceusdm' | 'bybit' });
  sim.engine.seedPosition(DEMO_POSITION.symbol, config.runtime.positionMode === 'hedge' ? DEMO_POSITION.positionSide : 'BOTH', DEMO_POSITION.positionAmt, DEMO_POSITION.entryPrice);
  journal.record('simulator_started', { venue: plugin.id, rest: sim.rest, control: sim.control, seededPosition: DEMO_POSITION });
  let stopDemo = () => {};
  if (config.simDriver === 'demo') stopDemo = playDemo(sim, (what) => journal.record('demo_step', { what }));
  if (config.simDriver === 'walk') sim.driver.configure({ mode: 'walk', symbol: 'BTCUSDT', intervalMs: 1000, stepPct: '0.05' });
  return openOnSimulator(config, deps, sim, stopDemo);
}

/**
 * VENUE=sim-binance-spot: the spot simulator (its own engine: balances, no positions), seeded with
 * a holding bought by a market order, so the account's trade history gives its entry price.
 */
async function openSpotSimulator(config: ServiceConfig, journal: Journal, deps: VenueDeps): Promise<VenueHandle> {
  const { plugin } = venueNamed(config.venue);
  const sim = await startSpotSimulator({ seed: config.simSeed, prices: { [DEMO_SPOT_HOLDING.symbol]: DEMO_SPOT_HOLDING.price } });
  sim.engine.placeOrder(spotMarketBuy(DEMO_SPOT_HOLDING.quantity, 'manual'));
  journal.record('simulator_started', { venue: plugin.id, rest: sim.rest, control: sim.control, seededPosition: DEMO_SPOT_HOLDING });
  let stopDemo = () => {};
  if (config.simDriver === 'demo') stopDemo = playSpotDemo(sim, (what) => journal.record('demo_step', { what }));
  return openOnSimulator(config, deps, sim, stopDemo);
}

/** The configured plug-in pointed at a started simulator; closing stops the demo, the venue, then the simulator. */
async function openOnSimulator(config: ServiceConfig, deps: VenueDeps, sim: Simulator | SpotSimulator, stopDemo: () => void): Promise<VenueHandle> {
  const { plugin } = venueNamed(config.venue);
  const settings = plugin.pointedAt(config.venueSettings, { rest: sim.rest, ws: sim.ws }, { apiKey: sim.apiKey, secret: sim.secret });
  const venue = await plugin.open(settings, deps);
  return {
    venue,
    sim,
    close: async () => {
      stopDemo();
      await venue.close();
      await sim.close();
    },
  };
}
