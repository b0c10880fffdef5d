// Builds the configured venue: the built-in simulator (seeded with an open position) reached
// through real ccxt, or a Binance USD-M venue at the explicitly configured URLs.
import type { ServiceConfig } from '../config/service-config.js';
import type { Journal } from '../runtime/journal.js';
import type { JournalLog } from '../runtime/journal-catalogue.js';
import { startSimulator, type Simulator } from '../sim/server.js';
import { BinanceUsdmVenue } from '../venues/ccxt/binanceusdm-venue.js';
import type { Venue } from '../venues/port.js';
import { DEMO_POSITION, playDemo } from './demo-script.js';

export interface VenueHandle {
  venue: Venue;
  sim?: Simulator;
  close(): Promise<void>;
}

export async function openVenue(config: ServiceConfig, journal: Journal): Promise<VenueHandle> {
  const log: JournalLog = (event, fields) => journal.record(event, fields);
  const common = {
    positionMode: config.runtime.positionMode, listenKeyRefreshMs: config.listenKeyRefreshMs, timeoutMs: config.venueTimeoutMs,
    weightLimit: 2400, protectiveHeadroom: 0.2, log,
  };
  if (config.venue === 'binanceusdm') {
    const venue = await BinanceUsdmVenue.create({ ...common, restUrl: config.venueUrls!.rest, wsUrl: config.venueUrls!.ws, apiKey: config.credentials.apiKey!, secret: config.credentials.secret! });
    return { venue, close: () => venue.close() };
  }
  const sim = await startSimulator({ seed: config.simSeed, positionMode: config.runtime.positionMode });
  sim.engine.seedPosition(DEMO_POSITION.symbol, config.runtime.positionMode === 'hedge' ? DEMO_POSITION.positionSide : 'BOTH', DEMO_POSITION.positionAmt, DEMO_POSITION.entryPrice);
  journal.record('simulator_started', { rest: sim.rest, control: sim.control, seededPosition: DEMO_POSITION });
  let stopDemo = () => {};
  if (config.simDriver === 'demo') stopDemo = playDemo(sim, (what) => journal.record('demo_step', { what }));
  if (config.simDriver === 'walk') sim.driver.configure({ mode: 'walk', symbol: 'BTCUSDT', intervalMs: 1000, stepPct: '0.05' });
  const venue = await BinanceUsdmVenue.create({ ...common, restUrl: sim.rest, wsUrl: sim.ws, apiKey: sim.apiKey, secret: sim.secret });
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
