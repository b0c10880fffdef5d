// A line per fill: every fill the account applies is journaled once as `fill`, with its scope, side,
// price, quantity, the realized PnL the venue reported for it (Binance `rp` on the stream,
// `realizedPnl` in the trade history), the fee, and the slot when it is one of exstate's orders.
import { Decimal } from 'decimal.js';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { createFailingStore } from '../../src/conformance/failing-store.js';
import { ScriptedVenue } from '../../src/conformance/scripted-venue.js';
import type { ExecutionRow } from '../../src/domain/rows.js';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import { levelOf } from '../../src/runtime/journal-catalogue.js';
import { OrderContextStore } from '../../src/runtime/order-context-store.js';
import { PrivateEventRouter } from '../../src/runtime/private-event-router.js';
import { RuntimeCore } from '../../src/runtime/runtime-core.js';
import type { RuntimeConfig } from '../../src/runtime/runtime-config.js';
import { restTradeRow, streamTradeRow } from '../../src/venues/ccxt/normalize.js';

const KEY = 'binance:linear:BTCUSDT:LONG';
const config: RuntimeConfig = {
  exchange: 'binance', product: 'linear', positionMode: 'hedge', mode: 'demo', strategy: parseStrategy({ takeProfitPct: '1', stopLossPct: '2', dca: [] }),
  eventBurstMs: 1, maxBurstDelayMs: 5, confirmationTimeoutMs: 1000, heartbeatTimeoutMs: 0, gates: { conformancePassed: true, liveConfirmed: false },
};

async function setup() {
  const contexts = new OrderContextStore(createFailingStore().keyv);
  const records: JournalRecord[] = [];
  const clock = { now: () => 1_000, setTimeout: () => 0, clearTimeout: () => undefined };
  const journal = new Journal(clock);
  journal.subscribe((r) => records.push(r));
  const venue = new ScriptedVenue('binance', 'linear', { positions: [], openOrders: [], filters: {}, balances: [], fills: [] }, undefined);
  const core = new RuntimeCore(config, venue, contexts, journal, clock);
  core.state.serviceReady = true;
  await contexts.put({ customOrderId: 'xs-tp-1', scopeKey: KEY, slot: 'TP', generation: 1, status: 'active', lifecycle: 'open', exchangeOrderId: '77', updatedAtMs: 0 });
  return { router: new PrivateEventRouter(core), records };
}

const fill = (over: Partial<ExecutionRow>): ExecutionRow => ({
  kind: 'execution', symbol: 'BTCUSDT', managedSide: 'LONG', tradeId: 't1', side: 'SELL', price: new Decimal('66000'), qty: new Decimal('0.01'), ...over,
});

test('a take-profit fill has a line of its own with its realized PnL, fee and slot', async () => {
  const { router, records } = await setup();
  router.apply(fill({ customOrderId: 'xs-tp-1', exchangeOrderId: '77', realizedPnl: new Decimal('10.5'), fee: new Decimal('0.264'), feeAsset: 'USDT' }));
  const lines = records.filter((r) => r.event === 'fill');
  expect(lines).toEqual([expect.objectContaining({
    scope: expect.objectContaining({ symbol: 'BTCUSDT', managedSide: 'LONG' }), side: 'SELL', price: '66000', qty: '0.01',
    realizedPnl: '10.5', fee: '0.264', feeAsset: 'USDT', slot: 'TP', customOrderId: 'xs-tp-1', tradeId: 't1',
  })]);
  expect(levelOf(lines[0]!)).toBe('info');
});

test('a fill of an order exstate does not own has a line without a slot; a duplicate has none', async () => {
  const { router, records } = await setup();
  router.apply(fill({ tradeId: 't9', exchangeOrderId: '999', side: 'BUY', realizedPnl: new Decimal('0') }));
  router.apply(fill({ tradeId: 't9', exchangeOrderId: '999', side: 'BUY', realizedPnl: new Decimal('0') }));
  const lines = records.filter((r) => r.event === 'fill');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ side: 'BUY', realizedPnl: '0', tradeId: 't9' });
  expect(lines[0]).not.toHaveProperty('slot');
});

test('the venue adapter reads the realized PnL of a fill (stream `rp`, trade history `realizedPnl`)', () => {
  const stream = streamTradeRow({ s: 'BTCUSDT', ps: 'LONG', c: 'xs-tp-1', i: 77, t: 5, S: 'SELL', L: '66000', l: '0.01', n: '0.264', N: 'USDT', rp: '10.5', T: 1 });
  expect(stream.realizedPnl?.toString()).toBe('10.5');
  const rest = restTradeRow({ symbol: 'BTCUSDT', positionSide: 'LONG', orderId: 77, id: 5, side: 'SELL', price: '66000', qty: '0.01', commission: '0.264', commissionAsset: 'USDT', realizedPnl: '-3.25', time: 1 });
  expect(rest.realizedPnl?.toString()).toBe('-3.25');
  const none = streamTradeRow({ s: 'BTCUSDT', ps: 'LONG', i: 78, t: 6, S: 'BUY', L: '65000', l: '0.01', T: 1 });
  expect(none.realizedPnl).toBeUndefined();
});
