// Spot order routes: place (POST /api/v3/order with newOrderRespType ACK/RESULT/FULL), query
// (GET /api/v3/order: -2013 when unknown or forgotten, -2026 when archived), open orders, all
// orders, cancel one (DELETE /api/v3/order: -2011 when not open) and cancel all of a symbol
// (DELETE /api/v3/openOrders: standalone orders and whole order lists).
import { SimError } from '../sim-types.js';
import { intParam, need, type Params } from '../rest-params.js';
import type { OrderRef } from './engine.js';
import { clientIdParam } from './filters.js';
import { allOrders } from './history.js';
import { defaultRespType, orderRequest } from './order-request.js';
import { cancelJson, orderJson, orderListJson, placementJson } from './payloads.js';
import type { SpotRestContext, SpotRoute } from './rest.js';
import { isOpenStatus, type SpotOrder } from './types.js';

export function orderRef(p: Params): OrderRef {
  const orderId = intParam(p, 'orderId');
  if (orderId !== undefined) return { orderId };
  if (p.origClientOrderId) return { clientOrderId: p.origClientOrderId };
  throw new SimError(-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty!");
}

export function orderRoutes(ctx: SpotRestContext): SpotRoute[] {
  const e = ctx.engine;
  const route = (method: SpotRoute['method'], path: string, handler: SpotRoute['handler']): SpotRoute => ({ method, path, auth: 'signed', handler });
  /** Whether a finished order is still served by the query endpoints. */
  const served = (o: SpotOrder) => isOpenStatus(o.status) || (!ctx.forgetFinished() && !e.archived(o, ctx.venueNow()));
  return [
    route('POST', '/api/v3/order', (p) => {
      const req = orderRequest(p);
      const { order, fills } = e.placeOrder(req);
      return placementJson(order, fills, req.respType ?? defaultRespType(req.type));
    }),
    route('GET', '/api/v3/order', (p) => {
      const symbol = e.spec(need(p, 'symbol')).symbol;
      const o = e.findOrder(symbol, orderRef(p));
      if (o && !isOpenStatus(o.status) && !ctx.forgetFinished() && e.archived(o, ctx.venueNow())) {
        throw new SimError(-2026, 'Order was canceled or expired with no executed qty over 90 days ago and has been archived.');
      }
      if (!o || !served(o)) throw new SimError(-2013, 'Order does not exist.');
      return orderJson(o);
    }),
    route('GET', '/api/v3/openOrders', (p) => e.openOrders(p.symbol ? e.spec(p.symbol).symbol : undefined).map(orderJson)),
    route('GET', '/api/v3/allOrders', (p) => allOrders(e, e.spec(need(p, 'symbol')).symbol, p, served).map(orderJson)),
    route('DELETE', '/api/v3/order', (p) => cancelJson(e.cancelOrder(need(p, 'symbol'), orderRef(p), clientIdParam(p, 'newClientOrderId')))),
    route('DELETE', '/api/v3/openOrders', (p) => e.cancelAll(need(p, 'symbol')).map((c) => ('list' in c ? orderListJson(c.list, c) : cancelJson(c)))),
  ];
}
