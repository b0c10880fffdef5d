// The Binance USD-M venue behind the port, over ccxt pro. Hydration reads open orders (regular
// AND conditional) before positions, so a fill between the calls cannot look like an unprotected
// position; submissions honour Retry-After and keep headroom for protective orders. Reads that
// fail throw a VenueCallError (class, code, HTTP status, the venue's body; never the signed URL):
// a failed lookup or fill-history read is never an answer.
import ccxt from 'ccxt';
import { type Decimal, parseDecimal } from '../../domain/decimal.js';
import type { ExecutionRow, OrderRow, PositionRow, RestSnapshot } from '../../domain/rows.js';
import type { ExchangeId, Scope } from '../../domain/scope.js';
import type { HydrationRequest, StreamItem, SubmitOutcome, Venue, VenueMutation } from '../port.js';
import { createBinanceClient, RECV_WINDOW_MS, type BinanceClient, type BinanceClientConfig } from './client.js';
import { filtersOf, positionRows, restAlgoRow, restOrderRow, restPositionEntries, restTradeRow } from './normalize.js';
import { codeOf, outcomeOfError, short, venueCallError } from './outcome.js';
import { httpStatusOf } from './client.js';
import { PrivateStream } from './private-stream.js';
import type { JournalLog } from '../../runtime/journal-catalogue.js';
import { adapterScrubbing, lastResponseHeader, orderRowOrSkip } from './adapter-kit.js';
import { buildCall, unifiedSymbol } from './requests.js';

type Raw = Record<string, unknown>;

export interface BinanceVenueConfig extends BinanceClientConfig {
  positionMode: 'hedge' | 'one_way';
  /** Share of the per-minute request weight kept for protective orders (DCA waits above it). */
  weightLimit: number;
  protectiveHeadroom: number;
  /** Where the adapter's journal events go (typed against the journal catalogue). */
  log: JournalLog;
}

export class BinanceUsdmVenue implements Venue {
  /** recvWindow plus a second of clock skew: a request that timed out may land until then. */
  readonly requestValidityMs = RECV_WINDOW_MS + 1_000;
  readonly exchange: ExchangeId = 'binance';
  readonly product = 'linear' as const;
  private blockedUntil = 0;
  private usedWeight = 0;
  private weightAt = 0;

  /** Client order ids by exchange order id, as frames and lookups showed them (userTrades has none). */
  private readonly clientIds = new Map<string, string>();
  private readonly stream: PrivateStream;

  private constructor(private readonly ex: BinanceClient, private readonly config: BinanceVenueConfig, private readonly scrub: (text: string) => string) {
    this.stream = new PrivateStream(ex, config.log, (orderId, clientId) => this.rememberId(orderId, clientId), scrub);
  }

  static async create(config: BinanceVenueConfig): Promise<BinanceUsdmVenue> {
    // Everything the adapter logs, returns or throws passes the shared scrubber: venue error texts
    // can echo signed URLs, and nothing may ever carry the key or the secret (registered for the
    // whole process: the runtime's own scrubbing of what it records knows them too).
    const kit = adapterScrubbing(config, config.log);
    const ex = await createBinanceClient(config);
    return new BinanceUsdmVenue(ex, { ...config, log: kit.log }, kit.scrub);
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
    const symbols = request.scopes?.map((s) => unifiedSymbol(s.symbol, markets as never));
    const one = symbols && new Set(symbols).size === 1 ? symbols[0] : undefined;
    // Open orders first, then positions (lesson 7).
    const regular = (await this.ex.fetchOpenOrders(one)) as Array<{ info: Raw }>;
    const algo = (await this.ex.fetchOpenOrders(one, undefined, undefined, { trigger: true })) as Array<{ info: Raw }>;
    const positions = (await this.ex.fetchPositions(symbols)) as Array<{ info: Raw }>;
    const balance = request.subject === 'recovery' ? undefined : ((await this.ex.fetchBalance()) as { info: Raw });
    this.noteWeight();
    // An order row that does not normalize is skipped and said: if it was ours, its absence makes it
    // unknown and the scope recovers. A position row that does not normalize fails the hydration
    // (below, by throwing): a missing position would read as flat and clean up its protection.
    const openOrders: OrderRow[] = [
      ...regular.flatMap((o) => this.orderRowOrSkip(() => restOrderRow(o.info))),
      ...algo.flatMap((o) => this.orderRowOrSkip(() => restAlgoRow(o.info))),
    ];
    for (const o of openOrders) if (o.customOrderId && o.exchangeOrderId && !o.exchangeOrderId.startsWith('algo-')) this.rememberId(o.exchangeOrderId, o.customOrderId);
    const positionList: PositionRow[] = restPositionEntries(positions.map((p) => p.info)).flatMap((p) => positionRows(p, 'positionAmt', 'entryPrice'));
    const filters: RestSnapshot['filters'] = {};
    for (const m of Object.values(markets) as Array<{ id: string; info: Raw; linear?: boolean }>) {
      const f = filtersOf(m.info);
      if (f) filters[m.id] = f;
    }
    const assets = (balance?.info.assets as Raw[] | undefined) ?? [];
    return {
      openOrders,
      positions: positionList,
      filters,
      ...(balance ? { balances: assets.map((a) => ({ kind: 'balance' as const, asset: String(a.asset), walletBalance: parseWallet(a.walletBalance) })) } : {}),
    };
  }

  private orderRowOrSkip(build: () => OrderRow): OrderRow[] {
    return orderRowOrSkip(build, { scrub: this.scrub, log: this.config.log });
  }

  privateRows(): AsyncIterable<StreamItem> {
    this.stream.start();
    return this.stream.items();
  }

  /** A watchdog saw silence: drop the socket so the stream reconnects (and the runtime rehydrates). */
  async restartStream(reason: string): Promise<void> {
    await this.stream.restart(reason);
  }

  async submit(m: VenueMutation): Promise<SubmitOutcome> {
    const now = Date.now();
    if (now < this.blockedUntil) return { kind: 'rejected', httpStatus: 429, retryAfterMs: this.blockedUntil - now, message: 'rate limited: waiting for Retry-After' };
    const protective = m.slot === 'SL' || m.slot === 'TP' || m.action === 'cancel';
    // The venue counts weight per minute: a reading older than that says nothing any more.
    const used = now - this.weightAt > 60_000 ? 0 : this.usedWeight;
    if (!protective && used > this.config.weightLimit * (1 - this.config.protectiveHeadroom)) {
      return { kind: 'rejected', httpStatus: 429, retryAfterMs: 1000, message: 'request weight kept for protective orders' };
    }
    try {
      const markets = await this.ex.loadMarkets();
      const call = buildCall(m, unifiedSymbol(m.scope.symbol, markets as never), this.config.positionMode === 'hedge');
      const result = (await (this.ex[call.method] as (...a: unknown[]) => Promise<{ id?: string }>).apply(this.ex, call.args)) as { id?: string };
      this.noteWeight();
      const id = m.action === 'place' && result?.id ? (call.algo ? `algo-${result.id}` : String(result.id)) : undefined;
      if (id && !call.algo) this.rememberId(id, m.customOrderId);
      return { kind: 'accepted', ...(id ? { exchangeOrderId: id } : {}) };
    } catch (error) {
      const retryAfterMs = this.retryAfter();
      if (retryAfterMs !== undefined) this.blockedUntil = Date.now() + retryAfterMs;
      this.config.log('venue_call_failed', { action: m.action, slot: m.slot, customOrderId: m.customOrderId, error: short(String((error as Error)?.message ?? error)) });
      const outcome = outcomeOfError(error, retryAfterMs);
      if (outcome.kind === 'rejected' && outcome.message !== undefined) return { ...outcome, message: this.scrub(outcome.message) };
      if (outcome.kind === 'unknown') return { ...outcome, reason: this.scrub(outcome.reason) };
      return outcome;
    }
  }

  /**
   * The account's fills on the scope's symbol since `sinceMs` (GET /fapi/v1/userTrades through
   * ccxt fetchMyTrades, raw strings). Binance serves at most 7 days per request (startTime..endTime)
   * and 1000 rows: the window walks forward week by week, and a full page continues from its last
   * trade's time (rows deduped by trade id). Both position sides come back; the runtime routes them.
   * userTrades has no client order id: it is filled in from orders this adapter has seen.
   */
  async fillsSince(scope: Scope, sinceMs: number): Promise<ExecutionRow[]> {
    try {
      const markets = await this.ex.loadMarkets();
      const symbol = unifiedSymbol(scope.symbol, markets as never);
      const byId = new Map<string, ExecutionRow>();
      const now = Date.now();
      let start = Math.max(0, Math.floor(sinceMs));
      for (let requests = 0; start <= now; requests++) {
        if (requests >= MAX_TRADE_PAGES) throw new Error(`more than ${MAX_TRADE_PAGES} pages of fills since ${sinceMs}`);
        const end = Math.min(start + WEEK_MS - 1, now);
        const page = (await this.ex.fetchMyTrades(symbol, start, TRADE_PAGE, { endTime: end })) as Array<{ info: Raw }>;
        this.noteWeight();
        let last = start;
        for (const t of page) {
          const orderId = String(t.info.orderId);
          const row = restTradeRow(t.info, this.clientIds.get(orderId));
          byId.set(row.tradeId, row);
          last = Math.max(last, row.transactionTimeMs ?? start);
        }
        if (page.length < TRADE_PAGE) start = end + 1;
        else if (last > start) start = last; // the same millisecond again: its rows dedupe by trade id
        else throw new Error(`more than ${TRADE_PAGE} fills in one millisecond at ${start}`);
      }
      return [...byId.values()].sort((a, b) => (a.transactionTimeMs ?? 0) - (b.transactionTimeMs ?? 0) || a.tradeId.localeCompare(b.tradeId));
    } catch (error) {
      throw venueCallError('fillsSince', error, this.scrub);
    }
  }

  /**
   * The regular order, else the conditional (algo) order, with this client id; 'absent' only when
   * both queries cleanly answer "order does not exist" (-2013, HTTP 4xx). Anything else (a 5xx
   * whatever its code, a timeout, another code) throws: a failed lookup is never an answer.
   */
  /** The mark price (GET /fapi/v1/premiumIndex, weight 1), from the raw string. */
  async markPrice(symbol: string): Promise<Decimal> {
    try {
      const raw = (await (this.ex as unknown as { fapiPublicGetPremiumIndex: (p: object) => Promise<Raw> }).fapiPublicGetPremiumIndex({ symbol })) as Raw;
      return parseDecimal(String(raw.markPrice), 'markPrice');
    } catch (error) {
      throw venueCallError('markPrice', error, this.scrub);
    }
  }

  async findByCustomId(scope: Scope, customOrderId: string): Promise<OrderRow | 'absent'> {
    try {
      const markets = await this.ex.loadMarkets();
      const symbol = unifiedSymbol(scope.symbol, markets as never);
      for (const trigger of [false, true]) {
        try {
          const o = (await this.ex.fetchOrder(undefined as never, symbol, { clientOrderId: customOrderId, ...(trigger ? { trigger: true } : {}) })) as { info: Raw };
          const row = trigger ? restAlgoRow(o.info) : restOrderRow(o.info);
          if (!trigger && row.exchangeOrderId) this.rememberId(row.exchangeOrderId, customOrderId);
          return row;
        } catch (error) {
          if (!isCleanNotFound(error)) throw error;
        }
      }
      return 'absent';
    } catch (error) {
      throw venueCallError('findByCustomId', error, this.scrub);
    }
  }

  private rememberId(exchangeOrderId: string, customOrderId: string): void {
    this.clientIds.delete(exchangeOrderId);
    this.clientIds.set(exchangeOrderId, customOrderId);
    if (this.clientIds.size > MAX_REMEMBERED_IDS) this.clientIds.delete(this.clientIds.keys().next().value!);
  }

  async close(): Promise<void> {
    await this.stream.stop();
    await this.ex.close();
  }

  /** A header of the last response; ccxt re-cases names (X-Mbx-Used-Weight-1m), so match loosely. */
  private header(name: string): string | undefined {
    return lastResponseHeader(this.ex, name);
  }

  private noteWeight(): void {
    const used = Number(this.header('x-mbx-used-weight-1m'));
    if (Number.isFinite(used)) {
      this.usedWeight = used;
      this.weightAt = Date.now();
    }
  }

  private retryAfter(): number | undefined {
    const seconds = Number(this.header('retry-after'));
    return Number.isFinite(seconds) ? seconds * 1000 : undefined;
  }
}

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const TRADE_PAGE = 1000;
const MAX_TRADE_PAGES = 60;
const MAX_REMEMBERED_IDS = 20_000;

/** Binance's "Order does not exist." (-2013) as a 4xx answer; ccxt maps it to OrderNotFound. */
function isCleanNotFound(error: unknown): boolean {
  const status = httpStatusOf(error);
  return error instanceof ccxt.OrderNotFound && codeOf(error) === -2013 && status !== undefined && status >= 400 && status < 500;
}

function parseWallet(v: unknown) {
  return parseDecimal(String(v ?? '0'), 'walletBalance');
}
