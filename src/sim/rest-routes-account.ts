// Account and configuration routes (account/rest-api and trade/rest-api pages; weights from each
// page): account, balance, positionRisk, leverage brackets, position mode, leverage, margin type,
// commission rate, income history.
import { publishLeverage } from './account-events.js';
import { SimError } from './sim-types.js';
import { income } from './history.js';
import { MAX_LEVERAGE, account, balance, leverageBracket, positionRiskV2, positionRiskV3 } from './payloads.js';
import { need } from './rest-params.js';
import type { RestContext, RouteDef } from './rest-route.js';

export function accountRoutes(ctx: RestContext): RouteDef[] {
  const e = ctx.engine;
  const priv = (method: RouteDef['method'], path: string, weight: RouteDef['weight'], handler: RouteDef['handler']): RouteDef => ({ method, path, auth: 'signed', weight, handler });
  const success = { code: 200, msg: 'success' };
  return [
    ...['v2', 'v3'].flatMap((v) => [
      priv('GET', `/fapi/${v}/account`, 5, () => account(e, ctx.venueNow())),
      priv('GET', `/fapi/${v}/balance`, 5, () => balance(e, ctx.venueNow())),
    ]),
    priv('GET', '/fapi/v2/positionRisk', 5, (p) => positionRiskV2(e, p.symbol)),
    priv('GET', '/fapi/v3/positionRisk', 5, (p) => positionRiskV3(e, p.symbol)),
    priv('GET', '/fapi/v1/leverageBracket', 1, (p) => leverageBracket(e, p.symbol)),
    priv('GET', '/fapi/v1/positionSide/dual', 30, () => ({ dualSidePosition: e.opts.positionMode === 'hedge' })),
    // Change-Position-Mode, on every symbol: -4059 unchanged, -4068 a position, -4067 an open order.
    priv('POST', '/fapi/v1/positionSide/dual', 1, (p) => {
      const dual = need(p, 'dualSidePosition');
      if (dual !== 'true' && dual !== 'false') throw new SimError(-1130, "Data sent for parameter 'dualSidePosition' is not valid.");
      e.setPositionMode(dual === 'true' ? 'hedge' : 'one_way');
      return success;
    }),
    // Change-Initial-Leverage: an int from 1 to 125 (-4028 otherwise); Binance pushes
    // ACCOUNT_CONFIG_UPDATE `ac` on the user-data stream (Event-Account-Configuration-Update).
    priv('POST', '/fapi/v1/leverage', 1, (p) => {
      const symbol = e.spec(need(p, 'symbol')).symbol;
      const raw = need(p, 'leverage');
      const leverage = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
      if (!(leverage >= 1 && leverage <= MAX_LEVERAGE)) throw new SimError(-4028, `Leverage ${raw} is not valid`);
      e.setLeverage(symbol, leverage);
      publishLeverage(e, symbol, leverage);
      return { leverage, maxNotionalValue: '10000000', symbol };
    }),
    // Change-Margin-Type: -4046 "No need to change margin type." (ccxt: MarginModeAlreadySet),
    // -4047 open orders, -4048 a position. Margin stays cross in the engine (recorded, reported).
    priv('POST', '/fapi/v1/marginType', 1, (p) => {
      const symbol = e.spec(need(p, 'symbol')).symbol;
      const type = need(p, 'marginType').toUpperCase();
      if (type !== 'ISOLATED' && type !== 'CROSSED') throw new SimError(-1130, "Data sent for parameter 'marginType' is not valid.");
      e.setMarginType(symbol, type);
      e.emitMarginOnlyFrame();
      return success;
    }),
    priv('GET', '/fapi/v1/commissionRate', 20, (p) => ({
      symbol: e.spec(need(p, 'symbol')).symbol, makerCommissionRate: e.opts.makerFee, takerCommissionRate: e.opts.takerFee, rpiCommissionRate: '0',
    })),
    priv('GET', '/fapi/v1/income', 30, (p) => income(e, p, ctx.venueNow())),
  ];
}
