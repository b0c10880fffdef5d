// POST /api/v3/order's parameters as Binance spot reads them, per order type (New Order, "Other
// info": LIMIT needs timeInForce, quantity, price; MARKET quantity or quoteOrderQty; STOP_LOSS and
// TAKE_PROFIT quantity and stopPrice; their _LIMIT forms all four; LIMIT_MAKER quantity and
// price). Missing: -1102; sent where the type takes none: -1106; unknown type -1116, side -1117,
// timeInForce -1115. The control API's foreign orders go through the same rules.
import type { Decimal } from 'decimal.js';
import { SimError } from '../sim-types.js';
import { need, side as sideParam, type Params } from '../rest-params.js';
import { clientIdParam, decimalParam } from './filters.js';
import { ORDER_TYPES, type Side, type SpotOrderType, type TimeInForce } from './types.js';

export type RespType = 'ACK' | 'RESULT' | 'FULL';

export interface SpotOrderRequest {
  symbol: string;
  side: Side;
  type: SpotOrderType;
  timeInForce?: TimeInForce;
  quantity?: Decimal;
  quoteOrderQty?: Decimal;
  price?: Decimal;
  stopPrice?: Decimal;
  clientOrderId?: string;
  respType?: RespType;
  owner?: 'api' | 'manual';
}

const TIFS: readonly string[] = ['GTC', 'IOC', 'FOK'];
const RESP_TYPES: readonly string[] = ['ACK', 'RESULT', 'FULL'];

export const isStopType = (t: SpotOrderType) => t === 'STOP_LOSS' || t === 'STOP_LOSS_LIMIT' || t === 'TAKE_PROFIT' || t === 'TAKE_PROFIT_LIMIT';
export const hasLimitPrice = (t: SpotOrderType) => t === 'LIMIT' || t === 'LIMIT_MAKER' || t === 'STOP_LOSS_LIMIT' || t === 'TAKE_PROFIT_LIMIT';
const needsTif = (t: SpotOrderType) => t === 'LIMIT' || t === 'STOP_LOSS_LIMIT' || t === 'TAKE_PROFIT_LIMIT';

export function orderType(v: string): SpotOrderType {
  if (!(ORDER_TYPES as readonly string[]).includes(v)) throw new SimError(-1116, 'Invalid orderType.');
  return v as SpotOrderType;
}

function notRequired(name: string): SimError {
  return new SimError(-1106, `Parameter '${name}' sent when not required.`);
}

function mandatory(name: string): SimError {
  return new SimError(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
}

export function timeInForceParam(v: string | undefined): TimeInForce | undefined {
  if (v === undefined || v === '') return undefined;
  if (!TIFS.includes(v)) throw new SimError(-1115, 'Invalid timeInForce.');
  return v as TimeInForce;
}

/** One order's fields (an OCO leg's are renamed to these first, see oco.ts). */
export function orderRequest(p: Params, owner: 'api' | 'manual' = 'api'): SpotOrderRequest {
  const symbol = need(p, 'symbol');
  const side = sideParam(need(p, 'side'));
  const type = orderType(need(p, 'type'));
  const quantity = decimalParam(p, 'quantity');
  const quoteOrderQty = decimalParam(p, 'quoteOrderQty');
  const price = decimalParam(p, 'price');
  const stopPrice = decimalParam(p, 'stopPrice');
  const timeInForce = timeInForceParam(p.timeInForce);
  if (type === 'MARKET') {
    if (quantity && quoteOrderQty) throw notRequired('quoteOrderQty');
    if (!quantity && !quoteOrderQty) throw new SimError(-1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty!");
  } else {
    if (quoteOrderQty) throw notRequired('quoteOrderQty');
    if (!quantity) throw mandatory('quantity');
  }
  if (hasLimitPrice(type) && !price) throw mandatory('price');
  if (!hasLimitPrice(type) && price) throw notRequired('price');
  if (isStopType(type) && !stopPrice) throw mandatory('stopPrice');
  if (!isStopType(type) && stopPrice) throw notRequired('stopPrice');
  if (needsTif(type) && !timeInForce) throw mandatory('timeInForce');
  if (!needsTif(type) && timeInForce) throw notRequired('timeInForce');
  const respType = p.newOrderRespType;
  if (respType !== undefined && respType !== '' && !RESP_TYPES.includes(respType)) {
    throw new SimError(-1100, "Illegal characters found in parameter 'newOrderRespType'; legal range is 'ACK, RESULT, FULL'.");
  }
  return {
    symbol, side, type, timeInForce, quantity, quoteOrderQty, price, stopPrice,
    clientOrderId: clientIdParam(p, 'newClientOrderId'),
    respType: respType ? (respType as RespType) : undefined,
    owner,
  };
}

/** "MARKET and LIMIT order types default to FULL, all other orders default to ACK." */
export function defaultRespType(type: SpotOrderType): RespType {
  return type === 'MARKET' || type === 'LIMIT' ? 'FULL' : 'ACK';
}
