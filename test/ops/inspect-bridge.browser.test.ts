// The bridge page in a real browser (Debian's chromium through playwright-core): the page the relay
// serves, its WebSocket to the relay and its postMessage protocol with the Stately frame. The
// hosted inspector is not reachable here (no internet), so the frame is a stand-in on another
// 127.0.0.1 origin that speaks @statelyai/inspect's browser-receiver side: it posts
// `@statelyai.connected` to its parent (late, after events have already arrived) and records
// every message. Expected: events that came before the hello are delivered after it, in order,
// then live ones; every message reaches the frame from the bridge page's origin; a second hello
// (the frame reloaded) gets the known actors again; no page error, no CSP violation, nothing
// fetched from anywhere but the two local origins.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { InspectRelay } from '../../src/ops/inspect/relay.js';
import { findChromium } from '../browser/dashboard-stack.js';

const executablePath = findChromium();

/** The stand-in for https://stately.ai/inspect: says hello to its parent after 400 ms and records what it gets. */
const STAND_IN = `<!doctype html><html><body><script>
window.received = [];
window.addEventListener('message', (e) => window.received.push({ origin: e.origin, data: e.data }));
window.hello = () => window.parent.postMessage({ type: '@statelyai.connected' }, '*');
setTimeout(window.hello, 400);
</script></body></html>`;

if (!executablePath) {
  describe('inspector bridge page in a real browser', () => {
    test('needs Debian chromium (apt-get install chromium, or CHROMIUM_PATH)', () => {
      const reason = `no chromium at ${process.env.CHROMIUM_PATH || '/usr/bin/chromium or /usr/bin/chromium-browser'}: the bridge page browser test did not run`;
      if (process.env.CI) throw new Error(reason);
      console.warn(`NOT RUN: ${reason}`);
    });
  });
} else {
  describe('inspector bridge page in a real browser', () => {
    let standIn: Server;
    let relay: InspectRelay;
    let browser: Browser;

    afterAll(async () => {
      await browser?.close();
      await relay?.close();
      await new Promise((r) => standIn?.close(r));
    });

    test('events reach the Stately frame: buffered until its hello, then live, only to its origin', async () => {
      standIn = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(STAND_IN));
      await new Promise<void>((r) => standIn.listen(0, '127.0.0.1', r));
      const frameUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}/inspect`;
      let joined = 0;
      relay = new InspectRelay({ port: 0, statelyUrl: frameUrl }, {
        onConnect: (v) => {
          v.joined = true;
          joined++;
        },
        onDisconnect: () => undefined,
        onRefused: () => undefined,
        onError: () => undefined,
      });
      const { port } = await relay.listen();
      const bridge = `http://127.0.0.1:${port}/`;
      const event = (i: number, type = '@xstate.snapshot') =>
        JSON.stringify({ type, sessionId: 'x:1', rootId: 'x:0', createdAt: String(i), id: null, _version: '0.7.2', ...(type === '@xstate.actor' ? { name: 'account', snapshot: { status: 'active', value: 'ready' } } : { snapshot: { status: 'active', value: `s${i}` }, event: { type: 'e' } }) });

      browser = await chromium.launch({ executablePath });
      const page = await browser.newPage();
      const problems: string[] = [];
      const fetched: string[] = [];
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
      });
      page.on('request', (r) => fetched.push(r.url()));
      await page.goto(bridge);
      const until = async (what: string, check: () => Promise<boolean> | boolean) => {
        const end = Date.now() + 10_000;
        while (!(await check())) {
          if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
          await new Promise((r) => setTimeout(r, 25));
        }
      };
      await until('the page connected to the relay', () => joined === 1);

      // Before the frame's hello: the page keeps them.
      relay.broadcast(event(0, '@xstate.actor'));
      for (let i = 1; i <= 3; i++) relay.broadcast(event(i));
      const frame = () => page.frames().find((f) => f.url() === frameUrl)!;
      await until('the frame loaded', () => !!frame());
      type Got = Array<{ origin: string; data: { type: string; createdAt: string } }>;
      const got = () => frame().evaluate(() => (window as unknown as { received: unknown[] }).received) as Promise<Got>;
      await until('the buffered events delivered after the hello', async () => (await got()).length >= 4);
      // After it: live.
      for (let i = 4; i <= 6; i++) relay.broadcast(event(i));
      await until('live events delivered', async () => (await got()).length >= 7);
      const received = await got();
      expect(received.map((m) => m.data.createdAt)).toEqual(['0', '1', '2', '3', '4', '5', '6']);
      expect(received[0]!.data).toMatchObject({ type: '@xstate.actor', name: 'account' });
      expect(new Set(received.map((m) => m.origin))).toEqual(new Set([`http://127.0.0.1:${port}`]));

      // The frame says hello again (it reloaded): it gets the actor, with its latest snapshot, and the recent events.
      await frame().evaluate(() => {
        (window as unknown as { received: unknown[] }).received.length = 0;
        (window as unknown as { hello: () => void }).hello();
      });
      await until('the replay after a second hello', async () => (await got()).length >= 7);
      const again = await got();
      expect(again[0]!.data).toMatchObject({ type: '@xstate.actor', snapshot: { value: 's6' } });

      const status = await page.textContent('#state');
      expect(status).toMatch(/relay: open .* Stately: connected/);
      expect(problems).toEqual([]);
      const origins = new Set(fetched.map((u) => new URL(u).origin));
      expect([...origins].sort()).toEqual([`http://127.0.0.1:${port}`, new URL(frameUrl).origin].sort());
    });
  });
}
