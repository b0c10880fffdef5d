// Plain JSON (decimal strings) -> normalized rows, with errors that name the field and value.
// Used wherever rows cross a boundary as data: fixtures, recorded payloads, replayed journals.
import { parseDecimal, parseOptionalDecimal } from '../domain/decimal.js';
import { ALL_ORDER_TYPES, ORDER_STATUSES, type BalanceRow, type ExecutionRow, type Filters, type OrderRow, type OrderStatus, type OrderType, type PositionRow, type RowSide } from '../domain/rows.js';
import type { ManagedSide } from '../domain/scope.js';

export class RowParseError extends Error {
  constructor(readonly field: string, readonly value: unknown, readonly reason: string) {
    super(`${field}: ${reason} (got ${JSON.stringify(value)})`);
    this.name = 'RowParseError';
  }
}

export interface RowDefaults {
  symbol: string;
  managedSide: ManagedSide;
}

type Plain = Record<string, unknown>;

function obj(value: unknown, field: string): Plain {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new RowParseError(field, value, 'expected an object');
  return value as Plain;
}

function str(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new RowParseError(field, value, 'expected a non-empty string');
  return value;
}

function optStr(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return str(value, field);
}

function optBool(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new RowParseError(field, value, 'expected true or false');
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw new RowParseError(field, value, `expected one of ${allowed.join(', ')}`);
  return value as T;
}

function dec(value: unknown, field: string) {
  try {
    return parseDecimal(value, field);
  } catch (e) {
    throw new RowParseError(field, value, (e as Error).message.replace(/^[^:]*: /, ''));
  }
}

function optDec(value: unknown, field: string) {
  try {
    return parseOptionalDecimal(value, field);
  } catch (e) {
    throw new RowParseError(field, value, (e as Error).message.replace(/^[^:]*: /, ''));
  }
}

function optTime(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new RowParseError(field, value, 'expected UTC epoch milliseconds (a non-negative integer)');
  return value;
}

/** The venue times a row may carry (see VenueTimes). */
function times(o: Plain, field: string): { transactionTimeMs?: number; eventTimeMs?: number } {
  const out: { transactionTimeMs?: number; eventTimeMs?: number } = {};
  const t = optTime(o.transactionTimeMs, `${field}.transactionTimeMs`);
  const e = optTime(o.eventTimeMs, `${field}.eventTimeMs`);
  if (t !== undefined) out.transactionTimeMs = t;
  if (e !== undefined) out.eventTimeMs = e;
  return out;
}

function side(value: unknown, field: string, fallback: ManagedSide): RowSide {
  if (value === undefined || value === null) return fallback;
  return oneOf(value, ['LONG', 'SHORT', 'BOTH'] as const, field);
}

export function parsePositionRow(value: unknown, d: RowDefaults, field = 'position'): PositionRow {
  const o = obj(value, field);
  const managedSide = side(o.managedSide, `${field}.managedSide`, d.managedSide);
  if (managedSide === 'BOTH') throw new RowParseError(`${field}.managedSide`, o.managedSide, 'a position row needs LONG or SHORT');
  const size = dec(o.size, `${field}.size`).abs();
  return { kind: 'position', symbol: optStr(o.symbol, `${field}.symbol`) ?? d.symbol, managedSide, size, entryPrice: optDec(o.entryPrice, `${field}.entryPrice`) ?? dec('0', field), ...times(o, field) };
}

export function parseOrderRow(value: unknown, d: RowDefaults, field = 'order', defaultStatus: OrderStatus = 'NEW'): OrderRow {
  const o = obj(value, field);
  const customOrderId = optStr(o.customOrderId, `${field}.customOrderId`);
  const exchangeOrderId = optStr(o.exchangeOrderId, `${field}.exchangeOrderId`);
  if (!customOrderId && !exchangeOrderId) throw new RowParseError(field, value, 'an order row needs customOrderId or exchangeOrderId');
  return {
    kind: 'order',
    symbol: optStr(o.symbol, `${field}.symbol`) ?? d.symbol,
    managedSide: side(o.managedSide, `${field}.managedSide`, d.managedSide),
    customOrderId,
    exchangeOrderId,
    side: oneOf(o.side, ['BUY', 'SELL'] as const, `${field}.side`),
    type: oneOf(o.type, ALL_ORDER_TYPES as readonly OrderType[], `${field}.type`),
    venueType: optStr(o.venueType, `${field}.venueType`),
    status: o.status === undefined ? defaultStatus : oneOf(o.status, ORDER_STATUSES as readonly OrderStatus[], `${field}.status`),
    price: optDec(o.price, `${field}.price`),
    triggerPrice: optDec(o.triggerPrice, `${field}.triggerPrice`),
    qty: optDec(o.qty, `${field}.qty`),
    filledQty: optDec(o.filledQty, `${field}.filledQty`),
    avgPrice: optDec(o.avgPrice, `${field}.avgPrice`),
    reduceOnly: optBool(o.reduceOnly, `${field}.reduceOnly`),
    closePosition: optBool(o.closePosition, `${field}.closePosition`),
    ...times(o, field),
  };
}

export function parseExecutionRow(value: unknown, d: RowDefaults, field = 'execution'): ExecutionRow {
  const o = obj(value, field);
  return {
    kind: 'execution',
    symbol: optStr(o.symbol, `${field}.symbol`) ?? d.symbol,
    managedSide: side(o.managedSide, `${field}.managedSide`, d.managedSide),
    customOrderId: optStr(o.customOrderId, `${field}.customOrderId`),
    exchangeOrderId: optStr(o.exchangeOrderId, `${field}.exchangeOrderId`),
    tradeId: str(optStr(o.tradeId, `${field}.tradeId`), `${field}.tradeId`),
    side: oneOf(o.side, ['BUY', 'SELL'] as const, `${field}.side`),
    price: dec(o.price, `${field}.price`),
    qty: dec(o.qty, `${field}.qty`),
    fee: optDec(o.fee, `${field}.fee`),
    feeAsset: optStr(o.feeAsset, `${field}.feeAsset`),
    liquidation: optBool(o.liquidation, `${field}.liquidation`),
    ...times(o, field),
  };
}

export function parseBalanceRow(value: unknown, field = 'balance'): BalanceRow {
  const o = obj(value, field);
  return {
    kind: 'balance',
    asset: str(o.asset, `${field}.asset`),
    walletBalance: optDec(o.walletBalance, `${field}.walletBalance`),
    availableBalance: optDec(o.availableBalance, `${field}.availableBalance`),
  };
}

export function parseFilters(value: unknown, field = 'filters'): Filters {
  const o = obj(value, field);
  return {
    tickSize: dec(o.tickSize, `${field}.tickSize`),
    stepSize: dec(o.stepSize, `${field}.stepSize`),
    minQty: dec(o.minQty ?? '0', `${field}.minQty`),
    minNotional: dec(o.minNotional ?? '0', `${field}.minNotional`),
  };
}
