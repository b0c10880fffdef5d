// Spot order-list routes (OCO): place (POST /api/v3/orderList/oco, the endpoint ccxt exposes as
// privatePostOrderListOco), query one (GET /api/v3/orderList by orderListId or origClientOrderId:
// -2013 "Order list does not exist."), the open ones, all of them, and cancel (DELETE
// /api/v3/orderList by orderListId or listClientOrderId: both legs CANCELED; -2011 when not open).
import { SimError } from '../sim-types.js';
import { intParam, need, type Params } from '../rest-params.js';
import type { ListRef } from './engine.js';
import { ocoRequest } from './oco.js';
import { orderListJson } from './payloads.js';
import type { SpotRestContext, SpotRoute } from './rest.js';

function listRef(p: Params, clientIdName: 'origClientOrderId' | 'listClientOrderId'): ListRef {
  const orderListId = intParam(p, 'orderListId');
  if (orderListId !== undefined) return { orderListId };
  const clientId = p[clientIdName];
  if (clientId) return { listClientOrderId: clientId };
  throw new SimError(-1102, `Param '${clientIdName}' or 'orderListId' must be sent, but both were empty!`);
}

export function listRoutes(ctx: SpotRestContext): SpotRoute[] {
  const e = ctx.engine;
  const route = (method: SpotRoute['method'], path: string, handler: SpotRoute['handler']): SpotRoute => ({ method, path, auth: 'signed', handler });
  return [
    route('POST', '/api/v3/orderList/oco', (p) => orderListJson(e.placeOco(ocoRequest(p)), 'placed')),
    route('GET', '/api/v3/orderList', (p) => {
      const list = e.findList(listRef(p, 'origClientOrderId'));
      if (!list) throw new SimError(-2013, 'Order list does not exist.');
      return orderListJson(list);
    }),
    route('GET', '/api/v3/openOrderList', () => e.openLists().map((l) => orderListJson(l))),
    route('GET', '/api/v3/allOrderList', (p) => {
      const limit = Math.min(intParam(p, 'limit') ?? 500, 1000);
      return [...e.lists.values()].slice(-limit).map((l) => orderListJson(l));
    }),
    route('DELETE', '/api/v3/orderList', (p) => {
      const done = e.cancelList(need(p, 'symbol'), listRef(p, 'listClientOrderId'));
      return orderListJson(done.list, done);
    }),
  ];
}
