// Signed routes: the unified wallet, positions, executions, order queries and the order requests
// (account/wallet-balance, position, position/execution and order/* pages).
import { positionList, walletBalance } from './account-rows.js';
import { executionList } from './executions.js';
import { history, realtime, type QueryContext } from './order-queries.js';
import type { BybitContext, BybitRoute } from './route.js';
import { amendOrder, cancelAll, cancelOrder, createOrder } from './trading.js';

export function privateRoutes(ctx: BybitContext): BybitRoute[] {
  const q: QueryContext = ctx;
  const get = (path: string, handler: BybitRoute['handler']): BybitRoute => ({ method: 'GET', path, auth: 'signed', handler });
  const post = (path: string, handler: BybitRoute['handler']): BybitRoute => ({ method: 'POST', path, auth: 'signed', order: true, handler });
  return [
    get('/v5/account/wallet-balance', (p) => walletBalance(ctx, p)),
    get('/v5/position/list', (p) => positionList(ctx, p)),
    get('/v5/execution/list', (p) => executionList(ctx, p)),
    get('/v5/order/realtime', (p) => realtime(q, p)),
    get('/v5/order/history', (p) => history(q, p)),
    post('/v5/order/create', (p) => createOrder(q, p)),
    post('/v5/order/amend', (p) => amendOrder(q, p)),
    post('/v5/order/cancel', (p) => cancelOrder(q, p)),
    post('/v5/order/cancel-all', (p) => cancelAll(q, p)),
  ];
}
