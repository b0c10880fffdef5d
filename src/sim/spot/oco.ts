// POST /api/v3/orderList/oco (the current OCO endpoint) read and checked: each leg's fields
// (aboveType/abovePrice/aboveStopPrice/aboveTimeInForce/aboveClientOrderId and the below ones)
// renamed to one order's and put through the same rules as POST /api/v3/order. Leg types follow
// Binance's OCO codes: a type an OCO does not take -1158; two LIMIT_MAKER legs -1168; a SELL's
// stop loss must be below (-1197) and its limit / take profit above (-1166 / -1199); a BUY's the
// other way round (-1196, -1165, -1198). The prices must bracket the last price (-2010 "The
// relationship of the prices for the orders is not correct.").
import type { Decimal } from 'decimal.js';
import { SimError } from '../sim-types.js';
import { need, side as sideParam, type Params } from '../rest-params.js';
import { clientIdParam, decimalParam } from './filters.js';
import { orderRequest, orderType, type SpotOrderRequest } from './order-request.js';
import type { Side, SpotOrderType } from './types.js';

export interface OcoRequest {
  symbol: string;
  side: Side;
  quantity: Decimal;
  listClientOrderId?: string;
  /** The STOP_LOSS / STOP_LOSS_LIMIT leg (placed first: the lower order id). */
  stop: SpotOrderRequest;
  /** The LIMIT_MAKER / TAKE_PROFIT / TAKE_PROFIT_LIMIT leg. */
  target: SpotOrderRequest;
}

const LEG_TYPES: readonly SpotOrderType[] = ['STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT', 'LIMIT_MAKER'];
const isStopLoss = (t: SpotOrderType) => t === 'STOP_LOSS' || t === 'STOP_LOSS_LIMIT';

function leg(p: Params, prefix: 'above' | 'below', owner: 'api' | 'manual'): SpotOrderRequest {
  const type = orderType(need(p, `${prefix}Type`));
  if (!LEG_TYPES.includes(type)) throw new SimError(-1158, 'Order type not supported in OCO.');
  const renamed: Params = { symbol: p.symbol!, side: p.side!, type, quantity: p.quantity! };
  const fields: Array<[string, string]> = [['Price', 'price'], ['StopPrice', 'stopPrice'], ['TimeInForce', 'timeInForce'], ['ClientOrderId', 'newClientOrderId']];
  for (const [suffix, name] of fields) {
    const v = p[`${prefix}${suffix}`];
    if (v !== undefined && v !== '') renamed[name] = v;
  }
  try {
    return orderRequest(renamed, owner);
  } catch (error) {
    // Binance names the leg's own parameter: "Mandatory parameter 'belowStopPrice' ..."
    if (error instanceof SimError) {
      const msg = error.msg.replace(/'(price|stopPrice|timeInForce|newClientOrderId)'/, (_m, n: string) => `'${prefix}${n === 'newClientOrderId' ? 'ClientOrderId' : n[0]!.toUpperCase() + n.slice(1)}'`);
      throw new SimError(error.code, msg, error.httpStatus);
    }
    throw error;
  }
}

export function ocoRequest(p: Params, owner: 'api' | 'manual' = 'api'): OcoRequest {
  const symbol = need(p, 'symbol');
  const side = sideParam(need(p, 'side'));
  need(p, 'quantity');
  const quantity = decimalParam(p, 'quantity')!;
  const listClientOrderId = clientIdParam(p, 'listClientOrderId');
  const above = leg(p, 'above', owner);
  const below = leg(p, 'below', owner);
  checkLegPlaces(side, above.type, below.type);
  // SELL: the stop below the market, the target above; BUY: the other way round.
  const [stop, target] = side === 'SELL' ? [below, above] : [above, below];
  return { symbol, side, quantity, listClientOrderId, stop, target };
}

/** One leg a stop loss, the other a limit maker or take profit, each on its side of the market. */
function checkLegPlaces(side: Side, above: SpotOrderType, below: SpotOrderType): void {
  if (above === 'LIMIT_MAKER' && below === 'LIMIT_MAKER') throw new SimError(-1168, 'At least one OCO order must be contingent.');
  const [stopPlace, targetPlace] = side === 'SELL' ? ['below', 'above'] : ['above', 'below'];
  const wrong = (type: SpotOrderType, place: string) => {
    if (isStopLoss(type) && place !== stopPlace) return side === 'SELL' ? [-1197, 'A stop loss order in a sell OCO must be below.'] : [-1196, 'A stop loss order in a buy OCO must be above.'];
    if (type === 'LIMIT_MAKER' && place !== targetPlace) return side === 'SELL' ? [-1166, 'A limit order in a sell OCO must be above.'] : [-1165, 'A limit order in a buy OCO must be below.'];
    if (!isStopLoss(type) && type !== 'LIMIT_MAKER' && place !== targetPlace) return side === 'SELL' ? [-1199, 'A take profit order in a sell OCO must be above.'] : [-1198, 'A take profit order in a buy OCO must be below.'];
    return undefined;
  };
  const failure = wrong(above, 'above') ?? wrong(below, 'below');
  if (failure) throw new SimError(failure[0] as number, failure[1] as string);
}

/** The price each leg is judged by: a LIMIT_MAKER's limit price, every other leg's stop price. */
export function legTriggerPrice(r: SpotOrderRequest): Decimal {
  return r.type === 'LIMIT_MAKER' ? r.price! : r.stopPrice!;
}

/** SELL: target > last > stop; BUY: target < last < stop. */
export function checkPriceRelationship(o: OcoRequest, last: Decimal): void {
  const target = legTriggerPrice(o.target);
  const stop = legTriggerPrice(o.stop);
  const ok = o.side === 'SELL' ? target.gt(last) && last.gt(stop) : target.lt(last) && last.lt(stop);
  if (!ok) throw new SimError(-2010, 'The relationship of the prices for the orders is not correct.');
}
