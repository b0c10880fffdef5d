// `startup_ready_10k_ms` (issue 13, item 6): the startup figure at ten times `startup_ready_ms`.
// 5,000 symbols in hedge mode, each with a LONG and a SHORT position and 8 open limit orders
// (10,000 positions, 40,000 orders), seeded into the simulator, which runs in a process of its own
// (as a venue does: its serialization of 40,000 orders is not exstate's cost, nor on exstate's
// core); then from boot to service readiness, the hydration going through the real ccxt client
// over loopback. CPU is this process's alone (exstate and ccxt).
// Standalone: `npx tsx test/bench/startup-10k.ts` prints one JSON line.
import { pathToFileURL } from 'node:url';
import { timeToReady, type IdleWindow } from './e2e.js';
import { startSimChild } from './ingest-ccxt.js';

export const STARTUP_10K_SYMBOLS = 5_000;

/** The settled account is watched for 30 s, 10 s after readiness (its first passes done). */
export const IDLE_WINDOW: IdleWindow = { settleMs: 10_000, measureMs: 30_000 };

/** Wall time and this process's CPU from boot to readiness, the simulator in a child process. */
export async function startupReady10k(idle?: IdleWindow): Promise<{ value_ms: number; cpu_ms: number; idle_cpu_pct?: number }> {
  const sim = await startSimChild(STARTUP_10K_SYMBOLS, ['--book']);
  try {
    const { ms, cpuMs, idleCpuPct } = await timeToReady(sim.info, STARTUP_10K_SYMBOLS, idle);
    return { value_ms: ms, cpu_ms: cpuMs, ...(idleCpuPct === undefined ? {} : { idle_cpu_pct: idleCpuPct }) };
  } finally {
    await sim.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { value_ms, cpu_ms, idle_cpu_pct } = await startupReady10k(IDLE_WINDOW);
  process.stdout.write(`${JSON.stringify({
    name: 'startup_ready_10k_ms', value: Math.round(value_ms), unit: 'ms', target: '<= 3000', cpu_ms: Math.round(cpu_ms),
    note: '10,000 positions (5,000 symbols, both sides, hedge mode), 40,000 open orders; simulator in its own process',
  })}\n`);
  process.stdout.write(`${JSON.stringify({ name: 'idle_cpu_pct_10k_scopes', value: Math.round(idle_cpu_pct! * 100) / 100, unit: '% of a core' })}\n`);
}
