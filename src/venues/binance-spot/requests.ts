// Port mutations -> Binance spot REST requests, sent through ccxt's implicit API so every field
// is exactly what Binance documents (ccxt's createOrder adds fields of its own and has no OCO):
//   - a single order: POST /api/v3/order (LIMIT GTC, MARKET, STOP_LOSS, STOP_LOSS_LIMIT, ...), with
//     newClientOrderId = the exstate custom id;
//   - the SL and TP of one pass (`paired`): ONE POST /api/v3/orderList/oco: a SELL list's TP is the
//     above leg (LIMIT_MAKER at the TP price), its SL the below leg (STOP_LOSS at the SL trigger, or
//     STOP_LOSS_LIMIT), each leg named by its own exstate custom id (above/belowClientOrderId), the
//     list by `listClientOrderId` (L + the SL's id); a BUY list the other way round;
//   - a cancel: DELETE /api/v3/order by origClientOrderId (cancelling one leg cancels its list).
// Spot has no reduce-only, no close-position and no amend: such a request is refused before it is sent.
import { canon, type Decimal } from '../../domain/decimal.js';
import type { OrderIntent } from '../../domain/order-intent.js';
import type { VenueMutation } from '../port.js';

export type SpotBody = Record<string, string>;

export interface SpotCall {
  endpoint: 'order' | 'oco' | 'cancel';
  body: SpotBody;
}

const SPOT_TYPE: Record<string, string> = {
  LIMIT: 'LIMIT', MARKET: 'MARKET', STOP_MARKET: 'STOP_LOSS', STOP: 'STOP_LOSS_LIMIT', TAKE_PROFIT_MARKET: 'TAKE_PROFIT', TAKE_PROFIT: 'TAKE_PROFIT_LIMIT',
};

export function buildSpotCall(m: VenueMutation): SpotCall {
  const symbol = m.scope.symbol;
  if (m.action === 'cancel') return { endpoint: 'cancel', body: { symbol, origClientOrderId: m.customOrderId } };
  if (m.action === 'amend') throw new Error('Binance spot has no amend: the order is replaced (cancel, then place)');
  if (m.paired) return { endpoint: 'oco', body: ocoBody(m) };
  return { endpoint: 'order', body: { symbol, ...orderFields(m.intent), newClientOrderId: m.customOrderId, newOrderRespType: 'RESULT' } };
}

function orderFields(i: OrderIntent): SpotBody {
  refuseFuturesFields(i);
  const type = SPOT_TYPE[i.type];
  if (!type) throw new Error(`${i.type} is not a spot order type`);
  const body: SpotBody = { side: i.side, type, quantity: text(i.qty, `${i.type} quantity`) };
  if (i.type === 'LIMIT' || i.type === 'STOP' || i.type === 'TAKE_PROFIT') Object.assign(body, { price: text(i.price, `${i.type} price`), timeInForce: 'GTC' });
  if (type !== 'LIMIT' && type !== 'MARKET') body.stopPrice = text(i.triggerPrice, `${i.type} triggerPrice`);
  return body;
}

function ocoBody(m: VenueMutation): SpotBody {
  const legs = [{ slot: m.slot, customOrderId: m.customOrderId, intent: m.intent }, m.paired!];
  const sl = legs.find((l) => l.slot === 'SL');
  const tp = legs.find((l) => l.slot === 'TP');
  if (!sl || !tp) throw new Error(`an OCO list pairs an SL and a TP (got ${legs.map((l) => l.slot).join(' and ')})`);
  refuseFuturesFields(sl.intent);
  refuseFuturesFields(tp.intent);
  if (sl.intent.side !== tp.intent.side) throw new Error('the legs of an OCO list have one side');
  const quantity = text(sl.intent.qty, 'SL quantity');
  if (!tp.intent.qty || canon(tp.intent.qty) !== quantity) throw new Error('the legs of an OCO list have one quantity');
  if (tp.intent.type !== 'LIMIT') throw new Error(`the TP leg of an OCO list is a LIMIT_MAKER (got ${tp.intent.type})`);
  if (sl.intent.type !== 'STOP_MARKET' && sl.intent.type !== 'STOP') throw new Error(`the SL leg of an OCO list is a STOP_LOSS (got ${sl.intent.type})`);
  const target = { Type: 'LIMIT_MAKER', Price: text(tp.intent.price, 'TP price'), ClientOrderId: tp.customOrderId };
  const stop: Record<string, string> = sl.intent.type === 'STOP'
    ? { Type: 'STOP_LOSS_LIMIT', StopPrice: text(sl.intent.triggerPrice, 'SL triggerPrice'), Price: text(sl.intent.price, 'SL price'), TimeInForce: 'GTC', ClientOrderId: sl.customOrderId }
    : { Type: 'STOP_LOSS', StopPrice: text(sl.intent.triggerPrice, 'SL triggerPrice'), ClientOrderId: sl.customOrderId };
  // A SELL list protects a holding: the take-profit above the market, the stop below it.
  const [above, below] = sl.intent.side === 'SELL' ? [target, stop] : [stop, target];
  const body: SpotBody = { symbol: m.scope.symbol, side: sl.intent.side, quantity, listClientOrderId: listClientOrderIdOf(sl.customOrderId), newOrderRespType: 'RESULT' };
  for (const [k, v] of Object.entries(above)) body[`above${k}`] = v;
  for (const [k, v] of Object.entries(below)) body[`below${k}`] = v;
  return body;
}

/** The list's own client id, derived from its SL leg's (unique as the leg's is; 36 characters at most). */
export function listClientOrderIdOf(slCustomOrderId: string): string {
  return `L${slCustomOrderId}`.slice(0, 36);
}

function refuseFuturesFields(i: OrderIntent): void {
  if (i.closePosition) throw new Error('Binance spot has no close-position order: the SL carries the holding quantity');
  if (i.reduceOnly) throw new Error('Binance spot has no reduce-only order');
}

function text(value: Decimal | undefined, what: string): string {
  if (value === undefined) throw new Error(`${what} is missing`);
  return canon(value);
}
