// Binance payloads (stream and REST, read from ccxt's `info`) -> the runtime's normalized rows.
// Money stays decimal: every figure is taken from the raw string, never from ccxt's floats. A
// malformed figure throws an error naming the field and the value (the stream turns it into a
// `malformed` item); types the venue reports but exstate never places keep their own names.
import { Decimal } from '../../domain/decimal.js';
import type { BalanceRow, ExecutionRow, Filters, OrderRow, OrderStatus, OrderType, PositionRow, RowSide } from '../../domain/rows.js';
import type { JournalFields } from '../../runtime/journal-catalogue.js';
import { optionalDecimal as dec, rawDecimal as num, rawOrderSide as orderSide, rawText as text, rawTime as time } from '../raw-fields.js';

type Raw = Record<string, unknown>;

export const CONDITIONAL_TYPES: ReadonlySet<string> = new Set(['STOP_MARKET', 'TAKE_PROFIT_MARKET', 'STOP', 'TAKE_PROFIT']);

/** Algo (conditional) order ids live in their own namespace; prefix them to keep ids distinct. */
export const algoOrderId = (id: unknown) => `algo-${String(id)}`;

function side(ps: unknown): RowSide {
  return ps === 'LONG' || ps === 'SHORT' ? ps : 'BOTH';
}

/** In hedge mode the side tells whether an order closes: Binance echoes R=false for those. */
function reduceOnlyOf(raw: unknown, orderSide: unknown, ps: unknown): boolean {
  if (raw === true || raw === 'true') return true;
  return (ps === 'LONG' && orderSide === 'SELL') || (ps === 'SHORT' && orderSide === 'BUY');
}

// NEW_INSURANCE / NEW_ADL: liquidation orders the venue opened (insurance fund, ADL counterparty).
const ORDER_STATUS: Record<string, OrderStatus> = {
  NEW: 'NEW', PARTIALLY_FILLED: 'PARTIALLY_FILLED', FILLED: 'FILLED', CANCELED: 'CANCELED', EXPIRED: 'EXPIRED', EXPIRED_IN_MATCH: 'EXPIRED', REJECTED: 'REJECTED',
  NEW_INSURANCE: 'NEW', NEW_ADL: 'NEW',
};

const ALGO_STATUS: Record<string, OrderStatus> = {
  NEW: 'NEW', TRIGGERING: 'NEW', TRIGGERED: 'TRIGGERED', FINISHED: 'TRIGGERED', CANCELED: 'CANCELED', EXPIRED: 'EXPIRED', REJECTED: 'REJECTED',
};

/** A status the venue sent that exstate does not know is a malformed row, never a guess. */
function statusOf(table: Record<string, OrderStatus>, value: unknown, field: string): OrderStatus {
  const status = table[String(value)];
  if (!status) throw new Error(`${field}: unknown order status (got ${JSON.stringify(value)})`);
  return status;
}

const MANAGED_TYPES: ReadonlySet<string> = new Set(['LIMIT', 'MARKET', 'STOP_MARKET', 'TAKE_PROFIT_MARKET', 'STOP', 'TAKE_PROFIT']);

/** Binance's client ids for the orders its risk engine sends on the account's behalf. */
const isAdl = (clientId: unknown) => typeof clientId === 'string' && clientId.startsWith('adl_autoclose');
const isLiquidation = (clientId: unknown) => typeof clientId === 'string' && (clientId.startsWith('autoclose-') || isAdl(clientId));

/**
 * The venue's type, kept for what it is: an ADL or liquidation order, a trailing stop or a type
 * exstate does not know is never read as a MARKET order (venueType keeps an unknown name).
 */
function orderType(v: unknown, clientId: unknown): { type: OrderType; venueType?: string } {
  const t = String(v);
  if (isAdl(clientId)) return { type: 'ADL' };
  if (t === 'LIQUIDATION' || (typeof clientId === 'string' && clientId.startsWith('autoclose-'))) return { type: 'LIQUIDATION' };
  if (MANAGED_TYPES.has(t)) return { type: t as OrderType };
  if (t === 'TRAILING_STOP_MARKET') return { type: 'TRAILING_STOP_MARKET' };
  return { type: 'UNKNOWN', venueType: t };
}

/** A trailing stop's `sp`/stopPrice is documented as "ignore"; it is not a trigger price. */
const triggerOf = (type: OrderType, value: unknown, field: string) => (type === 'TRAILING_STOP_MARKET' ? undefined : dec(value, field));

/** Frame-level times of a user-data event (top-level `E`, and `T` where the event has one). */
export interface FrameTimes {
  E?: unknown;
  T?: unknown;
}

function times(transaction: unknown, frame: FrameTimes | undefined, transactionField: string) {
  const transactionTimeMs = time(transaction, transactionField);
  const eventTimeMs = time(frame?.E, 'E');
  return { ...(transactionTimeMs !== undefined ? { transactionTimeMs } : {}), ...(eventTimeMs !== undefined ? { eventTimeMs } : {}) };
}

/** ORDER_TRADE_UPDATE `o` -> order row (AMENDMENT executions become AMENDED). */
export function streamOrderRow(o: Raw, frame?: FrameTimes): OrderRow {
  const status = o.x === 'AMENDMENT' ? 'AMENDED' : statusOf(ORDER_STATUS, o.X, 'X');
  const { type, venueType } = orderType(o.o, o.c);
  return {
    kind: 'order', symbol: text(o.s, 's'), managedSide: side(o.ps), customOrderId: o.c ? String(o.c) : undefined, exchangeOrderId: text(o.i, 'i'),
    side: orderSide(o.S, 'S'), type, ...(venueType !== undefined ? { venueType } : {}), status, price: dec(o.p, 'p'), triggerPrice: triggerOf(type, o.sp, 'sp'),
    qty: dec(o.q, 'q'), filledQty: dec(o.z, 'z') ?? new Decimal(0), avgPrice: dec(o.ap, 'ap'),
    reduceOnly: reduceOnlyOf(o.R, o.S, o.ps), closePosition: o.cp === true, ...times(o.T ?? frame?.T, frame, 'T'),
  };
}

/** ALGO_UPDATE `o` -> order row of the conditional order. */
export function streamAlgoRow(o: Raw, frame?: FrameTimes): OrderRow {
  const { type, venueType } = orderType(o.o, o.caid);
  return {
    kind: 'order', symbol: text(o.s, 's'), managedSide: side(o.ps), customOrderId: o.caid ? String(o.caid) : undefined, exchangeOrderId: algoOrderId(text(o.aid, 'aid')),
    side: orderSide(o.S, 'S'), type, ...(venueType !== undefined ? { venueType } : {}), status: statusOf(ALGO_STATUS, o.X, 'X'), price: dec(o.p, 'p'),
    triggerPrice: triggerOf(type, o.tp, 'tp'), qty: o.cp === true ? undefined : dec(o.q, 'q'), reduceOnly: reduceOnlyOf(o.R, o.S, o.ps), closePosition: o.cp === true,
    ...times(frame?.T, frame, 'T'),
  };
}

/** A fill's quantity: a zero or negative quantity is never a fill. */
function fillQty(value: unknown, field: string): Decimal {
  const qty = num(value, field);
  if (!qty.gt(0)) throw new Error(`${field}: a fill quantity must be greater than zero (got ${JSON.stringify(value)})`);
  return qty;
}

/**
 * A fill's realized profit (`rp` on the stream, `realizedPnl` in the trade history), when the venue
 * sent a readable one. It is only reported (the fill line): an unreadable one never costs the fill.
 */
function realized(value: unknown, field: string): { realizedPnl?: Decimal } {
  if (value === undefined || value === null || value === '') return {};
  try {
    return { realizedPnl: num(value, field) };
  } catch {
    return {};
  }
}

/** ORDER_TRADE_UPDATE with x=TRADE -> execution row: the last fill's true price and quantity. */
export function streamTradeRow(o: Raw, frame?: FrameTimes): ExecutionRow {
  return {
    kind: 'execution', symbol: text(o.s, 's'), managedSide: side(o.ps), customOrderId: o.c ? String(o.c) : undefined, exchangeOrderId: text(o.i, 'i'),
    tradeId: text(o.t, 't'), side: orderSide(o.S, 'S'), price: num(o.L, 'L'), qty: fillQty(o.l, 'l'),
    fee: o.n !== undefined && o.n !== null ? num(o.n, 'n') : undefined, feeAsset: o.N ? String(o.N) : undefined, ...realized(o.rp, 'rp'),
    ...(isLiquidation(o.c) ? { liquidation: true } : {}), ...times(o.T ?? frame?.T, frame, 'T'),
  };
}

/**
 * ORDER_TRADE_UPDATE with x=CALCULATED ("liquidation execution") -> a liquidation fill. ccxt emits
 * no trade for it. The trade id is `t`, or when Binance sends none (0), a stable one from the
 * order id and the transaction time, so a replayed row dedupes.
 */
export function liquidationExecutionRow(o: Raw, frame?: FrameTimes): ExecutionRow {
  const orderId = text(o.i, 'i');
  const t = o.t === undefined || o.t === null || o.t === 0 || o.t === '0' || o.t === '' ? undefined : text(o.t, 't');
  const transaction = o.T ?? frame?.T;
  const tradeId = t ?? `liq-${orderId}-${text(transaction, 'T')}`;
  const hasLast = o.l !== undefined && o.l !== null && o.l !== '' && !new Decimal(0).eq(num(o.l, 'l'));
  const hasPrice = o.L !== undefined && o.L !== null && o.L !== '' && !new Decimal(0).eq(num(o.L, 'L'));
  return {
    kind: 'execution', symbol: text(o.s, 's'), managedSide: side(o.ps), customOrderId: o.c ? String(o.c) : undefined, exchangeOrderId: orderId, tradeId,
    side: orderSide(o.S, 'S'), price: hasPrice ? num(o.L, 'L') : num(o.ap, 'ap'), qty: hasLast ? fillQty(o.l, 'l') : fillQty(o.z, 'z'),
    fee: o.n !== undefined && o.n !== null ? num(o.n, 'n') : undefined, feeAsset: o.N ? String(o.N) : undefined, liquidation: true,
    ...realized(o.rp, 'rp'), ...times(transaction, frame, 'T'),
  };
}

/** REST trade history (userTrades) -> execution row. userTrades has no client order id. */
export function restTradeRow(t: Raw, customOrderId?: string): ExecutionRow {
  const transactionTimeMs = time(t.time, 'time');
  return {
    kind: 'execution', symbol: text(t.symbol, 'symbol'), managedSide: side(t.positionSide), ...(customOrderId !== undefined ? { customOrderId } : {}),
    exchangeOrderId: text(t.orderId, 'orderId'), tradeId: text(t.id, 'id'), side: orderSide(t.side, 'side'), price: num(t.price, 'price'),
    qty: fillQty(t.qty, 'qty'), fee: t.commission !== undefined && t.commission !== null ? num(t.commission, 'commission') : undefined,
    feeAsset: t.commissionAsset ? String(t.commissionAsset) : undefined, ...(isLiquidation(customOrderId) ? { liquidation: true } : {}),
    ...realized(t.realizedPnl, 'realizedPnl'),
    ...(transactionTimeMs !== undefined ? { transactionTimeMs } : {}),
  };
}

/** A position entry (ACCOUNT_UPDATE `P` or REST positionRisk) -> rows; one-way BOTH maps by sign. */
export function positionRows(p: Raw, amountKey: 'pa' | 'positionAmt', entryKey: 'ep' | 'entryPrice', frame?: FrameTimes): PositionRow[] {
  const symbol = text(p.s ?? p.symbol, amountKey === 'pa' ? 's' : 'symbol');
  // Stream entries take the ACCOUNT_UPDATE frame's T and E; REST entries their updateTime.
  const at = frame ? times(frame.T, frame, 'T') : times(p.updateTime, undefined, 'updateTime');
  const amt = num(p[amountKey] ?? '0', amountKey);
  const entry = num(p[entryKey] ?? '0', entryKey);
  const ps = p.ps ?? p.positionSide;
  if (ps === 'LONG' || ps === 'SHORT') return [{ kind: 'position', symbol, managedSide: ps, size: amt.abs(), entryPrice: entry, ...at }];
  if (amt.isZero()) {
    return [
      { kind: 'position', symbol, managedSide: 'LONG', size: amt, entryPrice: entry, ...at },
      { kind: 'position', symbol, managedSide: 'SHORT', size: amt, entryPrice: entry, ...at },
    ];
  }
  return [{ kind: 'position', symbol, managedSide: amt.isPositive() ? 'LONG' : 'SHORT', size: amt.abs(), entryPrice: entry, ...at }];
}

/**
 * The ACCOUNT_UPDATE `P` entries that say something about a position. In hedge mode a position
 * change pushes the symbol's BOTH entry (always zero there) beside the changed LONG or SHORT entry
 * (user-data-streams/Event-Balance-and-Position-Update example; Binance's 2020 notes on the
 * ACCOUNT_UPDATE push rules). Read the one-way way, that zero would flatten BOTH sides, the side
 * that did not change included; so a zero BOTH entry next to a LONG/SHORT entry of its symbol is
 * left out. A non-zero one (which hedge mode never sends) is kept and read as before.
 */
export function positionEntries(entries: unknown, keys: { symbol: 's' | 'symbol'; side: 'ps' | 'positionSide'; amount: 'pa' | 'positionAmt' } = { symbol: 's', side: 'ps', amount: 'pa' }): Raw[] {
  // Entries that are not objects stay in: positionRows reports them as malformed.
  const list = (Array.isArray(entries) ? entries : []) as Raw[];
  const isEntry = (p: unknown): p is Raw => !!p && typeof p === 'object';
  const sided = new Set(list.filter((p) => isEntry(p) && (p[keys.side] === 'LONG' || p[keys.side] === 'SHORT')).map((p) => p[keys.symbol]));
  const zero = (v: unknown) => {
    try {
      return num(v ?? '0', keys.amount).isZero();
    } catch {
      return false; // an unreadable amount is kept: positionRows reports it as malformed
    }
  };
  return list.filter((p) => !(isEntry(p) && p[keys.side] === 'BOTH' && sided.has(p[keys.symbol]) && zero(p[keys.amount])));
}

/**
 * positionRisk entries (REST) that say something about a position: the same rule as the stream's.
 * A hedge-mode account can list a symbol's zero BOTH entry beside its LONG and SHORT entries; read
 * the one-way way, that zero would flatten the live side in the snapshot and clean up its
 * protection.
 */
export function restPositionEntries(entries: unknown): Raw[] {
  return positionEntries(entries, { symbol: 'symbol', side: 'positionSide', amount: 'positionAmt' });
}

/** ACCOUNT_UPDATE `B` rows; a margin-only frame has none and so changes no balance. */
export function balanceRows(a: Raw): BalanceRow[] {
  const rows = Array.isArray(a.B) ? (a.B as Raw[]) : [];
  return rows.map((b) => ({ kind: 'balance', asset: text(b.a, 'a'), walletBalance: num(b.wb, 'wb') }));
}

/** REST regular order (openOrders, order) -> row. */
export function restOrderRow(o: Raw): OrderRow {
  const { type, venueType } = orderType(o.type, o.clientOrderId);
  return {
    kind: 'order', symbol: text(o.symbol, 'symbol'), managedSide: side(o.positionSide), customOrderId: o.clientOrderId ? String(o.clientOrderId) : undefined,
    exchangeOrderId: text(o.orderId, 'orderId'), side: orderSide(o.side, 'side'), type, ...(venueType !== undefined ? { venueType } : {}), status: statusOf(ORDER_STATUS, o.status, 'status'),
    price: dec(o.price, 'price'), triggerPrice: triggerOf(type, o.stopPrice, 'stopPrice'), qty: dec(o.origQty, 'origQty'), filledQty: dec(o.executedQty, 'executedQty') ?? new Decimal(0),
    avgPrice: dec(o.avgPrice, 'avgPrice'), reduceOnly: reduceOnlyOf(o.reduceOnly, o.side, o.positionSide), closePosition: o.closePosition === true,
    ...times(o.updateTime, undefined, 'updateTime'),
  };
}

/** REST algo order (openAlgoOrders, algoOrder) -> row. */
export function restAlgoRow(o: Raw): OrderRow {
  const { type, venueType } = orderType(o.orderType, o.clientAlgoId);
  return {
    kind: 'order', symbol: text(o.symbol, 'symbol'), managedSide: side(o.positionSide), customOrderId: o.clientAlgoId ? String(o.clientAlgoId) : undefined,
    exchangeOrderId: algoOrderId(text(o.algoId, 'algoId')), side: orderSide(o.side, 'side'), type, ...(venueType !== undefined ? { venueType } : {}),
    status: statusOf(ALGO_STATUS, o.algoStatus, 'algoStatus'), price: dec(o.price, 'price'), triggerPrice: triggerOf(type, o.triggerPrice, 'triggerPrice'),
    qty: o.closePosition === true ? undefined : dec(o.quantity, 'quantity'), reduceOnly: reduceOnlyOf(o.reduceOnly, o.side, o.positionSide), closePosition: o.closePosition === true,
    ...times(o.updateTime, undefined, 'updateTime'),
  };
}

/** exchangeInfo symbol filters -> Filters (raw strings, never ccxt's floats). */
export function filtersOf(info: Raw): Filters | undefined {
  const filters = Array.isArray(info.filters) ? (info.filters as Raw[]) : [];
  const price = filters.find((f) => f.filterType === 'PRICE_FILTER');
  const lot = filters.find((f) => f.filterType === 'LOT_SIZE');
  const notional = filters.find((f) => f.filterType === 'MIN_NOTIONAL');
  if (!price || !lot) return undefined;
  return {
    tickSize: num(price.tickSize, 'tickSize'),
    stepSize: num(lot.stepSize, 'stepSize'),
    minQty: num(lot.minQty, 'minQty'),
    minNotional: num(notional?.notional ?? '0', 'notional'),
  };
}

/**
 * The user-data events exstate reads into rows (listenKeyExpired ends the connection). Every other
 * event is journaled as skipped by `skippedEvent`: never dropped without a trace.
 */
export const READ_EVENTS: ReadonlySet<string> = new Set(['ORDER_TRADE_UPDATE', 'ALGO_UPDATE', 'ACCOUNT_UPDATE', 'listenKeyExpired']);

/** Why exstate makes no row of a documented user-data event (user-data-streams/Event-* pages). */
const SKIP_REASONS: Record<string, string> = {
  MARGIN_CALL: 'risk guidance only: positions and balances come from ACCOUNT_UPDATE, a liquidation from its order rows',
  ACCOUNT_CONFIG_UPDATE: 'leverage and Multi-Assets mode are not managed by exstate',
  TRADE_LITE: 'the same fill is read from ORDER_TRADE_UPDATE x=TRADE, which carries the fee and the position side',
  CONDITIONAL_ORDER_TRIGGER_REJECT: 'no order row can be built from it (no side, no type); the order itself reports its state',
  STRATEGY_UPDATE: 'a strategy-trading (grid) state, not an order exstate manages',
  GRID_UPDATE: 'a strategy-trading (grid) fill summary, not an order exstate manages',
};

/** A scalar of an untyped payload as text for the journal; anything else is left out. */
function scalar(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function pick(source: unknown, fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (!source || typeof source !== 'object' || Array.isArray(source)) return out;
  for (const [to, from] of Object.entries(fields)) {
    const v = scalar((source as Raw)[from]);
    if (v !== undefined) out[to] = v;
  }
  return out;
}

/**
 * A user-data frame exstate makes no row of -> the journal fields that say so (the event, why, and
 * the identifiers an operator needs; never the listen key or a whole payload). Undefined for the
 * events exstate reads and for messages that are not events. Never throws.
 */
export function skippedEvent(frame: Raw): JournalFields<'venue_event_skipped'> | undefined {
  const event = frame.e;
  if (typeof event !== 'string' || READ_EVENTS.has(event)) return undefined;
  const known = SKIP_REASONS[event];
  // Only the catalogue's fields of venue_event_skipped are picked below (scalars as text).
  const fields: JournalFields<'venue_event_skipped'> = { venueEvent: event, reason: known ?? 'an event type exstate does not know' };
  switch (event) {
    case 'MARGIN_CALL': {
      const positions = Array.isArray(frame.p) ? (frame.p as unknown[]) : [];
      fields.positions = positions.map((p) => pick(p, { symbol: 's', side: 'ps', amount: 'pa' }));
      break;
    }
    case 'ACCOUNT_CONFIG_UPDATE':
      Object.assign(fields, pick(frame.ac, { symbol: 's', leverage: 'l' }), pick(frame.ai, { multiAssetsMode: 'j' }));
      break;
    case 'TRADE_LITE':
      Object.assign(fields, pick(frame, { symbol: 's', exchangeOrderId: 'i', customOrderId: 'c', tradeId: 't' }));
      break;
    case 'CONDITIONAL_ORDER_TRIGGER_REJECT':
      Object.assign(fields, pick(frame.or, { symbol: 's', exchangeOrderId: 'i', rejectReason: 'r' }));
      break;
    case 'STRATEGY_UPDATE':
      Object.assign(fields, pick(frame.su, { symbol: 's', strategyId: 'si', strategyStatus: 'ss', opCode: 'c' }));
      break;
    case 'GRID_UPDATE':
      Object.assign(fields, pick(frame.gu, { symbol: 's', strategyId: 'si', strategyStatus: 'ss' }));
      break;
  }
  return fields;
}

/** ORDER_TRADE_UPDATE `er` (user-data-streams/Event-Order-Update, "Expiry Reason"). */
const EXPIRY_REASONS: Record<string, string> = {
  '1': 'expired to prevent self-trade',
  '2': 'IOC not filled completely, remainder canceled',
  '3': 'IOC not filled completely to prevent self-trade, remainder canceled',
  '4': 'knocked out by a higher-priority reduce-only order, or it would open a reversed position',
  '5': 'expired when the account was liquidated',
  '6': 'GTE condition unsatisfied',
  '7': 'symbol delisted',
  '8': 'the initial order expired after the stop order triggered',
  '9': 'market order not filled completely, remainder canceled',
};

/**
 * What an order row cannot carry (OrderRow has no place for a reason): the expiry reason `er`, the
 * self-trade-prevention status EXPIRED_IN_MATCH (the row says EXPIRED) and an algo order's failure
 * reason `rm` -> journal fields, or undefined when the frame has none. Never throws.
 */
export function orderReason(event: unknown, o: Raw): JournalFields<'venue_order_reason'> | undefined {
  const reasons: Omit<JournalFields<'venue_order_reason'>, 'venueEvent'> = {};
  if (event === 'ALGO_UPDATE') {
    const rm = scalar(o.rm);
    if (rm) reasons.rejectReason = rm;
  } else {
    const er = scalar(o.er);
    if (er !== undefined && er !== '0') Object.assign(reasons, { expiryReason: er, expiryText: EXPIRY_REASONS[er] ?? 'an expiry reason exstate does not know' });
    if (o.X === 'EXPIRED_IN_MATCH') reasons.venueStatus = 'EXPIRED_IN_MATCH';
  }
  if (Object.keys(reasons).length === 0) return undefined;
  const ids = event === 'ALGO_UPDATE'
    ? { ...pick(o, { symbol: 's', customOrderId: 'caid', status: 'X' }), ...(scalar(o.aid) !== undefined ? { exchangeOrderId: algoOrderId(scalar(o.aid)) } : {}) }
    : pick(o, { symbol: 's', exchangeOrderId: 'i', customOrderId: 'c', status: 'X' });
  return { venueEvent: String(event), ...ids, ...reasons };
}
