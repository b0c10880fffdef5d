// The Bybit V5 front of the simulator, picked by `startSimulator({ venue: 'bybit' })`: the REST
// front (gateway.ts, rest.ts) and the private stream (stream.ts) on the shared engine, re-bound to
// each engine a reset creates. The engine keeps its Binance-shaped rules and events; this front
// presents them the way Bybit does and leaves the Binance REST and stream code alone.
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { RestRequest } from '../binance-rest.js';
import type { SimEngine } from '../engine.js';
import type { EngineLimits } from '../engine-settings.js';
import type { Faults } from '../faults.js';
import type { RateLimiter } from '../rate-limits.js';
import type { RequestLog } from '../request-log.js';
import type { Answer } from '../rest-gateway.js';
import { topicRows } from './frames.js';
import { serveBybit } from './gateway.js';
import { BybitLedger } from './ledger.js';
import { BybitRest, type BybitCredentials } from './rest.js';
import { BybitStream } from './stream.js';

export { BYBIT_RATE_LIMITS } from './rate-limits.js';

/** The stream's path (ccxt: urls.api.ws.private.contract). */
export const BYBIT_PRIVATE_PATH = '/v5/private';

/**
 * Open-order limits per symbol (create-order page): 10 untriggered conditional orders (110009);
 * 500 open orders, which the engine counts with the conditional ones (110020); no account-wide cap.
 */
export const BYBIT_LIMITS: EngineLimits = { maxOpenOrders: 500, maxAlgoOrders: 10, maxAlgoOrdersTotal: 1_000_000 };

export interface BybitFrontDeps {
  creds: BybitCredentials;
  faults: Faults;
  limiter: RateLimiter;
  requests: RequestLog;
  /** Wall clock plus the skew fault (signatures, `expires`, `time`). */
  serverTime: () => number;
  /** The venue clock (rows, windows, frames). */
  venueNow: () => number;
}

export class BybitFront {
  readonly stream: BybitStream;
  private engine: SimEngine | undefined;
  private ledger: BybitLedger | undefined;
  private rest: BybitRest | undefined;

  constructor(private readonly deps: BybitFrontDeps) {
    this.stream = new BybitStream(deps.faults, deps.creds, deps.serverTime, deps.venueNow, (e) => (this.engine && this.ledger ? topicRows({ engine: this.engine, ledger: this.ledger }, e) : []));
  }

  /** Binds an engine: Bybit's order limits, a fresh ledger and route table, its events to the stream. Returns the unsubscribe. */
  attach(engine: SimEngine): () => void {
    engine.settings.limits = { ...BYBIT_LIMITS };
    const ledger = new BybitLedger(engine);
    this.engine = engine;
    this.ledger = ledger;
    this.rest = new BybitRest(
      { engine, ledger, venueNow: () => engine.clockNow(), serverTime: this.deps.serverTime, forgetFinished: () => this.deps.faults.forgetFinished },
      this.deps.creds,
    );
    return engine.onEvent((e) => {
      ledger.observe(e);
      this.stream.publish(e);
    });
  }

  serve(req: RestRequest): Promise<Answer> {
    const rest = this.rest;
    if (!rest) throw new Error('the Bybit front has no engine attached');
    const { faults, limiter, requests, venueNow, serverTime } = this.deps;
    return serveBybit({ rest: () => rest, faults, limiter, requests, venueNow, serverTime, wallNow: () => Date.now() }, req);
  }

  /** Takes a WebSocket at the private path; false for any other path. */
  acceptSocket(path: string, socket: WebSocket, request: IncomingMessage): boolean {
    if (path !== BYBIT_PRIVATE_PATH) return false;
    this.stream.accept(socket, request);
    return true;
  }
}
