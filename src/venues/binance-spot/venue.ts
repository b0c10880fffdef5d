// The Binance spot venue behind the port (issue 14), over ccxt pro `binance`. Every REST call goes
// through ccxt's implicit API with Binance's own parameter names. Spot has no position rows, so
// hydration DERIVES the position of each symbol (see docs/VENUES.md, "Binance spot"):
//   size  = the base asset's balance, free + locked (what the account holds, whatever bought it);
//   entry = the VWAP of the symbol's trade history (GET /api/v3/myTrades, replayed with the
//           domain's applySpotFill: buys average in, sells reduce, base-asset fees reduce);
//   dust  = a holding below the symbol's LOT_SIZE minQty (after stepSize) or its minimum notional
//           is flat: nothing to protect.
// The trades replayed go into the snapshot's fills, so their stream copies are duplicates; the
// balance is read before and after the trades and the read is repeated when it moved in between
// (a fill landed), so size, entry and the fills agree. Open orders are read first (lesson 7).
// A lookup answers `absent` only on a clean -2013 (HTTP 4xx); every other failure throws.
import { Decimal, ZERO, parseDecimal } from '../../domain/decimal.js';
import type { ExecutionRow, Filters, OrderRow, PositionRow, RestSnapshot } from '../../domain/rows.js';
import type { ExchangeId, Scope } from '../../domain/scope.js';
import { applySpotFill, isSpotDust, type DerivedPosition } from '../../domain/spot-position.js';
import type { JournalLog } from '../../runtime/journal-catalogue.js';
import { adapterScrubbing, lastResponseHeader, orderRowOrSkip } from '../ccxt/adapter-kit.js';
import { httpStatusOf } from '../ccxt/client.js';
import { codeOf, outcomeOfError, short, venueCallError } from '../ccxt/outcome.js';
import type { HydrationRequest, StreamItem, SubmitOutcome, Venue, VenueMutation } from '../port.js';
import { createBinanceSpotClient, SPOT_RECV_WINDOW_MS, type BinanceSpotClient, type BinanceSpotClientConfig } from './client.js';
import { refinedSpotCode } from './error-codes.js';
import { balanceRowsOfAccount, executionRowOfTrade, filtersOf, heldOf, orderRowOfRest } from './normalize.js';
import { buildSpotCall, type SpotBody } from './requests.js';
import { BinanceSpotStream } from './stream.js';

type Raw = Record<string, unknown>;
type Api = (params: SpotBody) => Promise<unknown>;

export interface BinanceSpotVenueConfig extends BinanceSpotClientConfig {
  log: JournalLog;
  /** The configured symbols; without them, every USDT market whose base asset the account holds. */
  symbols?: readonly string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const TRADES_PAGE = 1000;
const MAX_PAGES = 200;
const MAX_REMEMBERED_IDS = 20_000;
/** Balance reads around the trade history before hydration gives up (a fill kept landing in between). */
const CONSISTENT_READS = 3;
/** The quote of the markets auto-detected from the held base assets (no SYMBOLS configured). */
const AUTO_QUOTE = 'USDT';

interface SpotMarket {
  id: string;
  base: string;
  quote: string;
  baseId?: string;
  quoteId?: string;
  spot?: boolean;
  info: Raw;
}

export class BinanceSpotVenue implements Venue {
  /** recvWindow plus a second of clock skew: a request that timed out may land until then. */
  readonly requestValidityMs = SPOT_RECV_WINDOW_MS + 1_000;
  readonly exchange: ExchangeId = 'binance';
  readonly product = 'spot' as const;
  private readonly stream: BinanceSpotStream;
  /** Custom id by venue order id (myTrades rows carry no client id). */
  private readonly customIds = new Map<string, string | undefined>();
  /** Symbols a snapshot has reported a position for: always re-read (a holding sold during a gap reads flat). */
  private readonly reported = new Set<string>();

  private constructor(private readonly ex: BinanceSpotClient, private readonly config: BinanceSpotVenueConfig, private readonly scrub: (text: string) => string) {
    this.stream = new BinanceSpotStream(ex, { log: config.log, scrub, onOrderIdentity: (id, customOrderId) => this.remember(id, customOrderId) });
  }

  static async create(config: BinanceSpotVenueConfig): Promise<BinanceSpotVenue> {
    // Everything the adapter logs, returns or throws passes the shared scrubber.
    const kit = adapterScrubbing(config, config.log);
    const ex = await createBinanceSpotClient(config);
    return new BinanceSpotVenue(ex, { ...config, log: kit.log }, kit.scrub);
  }

  private api(name: string): Api {
    const fn = (this.ex as unknown as Record<string, Api>)[name];
    if (typeof fn !== 'function') throw new Error(`ccxt binance has no ${name}`);
    return fn.bind(this.ex);
  }

  async hydrate(request: HydrationRequest): Promise<RestSnapshot> {
    try {
      return await this.readSnapshot(request);
    } catch (error) {
      throw venueCallError(`hydrate(${request.subject})`, error, this.scrub);
    }
  }

  private async readSnapshot(request: HydrationRequest): Promise<RestSnapshot> {
    const markets = Object.values(await this.ex.loadMarkets(request.subject === 'startup')) as unknown as SpotMarket[];
    const byId = new Map(markets.filter((m) => m.spot !== false).map((m) => [m.id, m]));
    const filters: Record<string, Filters> = {};
    for (const m of byId.values()) {
      const f = filtersOf(m.info);
      if (f) filters[m.id] = f;
    }
    const wanted = request.scopes ? new Set(request.scopes.map((s) => s.symbol)) : undefined;
    // Open orders first (lesson 7), then the holdings.
    const openRaw = await this.api('privateGetOpenOrders')(wanted && wanted.size === 1 ? { symbol: [...wanted][0]! } : {});
    if (!Array.isArray(openRaw)) throw new Error('openOrders: expected a list');
    const openOrders = (openRaw as Raw[]).filter((o) => !wanted || wanted.has(String(o.symbol))).flatMap((o) => this.orderRowOrSkip(o));

    for (let attempt = 1; ; attempt++) {
      const before = (await this.api('privateGetAccount')({ omitZeroBalances: 'true' })) as Raw;
      const symbols = this.positionSymbols(before, byId, wanted);
      const trades = new Map<string, ExecutionRow[]>();
      for (const symbol of symbols) trades.set(symbol, await this.recentTrades(symbol));
      const after = (await this.api('privateGetAccount')({ omitZeroBalances: 'true' })) as Raw;
      const moved = symbols.some((s) => !heldOf(before, byId.get(s)!.baseId ?? byId.get(s)!.base).eq(heldOf(after, byId.get(s)!.baseId ?? byId.get(s)!.base)));
      if (moved && attempt < CONSISTENT_READS) continue;
      if (moved) throw new Error('the holdings kept changing while the trade history was read');
      const positions: PositionRow[] = [];
      const fills: ExecutionRow[] = [];
      for (const symbol of symbols) {
        const market = byId.get(symbol)!;
        const history = trades.get(symbol)!;
        fills.push(...history);
        const base = market.baseId ?? market.base;
        const size = heldOf(after, base);
        const entry = entryOf(history, base);
        // Dust is judged at the price now (what a sell would get), not at the entry.
        const last = size.gt(ZERO) ? await this.lastPrice(symbol) : ZERO;
        const estimated = entry.isZero() && size.gt(ZERO);
        const dust = isSpotDust(size, last, filters[symbol]);
        positions.push({
          kind: 'position', symbol, managedSide: 'LONG', size: dust ? ZERO : size, entryPrice: dust ? ZERO : estimated ? last : entry,
          ...(estimated && !dust ? { entryEstimated: true } : {}),
        });
        this.reported.add(symbol);
      }
      return { openOrders, positions, filters, fills, ...(request.subject === 'recovery' ? {} : { balances: balanceRowsOfAccount(after) }) };
    }
  }

  /** The symbols a snapshot derives a position for. */
  private positionSymbols(account: Raw, markets: Map<string, SpotMarket>, wanted: Set<string> | undefined): string[] {
    if (wanted) return [...wanted].filter((s) => markets.has(s));
    const out = new Set<string>(this.config.symbols ?? []);
    if (!this.config.symbols) {
      for (const m of markets.values()) {
        if ((m.quoteId ?? m.quote) === AUTO_QUOTE && heldOf(account, m.baseId ?? m.base).gt(ZERO)) out.add(m.id);
      }
    }
    for (const s of this.reported) out.add(s);
    return [...out].filter((s) => markets.has(s));
  }

  /** The symbol's latest trades (GET /api/v3/myTrades, newest page), oldest first. */
  private async recentTrades(symbol: string): Promise<ExecutionRow[]> {
    const rows = await this.api('privateGetMyTrades')({ symbol, limit: String(TRADES_PAGE) });
    if (!Array.isArray(rows)) throw new Error('myTrades: expected a list');
    return (rows as Raw[]).map((t) => executionRowOfTrade(t, (id) => this.customIds.get(id)))
      .sort((a, b) => (a.transactionTimeMs ?? 0) - (b.transactionTimeMs ?? 0) || Number(a.tradeId) - Number(b.tradeId));
  }

  private async lastPrice(symbol: string): Promise<Decimal> {
    const t = (await this.api('publicGetTickerPrice')({ symbol })) as Raw;
    return parseDecimal(String(t?.price), 'price');
  }

  private orderRowOrSkip(o: Raw): OrderRow[] {
    return orderRowOrSkip(() => {
      const row = orderRowOfRest(o);
      if (row.exchangeOrderId) this.remember(row.exchangeOrderId, row.customOrderId);
      return row;
    }, { scrub: this.scrub, log: this.config.log });
  }

  privateRows(): AsyncIterable<StreamItem> {
    this.stream.start();
    return this.stream.items();
  }

  async restartStream(reason: string): Promise<void> {
    await this.stream.restart(reason);
  }

  async submit(m: VenueMutation): Promise<SubmitOutcome> {
    let call;
    try {
      call = buildSpotCall(m);
    } catch (error) {
      // Nothing was sent: a request exstate cannot express on Binance spot is refused here, with the reason.
      return { kind: 'rejected', message: `not sent: ${String((error as Error)?.message ?? error)}` };
    }
    try {
      if (call.endpoint === 'order') {
        const response = (await this.api('privatePostOrder')(call.body)) as Raw;
        const id = idOf(response?.orderId);
        if (id) this.remember(id, m.customOrderId);
        return { kind: 'accepted', ...(id ? { exchangeOrderId: id } : {}) };
      }
      if (call.endpoint === 'oco') {
        const response = (await this.api('privatePostOrderListOco')(call.body)) as Raw;
        const legs = [...asList(response?.orderReports), ...asList(response?.orders)];
        const idFor = (customOrderId: string) => idOf(legs.find((l) => l.clientOrderId === customOrderId)?.orderId);
        const first = idFor(m.customOrderId);
        const second = idFor(m.paired!.customOrderId);
        if (first) this.remember(first, m.customOrderId);
        if (second) this.remember(second, m.paired!.customOrderId);
        return { kind: 'accepted', ...(first ? { exchangeOrderId: first } : {}), ...(second ? { pairedExchangeOrderId: second } : {}) };
      }
      let response: Raw;
      try {
        response = (await this.api('privateDeleteOrder')(call.body)) as Raw;
      } catch (error) {
        // -2011 for the first leg of a list (it already ended: a partial fill of the other leg
        // expires it): the other leg may still be open, so it is cancelled by its own id now
        // rather than left to a recovery.
        if (!m.paired || codeOf(error) !== -2011) throw error;
        try {
          await this.api('privateDeleteOrder')({ symbol: m.scope.symbol, origClientOrderId: m.paired.customOrderId });
          return { kind: 'accepted' };
        } catch (second) {
          if (codeOf(second) === -2011) throw error;
          return this.failed(m, second);
        }
      }
      if (m.paired && Number(response?.orderListId ?? -1) === -1) {
        // The first order stood alone (not in a list with its pair): the pair is cancelled by its own request.
        try {
          await this.api('privateDeleteOrder')({ symbol: m.scope.symbol, origClientOrderId: m.paired.customOrderId });
        } catch (error) {
          // -2011: already not open (its own row or the recovery says how it ended).
          if (codeOf(error) !== -2011) return this.failed(m, error);
        }
      }
      return { kind: 'accepted' };
    } catch (error) {
      return this.failed(m, error);
    }
  }

  /**
   * Which leg of a refused list the market refused: a stop that would trigger is the SL, a
   * LIMIT_MAKER that would take the TP; "the relationship of the prices" names neither, so the
   * last price says which level it has passed. Undefined when it cannot be told.
   */
  private async refusedLeg(m: VenueMutation, code: number | string | undefined): Promise<string | undefined> {
    if (code === '-2010:would_trigger') return 'SL';
    if (code === '-2010:would_take') return 'TP';
    if (code !== '-2010:price_relationship') return undefined;
    const legs = [{ slot: m.slot, intent: m.intent }, { slot: m.paired!.slot, intent: m.paired!.intent }];
    const sl = legs.find((l) => l.slot === 'SL')?.intent;
    const tp = legs.find((l) => l.slot === 'TP')?.intent;
    if (!sl?.triggerPrice || !tp?.price) return undefined;
    let last: Decimal;
    try {
      last = await this.lastPrice(m.scope.symbol);
    } catch {
      return undefined;
    }
    // A SELL list (a holding): the stop rests below the price, the take-profit above it.
    const selling = sl.side === 'SELL';
    if (selling ? last.lte(sl.triggerPrice) : last.gte(sl.triggerPrice)) return 'SL';
    if (selling ? last.gte(tp.price) : last.lte(tp.price)) return 'TP';
    return undefined;
  }

  private async failed(m: VenueMutation, error: unknown): Promise<SubmitOutcome> {
    const message = String((error as Error)?.message ?? error);
    this.config.log('venue_call_failed', { action: m.action, slot: m.paired ? `${m.slot}+${m.paired.slot}` : m.slot, customOrderId: m.customOrderId, error: short(message) });
    const retryAfterMs = this.retryAfter(error);
    const outcome = outcomeOfError(error, retryAfterMs);
    if (outcome.kind === 'rejected') {
      const code = refinedSpotCode(typeof outcome.code === 'number' ? outcome.code : undefined, message);
      const refusedSlot = m.paired && m.action === 'place' ? await this.refusedLeg(m, code) : undefined;
      return {
        ...outcome, ...(code !== undefined ? { code } : {}), ...(outcome.message !== undefined ? { message: this.scrub(outcome.message) } : {}),
        ...(refusedSlot ? { refusedSlot } : {}),
      };
    }
    if (outcome.kind === 'unknown') return { ...outcome, reason: this.scrub(outcome.reason) };
    return outcome;
  }

  /** Binance's Retry-After (seconds) on a 429/418, in milliseconds. */
  private retryAfter(error: unknown): number | undefined {
    const status = httpStatusOf(error);
    if (status !== 429 && status !== 418) return undefined;
    const seconds = Number(lastResponseHeader(this.ex, 'retry-after'));
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1_000;
  }

  /**
   * The order with this client id (GET /api/v3/order by origClientOrderId: a single order or one
   * leg of an order list). `absent` only on a clean -2013 with an HTTP 4xx; anything else throws.
   */
  async findByCustomId(scope: Scope, customOrderId: string): Promise<OrderRow | 'absent'> {
    try {
      const o = (await this.api('privateGetOrder')({ symbol: scope.symbol, origClientOrderId: customOrderId })) as Raw;
      const row = orderRowOfRest(o);
      if (row.customOrderId !== customOrderId) throw new Error(`the venue answered for another order (${String(row.customOrderId)})`);
      if (row.exchangeOrderId) this.remember(row.exchangeOrderId, customOrderId);
      return row;
    } catch (error) {
      const status = httpStatusOf(error);
      if (codeOf(error) === -2013 && status !== undefined && status >= 400 && status < 500) return 'absent';
      throw venueCallError('findByCustomId', error, this.scrub);
    }
  }

  /**
   * The account's fills on the scope's symbol since `sinceMs` (GET /api/v3/myTrades: at most 24
   * hours between startTime and endTime, 1000 rows a page, paged on by fromId).
   */
  async fillsSince(scope: Scope, sinceMs: number): Promise<ExecutionRow[]> {
    try {
      const byId = new Map<string, ExecutionRow>();
      const now = Date.now();
      for (let start = Math.max(0, Math.floor(sinceMs)); start <= now; start += DAY_MS) {
        const end = Math.min(start + DAY_MS - 1, now);
        let rows = (await this.api('privateGetMyTrades')({ symbol: scope.symbol, startTime: String(start), endTime: String(end), limit: String(TRADES_PAGE) })) as Raw[];
        for (let page = 0; Array.isArray(rows); page++) {
          for (const t of rows) {
            const row = executionRowOfTrade(t, (id) => this.customIds.get(id));
            if ((row.transactionTimeMs ?? start) <= end) byId.set(row.tradeId, row);
          }
          if (rows.length < TRADES_PAGE || page >= MAX_PAGES) break;
          const last = rows.reduce((max, t) => Math.max(max, Number(t.id)), 0);
          rows = (await this.api('privateGetMyTrades')({ symbol: scope.symbol, fromId: String(last + 1), limit: String(TRADES_PAGE) })) as Raw[];
        }
        if (!Array.isArray(rows)) throw new Error('myTrades: expected a list');
      }
      return [...byId.values()].sort((a, b) => (a.transactionTimeMs ?? 0) - (b.transactionTimeMs ?? 0) || Number(a.tradeId) - Number(b.tradeId));
    } catch (error) {
      throw venueCallError('fillsSince', error, this.scrub);
    }
  }

  /** Spot has no mark price: the last price (GET /api/v3/ticker/price), from the raw string. */
  async markPrice(symbol: string): Promise<Decimal> {
    try {
      return await this.lastPrice(symbol);
    } catch (error) {
      throw venueCallError('markPrice', error, this.scrub);
    }
  }

  async close(): Promise<void> {
    await this.stream.stop();
    await this.ex.close();
  }

  private remember(exchangeOrderId: string, customOrderId: string | undefined): void {
    const known = this.customIds.get(exchangeOrderId);
    this.customIds.delete(exchangeOrderId);
    this.customIds.set(exchangeOrderId, customOrderId ?? known);
    if (this.customIds.size > MAX_REMEMBERED_IDS) this.customIds.delete(this.customIds.keys().next().value!);
  }
}

/** The VWAP entry of the holding the trades leave (the domain's spot replay); zero without buys. */
export function entryOf(trades: readonly ExecutionRow[], baseAsset?: string): Decimal {
  let p: DerivedPosition = { size: ZERO, entryPrice: ZERO };
  for (const t of trades) p = applySpotFill(p, t, baseAsset);
  return p.size.gt(ZERO) ? p.entryPrice : lastBuyVwap(trades);
}

/** A holding the trades do not explain (sold out in the history, bought back by a deposit): the VWAP of all buys seen. */
function lastBuyVwap(trades: readonly ExecutionRow[]): Decimal {
  let qty = ZERO;
  let cost = ZERO;
  for (const t of trades) if (t.side === 'BUY') {
    qty = qty.add(t.qty);
    cost = cost.add(t.qty.mul(t.price));
  }
  return qty.isZero() ? ZERO : cost.div(qty);
}

function idOf(v: unknown): string | undefined {
  return typeof v === 'number' || (typeof v === 'string' && v) ? String(v) : undefined;
}

function asList(v: unknown): Raw[] {
  return Array.isArray(v) ? (v as Raw[]) : [];
}

