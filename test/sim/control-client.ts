// Calls to the simulator's control API, as a test (or a user) makes them.
import type { Simulator } from '../../src/sim/server.js';

export async function control(sim: Simulator, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sim.control}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  if (res.status !== 200) throw new Error(`control ${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the promise's value, or 'pending' if it has not settled within ms. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([promise, sleep(ms).then(() => 'pending' as const)]);
}
