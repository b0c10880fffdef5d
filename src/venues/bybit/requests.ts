// Port mutations -> Bybit V5 request bodies (POST /v5/order/create, /amend, /cancel), sent through
// ccxt's implicit API so every field is exactly what Bybit documents: ccxt's createOrder maps
// clientOrderId but its cancel and lookup do not, and it would add fields of its own.
//   - orderLinkId on every place, amend and cancel;
//   - positionIdx: 0 in one-way mode, 1 (long) / 2 (short) in hedge mode;
//   - SL and TP of trigger types are conditional orders with reduceOnly, closeOnTrigger and
//     triggerDirection (1: triggers when the price rises to it, 2: when it falls to it), triggered
//     by the mark price; never the position-level trading-stop (it has no orderLinkId);
//   - DCA and a LIMIT TP are plain limit orders (Bybit caps conditional orders at 10 per symbol).
import { canon, type Decimal } from '../../domain/decimal.js';
import type { ManagedSide } from '../../domain/scope.js';
import type { VenueMutation } from '../port.js';

export type BybitBody = Record<string, string | number | boolean>;

export interface BybitCall {
  endpoint: 'create' | 'amend' | 'cancel';
  body: BybitBody;
}

const CONDITIONAL: ReadonlySet<string> = new Set(['STOP_MARKET', 'TAKE_PROFIT_MARKET', 'STOP', 'TAKE_PROFIT']);

export function positionIdxOf(side: ManagedSide, hedge: boolean): 0 | 1 | 2 {
  if (!hedge) return 0;
  return side === 'LONG' ? 1 : 2;
}

export function buildBybitCall(m: VenueMutation, hedge: boolean): BybitCall {
  const i = m.intent;
  const base = { category: 'linear', symbol: m.scope.symbol };
  if (m.action === 'cancel') return { endpoint: 'cancel', body: { ...base, orderLinkId: m.customOrderId } };
  if (m.action === 'amend') {
    return {
      endpoint: 'amend',
      body: { ...base, orderLinkId: m.customOrderId, ...(i.qty ? { qty: text(i.qty) } : {}), ...(i.price ? { price: text(i.price) } : {}), ...(i.triggerPrice ? { triggerPrice: text(i.triggerPrice) } : {}) },
    };
  }
  if (i.closePosition) throw new Error('Bybit has no close-position stop: the SL must carry the position quantity (closePositionStops capability)');
  if (!i.qty) throw new Error(`${i.type} without a quantity`);
  const sell = i.side === 'SELL';
  const limit = i.type === 'LIMIT' || i.type === 'STOP' || i.type === 'TAKE_PROFIT';
  const body: BybitBody = {
    ...base, side: sell ? 'Sell' : 'Buy', orderType: limit ? 'Limit' : 'Market', qty: text(i.qty),
    orderLinkId: m.customOrderId, positionIdx: positionIdxOf(m.scope.managedSide, hedge),
    ...(limit ? { price: text(i.price, `${i.type} price`), timeInForce: 'GTC' } : {}),
    ...(i.reduceOnly ? { reduceOnly: true } : {}),
  };
  if (CONDITIONAL.has(i.type)) {
    const stop = i.type === 'STOP_MARKET' || i.type === 'STOP';
    // A stop sells when the price falls to it (a long's SL) or buys when it rises (a short's); a take-profit the opposite.
    const falls = stop === sell;
    Object.assign(body, { triggerPrice: text(i.triggerPrice, `${i.type} triggerPrice`), triggerDirection: falls ? 2 : 1, triggerBy: 'MarkPrice' });
    if (i.reduceOnly) body.closeOnTrigger = true;
  }
  return { endpoint: 'create', body };
}

function text(value: Decimal | undefined, what = 'value'): string {
  if (value === undefined) throw new Error(`${what} is missing`);
  return canon(value);
}
