// What the browser test and `npm run screenshots` share: finding Debian's chromium, and the real
// service (`startService`, what `exstate start` runs) in DEMO mode on the built-in simulator with
// one BTCUSDT long, its HTTP server on a free 127.0.0.1 port, until SL, TP and the DCA step rest.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { envFor, runEmbedded, type Embedded } from '../gates/spawn.js';

export const SCOPE = 'binance:linear:BTCUSDT:LONG';
// Letters outside hex, so only knowing the values (not a shape rule) can find them in a page.
export const KEY = `XSKEYdashPqRsTuVw${'Kz'.repeat(23)}`;
export const SECRET = `XSSECRETdashMnOp${'Wy'.repeat(23)}`;

/** CHROMIUM_PATH when set (and only it), else Debian's chromium (the package `.ci/run` installs). */
export function findChromium(): string | undefined {
  const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p) => existsSync(p));
}

export interface DashboardStack {
  sim: Simulator;
  service: Embedded;
  /** The dashboard URL the banner printed. */
  dashboard: string;
  base: string;
  /** Moves the simulator's mark and last price through its control API (`POST /__sim/price`). */
  movePrice(price: string): Promise<void>;
  stop(): Promise<void>;
}

export async function until(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

export async function startDashboardStack(): Promise<DashboardStack> {
  const sim = await startSimulator({ seed: 7, positionMode: 'hedge', apiKey: KEY, secret: SECRET });
  sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
  const store = join(mkdtempSync(join(tmpdir(), 'exstate-dashboard-')), 'exstate.sqlite');
  const service = runEmbedded(envFor(sim, { EXECUTION_MODE: 'DEMO', STORE_PATH: store, SYMBOLS: 'BTCUSDT' }), { httpListenPort: 0 });
  try {
    const banner = await service.waitFor('service_banner', (r) => r.event === 'service_banner', 60_000);
    const confirmed = (slot: string) => service.records.some((r) => r.event === 'confirmation_matched' && r.slot === slot);
    await until('SL, TP and DCA1 confirmed', () => confirmed('SL') && confirmed('TP') && confirmed('DCA1'), 60_000);
    return {
      sim, service, dashboard: String(banner.dashboard), base: String(banner.http),
      async movePrice(price) {
        const r = await fetch(`${sim.control}/price`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ symbol: 'BTCUSDT', price }) });
        if (r.status !== 200) throw new Error(`POST /__sim/price answered ${r.status}`);
      },
      async stop() {
        await service.stop();
        await sim.close();
      },
    };
  } catch (error) {
    await service.stop();
    await sim.close();
    throw error;
  }
}
