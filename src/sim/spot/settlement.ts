// What one fill does to the balances: the payer side comes out of the order's lock first (a
// resting order) and out of free for the rest (a market order, or a stop that fills above the
// price it locked at); the received side is credited less the commission. Commission is charged
// in the asset received (a buy pays it in the base asset: 0.01 BTC bought at 0.1 % credits
// 0.00999 BTC), or in the quote asset for both sides when configured so; 8 decimals, half up.
import { Decimal } from 'decimal.js';
import type { SpotBalances } from './balances.js';
import type { SpotOrder, SpotSymbolSpec, SpotTrade } from './types.js';

export interface FeeConfig {
  maker: Decimal;
  taker: Decimal;
  /** 'received' (Binance's default without BNB) or 'quote'. */
  commissionAsset: 'received' | 'quote';
}

export function round8(d: Decimal): Decimal {
  return d.toDecimalPlaces(8, Decimal.ROUND_HALF_UP);
}

interface Payment {
  payAsset: string;
  pay: Decimal;
  receiveAsset: string;
  receive: Decimal;
  commission: Decimal;
  commissionAsset: string;
  quote: Decimal;
}

function payment(spec: SpotSymbolSpec, side: SpotOrder['side'], qty: Decimal, price: Decimal, maker: boolean, fees: FeeConfig): Payment {
  const quote = qty.times(price);
  const rate = maker ? fees.maker : fees.taker;
  const buyer = side === 'BUY';
  const inQuote = fees.commissionAsset === 'quote';
  const commissionAsset = inQuote ? spec.quoteAsset : buyer ? spec.baseAsset : spec.quoteAsset;
  const commission = round8((inQuote || !buyer ? quote : qty).times(rate));
  const pay = buyer ? quote.plus(inQuote ? commission : 0) : qty;
  const received = buyer ? qty : quote;
  const receive = commissionAsset === (buyer ? spec.baseAsset : spec.quoteAsset) ? received.minus(commission) : received;
  return { payAsset: buyer ? spec.quoteAsset : spec.baseAsset, pay, receiveAsset: buyer ? spec.baseAsset : spec.quoteAsset, receive, commission, commissionAsset, quote };
}

/** Whether the account can pay for this fill (its lock plus the free balance). */
export function affordable(balances: SpotBalances, spec: SpotSymbolSpec, order: SpotOrder, qty: Decimal, price: Decimal, maker: boolean, fees: FeeConfig): boolean {
  const p = payment(spec, order.side, qty, price, maker, fees);
  const fromLock = order.lock ? Decimal.min(order.lock.remaining, p.pay) : new Decimal(0);
  return balances.get(p.payAsset).free.gte(p.pay.minus(fromLock));
}

/** Moves the balances for one fill and updates the order's executed amounts; returns the trade row (id and time from the caller). */
export function settleFill(balances: SpotBalances, spec: SpotSymbolSpec, order: SpotOrder, qty: Decimal, price: Decimal, maker: boolean, fees: FeeConfig, id: number, time: number): SpotTrade {
  const p = payment(spec, order.side, qty, price, maker, fees);
  const fromLock = order.lock ? Decimal.min(order.lock.remaining, p.pay) : new Decimal(0);
  if (order.lock) order.lock.remaining = order.lock.remaining.minus(fromLock);
  balances.spendLocked(p.payAsset, fromLock);
  balances.spendFree(p.payAsset, p.pay.minus(fromLock));
  balances.credit(p.receiveAsset, p.receive);
  order.executedQty = order.executedQty.plus(qty);
  order.cummulativeQuoteQty = order.cummulativeQuoteQty.plus(p.quote);
  order.status = order.executedQty.gte(order.origQty) ? 'FILLED' : 'PARTIALLY_FILLED';
  order.updateTime = time;
  return {
    id, orderId: order.orderId, orderListId: order.orderListId, symbol: order.symbol, price, qty, quoteQty: p.quote,
    commission: p.commission, commissionAsset: p.commissionAsset, time, isBuyer: order.side === 'BUY', isMaker: maker,
  };
}
