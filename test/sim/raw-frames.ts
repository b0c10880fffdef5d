// Helpers for the engine tests: a raw user-data socket that keeps every frame (ccxt drops fields
// such as `er`, `rm` and `cr`, and events it does not know), the Binance code of a ccxt error, and
// a wait for frames to arrive.
import WebSocket from 'ws';
import type { Simulator } from '../../src/sim/server.js';
import { sleep } from './control-client.js';

export interface RawStream {
  frames: any[];
  close(): void;
}

/** Opens the private stream with a fresh listen key (created through ccxt's signed-key call). */
export async function rawStream(sim: Simulator, ex: any): Promise<RawStream> {
  const { listenKey } = await ex.fapiPrivatePostListenKey();
  const socket = new WebSocket(`${sim.ws}/private/ws?listenKey=${listenKey}`);
  const frames: any[] = [];
  socket.on('message', (m) => frames.push(JSON.parse(String(m))));
  await new Promise((r) => socket.once('open', r));
  for (let i = 0; i < 100 && sim.stream.connectionCount() === 0; i++) await sleep(10);
  return { frames, close: () => socket.close() };
}

export async function until(check: () => boolean, ms = 3000): Promise<void> {
  for (let waited = 0; !check() && waited < ms; waited += 10) await sleep(10);
}

/** The Binance error code in a ccxt exception's message (`binanceusdm {"code":-4045,...}`). */
export async function codeOf(promise: Promise<unknown>): Promise<number | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    const m = /"code":\s*(-?\d+)/.exec(String((error as Error).message));
    if (!m) throw error;
    return Number(m[1]);
  }
}

/** One label per frame: ORDER:<x>:<X>:<client id>, ALGO:<X>, or the event type. */
export function labels(frames: any[]): string[] {
  return frames.map((f) => {
    if (f.e === 'ORDER_TRADE_UPDATE') return `ORDER:${f.o.x}:${f.o.X}:${f.o.c}`;
    if (f.e === 'ALGO_UPDATE') return `ALGO:${f.o.X}:${f.o.caid}`;
    return f.e;
  });
}

export const orderRows = (frames: any[]) => frames.filter((f) => f.e === 'ORDER_TRADE_UPDATE').map((f) => f.o);
export const algoRows = (frames: any[]) => frames.filter((f) => f.e === 'ALGO_UPDATE').map((f) => f.o);
