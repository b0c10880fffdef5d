// A scope is one symbol-side of one account product: the unit of ownership for a workflow.
export type ExchangeId = 'generic' | 'binance' | 'bybit';
export type Product = 'linear' | 'spot' | 'inverse';
export type ManagedSide = 'LONG' | 'SHORT';
export type PositionMode = 'hedge' | 'one_way';

export interface Scope {
  readonly exchange: ExchangeId;
  readonly product: Product;
  readonly symbol: string;
  readonly managedSide: ManagedSide;
}

export type ScopeKey = string;

export function scopeKey(scope: Scope): ScopeKey {
  return `${scope.exchange}:${scope.product}:${scope.symbol}:${scope.managedSide}`;
}

export function parseScopeKey(key: ScopeKey): Scope {
  const [exchange, product, symbol, managedSide] = key.split(':');
  if (!exchange || !product || !symbol || (managedSide !== 'LONG' && managedSide !== 'SHORT')) {
    throw new Error(`malformed scope key ${JSON.stringify(key)}`);
  }
  return { exchange: exchange as ExchangeId, product: product as Product, symbol, managedSide };
}

export function oppositeSide(side: ManagedSide): ManagedSide {
  return side === 'LONG' ? 'SHORT' : 'LONG';
}

export function withSide(scope: Scope, managedSide: ManagedSide): Scope {
  return { ...scope, managedSide };
}

/** Order side that increases exposure of a managed side. */
export function entrySide(side: ManagedSide): 'BUY' | 'SELL' {
  return side === 'LONG' ? 'BUY' : 'SELL';
}

/** Order side that reduces exposure of a managed side. */
export function exitSide(side: ManagedSide): 'BUY' | 'SELL' {
  return side === 'LONG' ? 'SELL' : 'BUY';
}
