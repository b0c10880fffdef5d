// When a spot order meets the last price. Stops (Binance spot "Trigger order price rules"):
// STOP_LOSS(_LIMIT) sells when the price falls to the stop and buys when it rises to it;
// TAKE_PROFIT(_LIMIT) the other way round. A limit order is marketable while a BUY's price is at
// or above the last price (a SELL's at or below); a resting one fills when the price reaches it.
import type { Decimal } from 'decimal.js';
import type { Side, SpotOrderType } from './types.js';

export function triggers(type: SpotOrderType, side: Side, stopPrice: Decimal, last: Decimal): boolean {
  const stopLoss = type === 'STOP_LOSS' || type === 'STOP_LOSS_LIMIT';
  const onFall = stopLoss ? side === 'SELL' : side === 'BUY';
  return onFall ? last.lte(stopPrice) : last.gte(stopPrice);
}

export function crosses(side: Side, price: Decimal, last: Decimal): boolean {
  return side === 'BUY' ? price.gte(last) : price.lte(last);
}
