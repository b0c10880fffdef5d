// POST /__sim/stream/frames: raw frames go out as given, `repeat` times, in order, to every
// user-stream client, after the answer; bad bodies are refused.
import WebSocket from 'ws';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { FRAME_BATCH } from '../../src/sim/control.js';
import { control, sleep } from './control-client.js';

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator({ seed: 3 });
});
afterEach(async () => {
  await sim.close();
});

async function listen(): Promise<{ messages: string[]; socket: WebSocket }> {
  const res = await fetch(`${sim.rest}/fapi/v1/listenKey`, { method: 'POST', headers: { 'X-MBX-APIKEY': sim.apiKey } });
  const { listenKey } = (await res.json()) as { listenKey: string };
  const socket = new WebSocket(`${sim.ws}/ws/${listenKey}`);
  const messages: string[] = [];
  socket.on('message', (data) => messages.push(String(data)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  for (let i = 0; i < 50 && sim.stream.connectionCount() === 0; i++) await sleep(10);
  return { messages, socket };
}

test('sends every frame as given, repeat times over, in order, to every client', async () => {
  const a = await listen();
  const b = await listen();
  const frames = [
    { e: 'ORDER_TRADE_UPDATE', E: 2, T: 1, o: { s: 'BTCUSDT', i: 7, t: 9, x: 'TRADE', X: 'FILLED' } },
    { e: 'ACCOUNT_UPDATE', E: 4, T: 3, a: { m: 'ORDER', B: [], P: [] } },
  ];
  const repeat = FRAME_BATCH + 1; // more than one batch
  const answer = await control(sim, 'POST', '/stream/frames', { frames, repeat });
  expect(answer).toEqual({ frames: 2, repeat, total: 2 * repeat, clients: 2 });
  for (let i = 0; i < 200 && (a.messages.length < 2 * repeat || b.messages.length < 2 * repeat); i++) await sleep(10);
  for (const { messages } of [a, b]) {
    expect(messages).toHaveLength(2 * repeat);
    expect(JSON.parse(messages[0]!)).toEqual(frames[0]);
    expect(JSON.parse(messages[1]!)).toEqual(frames[1]);
    expect(messages.every((m, i) => m === JSON.stringify(frames[i % 2]))).toBe(true);
  }
  a.socket.close();
  b.socket.close();
});

test('refuses a body without frame objects or with a bad repeat', async () => {
  for (const body of [{}, { frames: [] }, { frames: [{ E: 1 }] }, { frames: [[1]] }, { frames: [{ e: 'X' }], repeat: 0 }, { frames: [{ e: 'X' }], repeat: 1.5 }]) {
    const res = await fetch(`${sim.control}/stream/frames`, { method: 'POST', body: JSON.stringify(body) });
    expect(res.status).toBe(400);
  }
});
