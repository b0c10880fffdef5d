// Builds the settled view of one scope that the planner decides on.
import type { StoredOrder } from '../domain/account-state.js';
import { Decimal, ZERO } from '../domain/decimal.js';
import { baseLockedByOthers } from '../domain/spot-position.js';
import type { AppOrder, ScopeView } from '../domain/planner.js';
import { oppositeSide, type ScopeKey } from '../domain/scope.js';
import type { Slot } from '../domain/strategy.js';
import type { RuntimeCore } from './runtime-core.js';

/** The scope's app-owned orders among `orders` (default: every order routed to the scope). */
export function appOrdersOf(core: RuntimeCore, key: ScopeKey, orders: readonly StoredOrder[] = core.state.ordersOfScope(key)): AppOrder[] {
  const out: AppOrder[] = [];
  for (const order of orders) {
    const id = order.row.customOrderId;
    const ctx = id ? core.contexts.get(id) : undefined;
    // Ours only when both identities match the context (lesson 15).
    const sameOrder = !ctx?.exchangeOrderId || !order.row.exchangeOrderId || ctx.exchangeOrderId === order.row.exchangeOrderId;
    if (ctx && sameOrder && ctx.scopeKey === key && ctx.status !== 'terminal') out.push({ slot: ctx.slot as Slot, customOrderId: ctx.customOrderId, row: order.row });
  }
  return out;
}

/**
 * Spot: the part of the holding the app protects and averages into. Base asset other users' open
 * sells lock is theirs (an OCO for it would be refused for insufficient balance); futures positions
 * are the venue's own figure.
 */
function protectable(core: RuntimeCore, key: ScopeKey, size: Decimal, appOrders: readonly AppOrder[]): Decimal {
  if (core.config.product !== 'spot') return size;
  const ours = new Set(appOrders.map((o) => o.customOrderId));
  const others = core.state.ordersOfScope(key).map((o) => o.row).filter((row) => !row.customOrderId || !ours.has(row.customOrderId));
  const locked = baseLockedByOthers(others);
  return locked.isZero() ? size : Decimal.max(ZERO, size.sub(locked));
}

function unplaceableOf(core: RuntimeCore, key: ScopeKey, symbol: string): Pick<ScopeView, 'unplaceable'> {
  const u = core.unplaceable.get(key);
  if (!u) return {};
  const mark = core.marks.get(symbol);
  return { unplaceable: { slot: u.slot as 'SL' | 'TP', ...(mark ? { mark } : {}), fallback: core.config.protectionFallback ?? 'alert' } };
}

export function buildScopeView(core: RuntimeCore, key: ScopeKey): ScopeView {
  const scope = core.scopeOf(key);
  const position = core.state.positions.get(key);
  const pending = core.tracker.ofScope(key);
  const appOrders = appOrdersOf(core, key);
  let oppositeSideBusy = false;
  if (core.config.positionMode === 'one_way') {
    const other = core.keyOf(scope.symbol, oppositeSide(scope.managedSide));
    oppositeSideBusy = appOrdersOf(core, other).length > 0 || core.tracker.ofScope(other).length > 0;
  }
  return {
    side: scope.managedSide,
    product: core.config.product,
    strategy: core.config.strategy,
    trust: core.state.trustOf(key),
    recoveryRequired: core.needsRecovery(key),
    position: position ? { size: protectable(core, key, position.size, appOrders), entryPrice: position.entryPrice } : undefined,
    filters: core.state.filters.get(scope.symbol),
    appOrders,
    pending: pending.map((p) => ({ action: p.action, slot: p.slot as Slot, customOrderId: p.customOrderId })),
    consumedDcaSteps: core.contexts.consumedSteps(key),
    oppositeSideBusy: oppositeSideBusy && (position?.size ?? ZERO).gt(ZERO),
    exposureAllowed: core.modes.exposureAllowed(),
    closePositionStopsExclusive: core.venueRules.capabilities.closePositionStopsExclusive,
    closePositionStops: core.venueRules.capabilities.closePositionStops,
    stopsAmendable: core.venueRules.capabilities.stopsAmendable,
    // Issue 14: only venues whose protection is an order list (spot OCO) add the flag.
    ...(core.venueRules.capabilities.protectionOrderList ? { protectionOrderList: true } : {}),
    ...(core.venueRules.capabilities.amends === false ? { amends: false } : {}),
    ...unplaceableOf(core, key, scope.symbol),
  };
}
