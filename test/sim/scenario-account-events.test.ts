// Account events are reachable from scenarios as from the control API: a liquidation closes the
// position and expires its open orders (er=5), a funding step moves the wallet, an account-config
// step publishes the leverage frame (user-data-streams: Event-Order-Update, Event-Margin-Call,
// Event-Balance-and-Position-Update, Event-Account-Configuration-Update).
import { replayScenario, type Scenario } from '../../src/sim/scenario.js';

const base: Omit<Scenario, 'steps'> = {
  seed: 1,
  marks: { BTCUSDT: '65000' },
  positions: [{ symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '65000' }],
};

test('a liquidation step closes the position, expires its open orders with er=5 and sends MARGIN_CALL first', () => {
  const out = replayScenario({
    ...base,
    steps: [
      { atMs: 0, order: { symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT', price: '66000', quantity: '0.01', positionSide: 'LONG', clientOrderId: 'tp-1' } },
      { atMs: 1000, liquidate: { symbol: 'BTCUSDT', positionSide: 'LONG', price: '60000', kind: 'liquidation', execution: 'CALCULATED' } },
    ],
  });
  expect(out.rejections).toEqual([]);
  expect(out.books.positions.filter((p) => p.symbol === 'BTCUSDT' && p.positionSide === 'LONG')).toEqual([]);
  const kinds = out.events.filter((e) => e.E as number >= 1000).map((e) => e.e);
  expect(kinds[0]).toBe('MARGIN_CALL');
  const expired = out.events.find((e) => e.e === 'ORDER_TRADE_UPDATE' && (e.o as { c: string }).c === 'tp-1' && (e.o as { X: string }).X === 'EXPIRED');
  expect((expired?.o as { er?: string } | undefined)?.er).toBe('5');
  const autoclose = out.events.find((e) => e.e === 'ORDER_TRADE_UPDATE' && String((e.o as { c: string }).c).startsWith('autoclose-') && (e.o as { x: string }).x === 'CALCULATED');
  expect(autoclose).toBeDefined();
});

test('a funding step pays the position notional times the rate and says FUNDING_FEE', () => {
  const out = replayScenario({ ...base, steps: [{ atMs: 500, funding: { symbol: 'BTCUSDT', rate: '0.001' } }] });
  expect(out.rejections).toEqual([]);
  const frame = out.events.find((e) => e.e === 'ACCOUNT_UPDATE' && (e.a as { m: string }).m === 'FUNDING_FEE');
  expect(frame).toBeDefined();
  // A long pays 0.01 * 65000 * 0.001 = 0.65 USDT.
  expect(out.books.wallet).toBe('9999.35');
});

test('an account-config step publishes the leverage frame; a bad body is a rejection, not a crash', () => {
  const out = replayScenario({ ...base, steps: [{ atMs: 1, accountConfig: { symbol: 'BTCUSDT', leverage: 10 } }, { atMs: 2, accountConfig: { multiAssets: 'yes' } }] });
  const frame = out.events.find((e) => e.e === 'ACCOUNT_CONFIG_UPDATE');
  expect(frame?.ac).toEqual({ s: 'BTCUSDT', l: 10 });
  expect(out.rejections).toHaveLength(1);
  expect(out.rejections[0]!.reason).toMatch(/multiAssets/);
});
