// The engine tests' shared setup: one simulator per file; before each test a reset, a fresh plain
// ccxt client with its markets, and a raw user-data socket that keeps every frame.
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { binanceClient } from './ccxt-client.js';
import { control } from './control-client.js';
import { rawStream, type RawStream } from './raw-frames.js';

export interface RawStreamSuite {
  sim: Simulator;
  ex: any;
  stream: RawStream;
}

/** Registers the hooks; `bind` hands each test's simulator, client and socket to the file. */
export function rawStreamSuite(seed: number, bind: (s: RawStreamSuite) => void): void {
  const s = {} as RawStreamSuite;
  beforeAll(async () => {
    s.sim = await startSimulator({ seed });
  });
  afterAll(async () => {
    await s.sim.close();
  });
  beforeEach(async () => {
    await control(s.sim, 'POST', '/reset', {});
    s.ex = await binanceClient(s.sim);
    await s.ex.loadMarkets();
    s.stream = await rawStream(s.sim, s.ex);
    bind(s);
  });
  afterEach(async () => {
    s.stream.close();
    await s.ex.close();
  });
}
