// Binance USD-M request and order rate limits, enforced on the venue clock (general-info, LIMITS):
//  - IP request weight: 2400 per minute; every answer carries X-MBX-USED-WEIGHT-1M. Over the limit:
//    HTTP 429, code -1003, Retry-After. "Repeatedly violating rate limits and/or failing to back off
//    after receiving 429s will result in an automated IP ban (HTTP status 418). IP bans are tracked
//    and scale in duration for repeat offenders, from 2 minutes to 3 days."
//  - account order count: 300 per 10 seconds and 1200 per minute; order answers carry
//    X-MBX-ORDER-COUNT-10S and X-MBX-ORDER-COUNT-1M. Over a limit: HTTP 429, code -1015.
// Windows are fixed intervals of the venue clock (a minute's counter starts again at the minute),
// which is how the used-weight header behaves. Which request costs what is the route table's
// business (binance-rest.ts); this module only counts.
//
// Not documented, so chosen here: a request sent before a 429's Retry-After has passed is "failing
// to back off" and is banned at once; ban n lasts 2 minutes x 2^(n-1), capped at 3 days; a banned IP
// gets 418 for everything until the ban ends, without lengthening it; order-count 429s (-1015) are
// per account and never lead to an IP ban.

export interface RateLimitConfig {
  weightPerMinute: number;
  ordersPer10s: number;
  ordersPerMinute: number;
}

/** Binance's published USD-M limits (exchangeInfo `rateLimits`). */
export const BINANCE_RATE_LIMITS: RateLimitConfig = { weightPerMinute: 2400, ordersPer10s: 300, ordersPerMinute: 1200 };

/** What one request costs on the order limiters (New-Order: 1 and 1; Place-Multiple-Orders: 5 and 1). */
export interface OrderCost {
  tenSec: number;
  minute: number;
}

export type Admission =
  | { ok: true }
  | { ok: false; status: 429 | 418; code: -1003 | -1015; msg: string; retryAfterSec: number };

const MINUTE_MS = 60_000;
const TEN_SEC_MS = 10_000;
const FIRST_BAN_MS = 2 * MINUTE_MS;
const MAX_BAN_MS = 3 * 24 * 60 * MINUTE_MS;

/** A counter over fixed windows of `intervalMs` on the venue clock. */
class WindowCounter {
  private window = -1;
  private count = 0;

  constructor(private readonly intervalMs: number) {}

  value(now: number): number {
    return Math.floor(now / this.intervalMs) === this.window ? this.count : 0;
  }

  add(now: number, n: number): number {
    const w = Math.floor(now / this.intervalMs);
    if (w !== this.window) {
      this.window = w;
      this.count = 0;
    }
    this.count = Math.max(0, this.count + n);
    return this.count;
  }

  /** Milliseconds until the current window ends. */
  remaining(now: number): number {
    return (Math.floor(now / this.intervalMs) + 1) * this.intervalMs - now;
  }

  clear(): void {
    this.window = -1;
    this.count = 0;
  }
}

export class RateLimiter {
  private config: RateLimitConfig;
  private readonly weight = new WindowCounter(MINUTE_MS);
  private readonly orders10s = new WindowCounter(TEN_SEC_MS);
  private readonly orders1m = new WindowCounter(MINUTE_MS);
  /** Until when a 429 told the client to wait (venue ms); a request before then earns a ban. */
  private throttledUntil = 0;
  private bannedUntil = 0;
  /** Bans so far: each one doubles the next (repeat offenders). */
  private bans = 0;

  constructor(private readonly clock: () => number, private readonly defaults: RateLimitConfig = BINANCE_RATE_LIMITS) {
    this.config = { ...defaults };
  }

  limits(): RateLimitConfig {
    return { ...this.config };
  }

  /** Changes some limits (tests use small ones); counters and bans are kept. */
  configure(next: Partial<RateLimitConfig>): RateLimitConfig {
    for (const key of ['weightPerMinute', 'ordersPer10s', 'ordersPerMinute'] as const) {
      const v = next[key];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new Error(`${key} must be a positive integer, got ${String(v)}`);
      this.config[key] = v;
    }
    return this.limits();
  }

  /**
   * The IP limiter for one request of `weight`: 418 while banned (or when it did not back off
   * after a 429), 429 when the minute's weight would pass the limit. Counts the weight of every
   * request it does not ban, refused or not (the venue has spent the work of reading it).
   */
  admitRequest(weight: number): Admission {
    const now = this.clock();
    if (now < this.bannedUntil) return this.banned(now);
    if (now < this.throttledUntil) {
      this.bans++;
      this.bannedUntil = now + Math.min(FIRST_BAN_MS * 2 ** (this.bans - 1), MAX_BAN_MS);
      this.throttledUntil = 0;
      return this.banned(now);
    }
    const used = this.weight.add(now, weight);
    if (used > this.config.weightPerMinute) {
      const wait = this.weight.remaining(now);
      this.throttledUntil = now + wait;
      return {
        ok: false, status: 429, code: -1003, retryAfterSec: Math.max(1, Math.ceil(wait / 1000)),
        msg: `Too many requests; current limit is ${this.config.weightPerMinute} requests per minute. Please use the websocket for live updates to avoid polling the API.`,
      };
    }
    return { ok: true };
  }

  /** Gives back the weight of a request the venue did not count (a "Service Unavailable." 503, -1008). */
  refundWeight(weight: number): void {
    this.weight.add(this.clock(), -weight);
  }

  /** The order limiters: -1015 when this request's cost would pass either one. Counts nothing. */
  admitOrders(cost: OrderCost): Admission {
    const now = this.clock();
    const checks: Array<[WindowCounter, number, number, string]> = [
      [this.orders10s, cost.tenSec, this.config.ordersPer10s, '10 SECOND'],
      [this.orders1m, cost.minute, this.config.ordersPerMinute, '1 MINUTE'],
    ];
    for (const [counter, n, limit, per] of checks) {
      if (n > 0 && counter.value(now) + n > limit) {
        return {
          ok: false, status: 429, code: -1015, retryAfterSec: Math.max(1, Math.ceil(counter.remaining(now) / 1000)),
          msg: `Too many new orders; current limit is ${limit} orders per ${per}.`,
        };
      }
    }
    return { ok: true };
  }

  /** Counts an order request the engine processed. */
  countOrders(cost: OrderCost): void {
    const now = this.clock();
    this.orders10s.add(now, cost.tenSec);
    this.orders1m.add(now, cost.minute);
  }

  usedWeight(): number {
    return this.weight.value(this.clock());
  }

  orderCounts(): { tenSec: number; minute: number } {
    const now = this.clock();
    return { tenSec: this.orders10s.value(now), minute: this.orders1m.value(now) };
  }

  /** X-MBX-USED-WEIGHT-1M, plus the X-MBX-ORDER-COUNT-* pair on order routes. */
  headers(orderRoute: boolean): Record<string, string> {
    const out: Record<string, string> = { 'X-MBX-USED-WEIGHT-1M': String(this.usedWeight()) };
    if (orderRoute) {
      const c = this.orderCounts();
      out['X-MBX-ORDER-COUNT-10S'] = String(c.tenSec);
      out['X-MBX-ORDER-COUNT-1M'] = String(c.minute);
    }
    return out;
  }

  /** Counters, throttle and ban cleared (the repeat-offender count too); limits kept. */
  clearCounters(): void {
    this.weight.clear();
    this.orders10s.clear();
    this.orders1m.clear();
    this.throttledUntil = 0;
    this.bannedUntil = 0;
    this.bans = 0;
  }

  /** Back to the limits the simulator started with, nothing counted. */
  reset(): void {
    this.config = { ...this.defaults };
    this.clearCounters();
  }

  describe() {
    const now = this.clock();
    return {
      limits: this.limits(),
      usedWeight: this.usedWeight(),
      orderCount: this.orderCounts(),
      bannedUntil: this.bannedUntil > now ? this.bannedUntil : null,
      throttledUntil: this.throttledUntil > now ? this.throttledUntil : null,
      bans: this.bans,
    };
  }

  private banned(now: number): Admission {
    return {
      ok: false, status: 418, code: -1003, retryAfterSec: Math.max(1, Math.ceil((this.bannedUntil - now) / 1000)),
      msg: `Way too many requests; IP banned until ${this.bannedUntil}. Please use the websocket for live updates to avoid bans.`,
    };
  }
}
