// The same seed and the same inputs give the same fills, ids and rows.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { replayScenario, type Scenario } from '../../src/sim/scenario.js';

const scenario: Scenario = {
  seed: 42,
  positionMode: 'hedge',
  marks: { BTCUSDT: '65000' },
  positions: [{ symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '65000' }],
  steps: [
    { atMs: 0, order: { symbol: 'BTCUSDT', side: 'SELL', type: 'STOP_MARKET', triggerPrice: '63700', closePosition: true, positionSide: 'LONG', clientOrderId: 'sl-1', algo: true } },
    { atMs: 0, order: { symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT', price: '65650', quantity: '0.01', positionSide: 'LONG', clientOrderId: 'tp-1' } },
    { atMs: 10, order: { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', price: '64350', quantity: '0.01', positionSide: 'LONG', clientOrderId: 'dca-1' } },
    { atMs: 1000, price: { symbol: 'BTCUSDT', price: '64300' } },
    { atMs: 2000, price: { symbol: 'BTCUSDT', price: '65700' } },
    { atMs: 2500, order: { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.02', positionSide: 'LONG', clientOrderId: 'm-1' } },
    { atMs: 3000, price: { symbol: 'BTCUSDT', price: '63000' } },
    { atMs: 3500, cancel: { symbol: 'BTCUSDT', clientOrderId: 'nope' } },
  ],
};

test('a scripted scenario replays to identical books, ids and rows on two runs', () => {
  const first = replayScenario(scenario);
  const second = replayScenario(scenario);
  expect(second).toEqual(first);
  expect(first.books.trades.length).toBeGreaterThanOrEqual(4);
  expect(first.books.positions).toEqual([]); // the stop closed everything
  expect(first.rejections).toEqual([{ atMs: 3500, reason: 'Unknown order sent.' }]);
  expect(first.books.algoOrders[0]).toMatchObject({ clientAlgoId: 'sl-1', algoStatus: 'FINISHED' });
});

test('`exstate sim` prints one JSON line with its URLs and credentials, then serves until interrupted', async () => {
  const child = spawn(process.execPath, [join(process.cwd(), 'bin/exstate.js'), 'sim', '--seed', '9'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += String(c);
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}`)));
  });
  const info = JSON.parse(line);
  expect(info.rest).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(info.ws).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
  expect(info.control).toBe(`${info.rest}/__sim`);
  const res = await fetch(`${info.rest}/fapi/v1/exchangeInfo`);
  expect((await res.json()).symbols.map((s: { symbol: string }) => s.symbol)).toContain('BTCUSDT');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  expect(await exited).toBe(0);
});
