// The runtime every in-process benchmark drives: the real AccountRuntime on a stepping clock, a
// venue that answers at once (BenchVenue), an in-memory durable store unless given one, restored and ready.
// `advance` moves the clock, firing every timer due on the way (burst waits, deadlines).
import { parseStrategy } from '../../src/config/strategy-config.js';
import { createFailingStore } from '../../src/conformance/failing-store.js';
import { SteppingClock } from '../../src/conformance/stepping-clock.js';
import { AccountRuntime } from '../../src/runtime/account-runtime.js';
import { Journal } from '../../src/runtime/journal.js';
import type { ExecutionMode, RuntimeConfig } from '../../src/runtime/runtime-config.js';
import { BenchVenue } from './bench-venue.js';
import type Keyv from 'keyv';
import { advanceClockTo, drainTurns, tick } from '../support/stepping.js';
import type { DurableKv } from '../../src/store/durable-kv.js';

export { tick };

export async function benchRuntime(symbols: string[], mode: ExecutionMode, over: Partial<RuntimeConfig> = {}, store: DurableKv | Keyv = createFailingStore().keyv) {
  const clock = new SteppingClock();
  const journal = new Journal(clock);
  const venue = new BenchVenue(symbols);
  const config: RuntimeConfig = {
    exchange: 'generic', product: 'linear', positionMode: 'hedge', mode, configuredSymbols: [],
    strategy: parseStrategy({ takeProfitPct: '1', stopLossPct: '2', dca: [{ offsetPct: '1', sizePct: '100' }] }),
    eventBurstMs: 150, maxBurstDelayMs: 1000, confirmationTimeoutMs: 5000, heartbeatTimeoutMs: 0,
    gates: { conformancePassed: true, liveConfirmed: false },
    ...over,
  };
  const runtime = new AccountRuntime({ config, venue, store, clock, journal });
  runtime.boot();
  await tick();
  runtime.root.send({ type: 'account.restore', pending: [] });
  await tick();
  const drain = () => drainTurns();
  const advance = (ms: number) => advanceClockTo(clock, clock.now() + ms, drain);
  return { runtime, clock, venue, journal, drain, advance };
}
