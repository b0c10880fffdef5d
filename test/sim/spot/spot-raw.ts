// Raw REST and control calls to the spot simulator, for what ccxt hides (HTTP status, the exact
// body, parameters ccxt would not send): signed as Binance documents (HMAC-SHA256 of the query).
import { createHmac } from 'node:crypto';
import type { SpotSimulator } from '../../../src/sim/spot/server.js';

export interface RawAnswer {
  status: number;
  body: any;
  text: string;
}

export async function signed(sim: SpotSimulator, method: string, path: string, params: Record<string, string | number> = {}, opts: { secret?: string; timestamp?: number } = {}): Promise<RawAnswer> {
  const query = new URLSearchParams({ ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])), timestamp: String(opts.timestamp ?? Date.now()) }).toString();
  const signature = createHmac('sha256', opts.secret ?? sim.secret).update(query).digest('hex');
  return raw(sim, method, `${path}?${query}&signature=${signature}`);
}

export async function pub(sim: SpotSimulator, path: string, params: Record<string, string | number> = {}): Promise<RawAnswer> {
  const query = new URLSearchParams(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]))).toString();
  return raw(sim, 'GET', query ? `${path}?${query}` : path);
}

async function raw(sim: SpotSimulator, method: string, pathAndQuery: string): Promise<RawAnswer> {
  const res = await fetch(`${sim.rest}${pathAndQuery}`, { method, headers: { 'X-MBX-APIKEY': sim.apiKey } });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

export async function control(sim: SpotSimulator, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sim.control}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  if (res.status !== 200) throw new Error(`control ${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` is true (or fails the test after `ms`). */
export async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}
