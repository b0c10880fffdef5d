// The Bybit V5 linear venue behind the port, over ccxt pro `bybit`. Every REST call goes through
// ccxt's implicit API with Bybit's own parameter names (orderLinkId, positionIdx, orderFilter):
// ccxt's unified lookup and cancel ignore clientOrderId on Bybit. Hydration reads open orders
// (regular and conditional) before positions; reads that fail throw a VenueCallError (never the
// signed request); a lookup answers `absent` only when both the open and the finished lists
// cleanly have no such orderLinkId.
import ccxt from 'ccxt';
import { type Decimal, parseDecimal } from '../../domain/decimal.js';
import type { ExecutionRow, OrderRow, PositionRow, RestSnapshot, RowSide } from '../../domain/rows.js';
import type { ExchangeId, Scope } from '../../domain/scope.js';
import type { JournalLog } from '../../runtime/journal-catalogue.js';
import { adapterScrubbing, lastResponseHeader, orderRowOrSkip } from '../ccxt/adapter-kit.js';
import { outcomeOfError, short, venueCallError } from '../ccxt/outcome.js';
import type { HydrationRequest, StreamItem, SubmitOutcome, Venue, VenueMutation } from '../port.js';
import { BYBIT_RECV_WINDOW_MS, createBybitClient, type BybitClient, type BybitClientConfig } from './client.js';
import { balanceRows, executionRow, FILL_EXEC_TYPES, filtersOf, orderRow, positionRows } from './normalize.js';
import { buildBybitCall, type BybitBody } from './requests.js';
import { BybitStream } from './stream.js';

type Raw = Record<string, unknown>;
type Api = (params: BybitBody) => Promise<{ result?: { list?: Raw[]; nextPageCursor?: string } & Raw }>;

export interface BybitVenueConfig extends BybitClientConfig {
  positionMode: 'hedge' | 'one_way';
  /** Share of Bybit's reported write budget kept for protective orders (DCA waits below it). */
  protectiveHeadroom: number;
  log: JournalLog;
}

const SETTLE_COIN = 'USDT';
const DAY_MS = 24 * 60 * 60 * 1000;
const EXECUTION_WINDOW_MS = 7 * DAY_MS;
const MAX_PAGES = 200;
const MAX_REMEMBERED_IDS = 20_000;

export class BybitVenue implements Venue {
  /** recvWindow plus a second of clock skew: a request that timed out may land until then. */
  readonly requestValidityMs = BYBIT_RECV_WINDOW_MS + 1_000;
  readonly exchange: ExchangeId = 'bybit';
  readonly product = 'linear' as const;
  private readonly stream: BybitStream;
  private readonly hedge: boolean;
  /** Until when order writes wait (Bybit's X-Bapi-Limit-Reset-Timestamp after a refusal). */
  private blockedUntil = 0;
  /** The last write budget Bybit reported: what is left, of how much, until when. */
  private budget: { remaining: number; limit: number; resetAt: number } | undefined;
  /** Position side by venue order id (hedge-mode fills carry no positionIdx), custom id by order id. */
  private readonly orders = new Map<string, { side: RowSide; customOrderId?: string }>();

  private constructor(private readonly ex: BybitClient, private readonly config: BybitVenueConfig, private readonly scrub: (text: string) => string) {
    this.hedge = config.positionMode === 'hedge';
    this.stream = new BybitStream(ex, {
      hedge: this.hedge, log: config.log, scrub,
      onOrderIdentity: (id, customOrderId, side) => this.remember(id, side, customOrderId),
      sideOfOrder: (id) => this.orders.get(id)?.side,
    });
  }

  static async create(config: BybitVenueConfig): Promise<BybitVenue> {
    // Everything the adapter logs, returns or throws passes the shared scrubber (see BinanceUsdmVenue.create).
    const kit = adapterScrubbing(config, config.log);
    const ex = await createBybitClient(config);
    return new BybitVenue(ex, { ...config, log: kit.log }, kit.scrub);
  }

  private api(name: string): Api {
    const fn = (this.ex as unknown as Record<string, Api>)[name];
    if (typeof fn !== 'function') throw new Error(`ccxt bybit has no ${name}`);
    return fn.bind(this.ex);
  }

  /** Every page of a cursor-paged list (`nextPageCursor` "" ends it). */
  private async pages(name: string, params: BybitBody): Promise<Raw[]> {
    const out: Raw[] = [];
    let cursor = '';
    for (let page = 0; page < MAX_PAGES; page++) {
      const response = await this.api(name)({ ...params, ...(cursor ? { cursor } : {}) });
      const result = response?.result;
      if (!result || !Array.isArray(result.list)) throw new Error(`${name}: the answer has no result.list`);
      out.push(...result.list);
      cursor = typeof result.nextPageCursor === 'string' ? result.nextPageCursor : '';
      if (!cursor || result.list.length === 0) return out;
    }
    throw new Error(`${name}: more than ${MAX_PAGES} pages`);
  }

  async hydrate(request: HydrationRequest): Promise<RestSnapshot> {
    try {
      return await this.readSnapshot(request);
    } catch (error) {
      throw venueCallError(`hydrate(${request.subject})`, error, this.scrub);
    }
  }

  private async readSnapshot(request: HydrationRequest): Promise<RestSnapshot> {
    const markets = await this.ex.loadMarkets(request.subject === 'startup');
    const symbols = request.scopes ? new Set(request.scopes.map((s) => s.symbol)) : undefined;
    const where: BybitBody = symbols && symbols.size === 1 ? { symbol: [...symbols][0]! } : { settleCoin: SETTLE_COIN };
    // Open orders first (regular, then conditional), then positions (lesson 7).
    const open = new Map<string, Raw>();
    for (const orderFilter of ['Order', 'StopOrder']) {
      for (const o of await this.pages('privateGetV5OrderRealtime', { category: 'linear', ...where, orderFilter, limit: 50 })) open.set(String(o.orderId), o);
    }
    const positions = await this.pages('privateGetV5PositionList', { category: 'linear', ...where, limit: 200 });
    const wallet = request.subject === 'recovery' ? undefined : await this.pages('privateGetV5AccountWalletBalance', { accountType: 'UNIFIED' });
    const inScope = (symbol: unknown) => !symbols || symbols.has(String(symbol));
    // An order row that does not normalize is skipped and said (its absence makes it unknown, so
    // its scope recovers); a position row that does not normalize fails the hydration: a missing
    // position would read as flat and clean up its protection.
    const openOrders: OrderRow[] = [...open.values()].filter((o) => inScope(o.symbol)).flatMap((o) => this.orderRowOrSkip(o));
    const positionList: PositionRow[] = positions.filter((p) => inScope(p.symbol)).flatMap((p) => positionRows(p));
    this.checkPositionMode(positions);
    // USDT-settled perpetuals only (positions and orders are read with settleCoin=USDT): a symbol
    // settled in another coin is not listed, so configuring one stops the start instead of
    // leaving its position unseen.
    const filters: RestSnapshot['filters'] = {};
    for (const m of Object.values(markets) as Array<{ id: string; info: Raw; linear?: boolean; settle?: string }>) {
      const f = m.linear === false || m.settle !== SETTLE_COIN ? undefined : filtersOf(m.info);
      if (f) filters[m.id] = f;
    }
    return { openOrders, positions: positionList, filters, ...(wallet ? { balances: wallet.flatMap((w) => balanceRows(w)) } : {}) };
  }

  /**
   * The account's position mode must be the configured one: positionIdx 0 rows in hedge mode, or
   * 1/2 rows in one-way mode, mean every order would be refused (10001) and no SL placed. The
   * snapshot fails with the reason instead (hydration_failed, retried: the operator fixes
   * POSITION_MODE or the account's mode).
   */
  private checkPositionMode(positions: Raw[]): void {
    const wrong = positions.find((p) => (this.hedge ? Number(p.positionIdx) === 0 : Number(p.positionIdx) !== 0));
    if (wrong) {
      throw new Error(`position mode mismatch: POSITION_MODE=${this.config.positionMode} but ${String(wrong.symbol)} has positionIdx ${String(wrong.positionIdx)} (${this.hedge ? 'one-way' : 'hedge'} mode at the venue)`);
    }
  }

  private orderRowOrSkip(o: Raw): OrderRow[] {
    return orderRowOrSkip(() => {
      const row = orderRow(o);
      if (row.exchangeOrderId) this.remember(row.exchangeOrderId, row.managedSide, row.customOrderId);
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
    const now = Date.now();
    if (now < this.blockedUntil) return { kind: 'rejected', httpStatus: 429, retryAfterMs: this.blockedUntil - now, message: 'rate limited: waiting for the limit to reset' };
    const protective = m.slot === 'SL' || m.slot === 'TP' || m.action === 'cancel';
    const budget = this.budget && now < this.budget.resetAt ? this.budget : undefined;
    if (!protective && budget && budget.remaining <= budget.limit * this.config.protectiveHeadroom) {
      return { kind: 'rejected', httpStatus: 429, retryAfterMs: Math.max(1, budget.resetAt - now), message: 'write budget kept for protective orders' };
    }
    let call;
    try {
      call = buildBybitCall(m, this.hedge);
    } catch (error) {
      // Nothing was sent: a request exstate cannot express on Bybit is refused here, with the reason.
      return { kind: 'rejected', message: `not sent: ${String((error as Error)?.message ?? error)}` };
    }
    try {
      const endpoint = call.endpoint === 'create' ? 'privatePostV5OrderCreate' : call.endpoint === 'amend' ? 'privatePostV5OrderAmend' : 'privatePostV5OrderCancel';
      const response = await this.api(endpoint)(call.body);
      this.noteBudget();
      const orderId = response?.result?.orderId;
      const id = m.action === 'place' && (typeof orderId === 'string' || typeof orderId === 'number') ? String(orderId) : undefined;
      if (id) this.remember(id, this.hedge ? m.scope.managedSide : 'BOTH', m.customOrderId);
      return { kind: 'accepted', ...(id ? { exchangeOrderId: id } : {}) };
    } catch (error) {
      this.noteBudget();
      const retryAfterMs = this.retryAfter(error);
      if (retryAfterMs !== undefined) this.blockedUntil = Date.now() + retryAfterMs;
      this.config.log('venue_call_failed', { action: m.action, slot: m.slot, customOrderId: m.customOrderId, error: short(String((error as Error)?.message ?? error)) });
      const outcome = outcomeOfError(error, retryAfterMs);
      if (outcome.kind === 'rejected' && outcome.message !== undefined) return { ...outcome, message: this.scrub(outcome.message) };
      if (outcome.kind === 'unknown') return { ...outcome, reason: this.scrub(outcome.reason) };
      return outcome;
    }
  }

  /**
   * The order with this orderLinkId: the open list (/v5/order/realtime), then the finished one
   * (/v5/order/history, which Bybit serves for a limited time). `absent` only when both cleanly
   * answer an empty list; any failure throws.
   */
  async findByCustomId(scope: Scope, customOrderId: string): Promise<OrderRow | 'absent'> {
    try {
      for (const name of ['privateGetV5OrderRealtime', 'privateGetV5OrderHistory']) {
        const response = await this.api(name)({ category: 'linear', symbol: scope.symbol, orderLinkId: customOrderId });
        const list = response?.result?.list;
        if (!Array.isArray(list)) throw new Error(`${name}: the answer has no result.list`);
        const found = list.find((o) => o.orderLinkId === customOrderId);
        if (found) {
          const row = orderRow(found);
          if (row.exchangeOrderId) this.remember(row.exchangeOrderId, row.managedSide, customOrderId);
          return row;
        }
      }
      return 'absent';
    } catch (error) {
      throw venueCallError('findByCustomId', error, this.scrub);
    }
  }

  /**
   * The account's fills on the scope's symbol since `sinceMs` (/v5/execution/list: at most 7 days
   * per request, 100 rows per page, cursor-paged); only fills of orders (Trade, BustTrade, AdlTrade).
   */
  async fillsSince(scope: Scope, sinceMs: number): Promise<ExecutionRow[]> {
    try {
      const byId = new Map<string, ExecutionRow>();
      const now = Date.now();
      for (let start = Math.max(0, Math.floor(sinceMs)); start <= now; start += EXECUTION_WINDOW_MS) {
        const end = Math.min(start + EXECUTION_WINDOW_MS - 1, now);
        for (const e of await this.pages('privateGetV5ExecutionList', { category: 'linear', symbol: scope.symbol, startTime: start, endTime: end, limit: 100 })) {
          if (!FILL_EXEC_TYPES.has(String(e.execType))) continue;
          const row = executionRow(e, this.hedge, (id) => this.orders.get(id)?.side);
          byId.set(row.tradeId, row);
        }
      }
      return [...byId.values()].sort((a, b) => (a.transactionTimeMs ?? 0) - (b.transactionTimeMs ?? 0) || a.tradeId.localeCompare(b.tradeId));
    } catch (error) {
      throw venueCallError('fillsSince', error, this.scrub);
    }
  }

  /** The mark price (/v5/market/tickers), from the raw string. */
  async markPrice(symbol: string): Promise<Decimal> {
    try {
      const response = await this.api('publicGetV5MarketTickers')({ category: 'linear', symbol });
      const ticker = response?.result?.list?.find((t) => t.symbol === symbol);
      if (!ticker) throw new Error(`no ticker for ${symbol}`);
      return parseDecimal(String(ticker.markPrice), 'markPrice');
    } catch (error) {
      throw venueCallError('markPrice', error, this.scrub);
    }
  }

  async close(): Promise<void> {
    await this.stream.stop();
    await this.ex.close();
  }

  private remember(exchangeOrderId: string, side: RowSide, customOrderId: string | undefined): void {
    const known = this.orders.get(exchangeOrderId);
    this.orders.delete(exchangeOrderId);
    this.orders.set(exchangeOrderId, { side: side === 'BOTH' && known ? known.side : side, customOrderId: customOrderId ?? known?.customOrderId });
    if (this.orders.size > MAX_REMEMBERED_IDS) this.orders.delete(this.orders.keys().next().value!);
  }

  /** A header of the last response (ccxt re-cases names), matched loosely. */
  private header(name: string): string | undefined {
    return lastResponseHeader(this.ex, name);
  }

  /** Bybit reports the write budget of the endpoint on every answer: X-Bapi-Limit(-Status, -Reset-Timestamp). */
  private noteBudget(): void {
    const remaining = Number(this.header('x-bapi-limit-status'));
    const limit = Number(this.header('x-bapi-limit'));
    const resetAt = Number(this.header('x-bapi-limit-reset-timestamp'));
    if (Number.isFinite(remaining) && Number.isFinite(limit) && limit > 0 && Number.isFinite(resetAt)) this.budget = { remaining, limit, resetAt };
  }

  /**
   * After a rate-limit refusal (10006, 10018, 10429; HTTP 403/429, which ccxt raises as
   * RateLimitExceeded): until the reported reset, else a second. Any other failure sets no wait.
   */
  private retryAfter(error: unknown): number | undefined {
    const message = String((error as Error)?.message ?? '');
    if (!/"retCode"\s*:\s*(10006|10018|10429)\b/.test(message) && !(error instanceof ccxt.RateLimitExceeded)) return undefined;
    const resetAt = Number(this.header('x-bapi-limit-reset-timestamp'));
    return Number.isFinite(resetAt) && resetAt > Date.now() ? resetAt - Date.now() : 1_000;
  }
}
