// The chaos run's own parts, without a service: schedules are deterministic, the shrinker keeps
// only what the failure needs, and each invariant catches what it names on a real engine's books.
import { SimEngine } from '../../src/sim/engine.js';
import { DEFAULT_SYMBOLS } from '../../src/sim/defaults.js';
import type { RequestRecord } from '../../src/sim/request-log.js';
import { LifeTracker, eventualViolations, manualOrderViolations, secretViolations, submissionViolations } from './invariants.js';
import type { RunResult } from './runner.js';
import { generateSchedule, type Schedule } from './schedule.js';
import { shrinkSchedule } from './shrink.js';

const strategy = { takeProfitPct: 1, stopLossPct: 2, dcaSteps: 2 };

function engine(mode: 'hedge' | 'one_way' = 'hedge') {
  const e = new SimEngine({ clock: () => 1_000, positionMode: mode, symbols: DEFAULT_SYMBOLS, walletBalance: '10000', leverage: 20, makerFee: '0.0002', takerFee: '0.0004' });
  e.setMark('BTCUSDT', '65000');
  e.setMark('ETHUSDT', '3000');
  return e;
}

const sl = (e: SimEngine, id: string, trigger = '63700') =>
  e.placeAlgo({ symbol: 'BTCUSDT', side: 'SELL', type: 'STOP_MARKET', triggerPrice: trigger, closePosition: true, positionSide: 'LONG', clientOrderId: id, owner: 'api' });
const slQty = (e: SimEngine, id: string, qty: string, trigger = '63700') =>
  e.placeAlgo({ symbol: 'BTCUSDT', side: 'SELL', type: 'STOP_MARKET', triggerPrice: trigger, quantity: qty, positionSide: 'LONG', clientOrderId: id, owner: 'api' });
const tp = (e: SimEngine, id: string, qty = '0.01') =>
  e.placeOrder({ symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT', price: '65650', quantity: qty, positionSide: 'LONG', clientOrderId: id, owner: 'api' });
const dca = (e: SimEngine, id: string, price = '64350') =>
  e.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', price, quantity: '0.01', positionSide: 'LONG', clientOrderId: id, owner: 'api' });

const names = (vs: Array<{ invariant: string }>) => vs.map((v) => v.invariant).sort();

test('schedules are deterministic from the seed and differ between seeds', () => {
  expect(generateSchedule(7, { steps: 20 })).toEqual(generateSchedule(7, { steps: 20 }));
  expect(generateSchedule(7, { steps: 20 })).not.toEqual(generateSchedule(8, { steps: 20 }));
  const s = generateSchedule(3, { steps: 40, maxRestarts: 2 });
  expect(s.steps).toHaveLength(40);
  expect(s.steps.filter((x) => ['kill', 'kill-on-request', 'graceful-restart'].includes(x.kind)).length).toBeLessThanOrEqual(2);
});

test('a protected position with one order per slot passes; a missing, doubled or misplaced SL does not', () => {
  const e = engine();
  e.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
  expect(names(eventualViolations(e.snapshot(), strategy))).toEqual(['position_protected_by_one_sl']);
  sl(e, 'xs-sl-1');
  tp(e, 'xs-tp-1');
  dca(e, 'xs-dca-1');
  expect(eventualViolations(e.snapshot(), strategy)).toEqual([]);
  // Binance refuses a second close-position stop on a side (-4130); a doubled SL is a second,
  // whole-position reduce-only stop.
  expect(() => sl(e, 'xs-sl-x')).toThrow(/closePosition/);
  slQty(e, 'xs-sl-2', '0.01');
  expect(names(eventualViolations(e.snapshot(), strategy))).toEqual(['one_open_app_order_per_slot', 'position_protected_by_one_sl']);
  e.cancelAlgo({ clientAlgoId: 'xs-sl-1' });
  expect(eventualViolations(e.snapshot(), strategy)).toEqual([]); // the whole-position form alone protects
  e.cancelAlgo({ clientAlgoId: 'xs-sl-2' });
  slQty(e, 'xs-sl-4', '0.005');
  expect(names(eventualViolations(e.snapshot(), strategy))).toEqual(['sl_covers_position']);
  e.cancelAlgo({ clientAlgoId: 'xs-sl-4' });
  sl(e, 'xs-sl-3', '62000'); // not where the strategy puts it (2 % under 65000 = 63700)
  expect(names(eventualViolations(e.snapshot(), strategy))).toEqual(['sl_at_strategy_level']);
  dca(e, 'xs-dca-2', '64000');
  expect(names(eventualViolations(e.snapshot(), strategy))).toContain('one_open_app_order_per_slot');
});

test('app orders left on a flat scope and exits over the position are caught; another user\'s orders are not app orders', () => {
  const e = engine();
  e.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
  sl(e, 'xs-sl-1');
  tp(e, 'xs-tp-1', '0.01');
  e.placeOrder({ symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT', price: '70000', quantity: '0.01', positionSide: 'SHORT', clientOrderId: 'manual-1', owner: 'manual' });
  expect(eventualViolations(e.snapshot(), strategy)).toEqual([]);
  e.seedPosition('BTCUSDT', 'LONG', '0.005', '65000');
  expect(names(eventualViolations(e.snapshot(), strategy))).toEqual(['exits_never_over_cover']);
  e.seedPosition('BTCUSDT', 'LONG', '0', '0');
  expect(names(eventualViolations(e.snapshot(), strategy))).toEqual(['no_app_order_on_flat_scope']);
});

test('a DCA step filled twice in one position life is caught, across lives it is not', () => {
  const e = engine();
  const tracker = new LifeTracker(strategy, (id) => e.orders.get(id)?.owner);
  e.onEvent((ev) => tracker.onEvent(ev));
  e.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
  dca(e, 'xs-d1', '64350');
  dca(e, 'xs-d2', '64000');
  e.setMark('BTCUSDT', '63990'); // both fill: two steps, allowed
  expect(tracker.violations).toEqual([]);
  dca(e, 'xs-d3', '63500'); // a third DCA order after the whole ladder filled
  expect(names(tracker.violations)).toEqual(['dca_step_once_per_life']);
  const again = new LifeTracker(strategy, (id) => e.orders.get(id)?.owner);
  e.onEvent((ev) => again.onEvent(ev));
  e.seedPosition('BTCUSDT', 'LONG', '0', '0'); // flat: a new life may use the ladder again
  e.seedPosition('BTCUSDT', 'LONG', '0.01', '63000');
  dca(e, 'xs-d4', '62000');
  expect(again.violations).toEqual([]);
});

test('one submission per custom id, counted from the request log', () => {
  const rec = (seq: number, id: string, status: number): RequestRecord => ({ seq, at: seq, method: 'POST', path: '/fapi/v1/order', params: { newClientOrderId: id }, applied: status !== 429, status });
  expect(submissionViolations([rec(1, 'xs-a', 200), rec(2, 'xs-b', 200)])).toEqual([]);
  expect(names(submissionViolations([rec(1, 'xs-a', 0), rec(2, 'xs-a', 200)]))).toEqual(['one_submission_per_custom_id']);
});

test('another user\'s orders: a cancel, an amendment or a request aimed at one is caught', () => {
  const e = engine();
  const o = e.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', price: '60000', quantity: '0.01', positionSide: 'LONG', clientOrderId: 'manual-1', owner: 'manual' });
  const placed = [{ id: 'manual-1', symbol: 'BTCUSDT', algo: false, orderId: o.orderId, price: o.price, qty: o.origQty }];
  expect(manualOrderViolations(e.snapshot(), placed, [])).toEqual([]);
  const attempt: RequestRecord = { seq: 1, at: 1, method: 'DELETE', path: '/fapi/v1/order', params: { origClientOrderId: 'manual-1' }, applied: true, status: 200 };
  e.amendOrder('BTCUSDT', { orderId: o.orderId }, '0.02', '60000');
  e.cancelOrder('BTCUSDT', { orderId: o.orderId });
  expect(names(manualOrderViolations(e.snapshot(), placed, [attempt]))).toEqual(['other_users_orders_untouched', 'other_users_orders_untouched', 'other_users_orders_untouched']);
});

test('secrets are found in any output, URL-encoded too, and never repeated in the report', () => {
  const secrets = [{ name: 'API secret', value: 'abc+def/123' }];
  expect(secretViolations([{ where: 'stdout', text: 'all fine' }], secrets)).toEqual([]);
  const found = secretViolations([{ where: 'stdout', text: 'GET /x?a=1&signature=00ff' }, { where: 'store', text: `..abc%2Bdef%2F123..` }], secrets);
  expect(names(found)).toEqual(['no_secret_in_output', 'no_secret_in_output']);
  expect(found.map((v) => v.detail).join(' ')).not.toContain('abc%2Bdef');
});

test('the shrinker drops every step the failure does not need', async () => {
  const schedule: Schedule = generateSchedule(5, { steps: 12 });
  const culprit = schedule.steps[7]!;
  const fake = async (s: Schedule): Promise<RunResult> => ({
    figures: {} as RunResult['figures'], warnings: [], dir: '', books: [],
    violations: s.steps.includes(culprit) ? [{ invariant: 'x', detail: '' }] : [],
  });
  const failed = await fake(schedule);
  const min = await shrinkSchedule(schedule, failed, { run: fake });
  expect(min.schedule.steps).toEqual([culprit]);
  expect(min.schedule.setup).toEqual([]);
  expect(min.invariants).toEqual(['x']);
});
