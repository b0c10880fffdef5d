// The spot matching engine: balances, orders, OCO order lists and fills, with one price per
// symbol (the last price) and a book of one level at that price with unlimited liquidity. A
// marketable order fills at once at the last price (taker); a resting limit order fills at its own
// price when the last price reaches it (maker); a stop order triggers on the last price and then
// trades as a market order (STOP_LOSS, TAKE_PROFIT) or works as a limit order (the _LIMIT forms).
// Every change is pushed as Binance spot's user-data events, an outboundAccountPosition closing
// each step that moved balances.
import { Decimal } from 'decimal.js';
import { SimError } from '../sim-types.js';
import { SpotBalances, insufficient } from './balances.js';
import { ARCHIVE_AFTER_MS } from './defaults.js';
import { checkNotional, checkPrice, checkQty, floorToStep } from './filters.js';
import { accountPosition, balanceUpdate, executionReport, listStatus, type Execution } from './frames.js';
import { checkPriceRelationship, legTriggerPrice, type OcoRequest } from './oco.js';
import { hasLimitPrice, isStopType, type SpotOrderRequest } from './order-request.js';
import { affordable, settleFill, type FeeConfig } from './settlement.js';
import { crosses, triggers } from './triggers.js';
import { isOpenStatus, type BalanceLock, type OrderList, type SpotEvent, type SpotOrder, type SpotSymbolSpec, type SpotTrade } from './types.js';

export interface SpotEngineOptions {
  clock: () => number;
  symbols: SpotSymbolSpec[];
  /** Free balance per asset at the start. */
  balances: Record<string, string>;
  /** Last price per symbol. */
  prices: Record<string, string>;
  fees: FeeConfig;
  /** Client ids the venue makes up (cancels without one, orders without one). */
  random: () => number;
  /** CANCELED / EXPIRED orders without a fill are archived this long after creation (-2026); default 90 days. */
  archiveAfterMs?: number;
}

export type OrderRef = { orderId: number } | { clientOrderId: string };
export type ListRef = { orderListId: number } | { listClientOrderId: string };

/** What a placement answered with: the order and the fills it made at once. */
export interface Placement {
  order: SpotOrder;
  fills: SpotTrade[];
}

/** A cancel, with the client id the cancel request carried (or the venue made up). */
export interface Cancel {
  order: SpotOrder;
  cancelClientId: string;
}

export interface ListCancel {
  list: OrderList;
  cancels: Cancel[];
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class SpotEngine {
  readonly symbols = new Map<string, SpotSymbolSpec>();
  readonly balances: SpotBalances;
  /** Every order ever placed, by id (finished ones stay for the query endpoints). */
  readonly orders = new Map<number, SpotOrder>();
  readonly lists = new Map<number, OrderList>();
  readonly trades: SpotTrade[] = [];
  readonly fees: FeeConfig;
  private readonly prices = new Map<string, Decimal>();
  private readonly live = new Set<SpotOrder>();
  private readonly listeners = new Set<(e: SpotEvent) => void>();
  private nextOrderId = 100_000_001;
  private nextListId = 10_001;
  private nextTradeId = 50_000_001;

  constructor(private readonly options: SpotEngineOptions) {
    for (const s of options.symbols) this.symbols.set(s.symbol, s);
    const assets = options.symbols.flatMap((s) => [s.baseAsset, s.quoteAsset]);
    this.balances = new SpotBalances(options.balances, assets);
    for (const [s, p] of Object.entries(options.prices)) if (this.symbols.has(s)) this.prices.set(s, new Decimal(p));
    for (const s of this.symbols.keys()) if (!this.prices.has(s)) throw new Error(`spot simulator: no last price for ${s}`);
    this.fees = options.fees;
  }

  now(): number {
    return this.options.clock();
  }

  onEvent(listener: (e: SpotEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  spec(symbol: string | undefined): SpotSymbolSpec {
    const s = symbol ? this.symbols.get(symbol) : undefined;
    if (!s) throw new SimError(-1121, 'Invalid symbol.');
    return s;
  }

  lastPrice(symbol: string): Decimal {
    const p = this.prices.get(this.spec(symbol).symbol);
    if (!p) throw new SimError(-1121, 'Invalid symbol.');
    return p;
  }

  priceTable(): Record<string, string> {
    return Object.fromEntries([...this.prices].map(([s, p]) => [s, p.toString()]));
  }

  // ---- queries -------------------------------------------------------------------------------

  openOrders(symbol?: string): SpotOrder[] {
    return [...this.live].filter((o) => symbol === undefined || o.symbol === symbol).sort((a, b) => a.orderId - b.orderId);
  }

  ordersOf(symbol: string): SpotOrder[] {
    return [...this.orders.values()].filter((o) => o.symbol === symbol);
  }

  /** By id, or by client id: the open order with it, else the newest that had it. */
  findOrder(symbol: string, ref: OrderRef): SpotOrder | undefined {
    if ('orderId' in ref) {
      const o = this.orders.get(ref.orderId);
      return o && o.symbol === symbol ? o : undefined;
    }
    const same = [...this.orders.values()].filter((o) => o.symbol === symbol && o.clientOrderId === ref.clientOrderId);
    return same.find((o) => isOpenStatus(o.status)) ?? same.at(-1);
  }

  findList(ref: ListRef): OrderList | undefined {
    if ('orderListId' in ref) return this.lists.get(ref.orderListId);
    const same = [...this.lists.values()].filter((l) => l.listClientOrderId === ref.listClientOrderId);
    return same.find((l) => l.listOrderStatus === 'EXECUTING') ?? same.at(-1);
  }

  openLists(symbol?: string): OrderList[] {
    return [...this.lists.values()].filter((l) => l.listOrderStatus === 'EXECUTING' && (symbol === undefined || l.symbol === symbol));
  }

  listOf(o: SpotOrder): OrderList | undefined {
    return o.orderListId === -1 ? undefined : this.lists.get(o.orderListId);
  }

  /** Binance spot archives CANCELED / EXPIRED orders without a fill after 90 days (-2026). */
  archived(o: SpotOrder, venueNow: number): boolean {
    const after = this.options.archiveAfterMs ?? ARCHIVE_AFTER_MS;
    return (o.status === 'CANCELED' || o.status === 'EXPIRED') && o.executedQty.isZero() && o.time + after < venueNow;
  }

  // ---- placing -------------------------------------------------------------------------------

  placeOrder(req: SpotOrderRequest): Placement {
    const spec = this.spec(req.symbol);
    const last = this.lastPrice(spec.symbol);
    const qty = this.quantityOf(spec, req, last);
    this.checkOrder(spec, req, qty, last);
    if (req.type === 'LIMIT_MAKER' && crosses(req.side, req.price!, last)) throw new SimError(-2010, 'Order would immediately match and take.');
    if (isStopType(req.type) && triggers(req.type, req.side, req.stopPrice!, last)) throw new SimError(-2010, 'Order would trigger immediately.');
    this.checkDuplicate(spec.symbol, [req.clientOrderId]);
    if (req.type === 'MARKET') {
      const cost = req.side === 'BUY' ? qty.times(last).times(this.fees.commissionAsset === 'quote' ? this.fees.taker.plus(1) : 1) : qty;
      this.balances.ensureFree(req.side === 'BUY' ? spec.quoteAsset : spec.baseAsset, cost);
      const o = this.newOrder(spec, req, qty, -1, this.clientId(req), undefined);
      return this.run(o, () => this.fill(o, o.origQty, last, false));
    }
    const lock = this.lockFor(spec, req.side, this.lockAmount(spec, req, qty));
    const o = this.newOrder(spec, req, qty, -1, this.clientId(req), lock);
    return this.run(o, () => {
      if (req.type !== 'LIMIT') return;
      if (crosses(o.side, o.price, last)) this.fill(o, o.origQty, last, false);
      else if (o.timeInForce !== 'GTC') this.finish(o, 'EXPIRED', { x: 'EXPIRED' });
    });
  }

  placeOco(r: OcoRequest): OrderList {
    const spec = this.spec(r.symbol);
    const last = this.lastPrice(spec.symbol);
    for (const leg of [r.stop, r.target]) this.checkOrder(spec, leg, r.quantity, last);
    checkPriceRelationship(r, last);
    const open = this.openLists(spec.symbol);
    if (r.listClientOrderId && open.some((l) => l.listClientOrderId === r.listClientOrderId)) throw duplicate();
    const ids = [r.stop.clientOrderId, r.target.clientOrderId];
    if (ids[0] !== undefined && ids[0] === ids[1]) throw duplicate();
    this.checkDuplicate(spec.symbol, ids);
    // One lock for both legs: a SELL locks the quantity once; a BUY the larger leg's cost.
    const amount = r.side === 'SELL' ? r.quantity : Decimal.max(...[r.stop, r.target].map((leg) => this.lockAmount(spec, leg, r.quantity)));
    const lock = this.lockFor(spec, r.side, amount);
    const now = this.now();
    const list: OrderList = {
      orderListId: this.nextListId++, contingencyType: 'OCO', listStatusType: 'EXEC_STARTED', listOrderStatus: 'EXECUTING',
      listClientOrderId: r.listClientOrderId ?? this.randomId(22), transactionTime: now, symbol: spec.symbol, orders: [],
    };
    list.orders = [r.stop, r.target].map((leg) => this.newOrder(spec, leg, r.quantity, list.orderListId, this.clientId(leg), lock));
    this.lists.set(list.orderListId, list);
    for (const o of list.orders) this.emit(executionReport(o, { x: 'NEW' }, now));
    this.emit(listStatus(list, now));
    this.flushAccount();
    return list;
  }

  // ---- cancelling ----------------------------------------------------------------------------

  /**
   * Cancels an open order; a leg of an order list cancels the whole list ("Canceling an individual
   * order from an orderList will cancel the entire orderList"). `cancelClientId` is the request's
   * newClientOrderId (the cancel's own id); without one the venue makes one up.
   */
  cancelOrder(symbol: string, ref: OrderRef, cancelClientId?: string): Cancel {
    const o = this.findOrder(this.spec(symbol).symbol, ref);
    if (!o || !isOpenStatus(o.status)) throw new SimError(-2011, 'Unknown order sent.');
    const list = this.listOf(o);
    if (list && list.listOrderStatus === 'EXECUTING') return this.cancelListNow(list).cancels.find((c) => c.order === o)!;
    const cancel = { order: o, cancelClientId: cancelClientId ?? this.randomId(22) };
    this.finish(o, 'CANCELED', { x: 'CANCELED', cancelClientId: cancel.cancelClientId });
    this.flushAccount();
    return cancel;
  }

  cancelList(symbol: string, ref: ListRef): ListCancel {
    const spec = this.spec(symbol);
    const list = this.findList(ref);
    if (!list || list.symbol !== spec.symbol || list.listOrderStatus !== 'EXECUTING') throw new SimError(-2011, 'Unknown order sent.');
    return this.cancelListNow(list);
  }

  /** DELETE /api/v3/openOrders: every open order and order list of the symbol, in id order. */
  cancelAll(symbol: string): Array<Cancel | ListCancel> {
    const spec = this.spec(symbol);
    const out: Array<Cancel | ListCancel> = [];
    for (const o of this.openOrders(spec.symbol)) {
      if (!isOpenStatus(o.status)) continue; // a sibling cancelled with its list
      const list = this.listOf(o);
      out.push(list && list.listOrderStatus === 'EXECUTING' ? this.cancelListNow(list) : this.cancelOrder(spec.symbol, { orderId: o.orderId }));
    }
    if (out.length === 0) throw new SimError(-2011, 'Unknown order sent.');
    return out;
  }

  /** Every open leg CANCELED (each with a cancel id of its own), then the list's ALL_DONE. */
  private cancelListNow(list: OrderList): ListCancel {
    const cancels: Cancel[] = [];
    for (const o of list.orders) {
      if (!isOpenStatus(o.status)) continue;
      const id = this.randomId(22);
      cancels.push({ order: o, cancelClientId: id });
      this.finish(o, 'CANCELED', { x: 'CANCELED', cancelClientId: id });
    }
    this.listDone(list);
    this.flushAccount();
    return { list, cancels };
  }

  // ---- prices and deposits -------------------------------------------------------------------

  /** Moves the last price: stops trigger, limit orders the price reached fill, in order id order. */
  setPrice(symbol: string, price: string | Decimal): void {
    const spec = this.spec(symbol);
    const last = new Decimal(price);
    if (!last.isFinite() || last.lte(0)) throw new SimError(-1102, 'price must be a positive number');
    this.prices.set(spec.symbol, last);
    for (const o of this.openOrders(spec.symbol)) {
      if (!isOpenStatus(o.status)) continue; // expired by a sibling leg just now
      if (!o.working) {
        if (triggers(o.type, o.side, o.stopPrice, last)) this.trigger(spec, o, last);
      } else if (crosses(o.side, o.price, last)) {
        this.fill(o, o.origQty.minus(o.executedQty), o.price, true);
        this.expireSiblings(o);
      }
      this.flushAccount();
    }
  }

  /** A deposit or withdrawal outside trading: balanceUpdate, then outboundAccountPosition. */
  adjustBalance(asset: string, delta: Decimal): void {
    if (delta.isZero()) return;
    if (delta.isNegative()) this.balances.spendFree(asset, delta.negated());
    else this.balances.credit(asset, delta);
    this.emit(balanceUpdate(asset, delta, this.now()));
    this.flushAccount();
  }

  // ---- internals -----------------------------------------------------------------------------

  private quantityOf(spec: SpotSymbolSpec, req: SpotOrderRequest, last: Decimal): Decimal {
    if (req.quantity) return req.quantity;
    const qty = floorToStep(spec, req.quoteOrderQty!.div(last));
    if (qty.lt(spec.minQty)) throw new SimError(-1013, 'Filter failure: LOT_SIZE');
    return qty;
  }

  /** PRICE_FILTER on price and stop price, LOT_SIZE, NOTIONAL (at the limit price, else the stop or last price). */
  private checkOrder(spec: SpotSymbolSpec, req: SpotOrderRequest, qty: Decimal, last: Decimal): void {
    if (req.price) checkPrice(spec, req.price);
    if (req.stopPrice) checkPrice(spec, req.stopPrice);
    checkQty(spec, qty);
    const at = hasLimitPrice(req.type) ? req.price! : req.stopPrice ?? last;
    checkNotional(spec, qty.times(at), !hasLimitPrice(req.type));
  }

  private checkDuplicate(symbol: string, clientIds: Array<string | undefined>): void {
    for (const id of clientIds) if (id !== undefined && this.openOrders(symbol).some((o) => o.clientOrderId === id)) throw duplicate();
  }

  /** What an order locks: a SELL its quantity; a BUY its limit (or stop) price x quantity, plus the taker fee when fees are charged in quote. */
  private lockAmount(spec: SpotSymbolSpec, req: SpotOrderRequest, qty: Decimal): Decimal {
    if (req.side === 'SELL') return qty;
    const at = hasLimitPrice(req.type) ? req.price! : legTriggerPrice(req);
    return qty.times(at).times(this.fees.commissionAsset === 'quote' ? this.fees.taker.plus(1) : 1);
  }

  private lockFor(spec: SpotSymbolSpec, side: SpotOrder['side'], amount: Decimal): BalanceLock {
    const asset = side === 'BUY' ? spec.quoteAsset : spec.baseAsset;
    if (this.balances.get(asset).free.lt(amount)) throw insufficient();
    this.balances.lock(asset, amount);
    return { asset, remaining: amount, holders: [] };
  }

  private newOrder(spec: SpotSymbolSpec, req: SpotOrderRequest, qty: Decimal, orderListId: number, clientOrderId: string, lock: BalanceLock | undefined): SpotOrder {
    const now = this.now();
    const working = !isStopType(req.type);
    const o: SpotOrder = {
      symbol: spec.symbol, orderId: this.nextOrderId++, orderListId, clientOrderId, side: req.side, type: req.type,
      timeInForce: req.timeInForce ?? (req.type === 'MARKET' || req.type === 'LIMIT_MAKER' ? 'GTC' : undefined),
      price: req.price ?? new Decimal(0), origQty: qty, executedQty: new Decimal(0), cummulativeQuoteQty: new Decimal(0),
      stopPrice: req.stopPrice ?? new Decimal(0), origQuoteOrderQty: req.quoteOrderQty ?? new Decimal(0), status: 'NEW',
      time: now, updateTime: now, workingTime: working ? now : -1, working, owner: req.owner ?? 'api',
      ...(lock ? { lock } : {}),
    };
    lock?.holders.push(o);
    this.orders.set(o.orderId, o);
    this.live.add(o);
    return o;
  }

  /** A standalone order's NEW row, what it does at once, then its account position. */
  private run(o: SpotOrder, act: () => void): Placement {
    const before = this.trades.length;
    this.emit(executionReport(o, { x: 'NEW' }, this.now()));
    act();
    this.flushAccount();
    return { order: o, fills: this.trades.slice(before) };
  }

  private fill(o: SpotOrder, qty: Decimal, price: Decimal, maker: boolean): SpotTrade {
    const now = this.now();
    const trade = settleFill(this.balances, this.spec(o.symbol), o, qty, price, maker, this.fees, this.takeTradeId(), now);
    this.trades.push(trade);
    this.emit(executionReport(o, { x: 'TRADE', trade }, now));
    if (!isOpenStatus(o.status)) this.closed(o);
    return trade;
  }

  /** A stop reached its trigger: its OCO sibling expires at once, then it trades or starts working. */
  private trigger(spec: SpotSymbolSpec, o: SpotOrder, last: Decimal): void {
    this.expireSiblings(o, false);
    o.working = true;
    o.workingTime = this.now();
    o.updateTime = o.workingTime;
    const qty = o.origQty.minus(o.executedQty);
    if (o.type === 'STOP_LOSS' || o.type === 'TAKE_PROFIT') {
      if (affordable(this.balances, spec, o, qty, last, false, this.fees)) this.fill(o, qty, last, false);
      else this.finish(o, 'EXPIRED', { x: 'EXPIRED' });
    } else if (crosses(o.side, o.price, last)) {
      this.fill(o, qty, last, false);
    }
    const list = this.listOf(o);
    if (list && list.listOrderStatus === 'EXECUTING') this.listDone(list);
  }

  /** The other legs of o's order list expire (one leg filled or triggered); the list is done unless `done` is false. */
  private expireSiblings(o: SpotOrder, done = true): void {
    const list = this.listOf(o);
    if (!list || list.listOrderStatus !== 'EXECUTING') return;
    for (const other of list.orders) if (other !== o && isOpenStatus(other.status)) this.finish(other, 'EXPIRED', { x: 'EXPIRED' });
    if (done) this.listDone(list);
  }

  private listDone(list: OrderList): void {
    list.listStatusType = 'ALL_DONE';
    list.listOrderStatus = 'ALL_DONE';
    list.transactionTime = this.now();
    this.emit(listStatus(list, list.transactionTime));
  }

  private finish(o: SpotOrder, status: 'CANCELED' | 'EXPIRED', ex: Execution): void {
    o.status = status;
    o.updateTime = this.now();
    this.emit(executionReport(o, ex, o.updateTime));
    this.closed(o);
  }

  /** A finished order leaves the book; its lock's remainder goes back once every holder is finished. */
  private closed(o: SpotOrder): void {
    this.live.delete(o);
    const lock = o.lock;
    if (!lock || lock.holders.some((h) => isOpenStatus(h.status))) return;
    this.balances.release(lock.asset, lock.remaining);
    lock.remaining = new Decimal(0);
  }

  private takeTradeId(): number {
    return this.nextTradeId++;
  }

  private flushAccount(): void {
    const rows = this.balances.flushTouched();
    if (rows.length > 0) this.emit(accountPosition(rows, this.now()));
  }

  private emit(e: SpotEvent): void {
    for (const l of this.listeners) l(e);
  }

  private clientId(req: SpotOrderRequest): string {
    if (req.clientOrderId) return req.clientOrderId;
    // A foreign order from Binance's web front carries web_<hex>; an API order without one a random id.
    return req.owner === 'manual' ? `web_${this.randomHex(32)}` : this.randomId(22);
  }

  private randomId(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += ALNUM[Math.floor(this.options.random() * ALNUM.length)];
    return s;
  }

  private randomHex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(this.options.random() * 16).toString(16);
    return s;
  }
}

function duplicate(): SimError {
  return new SimError(-2010, 'Duplicate order sent.');
}
