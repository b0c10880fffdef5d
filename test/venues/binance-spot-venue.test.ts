// The Binance spot adapter's refusals against the spot simulator (real ccxt `binance`). ccxt
// matches some Binance messages before the code ("Account has insufficient balance for requested
// action.", "Order would trigger immediately.") and throws with the message alone: the adapter
// must still see a definite refusal with Binance's code, never an unknown outcome that would be
// looked up and sent again every pass while the holding stays unprotected.
import { Decimal } from 'decimal.js';
import { spotMarketBuy } from '../../src/ops/demo-script.js';
import type { Scope } from '../../src/domain/scope.js';
import { startSpotSimulator } from '../../src/sim/spot/server.js';
import { BinanceSpotVenue } from '../../src/venues/binance-spot/venue.js';
import type { VenueMutation } from '../../src/venues/port.js';

type SpotSim = Awaited<ReturnType<typeof startSpotSimulator>>;
const scope: Scope = { exchange: 'binance', product: 'spot', symbol: 'BTCUSDT', managedSide: 'LONG' };
let sim: SpotSim;
let venue: BinanceSpotVenue;

beforeAll(async () => {
  sim = await startSpotSimulator({ seed: 3 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  sim.reset();
  venue = await BinanceSpotVenue.create({ restUrl: sim.rest, wsUrl: sim.ws, apiKey: sim.apiKey, secret: sim.secret, timeoutMs: 2000, log: () => undefined, symbols: ['BTCUSDT'] });
});
afterEach(async () => {
  await venue.close();
});

const d = (v: string) => new Decimal(v);
const ocoFor = (qty: string, sl: string, tp: string): VenueMutation => ({
  action: 'place', scope, slot: 'SL', customOrderId: 'slLeg0000000000001',
  intent: { slot: 'SL', side: 'SELL', type: 'STOP_MARKET', triggerPrice: d(sl), qty: d(qty) },
  paired: { slot: 'TP', customOrderId: 'tpLeg0000000000001', intent: { slot: 'TP', side: 'SELL', type: 'LIMIT', price: d(tp), qty: d(qty) } },
});

test('an OCO for more base asset than is free: a definite refusal (-2010 insufficient balance), not an unknown outcome', async () => {
  // Nothing held: the sell list cannot lock any BTC.
  const outcome = await venue.submit(ocoFor('0.01', '60000', '70000'));
  expect(outcome).toMatchObject({ kind: 'rejected', code: '-2010:insufficient_balance' });
});

test('a plain DCA buy for more quote than is free: the same refusal', async () => {
  const outcome = await venue.submit({
    action: 'place', scope, slot: 'DCA1', customOrderId: 'dcaBuy000000000001',
    intent: { slot: 'DCA1', side: 'BUY', type: 'LIMIT', price: d('60000'), qty: d('10') },
  });
  expect(outcome).toMatchObject({ kind: 'rejected', code: '-2010:insufficient_balance' });
});

test('a list refused because the price already passed one level names that leg: below the stop the SL, above the take-profit the TP; the refusal is definite', async () => {
  sim.engine.placeOrder(spotMarketBuy('0.01', 'manual')); // 0.00999 BTC held, bought at 65000
  sim.engine.setPrice('BTCUSDT', '63000');
  await expect(venue.submit(ocoFor('0.00999', '63700', '65650'))).resolves.toMatchObject({ kind: 'rejected', code: '-2010:price_relationship', refusedSlot: 'SL' });
  sim.engine.setPrice('BTCUSDT', '66000');
  await expect(venue.submit(ocoFor('0.00999', '63700', '65650'))).resolves.toMatchObject({ kind: 'rejected', code: '-2010:price_relationship', refusedSlot: 'TP' });
  expect(sim.engine.openLists('BTCUSDT')).toHaveLength(0);
});

test('a paired cancel whose first leg already ended (-2011) still cancels the other leg by its own id', async () => {
  sim.engine.placeOrder(spotMarketBuy('0.01', 'manual'));
  // The TP leg is open on its own; the SL leg's id is no longer open at the venue.
  const tp = await venue.submit({ action: 'place', scope, slot: 'TP', customOrderId: 'tpLeg0000000000002', intent: { slot: 'TP', side: 'SELL', type: 'LIMIT', price: d('65650'), qty: d('0.00999') } });
  expect(tp.kind).toBe('accepted');
  const outcome = await venue.submit({
    action: 'cancel', scope, slot: 'SL', customOrderId: 'slLeg0000000000002', intent: { slot: 'SL', side: 'SELL', type: 'STOP_MARKET', triggerPrice: d('63700'), qty: d('0.00999') },
    paired: { slot: 'TP', customOrderId: 'tpLeg0000000000002', intent: { slot: 'TP', side: 'SELL', type: 'LIMIT', price: d('65650'), qty: d('0.00999') } },
  });
  expect(outcome).toEqual({ kind: 'accepted' });
  expect(sim.engine.openOrders('BTCUSDT').filter((o) => o.owner === 'api')).toEqual([]);
});
