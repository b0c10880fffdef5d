// Spot account routes: GET /api/v3/account (balances free/locked, commission rates, canTrade;
// omitZeroBalances), GET /api/v3/account/commission, GET /api/v3/myTrades (history.ts).
import { Decimal } from 'decimal.js';
import { need } from '../rest-params.js';
import { f8 } from './frames.js';
import { myTrades } from './history.js';
import { accountJson, tradeJson } from './payloads.js';
import type { SpotRestContext, SpotRoute } from './rest.js';

export function accountRoutes(ctx: SpotRestContext): SpotRoute[] {
  const e = ctx.engine;
  const priv = (path: string, handler: SpotRoute['handler']): SpotRoute => ({ method: 'GET', path, auth: 'signed', handler });
  const zero = f8(new Decimal(0));
  return [
    priv('/api/v3/account', (p) => accountJson(e.balances.all(), e.fees, p.omitZeroBalances === 'true', ctx.venueNow())),
    priv('/api/v3/account/commission', (p) => ({
      symbol: e.spec(need(p, 'symbol')).symbol,
      standardCommission: { maker: f8(e.fees.maker), taker: f8(e.fees.taker), buyer: zero, seller: zero },
      specialCommission: { maker: zero, taker: zero, buyer: zero, seller: zero },
      taxCommission: { maker: zero, taker: zero, buyer: zero, seller: zero },
      discount: { enabledForAccount: false, enabledForSymbol: false, discountAsset: 'BNB', discount: '0.75000000' },
    })),
    priv('/api/v3/myTrades', (p) => myTrades(e, e.spec(need(p, 'symbol')).symbol, p).map(tradeJson)),
  ];
}
