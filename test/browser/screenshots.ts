// `npm run screenshots`: regenerates docs/img/dashboard.png (the whole page) and
// docs/img/statechart.png (the live statechart while a scope is submitting) from the real service
// on the built-in simulator in DEMO mode, in Debian's chromium: one BTCUSDT long protected, then
// a price move fills its DCA step and the scope re-protects the doubled position.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { findChromium, SCOPE, startDashboardStack } from './dashboard-stack.js';

const OUT = resolve('docs/img');

async function main(): Promise<void> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no chromium (apt-get install chromium, or set CHROMIUM_PATH)');
  mkdirSync(OUT, { recursive: true });
  const stack = await startDashboardStack();
  const browser = await chromium.launch({ executablePath });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
    await page.goto(stack.dashboard);
    await page.locator(`[data-testid=position-row][data-scope="${SCOPE}"]`).waitFor({ timeout: 20_000 });
    await page.locator('[data-testid=statechart][data-machine=scope]').waitFor({ timeout: 20_000 });
    // Slow the venue's answers down so `submitting` stays on screen for the close-up.
    for (const [method, path] of [['POST', '/fapi/v1/order'], ['PUT', '/fapi/v1/order'], ['DELETE', '/fapi/v1/order'], ['POST', '/fapi/v1/algoOrder'], ['DELETE', '/fapi/v1/algoOrder']] as const) {
      stack.sim.faults.addRest({ kind: 'delay', ms: 2500, method, path, count: 1 });
    }
    await stack.movePrice('64340');
    await page.waitForSelector('[data-testid=statechart] [data-state=submitting][data-active=true]', { timeout: 20_000 });
    await page.waitForTimeout(400);
    await page.locator('[data-testid=statechart-panel]').screenshot({ path: `${OUT}/statechart.png` });
    await page.waitForFunction(() => document.querySelector('[data-testid=statechart-current]')?.textContent === 'idle'
      && document.querySelector('[data-testid=position-size]')?.textContent === '0.02', undefined, { timeout: 30_000 });
    // A few more seconds of the chart.
    await page.waitForTimeout(5_000);
    await page.screenshot({ path: `${OUT}/dashboard.png`, fullPage: true });
    console.log(`wrote ${OUT}/dashboard.png and ${OUT}/statechart.png`);
  } finally {
    await browser.close();
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`screenshots: ${String((error as Error)?.message ?? error)}`);
    process.exit(1);
  },
);
