// The plain ccxt `bybit` client pointed at the simulator's Bybit V5 overlay, configured exactly as
// the adapter will configure it (research/ccxt.md section 1.3), plus raw signed REST calls and a
// raw private WebSocket for what ccxt hides (headers, acks, pongs, which topics arrive).
import { createHmac } from 'node:crypto';
import ccxt from 'ccxt';
import WebSocket from 'ws';
import type { Simulator } from '../../src/sim/server.js';

type AnySim = Simulator;

export async function bybitClient(sim: AnySim, o: { apiKey?: string; secret?: string; timeout?: number } = {}): Promise<any> {
  const rest = sim.rest;
  const ws = sim.ws;
  const ex = new ccxt.pro.bybit({
    apiKey: o.apiKey ?? sim.apiKey, secret: o.secret ?? sim.secret, enableRateLimit: false, timeout: o.timeout ?? 3000, has: { fetchCurrencies: false },
    urls: { api: { spot: rest, futures: rest, v2: rest, public: rest, private: rest, ws: { private: { contract: `${ws}/v5/private` }, public: { linear: `${ws}/v5/public/linear` } } } },
    options: { fetchMarkets: { types: ['linear'] }, enableUnifiedAccount: true, enableUnifiedMargin: false, defaultType: 'swap', defaultSubType: 'linear' },
  } as any);
  await ex.loadHttpProxyAgent();
  return ex;
}

export interface BybitAnswer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** A V5 request signed as Bybit documents it: HMAC-SHA256(secret, timestamp + key + recvWindow + (query | JSON body)). */
export async function bybitRequest(sim: AnySim, method: 'GET' | 'POST', path: string, params: Record<string, unknown> = {}, o: { apiKey?: string; secret?: string; timestamp?: number; unsigned?: boolean } = {}): Promise<BybitAnswer> {
  const key = o.apiKey ?? sim.apiKey;
  const timestamp = String(o.timestamp ?? Date.now());
  const recvWindow = '5000';
  let url = `${sim.rest}${path}`;
  let body: string | undefined;
  let payload = '';
  if (method === 'GET') {
    payload = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
    if (payload) url += `?${payload}`;
  } else {
    body = JSON.stringify(params);
    payload = body;
  }
  const sign = createHmac('sha256', o.secret ?? sim.secret).update(timestamp + key + recvWindow + payload).digest('hex');
  const headers: Record<string, string> = o.unsigned ? {} : { 'X-BAPI-API-KEY': key, 'X-BAPI-TIMESTAMP': timestamp, 'X-BAPI-RECV-WINDOW': recvWindow, 'X-BAPI-SIGN': sign };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, body: json, text };
}

/** A raw socket on /v5/private that keeps every frame it receives. */
export async function rawPrivate(sim: AnySim) {
  const socket = new WebSocket(`${sim.ws}/v5/private`);
  const frames: any[] = [];
  socket.on('message', (m) => frames.push(JSON.parse(String(m))));
  await new Promise((r, j) => {
    socket.once('open', r);
    socket.once('error', j);
  });
  const send = (msg: unknown) => socket.send(JSON.stringify(msg));
  return {
    socket,
    frames,
    send,
    /** Sends `auth` signed with `secret` (the simulator's by default) and waits for its answer. */
    async auth(o: { apiKey?: string; secret?: string; expires?: number } = {}) {
      const expires = String(o.expires ?? Date.now() + 10_000);
      const sign = createHmac('sha256', o.secret ?? sim.secret).update(`GET/realtime${expires}`).digest('hex');
      send({ op: 'auth', args: [o.apiKey ?? sim.apiKey, expires, sign] });
      return waitFor(frames, (f) => f.op === 'auth');
    },
    wait: (pred: (f: any) => boolean, ms = 2000) => waitFor(frames, pred, ms),
    close: () => socket.close(),
  };
}

export async function waitFor(frames: any[], pred: (f: any) => boolean, ms = 2000): Promise<any> {
  const end = Date.now() + ms;
  for (;;) {
    const hit = frames.find(pred);
    if (hit) return hit;
    if (Date.now() > end) throw new Error(`no matching frame within ${ms} ms; got ${JSON.stringify(frames).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Polls until `cond` holds (a subscription reached the server, a state changed). */
export async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
