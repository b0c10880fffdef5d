// The simulated exchange account: orders, conditional (algo) orders, positions, balances and a
// matching engine driven by the mark price. Decimal arithmetic throughout; ids are sequential so
// the same seed and the same inputs give the same books. Every change is emitted as the user-data
// event Binance would push (ORDER_TRADE_UPDATE, ALGO_UPDATE, ACCOUNT_UPDATE).
import { Decimal } from 'decimal.js';
import { SimError, type AlgoType, type PositionSide, type Side, type SimAlgoOrder, type SimOrder, type SimPosition, type SimTrade, type SymbolSpec } from './sim-types.js';

export type UserEvent = Record<string, unknown> & { e: string };

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
  owner?: 'api' | 'manual';
}

const ZERO = new Decimal(0);
const d = (v: string | number) => new Decimal(v);
const str = (v: Decimal) => (v.isZero() ? '0' : v.toFixed());
const CONDITIONAL: readonly string[] = ['STOP_MARKET', 'TAKE_PROFIT_MARKET', 'STOP', 'TAKE_PROFIT', 'TRAILING_STOP_MARKET'];
const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

export class SimEngine {
  readonly symbols = new Map<string, SymbolSpec>();
  readonly marks = new Map<string, string>();
  readonly orders = new Map<number, SimOrder>();
  readonly algos = new Map<number, SimAlgoOrder>();
  readonly positions = new Map<string, SimPosition>();
  readonly trades: SimTrade[] = [];
  wallet: Decimal;
  partialFillRatio: Decimal | undefined;
  private readonly listeners = new Set<(e: UserEvent) => void>();
  private nextOrderId = 4_000_000_001;
  private nextAlgoId = 2_000_000_001;
  private nextTradeId = 500_000_001;

  constructor(readonly opts: EngineOptions) {
    for (const s of opts.symbols) this.symbols.set(s.symbol, s);
    this.wallet = d(opts.walletBalance);
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

  // ---- orders ----------------------------------------------------------------------------------

  placeOrder(req: OrderRequest): SimOrder {
    const spec = this.spec(req.symbol);
    if (CONDITIONAL.includes(req.type)) throw new SimError(-4120, 'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.');
    if (req.type !== 'LIMIT' && req.type !== 'MARKET') throw new SimError(-1116, 'Invalid orderType.');
    const positionSide = this.positionSideOf(req.positionSide);
    const clientOrderId = this.clientId(req.clientOrderId, 'x-sim-');
    if ([...this.orders.values()].some((o) => o.clientOrderId === clientOrderId && isOpen(o.status))) throw new SimError(-4116, 'ClientOrderId is duplicated.');
    const qty = this.validQty(spec, req.quantity);
    let price = ZERO;
    if (req.type === 'LIMIT') price = this.validPrice(spec, req.price);
    const reference = req.type === 'LIMIT' ? price : this.mark(req.symbol);
    // Hedge mode: the side says it (SELL on LONG closes); Binance refuses an explicit reduceOnly.
    if (this.opts.positionMode === 'hedge' && req.reduceOnly) throw new SimError(-1106, "Parameter 'reduceonly' sent when not required.");
    const closing = (positionSide === 'LONG' && req.side === 'SELL') || (positionSide === 'SHORT' && req.side === 'BUY');
    const reduceOnly = req.reduceOnly === true || closing;
    if (!reduceOnly && reference.mul(qty).lt(d(spec.minNotional))) throw new SimError(-4164, `Order's notional must be no smaller than ${spec.minNotional} (unless you choose reduce only).`);
    if (reduceOnly && this.reducibleQty(req.symbol, req.side, positionSide).lte(ZERO)) throw new SimError(-2022, 'ReduceOnly Order is rejected.');
    if (!reduceOnly) this.checkMargin(reference.mul(qty));
    const t = this.now();
    const order: SimOrder = {
      orderId: this.nextOrderId++, clientOrderId, symbol: req.symbol, side: req.side, positionSide, type: req.type, origType: req.type,
      price: str(price), origQty: str(qty), executedQty: '0', cumQuote: '0', avgPrice: '0', status: 'NEW', timeInForce: req.type === 'LIMIT' ? (req.timeInForce ?? 'GTC') : 'GTC',
      reduceOnly, closePosition: false, stopPrice: '0', time: t, updateTime: t, owner: req.owner ?? 'api',
    };
    this.orders.set(order.orderId, order);
    this.emitOrder(order, 'NEW');
    this.matchOrder(order, true);
    return order;
  }

  amendOrder(symbol: string, ref: { orderId?: number; clientOrderId?: string }, quantity: string | undefined, price: string | undefined): SimOrder {
    const order = this.findOrder(symbol, ref);
    if (!order || !isOpen(order.status)) throw new SimError(-2013, 'Order does not exist.');
    if (order.type !== 'LIMIT') throw new SimError(-4028, 'Only limit orders can be modified.');
    const spec = this.spec(symbol);
    const qty = quantity !== undefined ? this.validQty(spec, quantity) : d(order.origQty);
    if (qty.lte(d(order.executedQty))) throw new SimError(-4005, 'Quantity greater than max quantity.');
    const p = price !== undefined ? this.validPrice(spec, price) : d(order.price);
    order.origQty = str(qty);
    order.price = str(p);
    order.updateTime = this.now();
    this.emitOrder(order, 'AMENDMENT');
    this.matchOrder(order, true);
    return order;
  }

  cancelOrder(symbol: string, ref: { orderId?: number; clientOrderId?: string }): SimOrder {
    const order = this.findOrder(symbol, ref);
    if (!order || !isOpen(order.status)) throw new SimError(-2011, 'Unknown order sent.');
    order.status = 'CANCELED';
    order.updateTime = this.now();
    this.emitOrder(order, 'CANCELED');
    return order;
  }

  cancelAll(symbol: string): number {
    let n = 0;
    for (const o of [...this.orders.values()]) if (o.symbol === symbol && isOpen(o.status)) {
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
    let hit: SimOrder | undefined;
    for (const o of this.orders.values()) if (o.symbol === symbol && o.clientOrderId === ref.clientOrderId) hit = o;
    return hit;
  }

  // ---- algo (conditional) orders ----------------------------------------------------------------

  placeAlgo(req: OrderRequest): SimAlgoOrder {
    const spec = this.spec(req.symbol);
    if (!['STOP_MARKET', 'TAKE_PROFIT_MARKET', 'STOP', 'TAKE_PROFIT'].includes(req.type)) throw new SimError(-1116, 'Invalid orderType.');
    const positionSide = this.positionSideOf(req.positionSide);
    const clientAlgoId = this.clientId(req.clientOrderId, 'x-algo-');
    if ([...this.algos.values()].some((a) => a.clientAlgoId === clientAlgoId && a.algoStatus === 'NEW')) throw new SimError(-20132, 'The client algo id is duplicated.');
    const trigger = this.validPrice(spec, req.triggerPrice, 'triggerPrice');
    const closePosition = req.closePosition === true;
    const qty = closePosition ? ZERO : this.validQty(spec, req.quantity);
    const price = req.type === 'STOP' || req.type === 'TAKE_PROFIT' ? this.validPrice(spec, req.price) : ZERO;
    if (this.triggered(req.type as AlgoType, req.side, trigger, this.mark(req.symbol))) throw new SimError(-2021, 'Order would immediately trigger.');
    const t = this.now();
    const algo: SimAlgoOrder = {
      algoId: this.nextAlgoId++, clientAlgoId, symbol: req.symbol, side: req.side, positionSide, orderType: req.type as AlgoType,
      // Hedge mode: a conditional order whose side closes its position side is reduce-only, as a
      // regular order is (its triggered child can never open the other way).
      quantity: str(qty), price: str(price), triggerPrice: str(trigger), algoStatus: 'NEW',
      reduceOnly: req.reduceOnly === true || closePosition || (positionSide === 'LONG' && req.side === 'SELL') || (positionSide === 'SHORT' && req.side === 'BUY'),
      closePosition, workingType: req.workingType ?? 'CONTRACT_PRICE', createTime: t, updateTime: t, triggerTime: 0, actualOrderId: '', owner: req.owner ?? 'api',
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
    for (const a of [...this.algos.values()]) if (a.symbol === symbol && a.algoStatus === 'NEW') {
      this.cancelAlgo({ algoId: a.algoId });
      n++;
    }
    return n;
  }

  findAlgo(ref: { algoId?: number; clientAlgoId?: string }): SimAlgoOrder | undefined {
    if (ref.algoId !== undefined) return this.algos.get(ref.algoId);
    let hit: SimAlgoOrder | undefined;
    for (const a of this.algos.values()) if (a.clientAlgoId === ref.clientAlgoId) hit = a;
    return hit;
  }

  // ---- market ------------------------------------------------------------------------------------

  /** Moves the mark price; triggers conditional orders and fills crossing limit orders. */
  setMark(symbol: string, price: string): void {
    this.spec(symbol);
    this.marks.set(symbol, str(d(price)));
    const mark = d(price);
    for (const algo of [...this.algos.values()]) {
      if (algo.symbol === symbol && algo.algoStatus === 'NEW' && this.triggered(algo.orderType, algo.side, d(algo.triggerPrice), mark)) this.trigger(algo);
    }
    for (const order of [...this.orders.values()]) if (order.symbol === symbol && isOpen(order.status)) this.matchOrder(order, false);
  }

  private triggered(type: AlgoType, side: Side, trigger: Decimal, mark: Decimal): boolean {
    const stop = type === 'STOP_MARKET' || type === 'STOP';
    // A buy stop triggers when the price rises to it; a buy take-profit when it falls to it.
    if (side === 'BUY') return stop ? mark.gte(trigger) : mark.lte(trigger);
    return stop ? mark.lte(trigger) : mark.gte(trigger);
  }

  private trigger(algo: SimAlgoOrder): void {
    const market = algo.orderType === 'STOP_MARKET' || algo.orderType === 'TAKE_PROFIT_MARKET';
    const qty = algo.closePosition ? this.reducibleQty(algo.symbol, algo.side, algo.positionSide) : d(algo.quantity);
    algo.triggerTime = this.now();
    algo.updateTime = algo.triggerTime;
    if (qty.lte(ZERO)) {
      algo.algoStatus = 'EXPIRED';
      this.emitAlgo(algo);
      return;
    }
    const t = this.now();
    const order: SimOrder = {
      orderId: this.nextOrderId++, clientOrderId: algo.clientAlgoId, symbol: algo.symbol, side: algo.side, positionSide: algo.positionSide,
      type: market ? 'MARKET' : 'LIMIT', origType: algo.orderType, price: market ? '0' : algo.price, origQty: str(qty), executedQty: '0', cumQuote: '0',
      avgPrice: '0', status: 'NEW', timeInForce: 'GTC', reduceOnly: algo.reduceOnly, closePosition: algo.closePosition, stopPrice: algo.triggerPrice,
      time: t, updateTime: t, owner: algo.owner,
    };
    algo.algoStatus = 'TRIGGERED';
    algo.actualOrderId = String(order.orderId);
    this.emitAlgo(algo);
    this.orders.set(order.orderId, order);
    this.emitOrder(order, 'NEW');
    this.matchOrder(order, true);
    if (algo.algoStatus === 'TRIGGERED' && !isOpen(order.status)) {
      algo.algoStatus = 'FINISHED';
      this.emitAlgo(algo);
    }
  }

  /** Fills what crosses the mark: market orders at the mark (taker), limit orders at their price. */
  private matchOrder(order: SimOrder, taker: boolean): void {
    const mark = this.marks.get(order.symbol);
    if (!mark || !isOpen(order.status)) return;
    const m = d(mark);
    const limit = d(order.price);
    const crosses = order.type === 'MARKET' || (order.side === 'BUY' ? m.lte(limit) : m.gte(limit));
    if (!crosses) return;
    // A taker (market, or a limit that crosses when placed) fills at the mark; a resting limit at its price.
    const fillPrice = order.type === 'MARKET' || taker ? m : limit;
    let remaining = d(order.origQty).sub(d(order.executedQty));
    if (order.reduceOnly) {
      const reducible = this.reducibleQty(order.symbol, order.side, order.positionSide);
      if (reducible.lte(ZERO)) {
        order.status = 'EXPIRED';
        order.updateTime = this.now();
        this.emitOrder(order, 'EXPIRED');
        return;
      }
      remaining = Decimal.min(remaining, reducible);
    }
    let qty = remaining;
    if (this.partialFillRatio && order.type === 'LIMIT' && d(order.executedQty).isZero()) {
      const step = d(this.spec(order.symbol).stepSize);
      const part = remaining.mul(this.partialFillRatio).div(step).floor().mul(step);
      if (part.gt(ZERO) && part.lt(remaining)) qty = part;
    }
    this.fill(order, fillPrice, qty, !(order.type === 'MARKET' || taker));
  }

  private fill(order: SimOrder, price: Decimal, qty: Decimal, maker: boolean): void {
    const t = this.now();
    const executed = d(order.executedQty).add(qty);
    const cumQuote = d(order.cumQuote).add(price.mul(qty));
    order.executedQty = str(executed);
    order.cumQuote = str(cumQuote);
    order.avgPrice = str(cumQuote.div(executed));
    const done = executed.gte(d(order.origQty)) || (order.reduceOnly && this.reducibleQty(order.symbol, order.side, order.positionSide).sub(qty).lte(ZERO));
    order.status = done ? 'FILLED' : 'PARTIALLY_FILLED';
    order.updateTime = t;
    const fee = price.mul(qty).mul(d(maker ? this.opts.makerFee : this.opts.takerFee));
    const realized = this.applyToPosition(order, price, qty);
    this.wallet = this.wallet.add(realized).sub(fee);
    const trade: SimTrade = {
      id: this.nextTradeId++, orderId: order.orderId, symbol: order.symbol, side: order.side, positionSide: order.positionSide, price: str(price), qty: str(qty),
      quoteQty: str(price.mul(qty)), realizedPnl: str(realized), commission: str(fee), commissionAsset: 'USDT', maker, buyer: order.side === 'BUY', time: t,
    };
    this.trades.push(trade);
    this.emitOrder(order, 'TRADE', trade);
    this.emitAccount(order.symbol, order.positionSide);
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
    return realized;
  }

  seedPosition(symbol: string, positionSide: PositionSide, positionAmt: string, entryPrice: string): void {
    this.spec(symbol);
    const p = this.position(symbol, positionSide);
    p.positionAmt = str(d(positionAmt));
    p.entryPrice = str(d(entryPrice));
    p.updateTime = this.now();
    this.emitAccount(symbol, positionSide);
  }

  // ---- account -----------------------------------------------------------------------------------

  usedMargin(): Decimal {
    let used = ZERO;
    for (const p of this.positions.values()) {
      const mark = this.marks.get(p.symbol) ?? p.entryPrice;
      used = used.add(d(p.positionAmt).abs().mul(d(mark)).div(this.opts.leverage));
    }
    for (const o of this.orders.values()) {
      if (isOpen(o.status) && !o.reduceOnly && o.type === 'LIMIT') used = used.add(d(o.origQty).sub(d(o.executedQty)).mul(d(o.price)).div(this.opts.leverage));
    }
    return used;
  }

  unrealized(p: SimPosition): Decimal {
    const mark = this.marks.get(p.symbol);
    if (!mark) return ZERO;
    return d(mark).sub(d(p.entryPrice)).mul(d(p.positionAmt));
  }

  available(): Decimal {
    let upnl = ZERO;
    for (const p of this.positions.values()) upnl = upnl.add(this.unrealized(p));
    return this.wallet.add(upnl).sub(this.usedMargin());
  }

  private checkMargin(notional: Decimal): void {
    if (notional.div(this.opts.leverage).gt(this.available())) throw new SimError(-2019, 'Margin is insufficient.');
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

  private validQty(spec: SymbolSpec, value: string | undefined): Decimal {
    if (value === undefined) throw new SimError(-1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.");
    const q = decimalParam(value, 'quantity');
    if (q.lte(ZERO)) throw new SimError(-4003, 'Quantity less than or equal to zero.');
    if (!q.mod(d(spec.stepSize)).isZero()) throw new SimError(-1111, 'Precision is over the maximum defined for this asset.');
    if (q.lt(d(spec.minQty))) throw new SimError(-4005, 'Quantity less than minimum quantity.');
    if (q.gt(d(spec.maxQty))) throw new SimError(-4005, 'Quantity greater than max quantity.');
    return q;
  }

  private validPrice(spec: SymbolSpec, value: string | undefined, name = 'price'): Decimal {
    if (value === undefined) throw new SimError(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
    const p = decimalParam(value, name);
    if (p.lte(ZERO)) throw new SimError(-4001, 'Price less than 0.');
    if (!p.mod(d(spec.tickSize)).isZero()) throw new SimError(-4014, 'Price not increased by tick size.');
    return p;
  }

  // ---- events ------------------------------------------------------------------------------------

  private emitOrder(o: SimOrder, execution: 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED' | 'AMENDMENT', trade?: SimTrade): void {
    const t = this.now();
    this.emit({
      e: 'ORDER_TRADE_UPDATE', E: t, T: t,
      o: {
        s: o.symbol, c: o.clientOrderId, S: o.side, o: o.type, f: o.timeInForce, q: o.origQty, p: o.price, ap: o.avgPrice, sp: o.stopPrice,
        x: execution, X: o.status, i: o.orderId, l: trade ? trade.qty : '0', z: o.executedQty, L: trade ? trade.price : '0',
        N: trade ? 'USDT' : undefined, n: trade ? trade.commission : undefined, T: t, t: trade ? trade.id : 0, b: '0', a: '0', m: trade ? trade.maker : false,
        R: o.reduceOnly, wt: 'CONTRACT_PRICE', ot: o.origType, ps: o.positionSide, cp: o.closePosition, rp: trade ? trade.realizedPnl : '0',
        pP: false, si: 0, ss: 0, V: 'EXPIRE_MAKER', pm: 'NONE', gtd: 0,
      },
    });
  }

  private emitAlgo(a: SimAlgoOrder): void {
    const t = this.now();
    this.emit({
      e: 'ALGO_UPDATE', T: t, E: t,
      o: {
        caid: a.clientAlgoId, aid: a.algoId, at: 'CONDITIONAL', o: a.orderType, s: a.symbol, S: a.side, ps: a.positionSide, f: 'GTC', q: a.quantity,
        X: a.algoStatus, ai: a.actualOrderId, ap: '0', aq: '0', act: '0', tp: a.triggerPrice, p: a.price, V: 'EXPIRE_MAKER', wt: a.workingType,
        pm: 'NONE', cp: a.closePosition, pP: false, R: a.reduceOnly, tt: a.triggerTime, gtd: 0, rm: '',
      },
    });
  }

  private emitAccount(symbol: string, positionSide: PositionSide): void {
    const t = this.now();
    const p = this.position(symbol, positionSide);
    this.emit({
      e: 'ACCOUNT_UPDATE', E: t, T: t,
      a: {
        m: 'ORDER',
        B: [{ a: 'USDT', wb: str(this.wallet), cw: str(this.wallet), bc: '0' }],
        P: [{ s: p.symbol, pa: p.positionAmt, ep: p.entryPrice, bep: p.entryPrice, cr: '0', up: str(this.unrealized(p)), mt: 'cross', iw: '0', ps: p.positionSide, ma: 'USDT' }],
      },
    });
  }

  /** A margin-only frame (no wallet balance), as Binance sends for margin-type changes. */
  emitMarginOnlyFrame(): void {
    const t = this.now();
    this.emit({ e: 'ACCOUNT_UPDATE', E: t, T: t, a: { m: 'MARGIN_TYPE_CHANGE', B: [], P: [] } });
  }

  snapshot() {
    return {
      marks: Object.fromEntries(this.marks),
      wallet: str(this.wallet),
      orders: [...this.orders.values()].map((o) => ({ ...o })),
      algoOrders: [...this.algos.values()].map((a) => ({ ...a })),
      positions: [...this.positions.values()].filter((p) => !d(p.positionAmt).isZero()).map((p) => ({ ...p })),
      trades: this.trades.map((t) => ({ ...t })),
    };
  }
}

export function isOpen(status: string): boolean {
  return status === 'NEW' || status === 'PARTIALLY_FILLED';
}

export function decimalParam(value: string, name: string): Decimal {
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(value)) throw new SimError(-1100, `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`);
  return new Decimal(value);
}
