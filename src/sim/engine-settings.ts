// Switches a test turns to make the engine behave as Binance sometimes does: thin outside
// liquidity (market and IOC orders that partly fill and expire, self-trade prevention), the
// order of a triggered order's rows, triggers that fail, and the open-order limits.
import { Decimal } from 'decimal.js';

export interface EngineLimits {
  /** MAX_NUM_ORDERS (exchangeInfo: 200 per symbol; regular and conditional orders both count). */
  maxOpenOrders: number;
  /** MAX_NUM_ALGO_ORDERS per symbol as exchangeInfo advertises it (10). */
  maxAlgoOrders: number;
  /** Binance change log 2025-12-29: "The conditional order limit is 200 across all symbols." */
  maxAlgoOrdersTotal: number;
}

export const DEFAULT_LIMITS: EngineLimits = { maxOpenOrders: 200, maxAlgoOrders: 10, maxAlgoOrdersTotal: 200 };

export interface TriggerReject {
  /** Only a trigger on this symbol is rejected (any symbol when absent). */
  symbol?: string;
  /** ALGO_UPDATE `rm` (and the legacy event's `r`). */
  reason: string;
}

export class EngineSettings {
  /** Per symbol: how much the outside market fills of one taker order (undefined = all of it). */
  readonly liquidity = new Map<string, Decimal>();
  /** A triggered order's ORDER_TRADE_UPDATE rows come before its ALGO_UPDATE TRIGGERED row. */
  childFirst = false;
  /** Also push the deprecated CONDITIONAL_ORDER_TRIGGER_REJECT when a trigger is rejected. */
  legacyTriggerReject = false;
  limits: EngineLimits = { ...DEFAULT_LIMITS };
  private readonly rejects: TriggerReject[] = [];

  queueRejects(reject: TriggerReject, count: number): void {
    for (let i = 0; i < count; i++) this.rejects.push({ ...reject });
  }

  clearRejects(): void {
    this.rejects.length = 0;
  }

  /** The reason the next trigger on this symbol must fail, if one is queued (used once). */
  takeReject(symbol: string): string | undefined {
    const i = this.rejects.findIndex((r) => r.symbol === undefined || r.symbol === symbol);
    if (i < 0) return undefined;
    return this.rejects.splice(i, 1)[0]!.reason;
  }

  describe() {
    return {
      liquidity: Object.fromEntries([...this.liquidity].map(([s, q]) => [s, q.toFixed()])),
      childFirst: this.childFirst, legacyTriggerReject: this.legacyTriggerReject, limits: { ...this.limits }, pendingTriggerRejects: this.rejects.map((r) => ({ ...r })),
    };
  }
}
