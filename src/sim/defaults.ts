// The simulator's default market: two perpetuals with Binance-like filters and start prices.
import type { SymbolSpec } from './sim-types.js';

export const DEFAULT_SYMBOLS: SymbolSpec[] = [
  { symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', tickSize: '0.1', stepSize: '0.001', minQty: '0.001', maxQty: '1000', minNotional: '5', pricePrecision: 1, quantityPrecision: 3 },
  { symbol: 'ETHUSDT', baseAsset: 'ETH', quoteAsset: 'USDT', tickSize: '0.01', stepSize: '0.001', minQty: '0.001', maxQty: '10000', minNotional: '5', pricePrecision: 2, quantityPrecision: 3 },
];

export const DEFAULT_MARKS: Record<string, string> = { BTCUSDT: '65000', ETHUSDT: '3000' };
