// Port mutations -> ccxt calls for binanceusdm. SL/TP of trigger types go to the algo endpoint
// (clientAlgoId); LIMIT TP and DCA to the regular one. In hedge mode the position side says
// whether an order closes, and Binance refuses an explicit reduceOnly there.
import { canon } from '../../domain/decimal.js';
import type { VenueMutation } from '../port.js';
import { CONDITIONAL_TYPES } from './normalize.js';

export interface CcxtCall {
  method: 'createOrder' | 'editOrder' | 'cancelOrder';
  args: unknown[];
  algo: boolean;
}

export const unifiedSymbol = (venueSymbol: string, markets: Record<string, { id: string; symbol: string }>) =>
  Object.values(markets).find((m) => m.id === venueSymbol)?.symbol ?? venueSymbol;

export function buildCall(m: VenueMutation, symbol: string, hedge: boolean): CcxtCall {
  const i = m.intent;
  const algo = CONDITIONAL_TYPES.has(i.type);
  const side = i.side.toLowerCase();
  const position = hedge ? { positionSide: m.scope.managedSide } : {};
  if (m.action === 'cancel') {
    return { method: 'cancelOrder', args: [undefined, symbol, { clientOrderId: m.customOrderId, ...(algo ? { trigger: true } : {}) }], algo };
  }
  if (m.action === 'amend') {
    if (algo) throw new Error('conditional orders cannot be amended on Binance; replace them');
    return { method: 'editOrder', args: [undefined, symbol, 'limit', side, num(i.qty), num(i.price), { origClientOrderId: m.customOrderId, ...position }], algo };
  }
  if (algo) {
    const trigger = num(i.triggerPrice);
    const kind = i.type === 'STOP_MARKET' || i.type === 'STOP' ? { stopLossPrice: trigger } : { takeProfitPrice: trigger };
    const limit = i.type === 'STOP' || i.type === 'TAKE_PROFIT';
    return {
      method: 'createOrder',
      args: [symbol, limit ? 'limit' : 'market', side, i.closePosition ? undefined : num(i.qty), limit ? num(i.price) : undefined, {
        ...kind, ...position, clientOrderId: m.customOrderId, ...(i.closePosition ? { closePosition: true } : {}), ...(!hedge && i.reduceOnly && !i.closePosition ? { reduceOnly: true } : {}),
      }],
      algo,
    };
  }
  return {
    method: 'createOrder',
    args: [symbol, i.type === 'MARKET' ? 'market' : 'limit', side, num(i.qty), i.type === 'MARKET' ? undefined : num(i.price), {
      ...position, clientOrderId: m.customOrderId, ...(!hedge && i.reduceOnly ? { reduceOnly: true } : {}),
    }],
    algo,
  };
}

/** ccxt takes numbers; the canonical decimal string converts exactly for exchange precisions. */
function num(value: { toFixed(): string } | undefined): number | undefined {
  return value === undefined ? undefined : Number(canon(value as never));
}
