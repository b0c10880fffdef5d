// Request parameters as Binance reads them: mandatory fields (-1102), integers (-1100), sides,
// order references and the JSON lists of the batch endpoints. Shared by every route module.
import { SimError, type Side } from './sim-types.js';
import type { OrderRequest } from './engine.js';

export type Params = Record<string, string>;

export function need(p: Params, name: string): string {
  const v = p[name];
  if (v === undefined || v === '') throw new SimError(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
  return v;
}

/** An optional LONG parameter (ids, times, limits); -1100 for anything but digits. */
export function intParam(p: Params, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d{1,20}$/.test(v)) throw new SimError(-1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`);
  return Number(v);
}

/** `limit` with Binance's default and maximum (a larger value is served as the maximum). */
export function limitParam(p: Params, fallback: number, max: number): number {
  const v = intParam(p, 'limit');
  if (v === undefined) return fallback;
  if (v <= 0) throw new SimError(-1130, "Data sent for parameter 'limit' is not valid.");
  return Math.min(v, max);
}

export function side(v: string): Side {
  if (v !== 'BUY' && v !== 'SELL') throw new SimError(-1117, 'Invalid side.');
  return v;
}

export function orderRequest(p: Params, clientId?: string): OrderRequest {
  return {
    symbol: need(p, 'symbol'),
    side: side(need(p, 'side')),
    type: need(p, 'type'),
    quantity: p.quantity,
    price: p.price,
    positionSide: p.positionSide,
    reduceOnly: p.reduceOnly === 'true',
    closePosition: p.closePosition === 'true',
    timeInForce: p.timeInForce,
    clientOrderId: clientId ?? p.newClientOrderId,
    triggerPrice: p.triggerPrice ?? p.stopPrice,
    workingType: p.workingType,
    priceProtect: p.priceProtect?.toUpperCase() === 'TRUE',
    selfTradePreventionMode: p.selfTradePreventionMode,
  };
}

export function orderRef(p: Params): { orderId?: number; clientOrderId?: string } {
  if (p.orderId) return { orderId: intParam(p, 'orderId')! };
  if (p.origClientOrderId) return { clientOrderId: p.origClientOrderId };
  throw new SimError(-1102, 'Either orderId or origClientOrderId must be sent.');
}

export function algoRef(p: Params): { algoId?: number; clientAlgoId?: string } {
  if (p.algoId) return { algoId: intParam(p, 'algoId')! };
  if (p.clientAlgoId) return { clientAlgoId: p.clientAlgoId };
  throw new SimError(-1102, 'Either algoId or clientAlgoId must be sent.');
}

/**
 * A JSON list parameter (`orderIdList=[1,2]`, `origClientOrderIdList=["a","b"]`). The name is
 * matched without regard to case: ccxt sends `orderidlist`, Binance documents `orderIdList`.
 */
export function listParam(p: Params, name: string): unknown[] | undefined {
  const key = Object.keys(p).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined || p[key] === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(p[key]!);
  } catch {
    throw new SimError(-1130, `Data sent for parameter '${name}' is not valid.`);
  }
  if (!Array.isArray(parsed)) throw new SimError(-1130, `Data sent for parameter '${name}' is not valid.`);
  return parsed;
}

/** The items of `batchOrders`: each a JSON object whose values are read as strings, as a form parameter would be. */
export function batchItems(p: Params): Params[] {
  const list = listParam(p, 'batchOrders');
  if (list === undefined) throw new SimError(-1102, "Mandatory parameter 'batchOrders' was not sent, was empty/null, or malformed.");
  return list.map((item) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw new SimError(-1130, "Data sent for parameter 'batchOrders' is not valid.");
    return Object.fromEntries(Object.entries(item as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)]));
  });
}
