import { parseStrategy } from './src/config/strategy-config.js';
import { createFailingStore } from './src/conformance/failing-store.js';
import { AccountRuntime } from './src/runtime/account-runtime.js';
import { SteppingClock } from './src/runtime/clock.js';
import { Journal } from './src/runtime/journal.js';
import { BenchVenue } from './test/bench/bench-venue.js';
import { rowMix, symbolsFor } from './test/bench/rows.js';
const symbols = symbolsFor(500);
const rows = rowMix(symbols, 60000);
const clock = new SteppingClock();
const runtime = new AccountRuntime({ config: { exchange: 'generic', product: 'linear', positionMode: 'hedge', mode: 'dry_run', configuredSymbols: [], strategy: parseStrategy({ takeProfitPct: '1', stopLossPct: '2', dca: [{ offsetPct: '1', sizePct: '100' }] }), eventBurstMs: 150, maxBurstDelayMs: 1000, confirmationTimeoutMs: 5000, heartbeatTimeoutMs: 0, gates: { conformancePassed: true, liveConfirmed: false } }, venue: new BenchVenue(symbols), store: createFailingStore().keyv, clock, journal: new Journal(clock) });
runtime.boot();
await new Promise((r) => setImmediate(r));
await runtime.resumeRunning([]);
const tick = () => new Promise<void>((r) => setImmediate(r));
let tIngest = 0, tPass = 0;
const t0 = performance.now();
for (let i = 0; i < rows.length; i += 2000) {
  const a = performance.now();
  for (let j = i; j < Math.min(rows.length, i + 2000); j++) runtime.router.ingest(rows[j]!);
  const b = performance.now();
  clock.set(clock.now() + 150);
  for (let k = 0; k < 5; k++) await tick();
  clock.set(clock.now() + 1000);
  for (let k = 0; k < 5; k++) await tick();
  tIngest += b - a; tPass += performance.now() - b;
}
console.log('total', Math.round(performance.now() - t0), 'ingest', Math.round(tIngest), 'passes+timers', Math.round(tPass), 'scopes', runtime.core.known.size);
await runtime.stop();
