// The spot simulator's default market and account: BTCUSDT and ETHUSDT with Binance-like spot
// filters, their start prices, 10000 USDT and nothing else, Binance's standard 0.1 % commission.
import type { SpotSymbolSpec } from './types.js';

export const DEFAULT_SPOT_SYMBOLS: SpotSymbolSpec[] = [
  { symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', tickSize: '0.01', stepSize: '0.00001', minQty: '0.00001', maxQty: '9000', minNotional: '5' },
  { symbol: 'ETHUSDT', baseAsset: 'ETH', quoteAsset: 'USDT', tickSize: '0.01', stepSize: '0.0001', minQty: '0.0001', maxQty: '9000', minNotional: '5' },
];

export const DEFAULT_SPOT_PRICES: Record<string, string> = { BTCUSDT: '65000', ETHUSDT: '3000' };

/** Free balances at the start; every asset of a symbol is listed, at 0 when not given. */
export const DEFAULT_SPOT_BALANCES: Record<string, string> = { USDT: '10000' };

export const DEFAULT_SPOT_FEES = { maker: '0.001', taker: '0.001' };

/** CANCELED or EXPIRED orders without a fill are archived after this long (-2026). */
export const ARCHIVE_AFTER_MS = 90 * 24 * 60 * 60 * 1000;
