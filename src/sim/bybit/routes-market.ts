// Public market routes (market/instrument, market/tickers, market/time pages) from the engine's
// symbol specs and prices: LinearPerpetual instruments settled in USDT, status Trading; a
// PreLaunch query lists nothing; one page (`nextPageCursor` "", which ends ccxt's loop).
import { Decimal } from 'decimal.js';
import { ticker24hr } from '../market-data.js';
import type { SymbolSpec } from '../sim-types.js';
import type { BybitContext, BybitRoute } from './route.js';
import { category, type BybitParams } from './params.js';

function instrument(s: SymbolSpec): Record<string, unknown> {
  const tick = new Decimal(s.tickSize);
  return {
    symbol: s.symbol, contractType: 'LinearPerpetual', status: 'Trading', baseCoin: s.baseAsset, quoteCoin: s.quoteAsset, settleCoin: 'USDT',
    launchTime: '1585526400000', deliveryTime: '0', deliveryFeeRate: '', priceScale: String(s.pricePrecision),
    leverageFilter: { minLeverage: '1', maxLeverage: '100.00', leverageStep: '0.01' },
    priceFilter: { minPrice: s.tickSize, maxPrice: new Decimal(2_000_000).sub(tick).toFixed(), tickSize: s.tickSize },
    lotSizeFilter: { maxOrderQty: s.maxQty, maxMktOrderQty: s.maxQty, minOrderQty: s.minQty, qtyStep: s.stepSize, postOnlyMaxOrderQty: s.maxQty, minNotionalValue: s.minNotional },
    unifiedMarginTrade: true, fundingInterval: 480, copyTrading: 'both', upperFundingRate: '0.00375', lowerFundingRate: '-0.00375', isPreListing: false, preListingInfo: null,
  };
}

function instruments(ctx: BybitContext, p: BybitParams) {
  const cat = category(p);
  if (cat !== 'linear' || (p.status && p.status !== 'Trading')) return { category: cat, list: [], nextPageCursor: '' };
  const specs = [...ctx.engine.symbols.values()].filter((s) => !p.symbol || s.symbol === p.symbol);
  return { category: 'linear', list: specs.map(instrument), nextPageCursor: '' };
}

function tickers(ctx: BybitContext, p: BybitParams) {
  const cat = category(p);
  if (cat !== 'linear') return { category: cat, list: [] };
  const e = ctx.engine;
  const specs = p.symbol ? [e.spec(p.symbol)] : [...e.symbols.values()].filter((s) => e.marks.has(s.symbol));
  const now = ctx.venueNow();
  return {
    category: 'linear',
    list: specs.map((s) => {
      const day = ticker24hr(e, s.symbol, now);
      const mark = e.mark(s.symbol).toFixed();
      const last = e.lastPrice(s.symbol).toFixed();
      const open = new Decimal(day.openPrice);
      return {
        symbol: s.symbol, lastPrice: last, indexPrice: mark, markPrice: mark, prevPrice24h: day.openPrice,
        price24hPcnt: open.isZero() ? '0' : new Decimal(last).sub(open).div(open).toDecimalPlaces(6).toFixed(), highPrice24h: day.highPrice, lowPrice24h: day.lowPrice,
        prevPrice1h: day.openPrice, openInterest: '0', openInterestValue: '0', turnover24h: day.quoteVolume, volume24h: day.volume, fundingRate: '0.0001',
        nextFundingTime: String(Math.ceil(now / 28_800_000) * 28_800_000), predictedDeliveryPrice: '', basisRate: '', deliveryFeeRate: '', deliveryTime: '0',
        ask1Size: s.maxQty, bid1Price: last, ask1Price: last, bid1Size: s.maxQty, basis: '',
      };
    }),
  };
}

export function marketRoutes(ctx: BybitContext): BybitRoute[] {
  const pub = (path: string, handler: BybitRoute['handler']): BybitRoute => ({ method: 'GET', path, auth: 'none', handler });
  return [
    pub('/v5/market/instruments-info', (p) => instruments(ctx, p)),
    pub('/v5/market/tickers', (p) => tickers(ctx, p)),
    pub('/v5/market/time', () => {
      const t = ctx.serverTime();
      return { timeSecond: String(Math.floor(t / 1000)), timeNano: `${t}000000` };
    }),
  ];
}
