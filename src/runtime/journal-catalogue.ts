// The journal catalogue: every journal event, declared once. Its name, its level (debug for routine
// internals, info and above for what an operator reads), its fields with their types, what it
// means and what an operator does about it. `Journal.record(event, fields)` only accepts declared
// names with their declared fields (TypeScript checks every call, the venue adapter's `onLog`
// callbacks included); the logger takes each line's level from here; docs/OPERATIONS.md's event
// table is generated from here (`npm run docs`, drift-tested). An undeclared name that still
// reaches the journal at run time (an untyped path) is journaled with `undeclared: true` and
// logged at warn: never dropped.
import type { Scope } from '../domain/scope.js';

export type JournalLevel = 'debug' | 'info' | 'warn' | 'error';
export const JOURNAL_LEVELS: readonly JournalLevel[] = ['debug', 'info', 'warn', 'error'];

/** The field types a record may declare (`?` after one: the field may be absent). */
interface FieldTypeMap {
  string: string;
  number: number;
  boolean: boolean;
  /** A symbol-side scope: { exchange, product, symbol, managedSide }. */
  scope: Scope;
  'string[]': readonly string[];
  'scope[]': readonly Scope[];
  'string|number': string | number;
  'string[]|string': readonly string[] | string;
  /** Structured data the event passes through as it is (documented in its meaning). */
  json: unknown;
}
type BaseType = keyof FieldTypeMap;
export type FieldType = BaseType | `${BaseType}?`;

export interface EventSpec {
  readonly level: JournalLevel;
  /** Some values of one field change the level (a margin call among skipped venue events). */
  readonly levelBy?: { readonly field: string; readonly levels: Readonly<Record<string, JournalLevel>> };
  readonly fields: Readonly<Record<string, FieldType>>;
  readonly meaning: string;
  readonly action: string;
}

const NONE = 'none';

// In the order an operator meets them: start, stream and hydration, passes and submissions,
// recovery, rows set aside, modes, the operator's lines, stop.
export const JOURNAL_CATALOGUE = {
  // ---- start ---------------------------------------------------------------------------------
  service_starting: {
    level: 'info', fields: { mode: 'string', venue: 'string', symbols: 'string[]|string' },
    meaning: 'the configuration is valid; the service starts (`symbols` is `auto` without an allowlist)', action: NONE,
  },
  conformance_gate: {
    level: 'info', levelBy: { field: 'open', levels: { false: 'warn' } },
    fields: { open: 'boolean', reason: 'string', pack: 'string', passed: 'number', failed: 'number', failedFixtures: 'string[]?', missing: 'string[]?' },
    meaning: 'write-capable modes only: the conformance pack was run; writes start only when it is open',
    action: 'a closed gate means no writes: `reason` says why in one line',
  },
  simulator_started: {
    level: 'info', fields: { venue: 'string?', rest: 'string', control: 'string', seededPosition: 'json' },
    meaning: 'VENUE=sim (or sim-bybit): the built-in simulated exchange is up on 127.0.0.1, speaking the plug-in\'s venue (`venue`), seeded with one open position', action: NONE,
  },
  demo_step: {
    level: 'info', fields: { what: 'string' },
    meaning: 'SIM_DRIVER=demo: the scripted demo moved the simulated market', action: NONE,
  },
  service_start_failed: {
    level: 'error', fields: { reason: 'string' },
    meaning: 'the lock, the store or the venue client could not be had: one line on stderr, exit code 2',
    action: 'another instance? the store\'s directory?',
  },
  store_unreachable: {
    level: 'warn', fields: { reason: 'string', retryInMs: 'number' },
    meaning: 'the shared store (STORE_URL) does not answer: the process retries on its own (said once per distinct cause) and manages nothing meanwhile',
    action: 'check the database, the network to it and STORE_URL\'s credentials',
  },
  lease_standby: {
    level: 'info', fields: { account: 'string', owner: 'string?', epoch: 'number?', expiresInMs: 'number?' },
    meaning: 'the shared store\'s account lease is held by another process: this one waits as a standby (no venue client, no writes) and takes over when the lease expires',
    action: NONE,
  },
  lease_acquired: {
    level: 'info', fields: { account: 'string', epoch: 'number' },
    meaning: 'this process took the account lease (a takeover increments the epoch): startup hydration and recovery from the shared contexts follow',
    action: NONE,
  },
  lease_renew_failed: {
    level: 'warn', fields: { account: 'string', epoch: 'number', reason: 'string' },
    meaning: 'a renewal of the account lease did not go through (database unreachable or slow); submissions stop once the safety margin is reached',
    action: 'check the database and the network to it',
  },
  lease_lost: {
    level: 'error', fields: { account: 'string', epoch: 'number', reason: 'string' },
    meaning: 'the account lease ran out or was taken over: `LEASE_LOST` pauses the account, the runtime stops, and the process waits as a standby again',
    action: 'a second process manages the account now, or the database was unreachable past the lease',
  },
  lease_released: {
    level: 'info', fields: { account: 'string', epoch: 'number' },
    meaning: 'a stopping owner gave the lease up so a standby can take over at once',
    action: NONE,
  },
  config_rejected: {
    level: 'error', fields: { field: 'string', reason: 'string', value: 'json?' },
    meaning: 'the runtime refused its configuration before any venue call; the account does not start', action: 'fix the variable named in `field`',
  },
  symbols_unlisted: {
    level: 'error', fields: { symbols: 'string[]', at: 'string' },
    meaning: 'a configured symbol the venue does not list: the start stops (exit 2); later, `SYMBOL_UNLISTED` degrades the account',
    action: 'fix `SYMBOLS`',
  },
  rest_hydration: {
    level: 'info', fields: { subject: 'string', scope: 'scope?', reason: 'string' },
    meaning: 'a REST snapshot at a trust boundary (`subject` startup, reconnect or recovery)', action: 'frequent `reconnect`s mean an unstable stream',
  },
  hydration_failed: {
    level: 'warn', fields: { reason: 'string' },
    meaning: 'a startup, reconnect or resync snapshot failed; it is retried 1 s doubling to 60 s with jitter (refused credentials also pause the account)',
    action: 'persistent: check the venue, the network and the key',
  },
  startup_position_queued_before_service_ready: {
    level: 'info', fields: { scope: 'scope', size: 'string', entryPrice: 'string' },
    meaning: 'an open position found at start is queued at once; its protection is placed first', action: NONE,
  },
  out_of_scope_context_kept: {
    level: 'info', fields: { scope: 'scope', slot: 'string', customOrderId: 'string' },
    meaning: 'a context of a symbol outside `SYMBOLS`: neither adopted nor pruned', action: 'add the symbol if it should be managed',
  },
  buffer_replayed: {
    level: 'debug', fields: { rows: 'number' },
    meaning: 'private rows that arrived during a hydration were applied after it, in arrival order', action: NONE,
  },
  buffer_overflow: {
    level: 'error', fields: { dropped: 'number' },
    meaning: 'more than 100 000 private rows arrived while the service was not ready; the buffer was dropped (the next hydration is the truth)',
    action: 'report it: hydration takes far too long',
  },
  http_listening: {
    level: 'debug', fields: { url: 'string' },
    meaning: 'the read-only operator HTTP server listens on 127.0.0.1 (`HTTP_PORT`); the banner prints its URL', action: NONE,
  },
  http_failed: {
    level: 'warn', fields: { port: 'number', reason: 'string' },
    meaning: 'the operator HTTP server could not listen (or failed): the account runs on without it', action: 'free the port or set another `HTTP_PORT` (0: none)',
  },
  audit_write_failed: {
    level: 'warn', fields: { sink: 'string', reason: 'string' },
    meaning: 'a write to the audit journal (`sink` sqlite or jsonl) failed; said once per run, the service runs on and `exstate journal verify` will show the hole',
    action: 'check the disk and the store\'s directory',
  },
  // ---- Stately inspector (`exstate start --inspect`, src/ops/inspect/) -------------------------
  inspector_listening: {
    level: 'info', fields: { url: 'string', scopes: 'string' },
    meaning: '`--inspect`: the inspector bridge listens on 127.0.0.1; open `url` in a browser that reaches stately.ai (from a workstation: an SSH tunnel). Nothing is inspected until a viewer connects; `scopes` is the `--inspect-scopes` pattern',
    action: NONE,
  },
  inspector_failed: {
    level: 'warn', fields: { port: 'number', reason: 'string' },
    meaning: 'the inspector relay could not listen (or failed): the account runs on without it', action: 'free the port or pick another `--inspect-port`',
  },
  inspector_viewer_connected: {
    level: 'info', fields: { viewers: 'number', replayedActors: 'number', truncated: 'boolean' },
    meaning: 'a viewer connected to the inspector relay: the actors are inspected while one is; it was sent the current snapshot of `replayedActors` actors first (`truncated`: the replay cap cut the list)',
    action: NONE,
  },
  inspector_viewer_disconnected: {
    level: 'info', levelBy: { field: 'reason', levels: { slow: 'warn' } }, fields: { viewers: 'number', reason: 'string' },
    meaning: 'a viewer left (`reason` closed or stopped) or was dropped (`slow`: its unsent bytes passed the bound); at `viewers` 0 inspection is detached',
    action: '`slow`: the browser or the tunnel cannot keep up: narrow `--inspect-scopes`',
  },
  inspector_viewer_refused: {
    level: 'warn', levelBy: { field: 'reason', levels: { not_found: 'debug' } }, fields: { reason: 'string' },
    meaning: 'a request to the inspector relay was refused: `host_not_loopback` or `foreign_origin` (another web page or host tried to read it), `too_many_viewers`, `stopping`, `not_found`',
    action: 'a `foreign_origin` you did not cause: some page in a local browser probed the relay',
  },
  // ---- deterministic replay (write-capable modes; `exstate replay` reads them back) -----------
  replay_baseline: {
    level: 'debug', fields: { config: 'json', store: 'json', storeError: 'string?', venue: 'json' },
    meaning: 'what the runtime started from: its effective configuration, the context store\'s entries, the venue\'s capabilities (encoded for replay: decimals tagged `$d`)', action: NONE,
  },
  venue_request: {
    level: 'debug', fields: { call: 'number', kind: 'string', scope: 'scope?', customOrderId: 'string?', args: 'json' },
    meaning: 'the runtime asked the venue (`kind` hydrate, lookup, fills, mark, restart_stream, or submit: a decision); `call` pairs it with its `venue_response`', action: NONE,
  },
  venue_response: {
    level: 'debug', fields: { call: 'number', kind: 'string', scope: 'scope?', customOrderId: 'string?', result: 'json?', error: 'json?' },
    meaning: 'what the venue answered to request `call` (a result, or the error it threw), as the runtime received it', action: NONE,
  },
  venue_stream_item: {
    level: 'debug', fields: { item: 'json' },
    meaning: 'one private-stream item (a normalized row or a transport signal) as it entered the runtime', action: NONE,
  },
  replay_jitter: {
    level: 'debug', fields: { value: 'number' },
    meaning: 'one backoff jitter draw of the runtime (replay feeds the same values)', action: NONE,
  },
  service_ready: {
    level: 'info', fields: { mode: 'string' },
    meaning: 'hydration, replay and config gates passed; writes may flow', action: NONE,
  },
  service_banner: {
    level: 'info',
    fields: {
      version: 'string', mode: 'string', venue: 'string', account: 'string', symbols: 'string[]|string', strategy: 'string', store: 'string',
      positionMode: 'string', balance: 'string?', http: 'string?', dashboard: 'string?',
    },
    meaning: 'once, when the service is first ready: the version, the execution mode, the venue, the account (a short hash of the API key, never the key), the symbols, the strategy, the store, the position mode, the balance (when the venue reported one), the operator HTTP server\'s URL and its dashboard\'s (`http://127.0.0.1:PORT/dashboard`) when it listens',
    action: 'check it is the account and the mode you meant',
  },

  // ---- the private stream ---------------------------------------------------------------------
  stream_disconnected: {
    level: 'warn', fields: { reason: 'string' },
    meaning: 'a stream gap: every scope loses order and position trust and recovers; `STREAM_DOWN` or `STREAM_STALE` degrades the account',
    action: 'none if `stream_reconnected` follows',
  },
  stream_watch_failed: {
    level: 'warn', fields: { loop: 'string', reason: 'string', failures: 'number', epoch: 'number' },
    meaning: 'the private stream failed; one backoff for all four watch loops (250 ms doubling to 30 s, jitter); it is ready again only when every loop watches on the new connection',
    action: 'persistent: check the venue and the network',
  },
  stream_restart_requested: {
    level: 'info', fields: { reason: 'string' },
    meaning: 'the watchdog saw silence past `HEARTBEAT_TIMEOUT_MS` and closes the socket to reconnect', action: NONE,
  },
  listen_key_expired: {
    level: 'info', fields: {},
    meaning: 'the venue expired the listen key: a gap at once (fresh key, reconnect, reconnect hydration), not after the watchdog', action: NONE,
  },
  stream_reconnected: {
    level: 'info', fields: {},
    meaning: 'the stream is back and the reconnect hydration is done: every scope plans again', action: NONE,
  },
  stream_failed: {
    level: 'error', fields: { reason: 'string' },
    meaning: 'the stream machine failed outright (not a gap it recovers from)', action: 'report it with the line; restart the service',
  },
  stream_reader_failed: {
    level: 'error', fields: { reason: 'string', retryInMs: 'number' },
    meaning: 'reading the venue\'s private stream failed (its iterator threw): the stream counts as lost, and the pump subscribes again in `retryInMs` (1 s doubling to 30 s)',
    action: 'nothing while it recovers; if it repeats, report it with the line (the venue plug-in should reconnect on its own)',
  },
  resync_completed: {
    level: 'info', fields: {},
    meaning: 'an explicit resync (operator or the paused-account probe) hydrated and reopened readiness', action: NONE,
  },
  venue_event_skipped: {
    level: 'info', levelBy: { field: 'venueEvent', levels: { TRADE_LITE: 'debug', MARGIN_CALL: 'error', CONDITIONAL_ORDER_TRIGGER_REJECT: 'warn' } },
    fields: {
      venueEvent: 'string', reason: 'string', symbol: 'string?', exchangeOrderId: 'string?', customOrderId: 'string?', tradeId: 'string?', rejectReason: 'string?',
      leverage: 'string?', multiAssetsMode: 'string?', positions: 'json?', strategyId: 'string?', strategyStatus: 'string?', opCode: 'string?',
    },
    meaning: 'a user-data event exstate makes no row of (MARGIN_CALL, ACCOUNT_CONFIG_UPDATE, TRADE_LITE, CONDITIONAL_ORDER_TRIGGER_REJECT, STRATEGY_UPDATE, GRID_UPDATE, or a type exstate does not know); it is still handed to ccxt and the stream goes on',
    action: 'none for TRADE_LITE (one per fill), config and strategy events. MARGIN_CALL: the account is near liquidation. CONDITIONAL_ORDER_TRIGGER_REJECT: a triggered TP/SL was rejected (`rejectReason`); check the protection. An unknown `venueEvent`: report it',
  },
  venue_order_reason: {
    level: 'info',
    fields: {
      venueEvent: 'string', symbol: 'string?', exchangeOrderId: 'string?', customOrderId: 'string?', status: 'string?', expiryReason: 'string?', expiryText: 'string?',
      venueStatus: 'string?', rejectReason: 'string?',
    },
    meaning: 'why an order expired (`er` not 0, or `EXPIRED_IN_MATCH` for self-trade prevention) or an algo order failed (`rm`); the order row itself carries only the status',
    action: 'read `expiryText` / `rejectReason`',
  },
  malformed_row_skipped: {
    level: 'warn', fields: { reason: 'string', kind: 'string?', symbol: 'string?', source: 'string?', field: 'string?', value: 'string?' },
    meaning: 'a private or REST row with an unusable figure (zero or negative quantity, non-finite number) or that could not be read; it was not applied and the stream goes on',
    action: 'report it with the line',
  },

  // ---- rows --------------------------------------------------------------------------------
  fill: {
    level: 'info',
    fields: {
      scope: 'scope?', symbol: 'string', side: 'string', price: 'string', qty: 'string', realizedPnl: 'string?', fee: 'string?', feeAsset: 'string?',
      slot: 'string?', customOrderId: 'string?', exchangeOrderId: 'string?', tradeId: 'string', liquidation: 'boolean?',
    },
    meaning: 'a fill the account applied, once per trade id: `realizedPnl` as the venue reported it (absent when it did not), `slot` when it is one of exstate\'s orders (SL, TP, DCA1...), `scope` when the fill names one side',
    action: NONE,
  },
  scope_affected: {
    level: 'debug', fields: { scope: 'scope', reason: 'string' },
    meaning: 'a row (or a mode change, a reconnect) touched a scope; one fill touches it several times (order, execution, position)', action: NONE,
  },
  route_fallback: {
    level: 'debug', fields: { symbol: 'string', scopes: 'scope[]' },
    meaning: 'a row of an unknown order that does not say its side went to both sides of its symbol', action: NONE,
  },
  unowned_order_ignored: {
    level: 'debug', fields: { symbol: 'string', customOrderId: 'string?', exchangeOrderId: 'string?', status: 'string', type: 'string' },
    meaning: 'a row of an order exstate does not own: it updates the view, it is never managed', action: NONE,
  },
  out_of_scope_event_ignored: {
    level: 'debug', fields: { symbol: 'string', kind: 'string' },
    meaning: 'a row of a symbol outside `SYMBOLS`', action: NONE,
  },
  late_order_row_ignored: {
    level: 'debug', fields: { scope: 'scope', customOrderId: 'string', status: 'string' },
    meaning: 'an order row older than what is known of the order (a terminal state never goes back)', action: NONE,
  },
  previous_life_row: {
    level: 'debug', fields: { scope: 'scope', customOrderId: 'string', slot: 'string', status: 'string?', tradeId: 'string?' },
    meaning: 'a late row of an order from before the position last went flat: it touches neither the DCA ladder nor trust', action: NONE,
  },
  duplicate_fill_ignored: {
    level: 'debug', fields: { symbol: 'string', tradeId: 'string' },
    meaning: 'a fill whose trade id was already applied (also across restarts)', action: NONE,
  },
  stale_position_row_ignored: {
    level: 'debug', fields: { scope: 'scope', transactionTimeMs: 'number?' },
    meaning: 'a position row older (by venue transaction time) than the one applied: never replaces it', action: NONE,
  },
  ownership_conflict: {
    level: 'warn', fields: { symbol: 'string', customOrderId: 'string', exchangeOrderId: 'string', contextExchangeOrderId: 'string' },
    meaning: 'a row reuses one of our custom ids with another venue order id: another client\'s order, never managed', action: NONE,
  },
  dca_step_consumed: {
    level: 'debug', fields: { scope: 'scope', slot: 'string', step: 'number' },
    meaning: 'a DCA order filled (or may have): its step of the ladder is used for this position life', action: NONE,
  },

  // ---- passes and submissions ----------------------------------------------------------------
  workflow_pass: {
    level: 'debug', fields: { scope: 'scope', actionFamily: 'string', reason: 'string?', reasons: 'string[]', passId: 'number', note: 'string?' },
    meaning: 'one pass of a scope chose one action family (recovery, cleanup, protective, dca, noop, blocked)', action: '`blocked` passes come with a `block` line',
  },
  block: {
    level: 'warn',
    levelBy: { field: 'reason', levels: { awaiting_position_update: 'debug', order_state_untrusted: 'debug', awaiting_opposite_side_cleanup: 'debug', protection_unplaceable: 'info' } },
    fields: { scope: 'scope', slot: 'string?', reason: 'string', passId: 'number?', code: 'string|number?' },
    meaning: 'a slot (or the scope) cannot be planned: the venue refused it (`venue_rejected` with `code`), a context write failed, the geometry is impossible; waiting for a position row or the other side is routine (debug)',
    action: 'fix the cause (margin, filters, strategy); the next row for the scope (or a restart) plans again',
  },
  request_planned: {
    level: 'info',
    fields: {
      scope: 'scope', action: 'string', slot: 'string', customOrderId: 'string', side: 'string', type: 'string', price: 'string?', triggerPrice: 'string?', qty: 'string?',
      reduceOnly: 'boolean?', closePosition: 'boolean?', wouldSubmit: 'boolean', passId: 'number',
    },
    meaning: 'a mutation the pass produced; `wouldSubmit=false` in dry run or while the gates are closed: exactly what it would send', action: NONE,
  },
  submission_withheld: {
    level: 'info', fields: { scope: 'scope', action: 'string', slot: 'string', customOrderId: 'string', reason: 'string' },
    meaning: 'a planned request was not sent at the last moment: the gates closed (`gates_closed`) or the system mode holds it (`mode_degraded`, `mode_paused`)', action: 'see the mode\'s reasons',
  },
  submission_sent: {
    level: 'info',
    fields: {
      scope: 'scope', action: 'string', slot: 'string', customOrderId: 'string', side: 'string', type: 'string', price: 'string?', triggerPrice: 'string?', qty: 'string?',
      reduceOnly: 'boolean?', closePosition: 'boolean?',
    },
    meaning: 'a request went to the venue (its context was written first)', action: NONE,
  },
  confirmation_pending: {
    level: 'debug', fields: { scope: 'scope', action: 'string', slot: 'string', customOrderId: 'string' },
    meaning: 'accepted by REST, not trusted yet: waiting for the stream', action: NONE,
  },
  early_confirmation_buffered: {
    level: 'debug', fields: { scope: 'scope', action: 'string', slot: 'string', customOrderId: 'string', status: 'string' },
    meaning: 'the stream confirmed before the REST answer', action: NONE,
  },
  confirmation_matched: {
    level: 'debug', fields: { scope: 'scope', action: 'string', slot: 'string', customOrderId: 'string', resolution: 'string', status: 'string?' },
    meaning: 'the stream confirmed a request (or showed its order terminal)', action: NONE,
  },
  confirmation_timeout: {
    level: 'warn', fields: { scope: 'scope', customOrderIds: 'string[]' },
    meaning: 'no stream confirmation within `CONFIRMATION_TIMEOUT_MS`: the scope recovers', action: 'repeated timeouts: the stream may be losing rows',
  },
  submission_unknown: {
    level: 'warn', fields: { scope: 'scope', action: 'string', slot: 'string', customOrderId: 'string', reason: 'string', resolvedBy: 'string?' },
    meaning: 'a timeout, reset or 5xx: the order may exist; it is looked up before anything is re-sent', action: NONE,
  },
  submission_rejected: {
    level: 'warn', fields: { scope: 'scope', action: 'string', slot: 'string', customOrderId: 'string', code: 'string|number?', message: 'string?' },
    meaning: 'the venue refused; the slot stays blocked (a `block` line with the `code`) until new evidence', action: 'fix the cause (margin, filters)',
  },
  submission_rate_limited: {
    level: 'warn', fields: { scope: 'scope', action: 'string', slot: 'string', customOrderId: 'string', code: 'string|number?', retryAfterMs: 'number?' },
    meaning: '429/418, or weight headroom kept for protective orders: retried after `retryAfterMs`', action: 'persistent: too many requests on this key',
  },
  benign_race: {
    level: 'info', fields: { scope: 'scope', action: 'string', slot: 'string', customOrderId: 'string', code: 'string|number?' },
    meaning: 'a cancel or amend lost to a fill (the order was already gone)', action: NONE,
  },
  venue_call_failed: {
    level: 'info', fields: { action: 'string', slot: 'string', customOrderId: 'string', error: 'string' },
    meaning: 'the adapter\'s view of a failed submission (the runtime\'s outcome line follows: rejected, unknown or rate limited)', action: NONE,
  },
  protection_unplaceable: {
    level: 'warn', fields: { scope: 'scope', slot: 'string', code: 'string|number?', fallback: 'string' },
    meaning: 'the venue refused an SL or TP for a market-state reason (-2021: it would trigger at once): `PROTECTION_UNPLACEABLE` is raised, the mark is read every `MARK_POLL_MS` and the order is placed as soon as the market allows (or, with `PROTECTION_FALLBACK=close`, the position is closed with a reduce-only market order)',
    action: 'watch the position: it is unprotected until then',
  },
  protection_placeable: {
    level: 'info', fields: { scope: 'scope' },
    meaning: 'the refused protection rests at the venue, or the position is flat: `PROTECTION_UNPLACEABLE` clears', action: NONE,
  },
  context_write_failed: {
    level: 'error', fields: { reason: 'string', scope: 'scope?', slot: 'string?', customOrderId: 'string?', symbol: 'string?', tradeId: 'string?' },
    meaning: 'the durable store refused a write: a submission it was for was not sent; `STORE_WRITE_FAILED` degrades the account', action: 'check the disk',
  },

  // ---- recovery ------------------------------------------------------------------------------
  recovery_required: {
    level: 'info', fields: { scope: 'scope', reason: 'string' },
    meaning: 'a scope must recover (a stream gap, a confirmation timeout, an unknown outcome, an order that vanished) before any normal work', action: 'see the line that caused it',
  },
  recovery_completed: {
    level: 'info', fields: { scope: 'scope', reason: 'string' },
    meaning: 'a scoped recovery hydrated the scope and settled its orders', action: NONE,
  },
  order_lookup: {
    level: 'debug', fields: { scope: 'scope', slot: 'string', customOrderId: 'string', found: 'string' },
    meaning: 'a recovery looked an order up by its custom id (`found` its status, or `absent`)', action: NONE,
  },
  order_lookup_failed: {
    level: 'warn', fields: { scope: 'scope', slot: 'string', customOrderId: 'string', reason: 'string' },
    meaning: 'the venue did not answer a lookup by custom id; the scope retries with backoff (1 s doubling to 30 s)', action: 'persistent: the venue or the network is failing',
  },
  fill_history_failed: {
    level: 'warn', fields: { scope: 'scope', reason: 'string' },
    meaning: 'the venue did not answer a trade-history read; the scope retries with backoff (1 s doubling to 30 s)', action: 'persistent: the venue or the network is failing',
  },
  scope_step_failed: {
    level: 'warn', fields: { scope: 'scope', step: 'string', reason: 'string' },
    meaning: 'a step of a scope failed (`step` pass, submit, recovery or mark): it is retried after a backoff; 3 failed recoveries in a row raise `RECOVERY_FAILING`', action: 'persistent: the venue or the network is failing',
  },
  orders_absent_from_snapshot: {
    level: 'info', fields: { subject: 'string', count: 'number', customOrderIds: 'string[]' },
    meaning: 'app orders missing from a snapshot without terminal evidence: their scopes stay in recovery (no new exposure) until a lookup, a fill or a terminal row settles them', action: 'none; it settles by itself',
  },
  order_unresolved: {
    level: 'info', fields: { scope: 'scope', slot: 'string', customOrderId: 'string', reason: 'string' },
    meaning: 'an app order whose fate is not settled yet (`reason` says what is missing): the scope stays in recovery', action: 'none; it settles by itself',
  },
  context_adopted: {
    level: 'info', fields: { scope: 'scope', slot: 'string', customOrderId: 'string', evidence: 'string' },
    meaning: 'an order context from the store is open at the venue: exstate manages it again', action: NONE,
  },
  context_pruned: {
    level: 'info', fields: { scope: 'scope', slot: 'string', customOrderId: 'string', reason: 'string', filled: 'boolean', at: 'string' },
    meaning: 'the settlement of an order whose fate was unknown: its context ends (`reason` says from what evidence)',
    action: '`absent_without_terminal_evidence`: the venue no longer serves an order it held; check it by hand if it matters',
  },
  late_landing: {
    level: 'info', fields: { scope: 'scope', slot: 'string', customOrderId: 'string' },
    meaning: 'a request judged never placed landed after all (within the venue\'s request window): the order is ours again and the slot\'s duplicate is cancelled', action: NONE,
  },

  // ---- modes and alerts ------------------------------------------------------------------------
  alert_raised: {
    level: 'warn', levelBy: { field: 'reason', levels: { AUTH_FAILED: 'error', CLOCK_SKEW: 'error' } }, fields: { reason: 'string', detail: 'string' },
    meaning: 'a mode reason appeared (see System modes)', action: 'read `detail`; PAUSED needs the credentials or the clock fixed',
  },
  alert_cleared: {
    level: 'info', fields: { reason: 'string' },
    meaning: 'the evidence says a mode reason is over', action: NONE,
  },
  mode_changed: {
    level: 'info', levelBy: { field: 'mode', levels: { DEGRADED: 'warn', PAUSED: 'error' } }, fields: { mode: 'string', reasons: 'string[]', since: 'number' },
    meaning: 'the system mode changed (NORMAL, DEGRADED, PAUSED; see System modes)', action: 'read the `alert_raised` lines',
  },
  summary: {
    level: 'info',
    fields: {
      mode: 'string', systemMode: 'string', modeReasons: 'string[]', ready: 'boolean', positions: 'number', protected: 'number', unprotected: 'number',
      unprotectedScopes: 'string[]', pendingConfirmations: 'number', unknownOutcomes: 'number', recovering: 'number', openOrders: 'number',
    },
    meaning: 'every `SUMMARY_INTERVAL_MS` (default 5 minutes): open positions, how many are protected (every configured SL/TP rests at the venue) and which are not, requests waiting for a confirmation, unknown outcomes, scopes in recovery, the modes',
    action: '`unprotected` above 0 for more than a pass: read that scope\'s lines',
  },

  // ---- stop and failures -----------------------------------------------------------------------
  account_draining: {
    level: 'info', fields: { pendingConfirmations: 'number' },
    meaning: 'stopping: waiting (bounded) for venue calls already sent and for context writes', action: NONE,
  },
  drain_timeout: {
    level: 'warn', fields: { waitedMs: 'number' },
    meaning: 'stopping: venue calls already sent did not answer in time', action: 'answers were lost: the next start settles them',
  },
  service_stopping: {
    level: 'info', fields: { signal: 'string' },
    meaning: 'a stop began (SIGINT, SIGTERM, or the start refused: `symbols_unlisted`, `auth_failed`)', action: NONE,
  },
  service_stopped: {
    level: 'info', fields: { exitCode: 'number' },
    meaning: 'the last line of every stop', action: NONE,
  },
  process_exit_unexpected: {
    level: 'error', fields: { code: 'number' },
    meaning: 'the process is exiting without a stop (it should never appear)', action: 'report it',
  },
  scope_failed: {
    level: 'error', fields: { scope: 'scope?', scopeKey: 'string?', reason: 'string' },
    meaning: 'a scope actor failed; it was respawned', action: 'report it',
  },
  account_failed: {
    level: 'error', fields: { reason: 'string' },
    meaning: 'the account machine failed', action: 'report it with the line; restart the service',
  },
  unhandled_rejection: {
    level: 'error', fields: { reason: 'string' },
    meaning: 'something escaped a handler; the service keeps running and its machines retry', action: 'report it with the line',
  },
  uncaught_exception: {
    level: 'error', fields: { reason: 'string' },
    meaning: 'something escaped a handler; the service keeps running and its machines retry', action: 'report it with the line',
  },
} as const satisfies Record<string, EventSpec>;

export type JournalEventName = keyof typeof JOURNAL_CATALOGUE;

type FieldsSpec<E extends JournalEventName> = (typeof JOURNAL_CATALOGUE)[E]['fields'];
type TypeOf<T> = T extends `${infer B}?` ? (B extends BaseType ? FieldTypeMap[B] : never) : T extends BaseType ? FieldTypeMap[T] : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type Declared<F> = Simplify<
  { -readonly [K in keyof F as F[K] extends `${string}?` ? never : K]: TypeOf<F[K]> } & { -readonly [K in keyof F as F[K] extends `${string}?` ? K : never]?: TypeOf<F[K]> }
>;

/** The fields an event takes, as declared. An event without fields takes none (`{}`). */
export type JournalFields<E extends JournalEventName> = [keyof FieldsSpec<E>] extends [never] ? Record<string, never> : Declared<FieldsSpec<E>>;

/** A callback that ends in the journal (the venue adapter's `onLog`): typed like `Journal.record`. */
export type JournalLog = <E extends JournalEventName>(event: E, fields: NoInfer<JournalFields<E>>) => void;

export function isJournalEvent(name: string): name is JournalEventName {
  return Object.prototype.hasOwnProperty.call(JOURNAL_CATALOGUE, name);
}

/** The level a record logs at: the catalogue's (or its field's), warn for an undeclared event. */
export function levelOf(record: { event: string; [field: string]: unknown }): JournalLevel {
  return levelOfFields(record.event, record);
}

/** The level an event with these fields logs at (before a record is built of them). */
export function levelOfFields(event: string, fields: Readonly<Record<string, unknown>>): JournalLevel {
  if (!isJournalEvent(event)) return 'warn';
  const spec: EventSpec = JOURNAL_CATALOGUE[event];
  if (spec.levelBy) {
    const value = fields[spec.levelBy.field];
    const by = value === undefined ? undefined : spec.levelBy.levels[String(value)];
    if (by) return by;
  }
  return spec.level;
}

// ---- the generated table of docs/OPERATIONS.md ---------------------------------------------------

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function fieldList(fields: Readonly<Record<string, FieldType>>): string {
  const entries = Object.entries(fields);
  if (entries.length === 0) return '';
  return entries.map(([name, type]) => (type.endsWith('?') ? `\`${name}\`? ${type.slice(0, -1)}` : `\`${name}\` ${type}`)).join(', ');
}

function levelText(spec: EventSpec): string {
  if (!spec.levelBy) return spec.level;
  const by = Object.entries(spec.levelBy.levels).map(([value, level]) => `${level} when \`${spec.levelBy!.field}\`=${value}`).join('; ');
  return `${spec.level} (${by})`;
}

/** The journal event table of docs/OPERATIONS.md: one row per event, in catalogue order. */
export function journalEventTable(): string {
  const rows = (Object.entries(JOURNAL_CATALOGUE) as Array<[string, EventSpec]>).map(
    ([name, spec]) => `| \`${name}\` | ${cell(levelText(spec))} | ${cell(fieldList(spec.fields))} | ${cell(spec.meaning)} | ${cell(spec.action)} |`,
  );
  return ['| event | level | fields | meaning | what to do |', '|---|---|---|---|---|', ...rows].join('\n');
}
