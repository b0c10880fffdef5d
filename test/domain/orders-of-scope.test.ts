// A scope's pass reads "the open orders of this scope" (issue 13: an index, not a scan of the
// account). Whatever path a row takes (stream row, terminal row, REST snapshot that adds, keeps or
// drops orders, a row that first arrives unrouted and is routed later), the answer must be exactly
// the open orders routed to that scope: never another scope's order (the planner would cancel or
// count it as its own), never a closed one, never one missing.
import fc from 'fast-check';
import { AccountState, type StoredOrder } from '../../src/domain/account-state.js';
import { Decimal } from '../../src/domain/decimal.js';
import type { OrderRow } from '../../src/domain/rows.js';

const d = (s: string) => new Decimal(s);
const LONG = 'generic:linear:BTCUSDT:LONG';
const SHORT = 'generic:linear:BTCUSDT:SHORT';
const ETH = 'generic:linear:ETHUSDT:LONG';
const SCOPES = [LONG, SHORT, ETH] as const;
const symbolOf = (key: string) => key.split(':')[2]!;
const sideOf = (key: string) => key.split(':')[3] as 'LONG' | 'SHORT';

const row = (id: number, scope: string, over: Partial<OrderRow> = {}): OrderRow => ({
  kind: 'order', symbol: symbolOf(scope), managedSide: sideOf(scope), customOrderId: `c${id}`, exchangeOrderId: `x${id}`,
  side: 'SELL', type: 'LIMIT', status: 'NEW', price: d('1'), qty: d('1'), ...over,
});
const ids = (orders: StoredOrder[]) => orders.map((o) => o.row.customOrderId).sort();

describe('ordersOfScope: exactly the open orders routed to the scope', () => {
  test('orders of other scopes and of the other side never show up', () => {
    const s = new AccountState('linear');
    s.applyOrder(row(1, LONG), LONG);
    s.applyOrder(row(2, SHORT), SHORT);
    s.applyOrder(row(3, ETH), ETH);
    expect(ids(s.ordersOfScope(LONG))).toEqual(['c1']);
    expect(ids(s.ordersOfScope(SHORT))).toEqual(['c2']);
    expect(ids(s.ordersOfScope(ETH))).toEqual(['c3']);
  });

  test('a filled or cancelled order leaves its scope at once', () => {
    const s = new AccountState('linear');
    s.applyOrder(row(1, LONG), LONG);
    s.applyOrder(row(2, LONG), LONG);
    s.applyOrder(row(1, LONG, { status: 'FILLED', filledQty: d('1') }), LONG);
    s.applyOrder(row(2, LONG, { status: 'CANCELED' }), LONG);
    expect(s.ordersOfScope(LONG)).toEqual([]);
  });

  test('an order first seen without a scope joins the scope it is later routed to', () => {
    const s = new AccountState('linear');
    s.applyOrder(row(1, LONG), undefined);
    expect(s.ordersOfScope(LONG)).toEqual([]);
    s.applyOrder(row(1, LONG, { status: 'PARTIALLY_FILLED', filledQty: d('0.5') }), LONG);
    expect(ids(s.ordersOfScope(LONG))).toEqual(['c1']);
  });

  test('a snapshot that no longer lists an order drops it from its scope; one that lists a new order adds it', () => {
    const s = new AccountState('linear');
    s.applyOrder(row(1, LONG), LONG);
    const scopeOfOrder = (r: OrderRow) => `generic:linear:${r.symbol}:${r.managedSide}`;
    s.applySnapshot({ openOrders: [row(2, LONG)] }, () => true, scopeOfOrder, () => LONG, s.fence());
    expect(ids(s.ordersOfScope(LONG))).toEqual(['c2']);
  });

  test('property: after any sequence of rows and snapshots, the answer equals the orders routed to the scope', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('row' as const), id: fc.integer({ min: 1, max: 6 }), scope: fc.constantFrom(...SCOPES), routed: fc.boolean(),
        status: fc.constantFrom('NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED') }),
      fc.record({ kind: fc.constant('snapshot' as const), listed: fc.array(fc.record({ id: fc.integer({ min: 1, max: 6 }), scope: fc.constantFrom(...SCOPES) }), { maxLength: 4 }),
        covered: fc.subarray([...SCOPES]) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
      const s = new AccountState('linear');
      for (const o of ops) {
        if (o.kind === 'row') {
          s.applyOrder(row(o.id, o.scope, { status: o.status, ...(o.status === 'NEW' ? {} : { filledQty: d(o.status === 'CANCELED' || o.status === 'EXPIRED' ? '0' : '0.5') }) }), o.routed ? o.scope : undefined);
        } else {
          const scopeOfOrder = (r: OrderRow) => `generic:linear:${r.symbol}:${r.managedSide}`;
          const covers = (key: string | undefined, symbol: string) => (key ? o.covered.includes(key as never) : o.covered.some((k) => symbolOf(k) === symbol));
          s.applySnapshot({ openOrders: o.listed.map((l) => row(l.id, l.scope)) }, covers, scopeOfOrder, () => LONG, s.fence());
        }
      }
      for (const scope of SCOPES) {
        const expected = [...s.orders.values()].filter((x) => x.scopeKey === scope);
        expect(s.ordersOfScope(scope).map((x) => x.key).sort()).toEqual(expected.map((x) => x.key).sort());
      }
    }), { numRuns: 300, seed: Number(process.env.FC_SEED ?? 7) });
  });
});
