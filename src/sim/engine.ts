// The simulated exchange account: orders, conditional (algo) orders, positions, balances and a
// matching engine driven by the last and mark prices. Decimal arithmetic throughout; ids are
// sequential so the same seed and the same inputs give the same books. Every change is emitted as
// the user-data event Binance would push (ORDER_TRADE_UPDATE, ALGO_UPDATE, ACCOUNT_UPDATE).
//
// Prices: the mark (uPnL, PERCENT_PRICE, MARK_PRICE triggers) and the last price (fills, and
// CONTRACT_PRICE triggers, Binance's default). A price move is walked level by level
// (matching-path.ts); takers fill at the last price against the outside market, whose depth a
// test can cap (engine-settings.ts); rules and codes live in engine-rules.ts, frames in
// engine-frames.ts.
import { Decimal } from 'decimal.js';
import { SimError, type AlgoType, type PositionSide, type Side, type SimAlgoOrder, type SimOrder, type SimPosition, type SimTrade, type SymbolSpec } from './sim-types.js';
import { EXPIRY, FrameClock, accountFrame, algoFrame, orderFrame, triggerRejectFrame, type Execution, type UserEvent } from './engine-frames.js';
import { checkPercentPrice, crossesLast, decimalParam, percentPriceError, protectionBlocks, stpModeOf, timeInForceOf, triggerHolds, validPrice, validQty, workingTypeOf } from './engine-rules.js';
import { EngineSettings } from './engine-settings.js';
import { crossingPoint, firstItem, priceAt, type Move, type PathItem } from './matching-path.js';
import { BookIndex, WatchedMap } from './book-index.js';
import { MarginSums, type SymbolTerms } from './margin-sums.js';

export type { UserEvent } from './engine-frames.js';
export { decimalParam } from './engine-rules.js';

export interface EngineOptions {
  clock: () => number;
  positionMode: 'hedge' | 'one_way';
  symbols: SymbolSpec[];
  walletBalance: string;
  leverage: number;
  makerFee: string;
  takerFee: string;
}

export interface OrderRequest {
  symbol: string;
  side: Side;
  type: string;
  quantity?: string;
  price?: string;
  positionSide?: string;
  reduceOnly?: boolean;
  closePosition?: boolean;
  timeInForce?: string;
  clientOrderId?: string;
  triggerPrice?: string;
  workingType?: string;
  /** Conditional orders: wait while the mark and last prices are further apart than triggerProtect. */
  priceProtect?: boolean;
  selfTradePreventionMode?: string;
  owner?: 'api' | 'manual';
}

/** A price change: the mark, the last price, or both (the control API's `price` sets both). */
export interface PriceUpdate {
  mark?: string;
  last?: string;
}

const ZERO = new Decimal(0);
const ONE = new Decimal(1);
const d = (v: string | number) => new Decimal(v);
const str = (v: Decimal) => (v.isZero() ? '0' : v.toFixed());
const CONDITIONAL: readonly string[] = ['STOP_MARKET', 'TAKE_PROFIT_MARKET', 'STOP', 'TAKE_PROFIT', 'TRAILING_STOP_MARKET'];
const ALGO_TYPES: readonly string[] = ['STOP_MARKET', 'TAKE_PROFIT_MARKET', 'STOP', 'TAKE_PROFIT'];
const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
/** Error-code page messages the engine answers with. */
const MSG = {
  reduceOnly: 'ReduceOnly Order is rejected.',
  reduceOnlyMargin: 'ReduceOnly Order Failed. Please check your existing position and open orders',
  gtx: 'Due to the order could not be executed as maker, the Post Only order will be rejected.',
  fok: 'Due to the order could not be filled immediately, the FOK order has been rejected.',
  margin: 'Margin is insufficient.',
  /** ALGO_UPDATE `rm` of a reduce-only trigger with nothing to reduce (the Event-Algo-Order-Update example). */
  reduceOnlyTrigger: 'Reduce Only reject',
};

export class SimEngine {
  readonly symbols = new Map<string, SymbolSpec>();
  /** Mark prices (uPnL, PERCENT_PRICE, MARK_PRICE triggers). */
  readonly marks = new WatchedMap<string, string>();
  /** Last (contract) prices: fills and CONTRACT_PRICE triggers. */
  readonly lasts = new Map<string, string>();
  /** Every order ever taken (finished ones too: the query endpoints serve them). */
  readonly orders = new WatchedMap<number, SimOrder>();
  readonly algos = new WatchedMap<number, SimAlgoOrder>();
  readonly positions = new WatchedMap<string, SimPosition>();
  // Indexes (book-index.ts) and per-symbol sums (margin-sums.ts): the hot paths read a symbol's
  // open orders, a client id's orders and the margin without walking the account's history.
  private readonly openOrders = new BookIndex(this.orders, (o) => isOpen(o.status), (o) => o.clientOrderId);
  private readonly openAlgos = new BookIndex(this.algos, (a) => isAlgoOpen(a.algoStatus), (a) => a.clientAlgoId);
  private readonly positionIndex = new BookIndex(this.positions, () => true);
  private readonly sums = new MarginSums((symbol) => this.termsOf(symbol), () => this.symbolsWithTerms(), () => `${this.opts.leverage}|${Decimal.precision}|${Decimal.rounding}`);
  readonly trades: SimTrade[] = [];
  /** Outside liquidity, trigger behaviour and open-order limits a test can switch. */
  readonly settings = new EngineSettings();
  wallet: Decimal;
  partialFillRatio: Decimal | undefined;
  private readonly listeners = new Set<(e: UserEvent) => void>();
  private readonly frames: FrameClock;
  private nextOrderId = 4_000_000_001;
  private nextAlgoId = 2_000_000_001;
  private nextTradeId = 500_000_001;

  constructor(readonly opts: EngineOptions) {
    for (const s of opts.symbols) this.symbols.set(s.symbol, s);
    this.wallet = d(opts.walletBalance);
    this.frames = new FrameClock(() => this.opts.clock());
    this.orders.watch((_id, o, replaced) => {
      this.openOrders.added(o, replaced);
      this.touchBooks(o.symbol);
    }, () => this.dropped(this.openOrders));
    this.algos.watch((_id, a, replaced) => this.openAlgos.added(a, replaced), () => this.openAlgos.dropped());
    this.positions.watch((_key, p, replaced) => {
      this.positionIndex.added(p, replaced);
      this.touchBooks(p.symbol);
    }, () => this.dropped(this.positionIndex));
    this.marks.watch((symbol) => this.touchBooks(symbol), () => this.sums.touchAll());
  }

  /**
   * A symbol's orders or positions changed in place (status, quantities, price, amount, entry):
   * its margin and PnL terms are summed again on the next read. Writes into the maps report
   * themselves; everything that edits an order or position object calls this.
   */
  touchBooks(symbol: string): void {
    this.sums.touch(symbol);
  }

  private dropped(index: BookIndex<SimOrder> | BookIndex<SimPosition>): void {
    index.dropped();
    this.sums.touchAll();
  }

  /** The open regular orders, of one symbol or of all, oldest first. */
  openOrderList(symbol?: string): SimOrder[] {
    return this.openOrders.liveEntries(symbol);
  }

  /** The open (NEW or TRIGGERING) conditional orders, of one symbol or of all, oldest first. */
  openAlgoList(symbol?: string): SimAlgoOrder[] {
    return this.openAlgos.liveEntries(symbol);
  }

  /** The stored position sides of a symbol (flat ones included), in the order they were created. */
  positionsOf(symbol: string): SimPosition[] {
    return this.positionIndex.liveEntries(symbol);
  }

  onEvent(listener: (e: UserEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private now(): number {
    return this.opts.clock();
  }

  private emit(e: UserEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** Sends a user-data frame built outside the engine (account events, config changes) to every listener. */
  publish(e: UserEvent): void {
    this.emit(e);
  }

  /** The venue clock the engine stamps rows with. */
  clockNow(): number {
    return this.now();
  }

  spec(symbol: string | undefined): SymbolSpec {
    const s = symbol ? this.symbols.get(symbol) : undefined;
    if (!s) throw new SimError(-1121, 'Invalid symbol.');
    return s;
  }

  mark(symbol: string): Decimal {
    const m = this.marks.get(symbol);
    if (!m) throw new SimError(-1121, `No mark price for ${symbol}.`);
    return d(m);
  }

  /** The last traded price (the mark until a test sets them apart). */
  lastPrice(symbol: string): Decimal {
    const l = this.lasts.get(symbol) ?? this.marks.get(symbol);
    if (!l) throw new SimError(-1121, `No last price for ${symbol}.`);
    return d(l);
  }

  // ---- orders ----------------------------------------------------------------------------------

  placeOrder(req: OrderRequest): SimOrder {
    const spec = this.spec(req.symbol);
    if (CONDITIONAL.includes(req.type)) throw new SimError(-4120, 'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.');
    if (req.type !== 'LIMIT' && req.type !== 'MARKET') throw new SimError(-1116, 'Invalid orderType.');
    const limit = req.type === 'LIMIT';
    const positionSide = this.positionSideOf(req.positionSide);
    const clientOrderId = this.clientId(req.clientOrderId, 'x-sim-');
    if (this.openOrders.withClientId(clientOrderId).some((o) => isOpen(o.status))) throw new SimError(-4116, 'ClientOrderId is duplicated.');
    const timeInForce = limit ? timeInForceOf(req.timeInForce) : 'GTC';
    const stpMode = stpModeOf(req.selfTradePreventionMode);
    const qty = validQty(spec, req.quantity);
    const mark = this.mark(req.symbol);
    let price = ZERO;
    if (limit) {
      price = validPrice(spec, req.price);
      checkPercentPrice(req.side, price, mark);
    }
    // Hedge mode: the side says it (SELL on LONG closes); Binance refuses an explicit reduceOnly.
    if (this.opts.positionMode === 'hedge' && req.reduceOnly) throw new SimError(-1106, "Parameter 'reduceonly' sent when not required.");
    const reduceOnly = req.reduceOnly === true || closes(positionSide, req.side);
    // MIN_NOTIONAL: "Since MARKET orders have no price, the mark price is used."
    const reference = limit ? price : mark;
    if (!reduceOnly && reference.mul(qty).lt(d(spec.minNotional))) throw new SimError(-4164, `Order's notional must be no smaller than ${spec.minNotional} (unless you choose reduce only).`);
    if (reduceOnly) this.checkReduceOnly(req.symbol, req.side, positionSide, qty, reference, !limit);
    this.checkOpenOrders(req.symbol);
    if (!reduceOnly) this.checkMargin(reference.mul(qty));
    const last = this.lastPrice(req.symbol);
    if (timeInForce === 'GTX' && crossesLast(req.side, price, last)) throw new SimError(-5022, MSG.gtx);
    if (timeInForce === 'FOK' && !this.fillableAtOnce(req.symbol, req.side, price, qty, reduceOnly ? this.reducibleQty(req.symbol, req.side, positionSide) : undefined)) {
      throw new SimError(-5021, MSG.fok);
    }
    const t = this.now();
    const order: SimOrder = {
      orderId: this.nextOrderId++, clientOrderId, symbol: req.symbol, side: req.side, positionSide, type: req.type, origType: req.type,
      price: str(price), origQty: str(qty), executedQty: '0', cumQuote: '0', avgPrice: '0', status: 'NEW', timeInForce,
      reduceOnly, closePosition: false, stopPrice: '0', time: t, updateTime: t, owner: req.owner ?? 'api', workingType: 'CONTRACT_PRICE', priceProtect: false, stpMode,
    };
    this.orders.set(order.orderId, order);
    this.emitOrder(order, 'NEW');
    this.take(order);
    return order;
  }

  /**
   * PUT /fapi/v1/order (Modify-Order): LIMIT orders only, quantity and price both required; an
   * unchanged order is -5027; a new quantity not above the executed one, or a post-only price that
   * would cross, cancels the order instead; the modified order's STP mode becomes NONE (stp-faq).
   */
  amendOrder(symbol: string, ref: { orderId?: number; clientOrderId?: string }, quantity: string | undefined, price: string | undefined): SimOrder {
    const order = this.findOrder(symbol, ref);
    if (!order || !isOpen(order.status)) throw new SimError(-2013, 'Order does not exist.');
    if (order.type !== 'LIMIT') throw new SimError(-5025, 'Only limit order is supported.');
    const spec = this.spec(symbol);
    if (quantity === undefined || quantity === '') throw new SimError(-1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.");
    if (price === undefined || price === '') throw new SimError(-1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.");
    // Filter failures reject the amendment and leave the order as it is.
    const qty = validQty(spec, quantity);
    const p = validPrice(spec, price);
    checkPercentPrice(order.side, p, this.mark(symbol));
    if (qty.eq(d(order.origQty)) && p.eq(d(order.price))) throw new SimError(-5027, 'No need to modify the order.');
    if (qty.lte(d(order.executedQty)) || (order.timeInForce === 'GTX' && crossesLast(order.side, p, this.lastPrice(symbol)))) {
      this.endOrder(order, 'CANCELED');
      return order;
    }
    if (!order.reduceOnly && p.mul(qty).lt(d(spec.minNotional))) throw new SimError(-5029, `Order's notional must be no smaller than ${spec.minNotional}`);
    order.origQty = str(qty);
    order.price = str(p);
    order.updateTime = this.now();
    order.stpMode = 'NONE';
    this.touchBooks(symbol);
    this.emitOrder(order, 'AMENDMENT');
    this.take(order);
    return order;
  }

  cancelOrder(symbol: string, ref: { orderId?: number; clientOrderId?: string }): SimOrder {
    const order = this.findOrder(symbol, ref);
    if (!order || !isOpen(order.status)) throw new SimError(-2011, 'Unknown order sent.');
    this.endOrder(order, 'CANCELED');
    return order;
  }

  cancelAll(symbol: string): number {
    let n = 0;
    for (const o of this.openOrderList(symbol)) if (isOpen(o.status)) {
      this.cancelOrder(symbol, { orderId: o.orderId });
      n++;
    }
    return n;
  }

  findOrder(symbol: string, ref: { orderId?: number; clientOrderId?: string }): SimOrder | undefined {
    if (ref.orderId !== undefined) {
      const o = this.orders.get(ref.orderId);
      return o && o.symbol === symbol ? o : undefined;
    }
    // The newest order with this client id (ids are only unique among open orders).
    if (ref.clientOrderId === undefined) return undefined;
    const same = this.openOrders.withClientId(ref.clientOrderId);
    for (let i = same.length - 1; i >= 0; i--) if (same[i]!.symbol === symbol) return same[i];
    return undefined;
  }

  // ---- algo (conditional) orders ----------------------------------------------------------------

  /** POST /fapi/v1/algoOrder (New-Algo-Order) with its parameter rules; no margin check before the trigger. */
  placeAlgo(req: OrderRequest): SimAlgoOrder {
    const spec = this.spec(req.symbol);
    if (!ALGO_TYPES.includes(req.type)) throw new SimError(-1116, 'Invalid orderType.');
    const type = req.type as AlgoType;
    const limitType = type === 'STOP' || type === 'TAKE_PROFIT';
    const positionSide = this.positionSideOf(req.positionSide);
    const clientAlgoId = this.clientId(req.clientOrderId, 'x-algo-');
    if (this.openAlgos.withClientId(clientAlgoId).some((a) => isAlgoOpen(a.algoStatus))) throw new SimError(-20132, 'The client algo id is duplicated.');
    const workingType = workingTypeOf(req.workingType);
    const timeInForce = timeInForceOf(req.timeInForce);
    const stpMode = stpModeOf(req.selfTradePreventionMode);
    const closePosition = req.closePosition === true;
    // "reduceOnly: Cannot be sent in Hedge Mode; cannot be sent with closePosition=true".
    if (req.reduceOnly && (this.opts.positionMode === 'hedge' || closePosition)) throw new SimError(-1106, "Parameter 'reduceOnly' sent when not required.");
    if (closePosition) {
      if (limitType) throw new SimError(-1106, "Parameter 'closePosition' sent when not required.");
      if (req.quantity !== undefined && req.quantity !== '') throw new SimError(-4137, 'Quantity must be zero with closePosition equals true');
      // "In Hedge Mode, cannot be used with BUY orders in LONG position side and SELL orders in SHORT position side."
      if (positionSide !== 'BOTH' && !closes(positionSide, req.side)) throw new SimError(-4062, 'Invalid or improper reduceOnly value.');
    }
    const trigger = validPrice(spec, req.triggerPrice, 'triggerPrice');
    const qty = closePosition ? ZERO : validQty(spec, req.quantity);
    const price = limitType ? validPrice(spec, req.price) : ZERO;
    const watched = workingType === 'MARK_PRICE' ? this.mark(req.symbol) : this.lastPrice(req.symbol);
    if (triggerHolds(type, req.side, trigger, watched)) throw new SimError(-2021, 'Order would immediately trigger.');
    if (closePosition && this.openAlgoList(req.symbol).some((a) => a.closePosition && a.positionSide === positionSide && a.side === req.side && a.orderType === type)) {
      throw new SimError(-4130, 'An open stop or take profit order with GTE and closePosition in the direction is existing.');
    }
    this.checkAlgoLimits(req.symbol);
    const t = this.now();
    const algo: SimAlgoOrder = {
      algoId: this.nextAlgoId++, clientAlgoId, symbol: req.symbol, side: req.side, positionSide, orderType: type,
      // Hedge mode: a conditional order whose side closes its position side is reduce-only, as a
      // regular order is (its triggered child can never open the other way).
      quantity: str(qty), price: str(price), triggerPrice: str(trigger), algoStatus: 'NEW',
      reduceOnly: req.reduceOnly === true || closePosition || closes(positionSide, req.side),
      closePosition, workingType, createTime: t, updateTime: t, triggerTime: 0, actualOrderId: '', owner: req.owner ?? 'api',
      timeInForce, priceProtect: req.priceProtect === true, stpMode, actualPrice: '0', actualQty: '0', actualType: '0', rejectReason: '',
    };
    this.algos.set(algo.algoId, algo);
    this.emitAlgo(algo);
    return algo;
  }

  cancelAlgo(ref: { algoId?: number; clientAlgoId?: string }): SimAlgoOrder {
    const algo = this.findAlgo(ref);
    if (!algo || algo.algoStatus !== 'NEW') throw new SimError(-2011, 'Unknown order sent.');
    algo.algoStatus = 'CANCELED';
    algo.updateTime = this.now();
    this.emitAlgo(algo);
    return algo;
  }

  cancelAllAlgo(symbol: string): number {
    let n = 0;
    for (const a of this.openAlgoList(symbol)) if (a.algoStatus === 'NEW') {
      this.cancelAlgo({ algoId: a.algoId });
      n++;
    }
    return n;
  }

  findAlgo(ref: { algoId?: number; clientAlgoId?: string }): SimAlgoOrder | undefined {
    if (ref.algoId !== undefined) return this.algos.get(ref.algoId);
    if (ref.clientAlgoId === undefined) return undefined;
    const same = this.openAlgos.withClientId(ref.clientAlgoId);
    return same[same.length - 1];
  }

  // ---- market ------------------------------------------------------------------------------------

  /** Moves the mark and the last price together (the control API's `{"symbol","price"}`). */
  setMark(symbol: string, price: string): void {
    this.setPrices(symbol, { mark: price, last: price });
  }

  /**
   * Moves the mark and/or the last price and walks the move: resting limit orders fill at their
   * price and conditional orders trigger at their level, in the order the price reaches them.
   */
  setPrices(symbol: string, update: PriceUpdate): void {
    const spec = this.spec(symbol);
    const oldMark = this.marks.get(symbol);
    const oldLast = this.lasts.get(symbol) ?? oldMark;
    const markEnd = update.mark !== undefined ? priceParam(update.mark, 'mark') : oldMark !== undefined ? d(oldMark) : undefined;
    const lastEnd = update.last !== undefined ? priceParam(update.last, 'last') : oldLast !== undefined ? d(oldLast) : markEnd;
    const markTo = markEnd ?? lastEnd;
    if (!markTo || !lastEnd) throw new SimError(-1102, 'Send a price, a mark or a last price.');
    const markMove: Move = { start: oldMark !== undefined ? d(oldMark) : markTo, end: markTo };
    const lastMove: Move = { start: oldLast !== undefined ? d(oldLast) : lastEnd, end: lastEnd };
    const seen = new Set<string>();
    const waiting: SimAlgoOrder[] = [];
    let at = ZERO;
    for (let item = this.nextOnPath(symbol, markMove, lastMove, at, seen); item; item = this.nextOnPath(symbol, markMove, lastMove, at, seen)) {
      seen.add(`${item.kind}:${item.id}`);
      at = item.at;
      this.marks.set(symbol, str(priceAt(markMove, at, spec.tickSize)));
      this.lasts.set(symbol, str(priceAt(lastMove, at, spec.tickSize)));
      if (item.kind === 'limit') this.matchResting(this.orders.get(item.id)!);
      else {
        const algo = this.algos.get(item.id)!;
        if (!this.trigger(algo)) waiting.push(algo);
      }
    }
    this.marks.set(symbol, str(markTo));
    this.lasts.set(symbol, str(lastEnd));
    // A price-protected trigger held back on the way gets another look at the prices the move ends on.
    for (const algo of waiting) {
      const watched = algo.workingType === 'MARK_PRICE' ? markTo : lastEnd;
      if (algo.algoStatus === 'NEW' && triggerHolds(algo.orderType, algo.side, d(algo.triggerPrice), watched)) this.trigger(algo);
    }
  }

  /**
   * The next resting limit order or conditional order the rest of the move (from `from` on)
   * reaches. Judged from the walk's current prices: an order placed on the way (a triggered
   * order that rests) only meets the prices that come after it.
   */
  private nextOnPath(symbol: string, markMove: Move, lastMove: Move, from: Decimal, seen: Set<string>): PathItem | undefined {
    const tick = this.spec(symbol).tickSize;
    const rest = (m: Move): Move => ({ start: priceAt(m, from, tick), end: m.end });
    const markRest = rest(markMove);
    const lastRest = rest(lastMove);
    const along = (sub: Decimal) => from.add(ONE.sub(from).mul(sub));
    const items: PathItem[] = [];
    for (const o of this.openOrderList(symbol)) {
      if (o.type !== 'LIMIT' || seen.has(`limit:${o.orderId}`)) continue;
      const p = d(o.price);
      const at = crossingPoint(lastRest, (x) => (o.side === 'BUY' ? x.lte(p) : x.gte(p)), p);
      if (at) items.push({ kind: 'limit', id: o.orderId, at: along(at) });
    }
    for (const a of this.openAlgoList(symbol)) {
      if (a.algoStatus !== 'NEW' || seen.has(`algo:${a.algoId}`)) continue;
      const tp = d(a.triggerPrice);
      const at = crossingPoint(a.workingType === 'MARK_PRICE' ? markRest : lastRest, (x) => triggerHolds(a.orderType, a.side, tp, x), tp);
      if (at) items.push({ kind: 'algo', id: a.algoId, at: along(at) });
    }
    return firstItem(items);
  }

  /**
   * A trigger as the Algo Service runs it: TRIGGERING (forwarded to the matching engine), then
   * TRIGGERED with the new order's id, or REJECTED with the reason in `rm`; FINISHED once the
   * triggered order is filled, cancelled or expired.
   */
  private trigger(algo: SimAlgoOrder): boolean {
    const { symbol } = algo;
    if (algo.priceProtect && protectionBlocks(this.mark(symbol), this.lastPrice(symbol))) return false; // waits for the prices to converge
    const t = this.now();
    algo.triggerTime = t;
    algo.updateTime = t;
    algo.algoStatus = 'TRIGGERING';
    this.emitAlgo(algo);
    const market = algo.orderType === 'STOP_MARKET' || algo.orderType === 'TAKE_PROFIT_MARKET';
    const reducible = this.reducibleQty(symbol, algo.side, algo.positionSide);
    const qty = algo.closePosition ? reducible : d(algo.quantity);
    const reason = this.settings.takeReject(symbol) ?? this.triggerProblem(algo, qty, reducible, market);
    if (reason !== undefined) {
      algo.algoStatus = 'REJECTED';
      algo.rejectReason = reason;
      this.emitAlgo(algo);
      if (this.settings.legacyTriggerReject) this.emit(triggerRejectFrame(this.frames.stamp(), symbol, algo.algoId, reason));
      return true;
    }
    const order: SimOrder = {
      orderId: this.nextOrderId++, clientOrderId: algo.clientAlgoId, symbol, side: algo.side, positionSide: algo.positionSide,
      type: market ? 'MARKET' : 'LIMIT', origType: algo.orderType, price: market ? '0' : algo.price, origQty: str(qty), executedQty: '0', cumQuote: '0',
      avgPrice: '0', status: 'NEW', timeInForce: market ? 'GTC' : (algo.timeInForce ?? 'GTC'), reduceOnly: algo.reduceOnly, closePosition: algo.closePosition,
      stopPrice: algo.triggerPrice, time: t, updateTime: t, owner: algo.owner, workingType: algo.workingType === 'MARK_PRICE' ? 'MARK_PRICE' : 'CONTRACT_PRICE',
      priceProtect: algo.priceProtect ?? false, stpMode: algo.stpMode ?? 'EXPIRE_MAKER', algoId: algo.algoId,
    };
    this.orders.set(order.orderId, order);
    algo.actualOrderId = String(order.orderId);
    algo.actualType = order.type;
    // Binance orders rows only within one event type: the triggered order's rows may come first.
    const childFirst = this.settings.childFirst;
    if (!childFirst) this.markTriggered(algo);
    this.emitOrder(order, 'NEW');
    this.take(order);
    if (childFirst) this.markTriggered(algo);
    this.settleAlgo(order);
    return true;
  }

  private markTriggered(algo: SimAlgoOrder): void {
    algo.algoStatus = 'TRIGGERED';
    algo.updateTime = this.now();
    this.emitAlgo(algo);
  }

  /** Why the matching engine would refuse the triggered order, if it would. */
  private triggerProblem(algo: SimAlgoOrder, qty: Decimal, reducible: Decimal, market: boolean): string | undefined {
    if (algo.reduceOnly && reducible.lte(ZERO)) return MSG.reduceOnlyTrigger;
    if (qty.lte(ZERO)) return MSG.reduceOnlyTrigger;
    const last = this.lastPrice(algo.symbol);
    const price = market ? last : d(algo.price);
    if (!algo.reduceOnly && price.mul(qty).div(this.opts.leverage).gt(this.available())) return MSG.margin;
    if (market) return undefined;
    const percent = percentPriceError(algo.side, price, this.mark(algo.symbol));
    if (percent) return percent.msg;
    if (algo.timeInForce === 'GTX' && crossesLast(algo.side, price, last)) return MSG.gtx;
    if (algo.timeInForce === 'FOK' && !this.fillableAtOnce(algo.symbol, algo.side, price, qty, algo.reduceOnly ? reducible : undefined)) return MSG.fok;
    return undefined;
  }

  /** Keeps a conditional order's `ap`/`aq` in step with its triggered order; FINISHED once that order ends. */
  private settleAlgo(order: SimOrder): void {
    const algo = order.algoId !== undefined ? this.algos.get(order.algoId) : undefined;
    if (!algo) return;
    algo.actualPrice = order.avgPrice;
    algo.actualQty = order.executedQty;
    if (algo.algoStatus !== 'TRIGGERED' || isOpen(order.status)) return;
    algo.algoStatus = 'FINISHED';
    algo.updateTime = this.now();
    this.emitAlgo(algo);
  }

  // ---- matching ----------------------------------------------------------------------------------

  /**
   * An order that takes liquidity (new, amended, or triggered): it fills at the last price against
   * the outside market, as much as the market's depth allows (settings.liquidity). What the
   * outside market cannot fill reaches the account's own resting orders (self-trade prevention);
   * a MARKET order's rest then expires (er 9), an IOC order's too (er 2), a GTC order rests.
   */
  private take(order: SimOrder): void {
    if (!isOpen(order.status)) return;
    const last = this.lastPrice(order.symbol);
    const limit = order.type === 'LIMIT';
    if (limit && !crossesLast(order.side, d(order.price), last)) {
      if (order.timeInForce === 'IOC') this.expire(order, EXPIRY.IOC);
      return;
    }
    const wanted = this.fillableQty(order);
    if (!wanted) return;
    let qty = wanted;
    if (this.partialFillRatio && limit && d(order.executedQty).isZero()) qty = this.partOf(order.symbol, wanted);
    const depth = this.settings.liquidity.get(order.symbol);
    const outside = depth === undefined ? qty : Decimal.min(qty, depth);
    if (outside.gt(ZERO)) this.fill(order, last, outside, false);
    if (isOpen(order.status) && outside.lt(qty)) this.preventSelfTrade(order);
    if (!isOpen(order.status)) return;
    if (order.type === 'MARKET') this.expire(order, EXPIRY.MARKET);
    else if (order.timeInForce === 'IOC') this.expire(order, EXPIRY.IOC);
  }

  /** A resting limit order the price walked through: a maker fill at its own price. */
  private matchResting(order: SimOrder): void {
    if (!isOpen(order.status)) return;
    const wanted = this.fillableQty(order);
    if (!wanted) return;
    const qty = this.partialFillRatio && d(order.executedQty).isZero() ? this.partOf(order.symbol, wanted) : wanted;
    this.fill(order, d(order.price), qty, true);
  }

  /** The first share the partial-fill switch lets through, on the step; the whole when it rounds to nothing. */
  private partOf(symbol: string, qty: Decimal): Decimal {
    const step = d(this.spec(symbol).stepSize);
    const part = qty.mul(this.partialFillRatio!).div(step).floor().mul(step);
    return part.gt(ZERO) && part.lt(qty) ? part : qty;
  }

  /** What the order can still fill; a reduce-only order with nothing left to reduce expires (er 4). */
  private fillableQty(order: SimOrder): Decimal | undefined {
    const remaining = d(order.origQty).sub(d(order.executedQty));
    if (!order.reduceOnly) return remaining;
    const reducible = this.reducibleQty(order.symbol, order.side, order.positionSide);
    if (reducible.lte(ZERO)) {
      this.expire(order, EXPIRY.REDUCE_ONLY);
      return undefined;
    }
    return Decimal.min(remaining, reducible);
  }

  /**
   * faq/stp-faq: the taker's mode decides. EXPIRE_MAKER (the default) expires the account's own
   * resting orders the taker would trade with (X=EXPIRED_IN_MATCH, er 1); EXPIRE_TAKER expires the
   * taker; EXPIRE_BOTH both. FOK and GTX orders are not subject to STP. NONE (only after a modify)
   * would self-trade on Binance; the simulator has no second party and expires the maker instead.
   */
  private preventSelfTrade(taker: SimOrder): void {
    if (taker.timeInForce === 'FOK' || taker.timeInForce === 'GTX') return;
    const limit = d(taker.price);
    const makers = this.openOrderList(taker.symbol)
      .filter((o) => o !== taker && o.type === 'LIMIT' && o.side !== taker.side
        && (taker.type === 'MARKET' || (taker.side === 'BUY' ? d(o.price).lte(limit) : d(o.price).gte(limit))))
      // Best price first: the lowest ask for a buyer, the highest bid for a seller; then time.
      .sort((a, b) => d(a.price).cmp(d(b.price)) * (taker.side === 'BUY' ? 1 : -1) || a.orderId - b.orderId);
    const mode = taker.stpMode ?? 'EXPIRE_MAKER';
    for (const maker of makers) {
      if (mode === 'EXPIRE_TAKER' || mode === 'EXPIRE_BOTH') {
        if (mode === 'EXPIRE_BOTH') this.expire(maker, EXPIRY.SELF_TRADE, true);
        this.expire(taker, taker.timeInForce === 'IOC' ? EXPIRY.IOC_SELF_TRADE : EXPIRY.SELF_TRADE, true);
        return;
      }
      this.expire(maker, EXPIRY.SELF_TRADE, true);
    }
  }

  /** Whether a FOK order could fill completely right now (it crosses, the outside depth suffices). */
  private fillableAtOnce(symbol: string, side: Side, price: Decimal, qty: Decimal, reducible: Decimal | undefined): boolean {
    if (!crossesLast(side, price, this.lastPrice(symbol))) return false;
    const depth = this.settings.liquidity.get(symbol);
    if (depth !== undefined && depth.lt(qty)) return false;
    return reducible === undefined || reducible.gte(qty);
  }

  private fill(order: SimOrder, price: Decimal, qty: Decimal, maker: boolean): void {
    const t = this.now();
    const executed = d(order.executedQty).add(qty);
    const cumQuote = d(order.cumQuote).add(price.mul(qty));
    order.executedQty = str(executed);
    order.cumQuote = str(cumQuote);
    order.avgPrice = str(cumQuote.div(executed));
    order.status = executed.gte(d(order.origQty)) ? 'FILLED' : 'PARTIALLY_FILLED';
    order.updateTime = t;
    const fee = price.mul(qty).mul(d(maker ? this.opts.makerFee : this.opts.takerFee));
    const realized = this.applyToPosition(order, price, qty);
    this.touchBooks(order.symbol);
    this.wallet = this.wallet.add(realized).sub(fee);
    const trade: SimTrade = {
      id: this.nextTradeId++, orderId: order.orderId, symbol: order.symbol, side: order.side, positionSide: order.positionSide, price: str(price), qty: str(qty),
      quoteQty: str(price.mul(qty)), realizedPnl: str(realized), commission: str(fee), commissionAsset: 'USDT', maker, buyer: order.side === 'BUY', time: t,
    };
    this.trades.push(trade);
    this.emitOrder(order, 'TRADE', trade);
    this.emitAccount(order.symbol, order.positionSide);
    // A reduce-only order that closed the position cannot fill the rest: it would open the other way.
    if (order.reduceOnly && isOpen(order.status) && this.reducibleQty(order.symbol, order.side, order.positionSide).lte(ZERO)) this.expire(order, EXPIRY.REDUCE_ONLY);
    else this.settleAlgo(order);
    this.knockOutReduceOnly(order);
  }

  /**
   * er 4: "knocked out by another higher priority RO (market) order or reversed positions would be
   * opened". After a fill, the position's other reduce-only orders that no longer fit in it expire,
   * the oldest keeping their place.
   */
  private knockOutReduceOnly(filled: SimOrder): void {
    for (const side of ['BUY', 'SELL'] as const) {
      const reducible = this.reducibleQty(filled.symbol, side, filled.positionSide);
      let kept = ZERO;
      for (const o of this.openOrderList(filled.symbol)) {
        if (o === filled || !o.reduceOnly || !isOpen(o.status) || o.positionSide !== filled.positionSide || o.side !== side) continue;
        const remaining = d(o.origQty).sub(d(o.executedQty));
        if (kept.add(remaining).gt(reducible)) this.expire(o, EXPIRY.REDUCE_ONLY);
        else kept = kept.add(remaining);
      }
    }
  }

  private expire(order: SimOrder, reason: number, inMatch = false): void {
    order.expiryReason = reason;
    this.endOrder(order, inMatch ? 'EXPIRED_IN_MATCH' : 'EXPIRED');
  }

  /** Ends an open order (cancel, expiry, STP) with its row; a triggered order's conditional order finishes. */
  private endOrder(order: SimOrder, status: 'CANCELED' | 'EXPIRED' | 'EXPIRED_IN_MATCH'): void {
    order.status = status;
    order.updateTime = this.now();
    this.touchBooks(order.symbol);
    this.emitOrder(order, status === 'CANCELED' ? 'CANCELED' : 'EXPIRED');
    this.settleAlgo(order);
  }

  // ---- limits and rules ----------------------------------------------------------------------------

  /**
   * Closing more than the position: in hedge mode a closing limit order may not, with the side's
   * other closing orders, exceed it (-2022, "conflicts with existing open orders"); a closing market
   * order has priority and knocks the others out after it fills (er 4). In one-way mode a
   * reduce-only order that, with the same side's opening orders, would open the other way without
   * the margin for it is -4118. Nothing to reduce is -2022 in both.
   */
  private checkReduceOnly(symbol: string, side: Side, positionSide: PositionSide, qty: Decimal, reference: Decimal, market: boolean): void {
    const reducible = this.reducibleQty(symbol, side, positionSide);
    if (reducible.lte(ZERO)) throw new SimError(-2022, MSG.reduceOnly);
    const sameSide = this.openOrderList(symbol).filter((o) => o.positionSide === positionSide && o.side === side);
    const remaining = (os: SimOrder[]) => os.reduce((sum, o) => sum.add(d(o.origQty).sub(d(o.executedQty))), ZERO);
    if (this.opts.positionMode === 'hedge') {
      if (!market && remaining(sameSide).add(qty).gt(reducible)) throw new SimError(-2022, MSG.reduceOnly);
      return;
    }
    const flip = remaining(sameSide.filter((o) => !o.reduceOnly)).add(qty).sub(reducible);
    if (flip.gt(ZERO) && flip.mul(reference).div(this.opts.leverage).gt(this.available())) throw new SimError(-4118, MSG.reduceOnlyMargin);
  }

  /** MAX_NUM_ORDERS: "both algo orders and normal orders are counted" (-2025). */
  private checkOpenOrders(symbol: string): void {
    const open = this.openOrderList(symbol).length + this.openAlgoList(symbol).length;
    if (open >= this.settings.limits.maxOpenOrders) throw new SimError(-2025, 'Reach max open order limit.');
  }

  /** MAX_NUM_ALGO_ORDERS per symbol and the account-wide conditional order limit (-4045). */
  private checkAlgoLimits(symbol: string): void {
    const { maxAlgoOrders, maxAlgoOrdersTotal } = this.settings.limits;
    if (this.openAlgoList(symbol).length >= maxAlgoOrders || this.openAlgoList().length >= maxAlgoOrdersTotal) throw new SimError(-4045, 'Reach max stop order limit.');
    this.checkOpenOrders(symbol);
  }

  // ---- positions -------------------------------------------------------------------------------

  private positionKey(symbol: string, positionSide: PositionSide): string {
    return `${symbol}|${positionSide}`;
  }

  position(symbol: string, positionSide: PositionSide): SimPosition {
    const key = this.positionKey(symbol, positionSide);
    let p = this.positions.get(key);
    if (!p) {
      p = { symbol, positionSide, positionAmt: '0', entryPrice: '0', updateTime: 0 };
      this.positions.set(key, p);
    }
    return p;
  }

  /** How much an order on this side can reduce the position it belongs to. */
  reducibleQty(symbol: string, side: Side, positionSide: PositionSide): Decimal {
    const amt = d(this.position(symbol, positionSide).positionAmt);
    if (positionSide === 'LONG') return side === 'SELL' ? amt : ZERO;
    if (positionSide === 'SHORT') return side === 'BUY' ? amt.abs() : ZERO;
    return side === 'SELL' ? Decimal.max(amt, ZERO) : Decimal.max(amt.neg(), ZERO);
  }

  /** Applies a fill; returns the realized PnL. Entry is the VWAP of exposure-increasing fills. */
  private applyToPosition(order: SimOrder, price: Decimal, qty: Decimal): Decimal {
    const p = this.position(order.symbol, order.positionSide);
    const amt = d(p.positionAmt);
    const delta = order.side === 'BUY' ? qty : qty.neg();
    const entry = d(p.entryPrice);
    let realized = ZERO;
    let next = amt.add(delta);
    if (amt.isZero() || amt.isPositive() === delta.isPositive()) {
      p.entryPrice = str(amt.abs().mul(entry).add(qty.mul(price)).div(amt.abs().add(qty)));
    } else {
      const closing = Decimal.min(amt.abs(), qty);
      realized = price.sub(entry).mul(closing).mul(amt.isPositive() ? 1 : -1);
      if (next.isZero()) p.entryPrice = '0';
      else if (next.isPositive() !== amt.isPositive()) {
        if (order.positionSide !== 'BOTH') next = ZERO; // hedge sides never flip
        else p.entryPrice = str(price);
      }
    }
    p.positionAmt = str(next);
    p.updateTime = this.now();
    // ACCOUNT_UPDATE `cr`: the (pre-fee) realized PnL accumulated on the position side.
    p.cumRealized = str(d(p.cumRealized ?? '0').add(realized));
    return realized;
  }

  seedPosition(symbol: string, positionSide: PositionSide, positionAmt: string, entryPrice: string): void {
    this.spec(symbol);
    const p = this.position(symbol, positionSide);
    p.positionAmt = str(d(positionAmt));
    p.entryPrice = str(d(entryPrice));
    p.updateTime = this.now();
    this.touchBooks(symbol);
    this.emitAccount(symbol, positionSide);
  }

  // ---- account -----------------------------------------------------------------------------------

  usedMargin(): Decimal {
    return this.sums.usedMargin() ?? this.usedMarginByLoop();
  }

  /** The margin summed position by position, then open order by open order (what the per-symbol sums must equal). */
  usedMarginByLoop(): Decimal {
    let used = ZERO;
    for (const p of this.positions.values()) used = used.add(this.positionMargin(p));
    for (const o of this.openOrderList()) {
      const margin = this.orderMargin(o);
      if (margin) used = used.add(margin);
    }
    return used;
  }

  private positionMargin(p: SimPosition): Decimal {
    const mark = this.marks.get(p.symbol) ?? p.entryPrice;
    return d(p.positionAmt).abs().mul(d(mark)).div(this.opts.leverage);
  }

  /** An open order's margin; none for reduce-only and market orders. */
  private orderMargin(o: SimOrder): Decimal | undefined {
    if (o.reduceOnly || o.type !== 'LIMIT') return undefined;
    return d(o.origQty).sub(d(o.executedQty)).mul(d(o.price)).div(this.opts.leverage);
  }

  /** The unrealized PnL of every position, summed one by one (what the per-symbol sums must equal). */
  unrealizedByLoop(): Decimal {
    let upnl = ZERO;
    for (const p of this.positions.values()) upnl = upnl.add(this.unrealized(p));
    return upnl;
  }

  private termsOf(symbol: string): SymbolTerms {
    const positions = this.positionsOf(symbol);
    const margin = positions.map((p) => this.positionMargin(p));
    for (const o of this.openOrderList(symbol)) {
      const m = this.orderMargin(o);
      if (m) margin.push(m);
    }
    return { margin, upnl: positions.map((p) => this.unrealized(p)) };
  }

  private symbolsWithTerms(): Set<string> {
    const symbols = new Set<string>();
    for (const p of this.positions.values()) symbols.add(p.symbol);
    for (const o of this.openOrderList()) symbols.add(o.symbol);
    return symbols;
  }

  unrealized(p: SimPosition): Decimal {
    const mark = this.marks.get(p.symbol);
    if (!mark) return ZERO;
    return d(mark).sub(d(p.entryPrice)).mul(d(p.positionAmt));
  }

  available(): Decimal {
    const upnl = this.sums.unrealized() ?? this.unrealizedByLoop();
    return this.wallet.add(upnl).sub(this.usedMargin());
  }

  private checkMargin(notional: Decimal): void {
    if (notional.div(this.opts.leverage).gt(this.available())) throw new SimError(-2019, MSG.margin);
  }

  // ---- validation ------------------------------------------------------------------------------

  private positionSideOf(value: string | undefined): PositionSide {
    if (this.opts.positionMode === 'one_way') {
      if (value && value !== 'BOTH') throw new SimError(-4061, "Order's position side does not match user's setting.");
      return 'BOTH';
    }
    if (value !== 'LONG' && value !== 'SHORT') throw new SimError(-4061, "Order's position side does not match user's setting.");
    return value;
  }

  private clientId(value: string | undefined, prefix: string): string {
    if (value === undefined || value === '') return `${prefix}${this.nextOrderId}-${this.nextAlgoId}`;
    if (!CLIENT_ID.test(value)) throw new SimError(-4015, 'Client order id is not valid.');
    return value;
  }

  // ---- events ------------------------------------------------------------------------------------

  private emitOrder(o: SimOrder, execution: Execution, trade?: SimTrade): void {
    this.emit(orderFrame(o, this.frames.stamp(), execution, this.bookNotional(o.symbol), trade));
  }

  /** ORDER_TRADE_UPDATE `b`/`a`: the notional of the symbol's open buy and sell limit orders. */
  private bookNotional(symbol: string): { bids: string; asks: string } {
    let bids = ZERO;
    let asks = ZERO;
    for (const o of this.openOrderList(symbol)) {
      if (o.type !== 'LIMIT') continue;
      const notional = d(o.origQty).sub(d(o.executedQty)).mul(d(o.price));
      if (o.side === 'BUY') bids = bids.add(notional);
      else asks = asks.add(notional);
    }
    return { bids: str(bids), asks: str(asks) };
  }

  private emitAlgo(a: SimAlgoOrder): void {
    this.emit(algoFrame(a, this.frames.stamp()));
  }

  private emitAccount(symbol: string, positionSide: PositionSide): void {
    const p = this.position(symbol, positionSide);
    this.emit(accountFrame(this.frames.stamp(), str(this.wallet), p, str(this.unrealized(p))));
  }

  /** A margin-only frame (no wallet balance), as Binance sends for margin-type changes. */
  emitMarginOnlyFrame(): void {
    const at = this.frames.stamp();
    this.emit({ e: 'ACCOUNT_UPDATE', E: at.E, T: at.T, a: { m: 'MARGIN_TYPE_CHANGE', B: [], P: [] } });
  }

  snapshot() {
    return {
      marks: Object.fromEntries(this.marks),
      lastPrices: Object.fromEntries(this.lasts),
      wallet: str(this.wallet),
      orders: [...this.orders.values()].map((o) => ({ ...o })),
      algoOrders: [...this.algos.values()].map((a) => ({ ...a })),
      positions: [...this.positions.values()].filter((p) => !d(p.positionAmt).isZero()).map((p) => ({ ...p })),
      trades: this.trades.map((t) => ({ ...t })),
      settings: this.settings.describe(),
    };
  }

  // ---- configuration (rest) ----
  // Account settings the REST routes change (Change-Initial-Leverage, Change-Margin-Type,
  // Change-Position-Mode). The per-symbol leverage and margin type are recorded and reported;
  // margin checks still use the account-wide `opts.leverage` and cross margin.
  private readonly leverageBySymbol = new Map<string, number>();
  private readonly marginTypeBySymbol = new Map<string, 'CROSSED' | 'ISOLATED'>();

  leverageOf(symbol: string): number {
    return this.leverageBySymbol.get(symbol) ?? this.opts.leverage;
  }

  setLeverage(symbol: string, leverage: number): void {
    this.spec(symbol);
    this.leverageBySymbol.set(symbol, leverage);
  }

  marginTypeOf(symbol: string): 'CROSSED' | 'ISOLATED' {
    return this.marginTypeBySymbol.get(symbol) ?? 'CROSSED';
  }

  /** Change-Margin-Type: -4046 when unchanged, -4047 with open orders, -4048 with a position on the symbol. */
  setMarginType(symbol: string, marginType: 'CROSSED' | 'ISOLATED'): void {
    this.spec(symbol);
    if (this.marginTypeOf(symbol) === marginType) throw new SimError(-4046, 'No need to change margin type.');
    if (this.hasOpenOrders(symbol)) throw new SimError(-4047, 'Margin type cannot be changed if there exists open orders.');
    if (this.positionsOf(symbol).some((p) => !d(p.positionAmt).isZero())) throw new SimError(-4048, 'Margin type cannot be changed if there exists position.');
    this.marginTypeBySymbol.set(symbol, marginType);
  }

  /** Change-Position-Mode (every symbol): -4059 when unchanged, -4068 with a position, -4067 with an open order. */
  setPositionMode(mode: 'hedge' | 'one_way'): void {
    if (this.opts.positionMode === mode) throw new SimError(-4059, 'No need to change position side.');
    if ([...this.positions.values()].some((p) => !d(p.positionAmt).isZero())) throw new SimError(-4068, 'Position side cannot be changed if there exists position.');
    if (this.hasOpenOrders()) throw new SimError(-4067, 'Position side cannot be changed if there exists open orders.');
    this.opts.positionMode = mode;
  }

  private hasOpenOrders(symbol?: string): boolean {
    return this.openOrderList(symbol || undefined).length > 0 || this.openAlgoList(symbol || undefined).length > 0;
  }

  // ---- account events ----
  // Hooks for src/sim/account-events.ts (liquidation, ADL, funding), which builds its rows outside
  // the matching code but must share the engine's id sequences and books.

  /** Income records (GET /fapi/v1/income rows), oldest first: funding fees settled by account-events.ts. */
  readonly incomeHistory: import('./account-events.js').SimIncome[] = [];
  private nextTranId = 9_000_000_001;

  /** The next order id of the engine's own sequence (a liquidation or ADL order). */
  takeOrderId(): number {
    return this.nextOrderId++;
  }

  /** The next trade id of the engine's own sequence. */
  takeTradeId(): number {
    return this.nextTradeId++;
  }

  /** The next income transaction id (`tranId`). */
  takeTranId(): number {
    return this.nextTranId++;
  }
}

export function isOpen(status: string): boolean {
  return status === 'NEW' || status === 'PARTIALLY_FILLED';
}

/** A conditional order still waiting in the Algo Service (it counts toward the open-order limits). */
export function isAlgoOpen(status: string): boolean {
  return status === 'NEW' || status === 'TRIGGERING';
}

/** Hedge mode: a SELL on LONG or a BUY on SHORT closes its position side. */
function closes(positionSide: PositionSide, side: Side): boolean {
  return (positionSide === 'LONG' && side === 'SELL') || (positionSide === 'SHORT' && side === 'BUY');
}

function priceParam(value: string, name: string): Decimal {
  const p = decimalParam(String(value), name);
  if (p.lte(ZERO)) throw new SimError(-4001, 'Price less than 0.');
  return p;
}
