// The Binance USD-M venue behind the port, over ccxt pro. Hydration reads open orders (regular
// AND conditional) before positions, so a fill between the calls cannot look like an unprotected
// position; submissions honour Retry-After and keep headroom for protective orders.
import ccxt from 'ccxt';
import { parseDecimal } from '../../domain/decimal.js';
import type { ExecutionRow, OrderRow, PositionRow, RestSnapshot } from '../../domain/rows.js';
import type { ExchangeId, Scope } from '../../domain/scope.js';
import type { HydrationRequest, StreamItem, SubmitOutcome, Venue, VenueMutation } from '../port.js';
import { createBinanceClient, type BinanceClient, type BinanceClientConfig } from './client.js';
import { filtersOf, positionRows, restAlgoRow, restOrderRow } from './normalize.js';
import { outcomeOfError, short } from './outcome.js';
import { PrivateStream } from './private-stream.js';
import { scrubText } from '../../runtime/redact.js';
import { buildCall, unifiedSymbol } from './requests.js';

type Raw = Record<string, unknown>;

export interface BinanceVenueConfig extends BinanceClientConfig {
  positionMode: 'hedge' | 'one_way';
  /** Share of the per-minute request weight kept for protective orders (DCA waits above it). */
  weightLimit: number;
  protectiveHeadroom: number;
  log: (event: string, fields: Record<string, unknown>) => void;
}

export class BinanceUsdmVenue implements Venue {
  readonly exchange: ExchangeId = 'binance';
  readonly product = 'linear' as const;
  private blockedUntil = 0;
  private usedWeight = 0;
  private weightAt = 0;

  private constructor(private readonly ex: BinanceClient, private readonly stream: PrivateStream, private readonly config: BinanceVenueConfig) {}

  static async create(config: BinanceVenueConfig): Promise<BinanceUsdmVenue> {
    const ex = await createBinanceClient(config);
    // Everything the adapter logs passes the shared scrubber: venue error texts can echo signed
    // URLs, and nothing may ever carry the key or the secret.
    const secrets = [config.apiKey, config.secret];
    const log = (event: string, fields: Record<string, unknown>) =>
      config.log(event, Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? scrubText(v, secrets) : v])));
    return new BinanceUsdmVenue(ex, new PrivateStream(ex, log), { ...config, log });
  }

  async hydrate(request: HydrationRequest): Promise<RestSnapshot> {
    const markets = await this.ex.loadMarkets(request.subject === 'startup');
    const symbols = request.scopes?.map((s) => unifiedSymbol(s.symbol, markets as never));
    const one = symbols && new Set(symbols).size === 1 ? symbols[0] : undefined;
    // Open orders first, then positions (lesson 7).
    const regular = (await this.ex.fetchOpenOrders(one)) as Array<{ info: Raw }>;
    const algo = (await this.ex.fetchOpenOrders(one, undefined, undefined, { trigger: true })) as Array<{ info: Raw }>;
    const positions = (await this.ex.fetchPositions(symbols)) as Array<{ info: Raw }>;
    const balance = request.subject === 'recovery' ? undefined : ((await this.ex.fetchBalance()) as { info: Raw });
    this.noteWeight();
    const openOrders: OrderRow[] = [...regular.map((o) => restOrderRow(o.info)), ...algo.map((o) => restAlgoRow(o.info))];
    const positionList: PositionRow[] = positions.flatMap((p) => positionRows(p.info, 'positionAmt', 'entryPrice'));
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
      return { kind: 'accepted', ...(id ? { exchangeOrderId: id } : {}) };
    } catch (error) {
      const retryAfterMs = this.retryAfter();
      if (retryAfterMs !== undefined) this.blockedUntil = Date.now() + retryAfterMs;
      this.config.log('venue_call_failed', { action: m.action, slot: m.slot, customOrderId: m.customOrderId, error: short(String((error as Error)?.message ?? error)) });
      return outcomeOfError(error, retryAfterMs);
    }
  }

  async fillsSince(_scope: Scope, _sinceMs: number): Promise<ExecutionRow[]> {
    return []; // TODO(helper): REST trade history
  }

  async findByCustomId(scope: Scope, customOrderId: string): Promise<OrderRow | 'absent'> {
    const markets = await this.ex.loadMarkets();
    const symbol = unifiedSymbol(scope.symbol, markets as never);
    for (const trigger of [false, true]) {
      try {
        const o = (await this.ex.fetchOrder(undefined as never, symbol, { clientOrderId: customOrderId, ...(trigger ? { trigger: true } : {}) })) as { info: Raw };
        return trigger ? restAlgoRow(o.info) : restOrderRow(o.info);
      } catch (error) {
        if (!(error instanceof ccxt.OrderNotFound)) throw error;
      }
    }
    return 'absent';
  }

  async close(): Promise<void> {
    await this.stream.stop();
    await this.ex.close();
  }

  /** A header of the last response; ccxt re-cases names (X-Mbx-Used-Weight-1m), so match loosely. */
  private header(name: string): string | undefined {
    const h = (this.ex as unknown as { last_response_headers?: Record<string, string> }).last_response_headers ?? {};
    const key = Object.keys(h).find((k) => k.toLowerCase() === name);
    return key === undefined ? undefined : h[key];
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

function parseWallet(v: unknown) {
  return parseDecimal(String(v ?? '0'), 'walletBalance');
}
