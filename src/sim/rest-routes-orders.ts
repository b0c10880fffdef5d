// Regular order routes (trade/rest-api pages; weights and order-limit costs from each page):
// place, modify, cancel, query, open orders, all orders, batches, fills.
import { isOpen } from './engine.js';
import { SimError } from './sim-types.js';
import { allOrders, userTrades } from './history.js';
import { orderJson } from './payloads.js';
import { orderServed } from './retention.js';
import { batchItems, listParam, need, orderRef, orderRequest, type Params } from './rest-params.js';
import { bySymbol, type RestContext, type RouteDef } from './rest-route.js';

/** New-Order and Modify-Order: 1 on each order limiter, 0 IP weight. */
const ONE_ORDER = { tenSec: 1, minute: 1 };
/** Place-Multiple-Orders: 5 on the 10 s limiter, 1 on the minute one. */
const BATCH = { tenSec: 5, minute: 1 };

/** A rejection inside a batch answer, in place of the order: `{code, msg}`. */
function each<T>(items: T[], run: (item: T) => unknown): unknown[] {
  return items.map((item) => {
    try {
      return run(item);
    } catch (error) {
      if (error instanceof SimError) return { code: error.code, msg: error.msg };
      throw error;
    }
  });
}

export function orderRoutes(ctx: RestContext): RouteDef[] {
  const e = ctx.engine;
  const priv = (method: RouteDef['method'], path: string, weight: RouteDef['weight'], handler: RouteDef['handler'], orders?: RouteDef['orders']): RouteDef =>
    ({ method, path, auth: 'signed', weight, handler, ...(orders ? { orders } : {}) });
  const served = (p: Params) => {
    const o = e.findOrder(need(p, 'symbol'), orderRef(p));
    // Query-Order: finished orders past the retention windows "will not be found".
    if (!o || !orderServed(o, ctx.venueNow(), ctx.forgetFinished())) throw new SimError(-2013, 'Order does not exist.');
    return o;
  };
  return [
    priv('GET', '/fapi/v1/openOrders', bySymbol(40), (p) => e.openOrderList(p.symbol || undefined).map(orderJson)),
    // Query-Current-Open-Order: "If the queried order has been filled or cancelled, the error
    // message "Order does not exist" will be returned."
    priv('GET', '/fapi/v1/openOrder', 1, (p) => {
      const o = e.findOrder(need(p, 'symbol'), orderRef(p));
      if (!o || !isOpen(o.status)) throw new SimError(-2013, 'Order does not exist.');
      return orderJson(o);
    }),
    priv('GET', '/fapi/v1/order', 1, (p) => orderJson(served(p))),
    priv('POST', '/fapi/v1/order', 0, (p) => orderJson(e.placeOrder(orderRequest(p))), ONE_ORDER),
    priv('PUT', '/fapi/v1/order', 0, (p) => orderJson(e.amendOrder(need(p, 'symbol'), orderRef(p), p.quantity, p.price)), ONE_ORDER),
    priv('DELETE', '/fapi/v1/order', 1, (p) => orderJson(e.cancelOrder(need(p, 'symbol'), orderRef(p)))),
    priv('DELETE', '/fapi/v1/allOpenOrders', 1, (p) => {
      e.cancelAll(need(p, 'symbol'));
      return { code: 200, msg: 'The operation of cancel all open order is done.' };
    }),
    priv('GET', '/fapi/v1/allOrders', 5, (p) => allOrders(e, p, ctx.venueNow(), ctx.forgetFinished())),
    // Place-Multiple-Orders: at most 5; "The order of returned contents for batch orders is the same
    // as the order of the order list", a rejected one as {code, msg} in its place.
    priv('POST', '/fapi/v1/batchOrders', 5, (p) => {
      const items = batchItems(p);
      if (items.length < 1 || items.length > 5) throw new SimError(-4082, `Invalid number of batch place orders: ${items.length}`);
      return each(items, (item) => orderJson(e.placeOrder(orderRequest(item))));
    }, BATCH),
    // Cancel-Multiple-Orders: orderIdList or origClientOrderIdList, at most 10; -2011 per unknown order.
    priv('DELETE', '/fapi/v1/batchOrders', 1, (p) => {
      const symbol = need(p, 'symbol');
      const ids = listParam(p, 'orderIdList');
      const clientIds = listParam(p, 'origClientOrderIdList');
      const refs: Array<{ orderId?: number; clientOrderId?: string }> | undefined = ids ? ids.map((id) => ({ orderId: Number(id) })) : clientIds?.map((c) => ({ clientOrderId: String(c) }));
      if (!refs) throw new SimError(-1102, 'Either orderIdList or origClientOrderIdList must be sent.');
      if (refs.length < 1 || refs.length > 10) throw new SimError(-1130, `Data sent for parameter '${ids ? 'orderIdList' : 'origClientOrderIdList'}' is not valid.`);
      return each(refs, (ref) => orderJson(e.cancelOrder(symbol, ref)));
    }),
    priv('GET', '/fapi/v1/userTrades', 5, (p) => userTrades(e, p, ctx.venueNow())),
  ];
}
