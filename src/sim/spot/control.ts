// The spot simulator's control API (/__sim/ on the same server; JSON in and out): the state,
// price moves (stops trigger, limit orders fill), deposits (balanceUpdate), foreign orders placed
// as if by another app on the same account, faults, the stream (terminate, drop, close), the
// venue clock, the request log and a reset. Errors answer HTTP 400 {error, code?}.
import { Decimal } from 'decimal.js';
import { SimError } from '../sim-types.js';
import type { RestFaultRule } from '../faults.js';
import type { Params } from '../rest-params.js';
import { ocoRequest } from './oco.js';
import { orderRequest } from './order-request.js';
import { orderJson, orderListJson, tradeJson } from './payloads.js';
import { f8 } from './frames.js';
import type { SpotSimulator } from './server.js';

export class SpotControlApi {
  constructor(private readonly sim: SpotSimulator) {}

  handle(method: string, path: string, body: string, query: URLSearchParams): { status: number; body: unknown } {
    let input: Record<string, unknown>;
    try {
      input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      return { status: 400, body: { error: 'body must be JSON' } };
    }
    try {
      return { status: 200, body: this.route(method, path, input, query) };
    } catch (error) {
      if (error instanceof SimError) return { status: 400, body: { error: error.msg, code: error.code } };
      return { status: 400, body: { error: (error as Error).message } };
    }
  }

  private route(method: string, path: string, b: Record<string, unknown>, query: URLSearchParams): unknown {
    const { sim } = this;
    const e = sim.engine;
    switch (`${method} ${path}`) {
      case 'GET /state':
        return {
          balances: e.balances.all().map((r) => ({ asset: r.asset, free: f8(r.free), locked: f8(r.locked) })),
          prices: e.priceTable(),
          openOrders: e.openOrders().map(orderJson),
          orderLists: [...e.lists.values()].map((l) => orderListJson(l)),
          trades: e.trades.map(tradeJson),
          stream: sim.stream.describe(),
          faults: sim.faults.describe(),
        };
      case 'POST /price': // {"symbol","price"}: moves the last price; stops trigger, limit orders fill
        e.setPrice(String(b.symbol), String(b.price));
        return { symbol: b.symbol, price: e.lastPrice(String(b.symbol)).toString() };
      case 'POST /balance': { // {"asset","free"} sets the free balance, {"asset","delta"} adds: balanceUpdate + outboundAccountPosition
        const asset = String(b.asset ?? '');
        if (!asset) throw new Error('asset is required');
        const row = e.balances.get(asset);
        const delta = b.delta !== undefined ? new Decimal(String(b.delta)) : new Decimal(String(b.free)).minus(row.free);
        e.adjustBalance(asset, delta);
        return { asset, free: f8(row.free), locked: f8(row.locked), delta: f8(delta) };
      }
      case 'POST /manual-order': { // POST /api/v3/order's parameters (clientOrderId accepted for newClientOrderId); owner "manual"
        const p = asParams(b);
        if (p.clientOrderId && !p.newClientOrderId) p.newClientOrderId = p.clientOrderId;
        return orderJson(e.placeOrder(orderRequest(p, 'manual')).order);
      }
      case 'POST /manual-oco': // POST /api/v3/orderList/oco's parameters, placed by a foreign app
        return orderListJson(e.placeOco(ocoRequest(asParams(b), 'manual')), 'placed');
      case 'POST /faults': {
        if (Array.isArray(b.rest)) for (const rule of b.rest as RestFaultRule[]) sim.faults.addRest(rule);
        if (b.stream && typeof b.stream === 'object') Object.assign(sim.faults.stream, b.stream);
        if (typeof b.clockSkewMs === 'number') sim.faults.clockSkewMs = b.clockSkewMs;
        if (typeof b.forgetFinished === 'boolean') sim.faults.forgetFinished = b.forgetFinished;
        return sim.faults.describe();
      }
      case 'DELETE /faults':
        sim.faults.clear();
        return sim.faults.describe();
      case 'POST /stream/terminate': // eventStreamTerminated to every subscription; the sockets stay open
        return { terminated: sim.stream.terminateAll() };
      case 'POST /stream/drop':
        return { dropped: sim.stream.disconnectAll('drop') };
      case 'POST /stream/close':
        return { closed: sim.stream.disconnectAll('close') };
      case 'POST /clock': // {"advanceMs": N}: jumps the venue clock (archiving, history windows)
        if (b.advanceMs !== undefined) sim.clock.advance(Number(b.advanceMs));
        return { now: sim.clock.now(), offsetMs: sim.clock.offsetMs() };
      case 'GET /requests':
        return { records: sim.requests.since(Number(query.get('since') ?? 0) || 0), dropped: sim.requests.dropped };
      case 'DELETE /requests':
        sim.requests.clear();
        return { cleared: true };
      case 'POST /reset':
        sim.reset();
        return { reset: true };
      default:
        throw new Error(`no control route ${method} ${path}`);
    }
  }
}

function asParams(b: Record<string, unknown>): Params {
  return Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)]));
}
