// The control API under /__sim/: read the whole account, set prices, seed positions and manual
// orders, switch faults, drive prices, reset. Documented call by call in docs/SIMULATOR.md.
import { Decimal } from 'decimal.js';
import { SimError } from './sim-types.js';
import { limitsFromBody, liquidityFromBody, priceFromBody, triggerOrderFromBody, triggerRejectFromBody } from './engine-control.js';
import { accountConfigFromBody, fundingFromBody, liquidateFromBody } from './account-events.js';
import type { RestFaultRule } from './faults.js';
import type { DriverConfig } from './price-driver.js';
import type { Simulator } from './server.js';

export class ControlApi {
  constructor(private readonly sim: Simulator) {}

  handle(method: string, path: string, body: string, query: URLSearchParams = new URLSearchParams()): { status: number; body: unknown } {
    let input: Record<string, unknown> = {};
    try {
      input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      return { status: 400, body: { error: 'body must be JSON' } };
    }
    try {
      return { status: 200, body: this.route(method, path, input, query) };
    } catch (error) {
      if (error instanceof SimError) return { status: 400, body: { error: error.msg, code: error.code } };
      return { status: 400, body: { error: (error as Error).message } };
    }
  }

  private route(method: string, path: string, b: Record<string, unknown>, query: URLSearchParams): unknown {
    const { sim } = this;
    const e = sim.engine;
    switch (`${method} ${path}`) {
      case 'GET /state':
        return { ...e.snapshot(), stream: sim.stream.describe(), faults: sim.faults.describe() };
      case 'POST /price': // {"symbol","price"} sets mark and last; "mark"/"last" set one (engine-control.ts)
        return priceFromBody(e, b);
      case 'POST /liquidity':
        return liquidityFromBody(e, b);
      case 'POST /trigger-order':
        return triggerOrderFromBody(e, b);
      case 'POST /trigger-reject':
        return triggerRejectFromBody(e, b);
      case 'POST /limits':
        return limitsFromBody(e, b);
      case 'POST /position':
        e.seedPosition(String(b.symbol), (b.positionSide as 'LONG') ?? 'BOTH', String(b.positionAmt), String(b.entryPrice));
        return e.position(String(b.symbol), (b.positionSide as 'LONG') ?? 'BOTH');
      case 'POST /manual-order': {
        const req = {
          symbol: String(b.symbol), side: b.side as 'BUY', type: String(b.type), quantity: b.quantity as string | undefined, price: b.price as string | undefined,
          positionSide: b.positionSide as string | undefined, reduceOnly: b.reduceOnly === true, closePosition: b.closePosition === true,
          clientOrderId: b.clientOrderId as string | undefined, triggerPrice: b.triggerPrice as string | undefined, owner: 'manual' as const,
          timeInForce: b.timeInForce as string | undefined, workingType: b.workingType as string | undefined, priceProtect: b.priceProtect === true,
        };
        return ['LIMIT', 'MARKET'].includes(req.type) ? e.placeOrder(req) : e.placeAlgo(req);
      }
      case 'POST /faults': {
        if (Array.isArray(b.rest)) for (const rule of b.rest as RestFaultRule[]) sim.faults.addRest(rule);
        if (b.stream && typeof b.stream === 'object') Object.assign(sim.faults.stream, b.stream);
        if (typeof b.clockSkewMs === 'number') sim.faults.clockSkewMs = b.clockSkewMs;
        if (typeof b.forgetFinished === 'boolean') sim.faults.forgetFinished = b.forgetFinished;
        return sim.faults.describe();
      }
      case 'DELETE /faults':
        sim.faults.clear();
        return sim.faults.describe();
      case 'POST /stream/drop':
        return { dropped: sim.stream.disconnectAll('drop') };
      case 'POST /stream/close':
        return { closed: sim.stream.disconnectAll('close') };
      case 'POST /stream/expire-listen-key':
        sim.stream.expireAll();
        return sim.stream.describe();
      case 'POST /stream/frames': // {"frames":[raw frame objects],"repeat":N}: sent as given, N times, in batches (Bybit: frames with a string "topic")
        return publishFrames(sim, b);
      case 'POST /stream/margin-frame':
        e.emitMarginOnlyFrame();
        return {};
      case 'POST /liquidate': // liquidation or ADL of one position (account-events.ts)
        return liquidateFromBody(e, b);
      case 'POST /funding':
        return fundingFromBody(e, b);
      case 'POST /account-config':
        return accountConfigFromBody(e, b);
      case 'POST /partial-fills':
        e.partialFillRatio = b.ratio === undefined || b.ratio === null ? undefined : new Decimal(String(b.ratio));
        return { ratio: b.ratio ?? null };
      case 'POST /driver':
        sim.driver.configure(b as unknown as DriverConfig);
        return { driver: b.mode };
      case 'GET /requests':
        return { records: sim.requests.since(Number(query.get('since') ?? 0) || 0), dropped: sim.requests.dropped };
      case 'DELETE /requests':
        sim.requests.clear();
        return { cleared: true };
      case 'GET /rate-limits': // limits, used weight, order counts, ban (rate-limits.ts)
        return sim.rateLimits.describe();
      case 'POST /rate-limits': // {"weightPerMinute":N,"ordersPer10s":N,"ordersPerMinute":N}, any subset
        sim.rateLimits.configure(b as Record<string, number>);
        return sim.rateLimits.describe();
      case 'DELETE /rate-limits': // counters, throttle and ban cleared; limits kept
        sim.rateLimits.clearCounters();
        return sim.rateLimits.describe();
      case 'POST /clock':
        // Jumps the venue clock forward (retention windows, socket age): {"advanceMs": 259200000}.
        if (b.advanceMs !== undefined) sim.clock.advance(Number(b.advanceMs));
        return { now: sim.clock.now(), offsetMs: sim.clock.offsetMs() };
      case 'POST /reset':
        sim.reset(typeof b.seed === 'number' ? b.seed : undefined);
        return { reset: true };
      default:
        throw new Error(`no control route ${method} ${path}`);
    }
  }
}

/** Frames sent per turn of the event loop: a large publish never holds the simulator for long. */
export const FRAME_BATCH = 500;
const MAX_FRAMES_SENT = 5_000_000;

/**
 * POST /stream/frames: raw user-data frames (objects with a string `e`) to every user-stream
 * client, `repeat` times over, exactly as given: no engine state, no stream faults. Each frame is
 * serialized once; sending starts after the answer, FRAME_BATCH frames per setImmediate turn.
 */
function publishFrames(sim: Simulator, b: Record<string, unknown>): { frames: number; repeat: number; total: number; clients: number } {
  const frames = b.frames;
  if (!Array.isArray(frames) || frames.length === 0) throw new Error('frames: expected a non-empty array of frame objects');
  const field = sim.venue === 'bybit' ? 'topic' : 'e'; // Bybit topic frames, Binance user-data events
  frames.forEach((f, i) => {
    if (!f || typeof f !== 'object' || Array.isArray(f) || typeof (f as Record<string, unknown>)[field] !== 'string') throw new Error(`frames[${i}]: expected an object with a string "${field}"`);
  });
  const repeat = b.repeat === undefined ? 1 : Number(b.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error('repeat: expected a positive integer');
  const total = frames.length * repeat;
  if (total > MAX_FRAMES_SENT) throw new Error(`frames x repeat: at most ${MAX_FRAMES_SENT}`);
  const texts = frames.map((f) => JSON.stringify(f));
  let sent = 0;
  const step = () => {
    const end = Math.min(total, sent + FRAME_BATCH);
    for (; sent < end; sent++) sim.stream.sendText(texts[sent % texts.length]!);
    if (sent < total) setImmediate(step);
  };
  setImmediate(step);
  return { frames: frames.length, repeat, total, clients: sim.stream.connectionCount() };
}
