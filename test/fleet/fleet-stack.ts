// Two or more real service processes (`node bin/exstate.js start`) managing one simulated account
// through one shared PostgreSQL store, and what the venue holds at the end. The store's tables
// live in a schema of the test file's own (the connection URL carries its search_path).
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { envFor, runCli, type Child } from '../gates/spawn.js';
import { TEST_PG_URL } from '../store/postgres-fixture.js';

export const event = (l: Record<string, unknown>) => l.msg ?? l.event;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A simulator, with one open position (BTCUSDT LONG) unless told otherwise. */
export async function seededVenue(withPosition = true): Promise<Simulator> {
  const sim = await startSimulator({ seed: 7, positionMode: 'hedge' });
  if (withPosition) openPosition(sim, '0.01');
  return sim;
}

/** The position changes at the venue (the service hears it on the private stream). */
export function openPosition(sim: Simulator, size: string): void {
  sim.engine.seedPosition('BTCUSDT', 'LONG', size, '65000');
}

/** The connection URL into one schema (libpq's `options` parameter sets the search_path). */
export function storeUrlFor(schema: string): string {
  const url = new URL(TEST_PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

export function accountName(): string {
  return `acct-${randomUUID().slice(0, 8)}`;
}

/** One service process of the account: DEMO against the simulator, the shared store, a short lease. */
export function startOwner(sim: Simulator, store: { url: string; account: string }, extra: Record<string, string> = {}): Child {
  return runCli(['start'], envFor(sim, {
    EXECUTION_MODE: 'DEMO', STORE_URL: store.url, ACCOUNT_ID: store.account,
    // The SQLite path is not used with STORE_URL; the audit journal still lives beside it.
    STORE_PATH: join(mkdtempSync(join(tmpdir(), 'exstate-fleet-')), 'exstate.sqlite'),
    LEASE_TTL_MS: '3000', LEASE_MARGIN_MS: '1000', VENUE_TIMEOUT_MS: '2000', CONFIRMATION_TIMEOUT_MS: '2500', HEARTBEAT_TIMEOUT_MS: '600000',
    ...extra,
  }));
}

/** The app's open orders at the venue for the seeded scope, by slot (SL: conditional; TP and DCA: limit). */
export function openBySlot(sim: Simulator): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (slot: string) => (out[slot] = (out[slot] ?? 0) + 1);
  for (const a of sim.engine.algos.values()) {
    if (a.symbol !== 'BTCUSDT' || (a.algoStatus !== 'NEW' && a.algoStatus !== 'TRIGGERING')) continue;
    add(a.orderType === 'STOP_MARKET' ? 'SL' : a.orderType);
  }
  for (const o of sim.engine.orders.values()) {
    if (o.symbol !== 'BTCUSDT' || (o.status !== 'NEW' && o.status !== 'PARTIALLY_FILLED')) continue;
    // The LONG scope's limit orders: a SELL closes (TP, reduce-only), a BUY adds (DCA).
    add(o.type === 'LIMIT' ? (o.side === 'SELL' ? 'TP' : 'DCA') : o.type);
  }
  return out;
}

/** Waits until the venue shows SL, TP and one DCA order, then a while more (nothing else may arrive). */
export async function settledOrders(sim: Simulator, timeoutMs = 30_000): Promise<Record<string, number>> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const now = openBySlot(sim);
    if (now.SL && now.TP && now.DCA) break;
    await sleep(100);
  }
  await sleep(2_000);
  return openBySlot(sim);
}

/** Order placements the venue received from anyone, per custom id (a place sent twice shows 2). */
export function placesPerClientId(sim: Simulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of sim.requests.records) {
    if (r.method !== 'POST' || (r.path !== '/fapi/v1/order' && r.path !== '/fapi/v1/algoOrder')) continue;
    const id = r.params.newClientOrderId ?? r.params.clientAlgoId ?? '?';
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Waits for a line printed after the first `from` lines (a later incarnation's, say). */
export async function lineAfter(child: Child, from: number, what: string, predicate: (l: Record<string, unknown>) => boolean, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const hit = child.lines().slice(from).find(predicate);
    if (hit) return hit;
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) break;
    await sleep(50);
  }
  throw new Error(`no line "${what}" after line ${from}\nstdout:\n${child.stdout().slice(-3000)}\nstderr:\n${child.stderr().slice(-2000)}`);
}
