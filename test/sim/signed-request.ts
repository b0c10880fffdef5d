// Raw REST calls to the simulator, signed as Binance documents (general-info "SIGNED Endpoint
// Security": HMAC-SHA256 of the query string, `signature` last), for what ccxt cannot express or
// hides (status, headers, bodies it would parse away).
import { createHmac } from 'node:crypto';
import type { Simulator } from '../../src/sim/server.js';

export interface RawAnswer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function signedRequest(sim: Simulator, method: string, path: string, params: Record<string, string | number> = {}, opts: { timestamp?: number } = {}): Promise<RawAnswer> {
  const query = new URLSearchParams({ ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])), timestamp: String(opts.timestamp ?? Date.now()) }).toString();
  const signature = createHmac('sha256', sim.secret).update(query).digest('hex');
  return raw(sim, method, `${path}?${query}&signature=${signature}`);
}

export async function publicRequest(sim: Simulator, path: string, params: Record<string, string | number> = {}): Promise<RawAnswer> {
  const query = new URLSearchParams(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]))).toString();
  return raw(sim, 'GET', query ? `${path}?${query}` : path);
}

async function raw(sim: Simulator, method: string, pathAndQuery: string): Promise<RawAnswer> {
  const res = await fetch(`${sim.rest}${pathAndQuery}`, { method, headers: { 'X-MBX-APIKEY': sim.apiKey } });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** Moves the venue clock to just after a minute boundary, so a test's requests share one rate-limit window. */
export function alignToMinute(sim: Simulator): void {
  sim.clock.advance(60_000 - (sim.clock.now() % 60_000) + 20);
}
