// `startup_ready_10k_ms` (issue 13, item 6): the startup figure at ten times `startup_ready_ms`.
// 5,000 symbols in hedge mode, each with a LONG and a SHORT position and 8 open limit orders
// (10,000 positions, 40,000 orders), seeded straight into the simulator; then from boot to
// service readiness, the hydration going through the real ccxt client over loopback.
// Standalone: `npx tsx test/bench/startup-10k.ts` prints one JSON line.
import { pathToFileURL } from 'node:url';
import { startupReady } from './e2e.js';

export const STARTUP_10K_SYMBOLS = 5_000;

/** Wall time and process CPU (runtime and simulator share the process) from boot to readiness. */
export async function startupReady10k(): Promise<{ value_ms: number; cpu_ms: number }> {
  const { ms, cpuMs } = await startupReady(STARTUP_10K_SYMBOLS);
  return { value_ms: ms, cpu_ms: cpuMs };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { value_ms, cpu_ms } = await startupReady10k();
  process.stdout.write(`${JSON.stringify({
    name: 'startup_ready_10k_ms', value: Math.round(value_ms), unit: 'ms', target: '<= 3000', cpu_ms: Math.round(cpu_ms),
    note: '10,000 positions (5,000 symbols, both sides, hedge mode), 40,000 open orders',
  })}\n`);
}
