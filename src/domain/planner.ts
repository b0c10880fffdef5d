// The planner: one settled view of a scope in, ONE action family and its mutations out.
// Priority: recovery > cleanup > protective > dca; else noop, or blocked when evidence or
// configuration is missing. Pure and synchronous: no I/O, no clock, no randomness.
import { Decimal, ZERO } from './decimal.js';
import { filterFailure, geometryFailures, quantizeLevels, rawLevels } from './geometry.js';
import { amendable, amendIntentFor, equivalent, type OrderIntent } from './order-intent.js';
import type { Filters, ManagedOrderType, OrderRow } from './rows.js';
import { entrySide, exitSide, type ManagedSide, type Product } from './scope.js';
import { configuredProtectiveSlots, dcaSlot, dcaStepOf, type Slot, type Strategy } from './strategy.js';
import type { ScopeTrust } from './trust.js';

export type ActionFamily = 'recovery' | 'cleanup' | 'protective' | 'dca' | 'noop' | 'blocked';

export interface AppOrder {
  slot: Slot;
  customOrderId: string;
  row: OrderRow;
}

export interface PendingMutation {
  action: 'place' | 'amend' | 'cancel';
  slot: Slot;
  /** The placed order's id, or the target's id for amend and cancel. */
  customOrderId: string;
}

export interface ScopeView {
  side: ManagedSide;
  product: Product;
  strategy: Strategy;
  trust: ScopeTrust;
  recoveryRequired: boolean;
  position?: { size: Decimal; entryPrice: Decimal };
  filters?: Filters;
  appOrders: AppOrder[];
  pending: PendingMutation[];
  /** DCA steps already consumed in this position's life (a filled step is never placed again). */
  consumedDcaSteps: number;
  /** One-way mode: the other side still has app orders or pending work to clean first. */
  oppositeSideBusy: boolean;
  /** The account's system mode allows new exposure (false in DEGRADED and PAUSED; absent: allowed). */
  exposureAllowed?: boolean;
  /** The venue refused this protection for a market-state reason: what the mark says now, and the fallback. */
  unplaceable?: { slot: 'SL' | 'TP'; mark?: Decimal; fallback: 'alert' | 'close' };
  /**
   * The venue refuses a second close-position stop on one side (a venue capability). Absent:
   * assumed, the safe reading (the replacement form is a valid protection on every venue).
   */
  closePositionStopsExclusive?: boolean;
  /**
   * The venue has a stop that closes whatever position is open (Binance `closePosition`). Without
   * one (Bybit V5: a conditional order always carries a quantity) the SL is a reduce-only stop for
   * the whole position, replaced when the position changes. Absent: the venue has one.
   */
  closePositionStops?: boolean;
  /** The venue amends an untriggered stop's trigger price and quantity in place (Bybit V5). Absent: it cannot; the stop is replaced. */
  stopsAmendable?: boolean;
  /**
   * Issue 14 (spot OCO): protection is one venue order list (a venue capability). Its legs are
   * never amended; a leg to change means the open list is cancelled first (cancelling one leg
   * cancels the list, and the open list locks the base asset a new one needs), then the SL and TP
   * are placed together (the runtime pairs them into one request). Absent: each slot stands alone.
   */
  protectionOrderList?: boolean;
  /** Issue 14: false where the venue cannot amend (Binance spot): a DCA step to move is cancelled, then placed again. Absent: it can. */
  amends?: boolean;
}

export type Mutation =
  | { action: 'place'; slot: Slot; intent: OrderIntent }
  | { action: 'amend'; slot: Slot; target: string; intent: OrderIntent }
  | { action: 'cancel'; slot: Slot; target: string; intent: OrderIntent };

export interface PlanBlock {
  slot?: Slot;
  reason: string;
}

export interface Plan {
  family: ActionFamily;
  mutations: Mutation[];
  blocks: PlanBlock[];
  /** Why the family was chosen when it carries no mutation (noop, blocked, recovery). */
  note?: string;
}

const plan = (family: ActionFamily, mutations: Mutation[] = [], blocks: PlanBlock[] = [], note?: string): Plan => ({ family, mutations, blocks, note });

export function planScope(view: ScopeView): Plan {
  if (view.recoveryRequired) return plan('recovery', [], [], 'recovery_required');
  if (view.trust.order !== 'trusted') return plan('blocked', [], [{ reason: 'order_state_untrusted' }]);

  const size = view.position?.size ?? ZERO;
  const flat = size.lte(ZERO);
  if (view.position && view.trust.position !== 'trusted') {
    return plan('blocked', [], [{ reason: 'awaiting_position_update' }]);
  }

  const pendingSlots = new Set(view.pending.map((p) => p.slot));
  const pendingCancelTargets = new Set(view.pending.filter((p) => p.action === 'cancel').map((p) => p.customOrderId));
  const cancel = (o: AppOrder): Mutation => ({ action: 'cancel', slot: o.slot, target: o.customOrderId, intent: intentOfRow(o) });

  if (flat) {
    const cancels = view.appOrders.filter((o) => !pendingCancelTargets.has(o.customOrderId)).map(cancel);
    if (cancels.length > 0) return plan('cleanup', cancels);
    return plan('noop', [], [], view.appOrders.length > 0 ? 'awaiting_cleanup_confirmation' : 'flat');
  }
  if (view.oppositeSideBusy) return plan('blocked', [], [{ reason: 'awaiting_opposite_side_cleanup' }]);
  if (!view.filters || view.trust.filter !== 'trusted') return plan('blocked', [], [{ reason: 'filters_missing' }]);

  const entry = view.position!.entryPrice;
  const desired = desiredOrders(view, size, entry, view.filters);
  const satisfies = (slot: Slot, row: OrderRow): boolean => {
    const want = desired.intents.get(slot);
    const alternate = desired.alternates.get(slot);
    return (want !== undefined && equivalent(want, row)) || (alternate !== undefined && equivalent(alternate, row));
  };

  // Cleanup: app orders of slots the strategy no longer has, and orders superseded by a
  // trusted equivalent in the same slot (e.g. the old SL once its replacement is confirmed).
  const stale: AppOrder[] = [];
  for (const order of view.appOrders) {
    if (pendingCancelTargets.has(order.customOrderId) || pendingSlots.has(order.slot)) continue;
    const want = desired.intents.get(order.slot);
    const step = dcaStepOf(order.slot);
    const unconfigured = !want && (step === undefined || step > view.strategy.dca.length) && !desired.blocks.has(order.slot);
    const superseded = want !== undefined && !satisfies(order.slot, order.row) &&
      view.appOrders.some((o) => o !== order && o.slot === order.slot && satisfies(order.slot, o.row));
    const duplicate = want !== undefined && satisfies(order.slot, order.row) &&
      view.appOrders.some((o) => o !== order && o.slot === order.slot && satisfies(order.slot, o.row) && o.customOrderId < order.customOrderId);
    // A close-position SL at the wrong level with no whole-position form to place beside it:
    // the venue takes no second close-position stop, so the old one goes first (cancel, then place).
    // (Another order of the slot already satisfying it makes this one `superseded` above.)
    const blocksItsReplacement = want?.closePosition === true && order.row.closePosition === true && !desired.alternates.has(order.slot) &&
      !satisfies(order.slot, order.row);
    // Two or more orders in one slot and none is what the slot wants: one is kept (amended or
    // replaced next), the rest go first; amending one while the others stay open would add to
    // what they already cover (two TPs of 0.01 on 0.011: amending one to 0.011 leaves 0.021 open).
    const surplus = want !== undefined && !satisfies(order.slot, order.row) &&
      !view.appOrders.some((o) => o.slot === order.slot && satisfies(order.slot, o.row)) &&
      view.appOrders.some((o) => o !== order && o.slot === order.slot && !pendingCancelTargets.has(o.customOrderId) && o.customOrderId < order.customOrderId);
    if (unconfigured || superseded || duplicate || blocksItsReplacement || surplus) stale.push(order);
  }
  if (stale.length > 0) return plan('cleanup', stale.map(cancel));

  // Protection first.
  const protective: Mutation[] = [];
  const blocks: PlanBlock[] = [];
  let protectionTrusted = true;
  for (const slot of configuredProtectiveSlots(view.strategy)) {
    const block = desired.blocks.get(slot);
    if (block) {
      blocks.push({ slot, reason: block });
      protectionTrusted = false;
      continue;
    }
    const want = desired.intents.get(slot)!;
    const active = view.appOrders.filter((o) => o.slot === slot);
    if (pendingSlots.has(slot)) {
      protectionTrusted = false;
      continue;
    }
    if (active.some((o) => satisfies(slot, o.row))) continue;
    protectionTrusted = false;
    if (view.unplaceable?.slot === slot) {
      // The venue refused this protection for a market-state reason (lesson 18).
      if (view.unplaceable.fallback === 'close') {
        // Spot has no reduce-only: the close is a plain sell of the holding.
        protective.push({ action: 'place', slot, intent: { slot, side: exitSide(view.side), type: 'MARKET', qty: desired.closeQty, ...(view.product === 'spot' ? {} : { reduceOnly: true }) } });
        continue;
      }
      if (!placeableAt(view.side, slot, want, view.unplaceable.mark)) {
        blocks.push({ slot, reason: 'protection_unplaceable' });
        continue;
      }
    }
    // Issue 14: the legs of an order list are never amended (the list is replaced whole).
    const amendTarget = view.protectionOrderList || view.amends === false ? undefined : active.find((o) => amendable(want, o.row, view.stopsAmendable === true));
    if (amendTarget) protective.push({ action: 'amend', slot, target: amendTarget.customOrderId, intent: amendIntentFor(want, amendTarget.row) });
    else protective.push({ action: 'place', slot, intent: replacementFor(want, desired.alternates.get(slot), view.appOrders, view.closePositionStopsExclusive !== false) });
  }
  const closing = protective.find((m) => m.action === 'place' && m.intent.type === 'MARKET');
  if (closing && view.protectionOrderList) {
    // The fallback close sells the whole holding: nothing else may lock the base asset it sells.
    protective.splice(0, protective.length, closing);
  }
  if (protective.length > 0 && view.protectionOrderList) {
    // Issue 14: a protective order list to replace is cancelled first (the new list needs the
    // base asset the open one locks); the next pass places the SL and TP together.
    const open = view.appOrders.filter((o) => (o.slot === 'SL' || o.slot === 'TP') && !pendingCancelTargets.has(o.customOrderId));
    if (open.length > 0) return plan('cleanup', open.map(cancel), blocks);
  }
  if (protective.length > 0) return plan('protective', protective, blocks);
  if (!protectionTrusted) {
    return blocks.length > 0 ? plan('blocked', [], blocks) : plan('noop', [], [], 'awaiting_protection_confirmation');
  }

  // Exposure last: one pending next step at a time, consumed for the life of the position.
  const dcaOrders = view.appOrders.filter((o) => dcaStepOf(o.slot) !== undefined);
  const dcaPending = view.pending.some((p) => dcaStepOf(p.slot) !== undefined);
  if (dcaPending) return plan('noop', [], [], 'awaiting_dca_confirmation');
  // Any open DCA order holds the ladder, even one whose own level is now blocked: the next step
  // never goes out while an earlier one can still fill.
  for (const order of dcaOrders) {
    const want = desired.intents.get(order.slot);
    if (want && !equivalent(want, order.row) && amendable(want, order.row)) {
      // Issue 14: without amend (spot) the step is cancelled; the next pass places it at the new level.
      if (view.amends === false) return plan('cleanup', [cancel(order)]);
      return plan('dca', [{ action: 'amend', slot: order.slot, target: order.customOrderId, intent: want }]);
    }
    return plan('noop', [], [], 'dca_step_active');
  }
  const next = view.consumedDcaSteps + 1;
  if (next > view.strategy.dca.length) return plan('noop', [], [], 'dca_ladder_complete');
  if (view.exposureAllowed === false) return plan('noop', [], [], 'exposure_held_by_system_mode');
  const slot = dcaSlot(next);
  const block = desired.blocks.get(slot);
  if (block) return plan('blocked', [], [{ slot, reason: block }]);
  return plan('dca', [{ action: 'place', slot, intent: desired.intents.get(slot)! }]);
}

/**
 * Where the venue refuses a second close-position stop on one side (its plug-in's
 * `closePositionStopsExclusive` capability), an SL that replaces a close-position SL still open on
 * that side goes out as a reduce-only stop for the whole position (the alternate form): the old stop keeps protecting until the new one is confirmed, and the
 * next replacement goes out as a close-position stop again. Cancel-first would leave the position
 * without a stop for a round trip, and forever if the process died in between.
 */
function replacementFor(want: OrderIntent, alternate: OrderIntent | undefined, appOrders: AppOrder[], exclusive: boolean): OrderIntent {
  if (!want.closePosition || !alternate || !exclusive) return want;
  const closePositionOpen = appOrders.some((o) => o.row.closePosition === true && o.row.side === want.side);
  return closePositionOpen ? alternate : want;
}

interface Desired {
  intents: Map<Slot, OrderIntent>;
  /** A second form that protects as well as the intent (the whole-position reduce-only SL). */
  alternates: Map<Slot, OrderIntent>;
  blocks: Map<Slot, string>;
  /** The whole position, quantized down: what a closing order takes. */
  closeQty: Decimal;
}

/**
 * Whether a stop would rest (not trigger at once) at this mark: a long's SL sells below the mark,
 * its TP above; a short mirrors it. No mark read yet: not known to be placeable.
 */
function placeableAt(side: ManagedSide, slot: Slot, want: OrderIntent, mark: Decimal | undefined): boolean {
  const level = want.triggerPrice ?? want.price;
  if (!mark || !level) return false;
  const below = (side === 'LONG') === (slot === 'SL');
  return below ? mark.gt(level) : mark.lt(level);
}

function desiredOrders(view: ScopeView, size: Decimal, entry: Decimal, filters: Filters): Desired {
  const intents = new Map<Slot, OrderIntent>();
  const alternates = new Map<Slot, OrderIntent>();
  const blocks = new Map<Slot, string>();
  const levels = quantizeLevels(rawLevels(view.side, entry, size, view.strategy), filters, size);
  const geometry = geometryFailures(view.side, entry, levels);
  const native = view.product !== 'spot';
  const exit = exitSide(view.side);

  if (levels.sl !== undefined) {
    const failure = geometry.get('SL') ?? (native ? undefined : filterFailure(filters, undefined, levels.closeQty, false));
    if (failure) blocks.set('SL', failure);
    else if (native && view.closePositionStops === false) {
      const wholePosition = filterFailure(filters, undefined, levels.closeQty, false);
      if (wholePosition) blocks.set('SL', wholePosition);
      else intents.set('SL', { slot: 'SL', side: exit, type: 'STOP_MARKET', triggerPrice: levels.sl, qty: levels.closeQty, reduceOnly: true });
    } else if (native) {
      intents.set('SL', { slot: 'SL', side: exit, type: 'STOP_MARKET', triggerPrice: levels.sl, closePosition: true });
      // The whole position, reduce-only: used while a close-position SL is still open (see replacementFor);
      // only where the venue's filters accept that quantity (a dust position has no such form).
      if (!filterFailure(filters, undefined, levels.closeQty, false)) alternates.set('SL', { slot: 'SL', side: exit, type: 'STOP_MARKET', triggerPrice: levels.sl, qty: levels.closeQty, reduceOnly: true });
    } else intents.set('SL', { slot: 'SL', side: exit, type: 'STOP_MARKET', triggerPrice: levels.sl, qty: levels.closeQty });
  }
  if (levels.tp !== undefined) {
    const failure = geometry.get('TP') ?? filterFailure(filters, levels.tp, levels.closeQty, false);
    if (failure) blocks.set('TP', failure);
    else intents.set('TP', { slot: 'TP', side: exit, type: 'LIMIT', price: levels.tp, qty: levels.closeQty, ...(native ? { reduceOnly: true } : {}) });
  }
  levels.dca.forEach((step, i) => {
    const slot = dcaSlot(i + 1);
    const failure = geometry.get(slot) ?? filterFailure(filters, step.price, step.qty, true);
    if (failure) blocks.set(slot, failure);
    else intents.set(slot, { slot, side: entrySide(view.side), type: 'LIMIT', price: step.price, qty: step.qty });
  });
  return { intents, alternates, blocks, closeQty: levels.closeQty };
}

function intentOfRow(order: AppOrder): OrderIntent {
  const r = order.row;
  return {
    // App orders are orders exstate placed, so their type is one it manages.
    slot: order.slot, side: r.side, type: r.type as ManagedOrderType, price: r.price, triggerPrice: r.triggerPrice, qty: r.qty,
    reduceOnly: r.reduceOnly, closePosition: r.closePosition,
  };
}
