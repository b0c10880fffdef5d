// The Stately inspector against a real account: the simulator on 127.0.0.1, the real ccxt
// adapter and the real AccountRuntime (test/e2e/stack.ts), the inspector relay on a free port and
// viewers that are real WebSocket clients. What an operator expects of `--inspect`: nothing is
// attached until a viewer connects (the actor systems have no inspection observer, and nothing is
// inspected while the simulator moves); a viewer first gets the current actors (the account, the
// mode, shards and the scopes the pattern selects) and then their events and snapshots as the
// market moves; a scope outside the pattern is never named; no key, secret or signature is ever
// sent; a viewer that connects late starts from the current state; when the last viewer leaves,
// inspection is detached again. The relay listens on 127.0.0.1 only.
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import WebSocket from 'ws';
import type { AnyActorRef } from 'xstate';
import { startInspector, type Inspector } from '../../src/ops/inspect/inspector.js';
import { startStack, waitFor, type Stack } from '../e2e/stack.js';
import { secretsIn } from './http-client.js';

const BTC = 'binance:linear:BTCUSDT:LONG';
const ETH = 'binance:linear:ETHUSDT:LONG';

interface WireEvent {
  type: '@xstate.actor' | '@xstate.event' | '@xstate.snapshot';
  sessionId: string;
  parentId?: string;
  name?: string;
  definition?: string;
  event?: { type: string; [k: string]: unknown };
  snapshot?: { status: string; value?: unknown; context?: Record<string, unknown> };
  _version: string;
}

interface Viewer {
  socket: WebSocket;
  texts: string[];
  events(): WireEvent[];
  closed: Promise<void>;
}

let stack: Stack;
let inspector: Inspector;
const viewers: Viewer[] = [];
/** Live inspection subscriptions per actor system, counted where XState hands them out. */
const live = { root: 0, mode: 0 };

function countSubscriptions(actor: AnyActorRef, key: keyof typeof live): void {
  const system = actor.system;
  const inspect = system.inspect.bind(system);
  system.inspect = (observer) => {
    live[key]++;
    const sub = inspect(observer);
    return { unsubscribe: () => { live[key]--; sub.unsubscribe(); } };
  };
}

async function openViewer(url: string): Promise<Viewer> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}ws`);
  const texts: string[] = [];
  socket.on('message', (data) => texts.push(String(data)));
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const v = { socket, texts, events: () => texts.map((t) => JSON.parse(t) as WireEvent), closed };
  viewers.push(v);
  return v;
}

/** What a viewer knows of an actor's state: its registration's snapshot, then every later snapshot. */
function viewOf(v: Viewer, sessionId: string): unknown {
  let value: unknown;
  for (const e of v.events()) if (e.sessionId === sessionId && e.snapshot) value = e.snapshot.value;
  return value;
}
const agrees = (v: Viewer, sessionId: string) => JSON.stringify(viewOf(v, sessionId)) === JSON.stringify(stack.runtime.scopeStateValue(BTC));
const actorNamed = (v: Viewer, name: string) => v.events().find((e) => e.type === '@xstate.actor' && e.name === name);
const marketBuy = (symbol: string, quantity: string) =>
  stack.sim.engine.placeOrder({ symbol, positionSide: 'LONG', side: 'BUY', type: 'MARKET', quantity, owner: 'manual' });
const confirmed = (slot: string, symbol: string, after = 0) =>
  stack.records.some((r) => r.seq > after && r.event === 'confirmation_matched' && r.slot === slot && (r.scope as { symbol?: string } | undefined)?.symbol === symbol);

beforeAll(async () => {
  stack = await startStack({
    seed: (sim) => {
      sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
      sim.engine.seedPosition('ETHUSDT', 'LONG', '0.1', '3000');
    },
  });
  countSubscriptions(stack.runtime.root, 'root');
  countSubscriptions(stack.runtime.mode, 'mode');
  inspector = (await startInspector(stack.runtime, stack.runtime.core.journal, { port: 0, scopes: 'BTC*' }))!;
  await waitFor('ready, both positions protected', () => stack.runtime.state.serviceReady && confirmed('SL', 'BTCUSDT') && confirmed('SL', 'ETHUSDT'), 30_000);
});

afterAll(async () => {
  for (const v of viewers) v.socket.terminate();
  await inspector?.close();
  await stack?.stop();
});

test('the bridge URL is journaled once, on 127.0.0.1 only', async () => {
  const listening = stack.events('inspector_listening');
  expect(listening).toHaveLength(1);
  expect(listening[0]).toMatchObject({ url: inspector.url, scopes: 'BTC*' });
  const url = new URL(inspector.url);
  expect(url.hostname).toBe('127.0.0.1');
  const port = Number(url.port);
  const reach = (host: string) =>
    new Promise<string>((resolve) => {
      const s = connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
  expect(await reach('127.0.0.1')).toBe('connected');
  expect(await reach('127.0.0.2')).not.toBe('connected');
  for (const nets of Object.values(networkInterfaces())) {
    for (const n of nets ?? []) if (!n.internal && n.family === 'IPv4') expect(await reach(n.address)).not.toBe('connected');
  }
});

test('with no viewer nothing is attached: no inspection observer, nothing inspected while the market moves', async () => {
  expect(live).toEqual({ root: 0, mode: 0 });
  expect(inspector.attachment.attached).toBe(false);
  const mark = stack.records.at(-1)!.seq;
  marketBuy('BTCUSDT', '0.01');
  await waitFor('the grown BTC position re-protected', () => confirmed('TP', 'BTCUSDT', mark), 20_000);
  expect(live).toEqual({ root: 0, mode: 0 });
  expect(inspector.attachment.stats()).toMatchObject({ attached: false, inspected: 0, delivered: 0 });
});

test('a viewer gets the current actors of the account, the mode and the selected scope, then live events; the other scope never appears', async () => {
  const viewer = await openViewer(inspector.url);
  await waitFor('the replay', () => !!actorNamed(viewer, BTC) && !!actorNamed(viewer, 'mode'));
  expect(live).toEqual({ root: 1, mode: 1 });
  expect(inspector.attachment.attached).toBe(true);

  // The replay: the account first (parents before children), its current state, the BTC scope with its context.
  const replayed = viewer.events();
  expect(replayed[0]).toMatchObject({ type: '@xstate.actor', name: 'account', snapshot: { status: 'active', value: 'ready' } });
  // The supervisors replayed are the selected scope's group and shard only: one holding nothing
  // shown is left out (a large account's thousands would fill the replay cap before any scope).
  const supervisors = replayed.filter((e) => e.type === '@xstate.actor' && /^(shard|group)-\d+$/.test(e.name ?? '')).map((e) => e.name!.split('-')[0]);
  expect(supervisors.sort()).toEqual(['group', 'shard']);
  const scopeActor = actorNamed(viewer, BTC)!;
  expect(scopeActor.snapshot).toMatchObject({ status: 'active', context: { scopeKey: BTC } });
  await waitFor('the viewer agrees with the runtime on the scope\'s state', () => agrees(viewer, scopeActor.sessionId));
  expect(JSON.parse(scopeActor.definition!)).toMatchObject({ id: 'scope' });
  expect(scopeActor._version).toMatch(/^\d+\.\d+\.\d+$/);
  const account = actorNamed(viewer, 'account')!;
  expect(actorNamed(viewer, BTC)!.parentId).not.toBe(account.sessionId); // under its shard
  expect(stack.events('inspector_viewer_connected').at(-1)).toMatchObject({ viewers: 1, truncated: false });

  // The market moves on both symbols: the BTC scope's events and snapshots arrive, ETH's do not.
  const before = viewer.texts.length;
  const mark = stack.records.at(-1)!.seq;
  marketBuy('BTCUSDT', '0.01');
  marketBuy('ETHUSDT', '0.1');
  await waitFor('both grown positions re-protected', () => confirmed('TP', 'BTCUSDT', mark) && confirmed('TP', 'ETHUSDT', mark), 20_000);
  await waitFor('the BTC scope planned and submitted, as seen by the viewer', () => {
    const seen = viewer.events().slice(before).filter((e) => e.sessionId === scopeActor.sessionId);
    return seen.some((e) => e.type === '@xstate.snapshot' && e.snapshot?.value === 'submitting') && seen.some((e) => e.type === '@xstate.event' && e.event?.type === 'submit.done');
  });
  const liveEvents = viewer.events().slice(before);
  expect(liveEvents.some((e) => e.sessionId === scopeActor.sessionId && e.type === '@xstate.event' && e.event?.type === 'scope.affected')).toBe(true);
  // What the scope submits travels in its context while it is submitting, as plain JSON.
  const submitting = liveEvents.find((e) => e.sessionId === scopeActor.sessionId && e.type === '@xstate.snapshot' && e.snapshot?.value === 'submitting') as WireEvent & { snapshot: { context: { planned: Array<{ mutation: { intent: { price?: string; qty: string } } }> } } };
  expect(submitting).toBeDefined();
  expect(submitting.snapshot.context.planned[0]!.mutation.intent.qty).toMatch(/^\d+(\.\d+)?$/);

  const all = viewer.texts.join('\n');
  expect(all).not.toContain('ETHUSDT');
  expect(all).not.toContain(ETH);
  expect(secretsIn(all, stack.sim)).toEqual([]);
  expect(all).not.toMatch(/signature/i);
  // Raw XState internals (machine objects, state nodes, microsteps) never reach the wire.
  expect(new Set(viewer.events().map((e) => e.type))).toEqual(new Set(['@xstate.actor', '@xstate.event', '@xstate.snapshot']));
  expect(all).not.toContain('"_nodes"');
  expect(all).not.toContain('[…]'); // nothing the scopes carry is deeper than the cap
  expect(Math.max(...viewer.texts.map((t) => t.length))).toBeLessThan(16_000);
});

test('a viewer that connects late starts from the current snapshots', async () => {
  const first = viewers[0]!;
  const late = await openViewer(inspector.url);
  await waitFor('the late replay', () => !!actorNamed(late, BTC) && !!actorNamed(late, 'mode'));
  expect(live).toEqual({ root: 1, mode: 1 }); // one attachment for every viewer
  const scope = actorNamed(late, BTC)!;
  await waitFor('the late viewer agrees with the runtime on the scope\'s state', () => agrees(late, scope.sessionId));
  expect(scope.snapshot!.context).toMatchObject({ scopeKey: BTC });
  expect(actorNamed(late, 'account')!.snapshot!.value).toBe('ready');
  expect(actorNamed(late, 'mode')!.snapshot).toMatchObject({ value: 'normal', context: { mode: 'NORMAL' } });
  expect(late.texts.join('\n')).not.toContain('ETHUSDT');

  // Both get what happens next.
  const [a, b] = [first.texts.length, late.texts.length];
  const mark = stack.records.at(-1)!.seq;
  marketBuy('BTCUSDT', '0.01');
  await waitFor('re-protected', () => confirmed('TP', 'BTCUSDT', mark), 20_000);
  await waitFor('both viewers see the scope move', () =>
    [first.events().slice(a), late.events().slice(b)].every((evs) => evs.some((e) => e.type === '@xstate.snapshot' && e.sessionId === scope.sessionId)));
});

test('when the last viewer leaves, inspection is detached and nothing more is inspected', async () => {
  viewers[0]!.socket.close();
  await viewers[0]!.closed;
  await waitFor('one viewer left', () => inspector.relay.viewerCount === 1);
  expect(live).toEqual({ root: 1, mode: 1 });
  viewers[1]!.socket.close();
  await viewers[1]!.closed;
  await waitFor('no viewer left', () => inspector.relay.viewerCount === 0);
  expect(live).toEqual({ root: 0, mode: 0 });
  expect(inspector.attachment.attached).toBe(false);
  expect(stack.events('inspector_viewer_disconnected').map((r) => [r.viewers, r.reason])).toEqual([[1, 'closed'], [0, 'closed']]);

  // Conversions already deferred finish; after that the counters stand still while the market moves.
  await new Promise((r) => setTimeout(r, 100));
  const { inspected, delivered } = inspector.attachment.stats();
  const mark = stack.records.at(-1)!.seq;
  marketBuy('BTCUSDT', '0.01');
  await waitFor('re-protected', () => confirmed('TP', 'BTCUSDT', mark), 20_000);
  expect(inspector.attachment.stats()).toMatchObject({ attached: false, inspected, delivered });
});
