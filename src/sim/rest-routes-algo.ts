// Conditional (algo) order routes (trade/rest-api New-Algo-Order, Query-Algo-Order,
// Current-All-Algo-Open-Orders, Query-All-Algo-Orders, Cancel-Algo-Order, Cancel-All-Algo-Open-Orders).
import { SimError } from './sim-types.js';
import { allAlgoOrders } from './history.js';
import { algoJson } from './payloads.js';
import { algoServed } from './retention.js';
import { algoRef, need, orderRequest } from './rest-params.js';
import { bySymbol, type RestContext, type RouteDef } from './rest-route.js';

/**
 * New-Algo-Order costs "0 on IP rate limit"; its page says nothing of the order limiters, and the
 * simulator counts it as one order on each (a conditional order is still an order placed).
 */
const ONE_ORDER = { tenSec: 1, minute: 1 };

export function algoRoutes(ctx: RestContext): RouteDef[] {
  const e = ctx.engine;
  const priv = (method: RouteDef['method'], path: string, weight: RouteDef['weight'], handler: RouteDef['handler'], orders?: RouteDef['orders']): RouteDef =>
    ({ method, path, auth: 'signed', weight, handler, ...(orders ? { orders } : {}) });
  return [
    priv('GET', '/fapi/v1/openAlgoOrders', bySymbol(40), (p) => e.openAlgoList(p.symbol || undefined).map(algoJson)),
    priv('GET', '/fapi/v1/algoOrder', 1, (p) => {
      const a = e.findAlgo(algoRef(p));
      // Query-Algo-Order: finished algo orders past the retention windows "will not be found".
      if (!a || !algoServed(a, ctx.venueNow(), ctx.forgetFinished())) throw new SimError(-2013, 'Order does not exist.');
      return algoJson(a);
    }),
    priv('POST', '/fapi/v1/algoOrder', 0, (p) => {
      if (p.algoType !== 'CONDITIONAL') throw new SimError(-1116, 'Invalid algoType.');
      return algoJson(e.placeAlgo(orderRequest(p, p.clientAlgoId)));
    }, ONE_ORDER),
    priv('DELETE', '/fapi/v1/algoOrder', 1, (p) => algoJson(e.cancelAlgo(algoRef(p)))),
    priv('DELETE', '/fapi/v1/algoOpenOrders', 1, (p) => {
      e.cancelAllAlgo(need(p, 'symbol'));
      return { code: 200, msg: 'The operation of cancel all open order is done.' };
    }),
    priv('GET', '/fapi/v1/allAlgoOrders', 5, (p) => allAlgoOrders(e, p, ctx.venueNow(), ctx.forgetFinished())),
  ];
}
