// One driver per venue for the shared end-to-end suite (venues.e2e.test.ts): each starts the real
// stack against its simulator with a holding and a foreign order, and reports what the venue shows
// in venue-neutral terms. Observations come only from the simulator's books and request log (the
// venue boundary); the runtime is handed out for its journal and contexts, never read here.
import { Decimal } from 'decimal.js';
import { spotMarketBuy } from '../../src/ops/demo-script.js';
import type { AccountRuntime } from '../../src/runtime/account-runtime.js';
import type { JournalRecord } from '../../src/runtime/journal.js';
import type { RestFaultRule } from '../../src/sim/faults.js';
import type { RequestLog, RequestRecord } from '../../src/sim/request-log.js';
import type { Simulator } from '../../src/sim/server.js';
import type { SpotSimulator } from '../../src/sim/spot/server.js';
import { appOrders, book, startSpotStack, startStack, waitFor } from './stack.js';

export type VenueName = 'binanceusdm' | 'bybit' | 'binance-spot';
export type Slot = 'SL' | 'TP' | 'DCA';
/** Faults on the protective create: the first such request meets it. */
export type ProtectiveFault = 'unknown_503' | 'duplicate_id' | 'rate_limit';

/** An app order as the venue shows it: `price` is a stop's trigger; qty `whole` closes the whole position. */
export interface VenueOrder {
  customId: string;
  qty: string;
  price: string;
}
export type Figure = Omit<VenueOrder, 'customId'>;
/** `entry` is the venue's own entry price; spot has no position, so none (the app derives one). */
export interface Holding {
  qty: string;
  entry?: string;
}
/** A place or amend request the venue received, with the slot its shape says it is for. */
export interface VenueWrite {
  seq: number;
  slot: Slot;
  action: 'place' | 'amend';
  customId: string;
  fault?: string;
  code?: number;
}

export interface Expected {
  start: { holding: Holding; sl: Figure; tp: Figure; dca: Figure };
  afterDca: { holding: Holding; sl: Figure; tp: Figure };
  /** A price that fills the DCA step and one that fills the take-profit, both from the start. */
  fillDcaAt: string;
  fillTpAt: string;
  /** The lot step: a protective order covers the holding when it is short of it by less than one. */
  qtyStep: string;
  /** The code the venue answers a duplicate client id with. */
  duplicateCode: number;
}

export interface VenueRun {
  runtime: AccountRuntime;
  records: JournalRecord[];
  events(name: string): JournalRecord[];
  /** The app's open orders by slot, classified by shape (stop below: SL; sell limit: TP; buy limit: DCA). */
  orders(): Record<Slot, VenueOrder[]>;
  /** The client ids of every open app order, whatever its shape. */
  appOrderIds(): string[];
  holding(): Holding;
  foreignUntouched(): boolean;
  writes(sinceSeq?: number): VenueWrite[];
  lastRequestSeq(): number;
  movePrice(price: string): void;
  dropStream(): void;
  setStreamDelay(ms: number): void;
  stop(): Promise<void>;
}

export interface StartOptions {
  fault?: ProtectiveFault;
  /** Stream rows held back from the start, so a REST answer decides before its row arrives. */
  streamDelayMs?: number;
}

export interface VenueDriver {
  name: VenueName;
  expected: Expected;
  start(options?: StartOptions): Promise<VenueRun>;
}

const SYMBOL = 'BTCUSDT';
const dec = (x: Decimal.Value) => new Decimal(x).toFixed();
const open = (status: string) => status === 'NEW' || status === 'PARTIALLY_FILLED';

/** What one request asks for; an amend carries no slot of its own (its order's place has it). */
type Classified = { action: VenueWrite['action']; customId: string; slot?: Slot };

/** Place and amend requests in log order, each with the slot its shape (or its order's place) says. */
function writesOf(log: RequestLog, classify: (r: RequestRecord) => Classified[], sinceSeq: number): VenueWrite[] {
  const slotOf = new Map<string, Slot>();
  const out: VenueWrite[] = [];
  for (const r of log.since(0)) {
    for (const w of classify(r)) {
      const slot = w.slot ?? slotOf.get(w.customId);
      if (!slot) throw new Error(`${r.method} ${r.path} names ${w.customId}, never placed`);
      if (w.action === 'place') slotOf.set(w.customId, slot);
      if (r.seq > sinceSeq) out.push({ seq: r.seq, slot, action: w.action, customId: w.customId, ...(r.fault ? { fault: r.fault } : {}), ...(r.code !== undefined ? { code: r.code } : {}) });
    }
  }
  return out;
}

/** Nothing the service sent names the foreign order, and it is open as it was placed. */
function untouched(log: RequestLog, ids: string[], now: { status: string; price: string; qty: string } | undefined, before: { price: string; qty: string }): boolean {
  const named = log.since(0).some((r) => r.method !== 'GET' && (ids.some((id) => Object.values(r.params).includes(id)) || ids.some((id) => r.body?.includes(`"${id}"`))));
  return !named && !!now && open(now.status) && now.price === before.price && now.qty === before.qty;
}

// ---- Binance USD-M and Bybit V5 linear: one engine, a position per side ----------------------

const FUTURES_FOREIGN = 'manual-1';

// Binance USD-M protects the first size with a close-position stop; its replacement for the new
// size is a sized reduce-only stop: it goes out before the old one is cancelled, and a second
// close-position stop on the same side is refused (-4130). Bybit has no close-position stop at all.
const futuresFigures = (binance: boolean) => ({
  start: { holding: { qty: '0.01', entry: '65000' }, sl: { qty: binance ? 'whole' : '0.01', price: '63700' }, tp: { qty: '0.01', price: '65650' }, dca: { qty: '0.01', price: '64350' } },
  afterDca: { holding: { qty: '0.02', entry: '64675' }, sl: { qty: '0.02', price: '63381.5' }, tp: { qty: '0.02', price: '65321.8' } },
  fillDcaAt: '64340', fillTpAt: '65700', qtyStep: '0.001',
});

function classifyBinanceUsdm(r: RequestRecord): Classified[] {
  const p = r.params;
  if (r.method === 'POST' && r.path === '/fapi/v1/algoOrder') return [{ action: 'place', customId: p.clientAlgoId!, slot: 'SL' }];
  const slot: Slot = p.side === 'SELL' ? 'TP' : 'DCA';
  if (r.method === 'POST' && r.path === '/fapi/v1/order') return [{ action: 'place', customId: p.newClientOrderId!, slot }];
  if (r.method === 'PUT' && r.path === '/fapi/v1/order') return [{ action: 'amend', customId: p.origClientOrderId!, slot }];
  return [];
}

function classifyBybit(r: RequestRecord): Classified[] {
  if (r.method !== 'POST') return [];
  const b = JSON.parse(r.body || '{}') as Record<string, unknown>;
  const customId = String(b.orderLinkId);
  if (r.path === '/v5/order/create') return [{ action: 'place', customId, slot: (b.triggerPrice !== undefined ? 'SL' : b.side === 'Sell' ? 'TP' : 'DCA') as Slot }];
  if (r.path === '/v5/order/amend') return [{ action: 'amend', customId }];
  return [];
}

function futuresDriver(name: 'binanceusdm' | 'bybit'): VenueDriver {
  const binance = name === 'binanceusdm';
  // Binance USD-M: the TP is the first POST /fapi/v1/order (the DCA step waits for protection);
  // Bybit: every order is a POST /v5/order/create, the first one is SL or TP.
  const create = { path: binance ? '/fapi/v1/order' : '/v5/order/create', method: 'POST' };
  const faults: Record<ProtectiveFault, RestFaultRule> = binance
    ? {
      unknown_503: { kind: 'status', status: 503, apply: true },
      duplicate_id: { kind: 'status', status: 400, code: -4116, msg: 'ClientOrderId is duplicated.', apply: true },
      rate_limit: { kind: 'rate_limit', status: 429, retryAfterSec: 1 },
    }
    : {
      unknown_503: { kind: 'status', status: 503, apply: true },
      duplicate_id: { kind: 'status', status: 200, code: 110072, msg: 'OrderLinkedID is duplicate', apply: true },
      rate_limit: { kind: 'rate_limit' }, // retCode 10006, the wait from X-Bapi-Limit-Reset-Timestamp
    };
  return {
    name,
    expected: { ...futuresFigures(binance), duplicateCode: binance ? -4116 : 110072 },
    async start(options = {}) {
      const stack = await startStack({
        venue: name,
        seed: (sim) => {
          sim.engine.seedPosition(SYMBOL, 'LONG', '0.01', '65000');
          sim.engine.placeOrder({ symbol: SYMBOL, positionSide: 'LONG', side: 'BUY', type: 'LIMIT', price: '60000', quantity: '0.02', clientOrderId: FUTURES_FOREIGN, owner: 'manual' });
          if (options.fault) sim.faults.addRest({ ...faults[options.fault], ...create });
          if (options.streamDelayMs) sim.faults.stream.delayMs = options.streamDelayMs;
        },
      });
      const sim: Simulator = stack.sim;
      const foreign = book(sim).orders.find((o) => o.clientOrderId === FUTURES_FOREIGN)!;
      const before = { price: foreign.price, qty: foreign.origQty };
      return {
        get runtime() {
          return stack.runtime;
        },
        records: stack.records,
        events: stack.events,
        orders: () => {
          const { regular, algo } = appOrders(sim);
          const mine = regular.filter((o) => o.symbol === SYMBOL && o.positionSide === 'LONG' && o.type === 'LIMIT');
          const view = (o: (typeof regular)[number]) => ({ customId: o.clientOrderId, qty: dec(o.origQty), price: dec(o.price) });
          return {
            SL: algo.filter((a) => a.symbol === SYMBOL && a.positionSide === 'LONG' && a.side === 'SELL' && a.orderType === 'STOP_MARKET')
              .map((a) => ({ customId: a.clientAlgoId, qty: a.closePosition ? 'whole' : dec(a.quantity), price: dec(a.triggerPrice) })),
            TP: mine.filter((o) => o.side === 'SELL').map(view),
            DCA: mine.filter((o) => o.side === 'BUY').map(view),
          };
        },
        appOrderIds: () => {
          const { regular, algo } = appOrders(sim);
          return [...regular.map((o) => o.clientOrderId), ...algo.map((a) => a.clientAlgoId)];
        },
        holding: () => {
          const p = book(sim).positions.find((x) => x.symbol === SYMBOL && x.positionSide === 'LONG');
          return p ? { qty: dec(p.positionAmt), entry: dec(p.entryPrice) } : { qty: '0', entry: '0' };
        },
        foreignUntouched: () => {
          const now = book(sim).orders.find((o) => o.orderId === foreign.orderId);
          return untouched(sim.requests, [FUTURES_FOREIGN, String(foreign.orderId)], now && { status: now.status, price: now.price, qty: now.origQty }, before);
        },
        writes: (sinceSeq = 0) => writesOf(sim.requests, binance ? classifyBinanceUsdm : classifyBybit, sinceSeq),
        lastRequestSeq: () => sim.requests.records.at(-1)?.seq ?? 0,
        movePrice: (price) => sim.engine.setMark(SYMBOL, price),
        dropStream: () => void sim.stream.disconnectAll('drop'),
        setStreamDelay: (ms) => void (sim.faults.stream.delayMs = ms),
        stop: () => stack.stop(),
      };
    },
  };
}

// ---- Binance spot: balances, SL and TP as the two legs of one OCO list -------------------------

const SPOT_FOREIGN = 'foreign-1';
const OCO = '/api/v3/orderList/oco';

function classifySpot(r: RequestRecord): Classified[] {
  const p = r.params;
  if (r.method === 'POST' && r.path === OCO) {
    return [{ action: 'place', customId: p.belowClientOrderId!, slot: 'SL' }, { action: 'place', customId: p.aboveClientOrderId!, slot: 'TP' }];
  }
  if (r.method === 'POST' && r.path === '/api/v3/order') {
    return [{ action: 'place', customId: p.newClientOrderId!, slot: (p.side === 'BUY' ? 'DCA' : p.type === 'STOP_LOSS' ? 'SL' : 'TP') as Slot }];
  }
  return [];
}

const spotDriver: VenueDriver = {
  name: 'binance-spot',
  expected: {
    // 0.01 bought at 65000 less 0.00001 BTC commission; the DCA buy adds 0.00999 less 0.00000999.
    start: { holding: { qty: '0.00999' }, sl: { qty: '0.00999', price: '63700' }, tp: { qty: '0.00999', price: '65650' }, dca: { qty: '0.00999', price: '64350' } },
    afterDca: { holding: { qty: '0.01997001' }, sl: { qty: '0.01997', price: '63381.5' }, tp: { qty: '0.01997', price: '65321.75' } },
    fillDcaAt: '64340', fillTpAt: '65700', qtyStep: '0.00001', duplicateCode: -2010,
  },
  async start(options = {}) {
    const faults: Record<ProtectiveFault, RestFaultRule> = {
      unknown_503: { kind: 'status', status: 503, apply: true },
      duplicate_id: { kind: 'status', status: 400, code: -2010, msg: 'Duplicate order sent.', apply: true },
      rate_limit: { kind: 'rate_limit', status: 429 },
    };
    const stack = await startSpotStack({
      seed: (sim) => {
        sim.engine.placeOrder(spotMarketBuy('0.01', 'manual'));
        sim.engine.placeOrder({ ...spotMarketBuy('0.001', 'manual'), type: 'LIMIT', price: new Decimal('60000'), timeInForce: 'GTC', clientOrderId: SPOT_FOREIGN });
        if (options.fault) sim.faults.addRest({ ...faults[options.fault], path: OCO, method: 'POST' });
        if (options.streamDelayMs) sim.faults.stream.delayMs = options.streamDelayMs;
      },
    });
    const sim: SpotSimulator = stack.sim;
    const foreign = sim.engine.openOrders(SYMBOL).find((o) => o.clientOrderId === SPOT_FOREIGN)!;
    const before = { price: dec(foreign.price), qty: dec(foreign.origQty) };
    const mine = () => sim.engine.openOrders(SYMBOL).filter((o) => o.owner === 'api');
    return {
      get runtime() {
        return stack.runtime;
      },
      records: stack.records,
      events: stack.events,
      orders: () => {
        const view = (price: 'price' | 'stopPrice') => (o: ReturnType<typeof mine>[number]) => ({ customId: o.clientOrderId, qty: dec(o.origQty), price: dec(o[price]) });
        return {
          SL: mine().filter((o) => o.side === 'SELL' && o.type === 'STOP_LOSS').map(view('stopPrice')),
          TP: mine().filter((o) => o.side === 'SELL' && o.type === 'LIMIT_MAKER').map(view('price')),
          DCA: mine().filter((o) => o.side === 'BUY' && o.type === 'LIMIT').map(view('price')),
        };
      },
      appOrderIds: () => mine().map((o) => o.clientOrderId),
      holding: () => {
        const btc = sim.engine.balances.get('BTC');
        return { qty: dec(btc.free.plus(btc.locked)) };
      },
      foreignUntouched: () => {
        const now = sim.engine.orders.get(foreign.orderId);
        return untouched(sim.requests, [SPOT_FOREIGN, String(foreign.orderId)], now && { status: now.status, price: dec(now.price), qty: dec(now.origQty) }, before);
      },
      writes: (sinceSeq = 0) => writesOf(sim.requests, classifySpot, sinceSeq),
      lastRequestSeq: () => sim.requests.records.at(-1)?.seq ?? 0,
      movePrice: (price) => sim.engine.setPrice(SYMBOL, price),
      dropStream: () => void sim.stream.disconnectAll('drop'),
      setStreamDelay: (ms) => void (sim.faults.stream.delayMs = ms),
      stop: () => stack.stop(),
    };
  },
};

export const drivers: VenueDriver[] = [futuresDriver('binanceusdm'), futuresDriver('bybit'), spotDriver];

// ---- the invariants every scenario ends with ---------------------------------------------------

/** An order covers the holding when it closes it whole, or is short of it by less than one lot step. */
function covers(order: VenueOrder, holding: Holding, step: string): boolean {
  if (order.qty === 'whole') return true;
  const gap = new Decimal(holding.qty).minus(order.qty);
  return gap.gte(0) && gap.lt(step);
}

export function holdingProtected(run: VenueRun, step: string): boolean {
  const h = run.holding();
  if (new Decimal(h.qty).lt(step)) return true;
  const { SL, TP } = run.orders();
  return SL.length === 1 && TP.length === 1 && covers(SL[0]!, h, step) && covers(TP[0]!, h, step);
}

/** At most one app order per slot at the venue, each with a context; foreign orders unchanged; the holding protected. */
export async function assertVenueInvariants(run: VenueRun, expected: Expected): Promise<void> {
  await waitFor('the holding protected', () => holdingProtected(run, expected.qtyStep), 15_000);
  const perSlot = new Map<string, number>();
  for (const id of run.appOrderIds()) {
    const ctx = run.runtime.core.contexts.get(id);
    if (!ctx) throw new Error(`an app order at the venue has no context: ${id}`);
    perSlot.set(ctx.slot, (perSlot.get(ctx.slot) ?? 0) + 1);
  }
  for (const [slot, n] of perSlot) if (n > 1) throw new Error(`${n} app orders at the venue for slot ${slot}`);
  if (!run.foreignUntouched()) throw new Error('the foreign order was changed or named by a request');
}
