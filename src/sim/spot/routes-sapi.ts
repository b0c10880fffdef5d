// The two /sapi routes ccxt `binance` calls from loadMarkets when it has keys (its option
// `fetchMargins` is true by default): the cross and isolated margin pair lists. This venue has
// no margin trading, so both are empty: every market loads with margin false.
import type { SpotRoute } from './rest.js';

export function sapiRoutes(): SpotRoute[] {
  const empty = (path: string): SpotRoute => ({ method: 'GET', path, auth: 'signed', handler: () => [] });
  return [empty('/sapi/v1/margin/allPairs'), empty('/sapi/v1/margin/isolated/allPairs')];
}
