// Runs ONE fixture against the real runtime. Only venue (ScriptedVenue), clock (SteppingClock)
// and durable store (a failable in-memory keyv) are swapped; everything else is what the
// service runs.
import { parseBalanceRow, parseExecutionRow, parseFilters, parseOrderRow, parsePositionRow, RowParseError, type RowDefaults } from './row-parse.js';
import { FAULT_KINDS, VENUE_CALLS, type ArmedFault, type FaultKind, type VenueCall } from './venue-script.js';
import { parseDecimal } from '../domain/decimal.js';
import { TERMINAL_STATUSES, type PrivateRow } from '../domain/rows.js';
import { scopeKey as keyOfScope, parseScopeKey, type Scope } from '../domain/scope.js';
import { configuredProtectiveSlots } from '../domain/strategy.js';
import { AccountRuntime } from '../runtime/account-runtime.js';
import { SteppingClock } from './stepping-clock.js';
import { Journal, type JournalRecord } from '../runtime/journal.js';
import type { SubmitOutcome, VenueMutation } from '../venues/port.js';
import { createFailingStore, durablyHolds, type FailingMap } from './failing-store.js';
import { fixtureConfig, HARNESS_FILTERS, type FixtureConfig } from './fixture-config.js';
import type { Fixture, FixtureStep, Json, JsonObject } from './fixture-format.js';
import { findViolations } from './forbid.js';
import { observe, type Observed } from './observe.js';
import { ScriptedVenue, type RestView } from './scripted-venue.js';
import { Trace } from './trace.js';
import type Keyv from 'keyv';

export class FixtureError extends Error {}

export interface FixtureRun {
  observed: Observed;
  violations: string[];
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export class FixtureHarness {
  readonly clock = new SteppingClock();
  readonly trace = new Trace();
  readonly records: JournalRecord[] = [];
  readonly commands: Array<{ name: string; ok: boolean; output: unknown }> = [];
  private readonly defaults: RowDefaults;
  private readonly fixtureKey: string;
  private readonly cfg: FixtureConfig;
  private readonly store: { keyv: Keyv; map: FailingMap };
  private venue!: ScriptedVenue;
  private runtime!: AccountRuntime;
  private cause = 'initial';
  private inCommand = false;
  private readonly refs = new Map<string, string[]>();
  private readonly initialContexts = new Map<string, { slot: string; scopeKey: string }>();
  private initialOpenOrderIds: string[] = [];
  private readonly initialVenueIds = new Map<string, string>();
  private initialPending: Array<{ customOrderId: string; action: 'place' | 'amend' | 'cancel'; slot: string; sinceMs: number; scopeKey: string }> = [];

  constructor(private readonly fx: Fixture) {
    this.defaults = { symbol: fx.scope.symbol, managedSide: fx.scope.managedSide };
    this.fixtureKey = keyOfScope(fx.scope);
    this.cfg = fixtureConfig(fx.scope, fx.initial.config as JsonObject | undefined);
    this.store = createFailingStore();
  }

  async run(): Promise<FixtureRun> {
    await this.setUp();
    for (const [i, step] of this.fx.steps.entries()) {
      try {
        await this.step(step);
      } catch (error) {
        throw new FixtureError(`step ${i} (${step.type}): ${(error as Error).message}`);
      }
    }
    const observed = observe({
      records: this.records, runtime: this.runtime, venue: this.venue, fixtureKey: this.fixtureKey, commands: this.commands,
      expectedCountKeys: { requestCounts: Object.keys((this.fx.expect.requestCounts as JsonObject) ?? {}), submissionCounts: Object.keys((this.fx.expect.submissionCounts as JsonObject) ?? {}) },
    });
    const violations = findViolations({
      trace: this.trace,
      exchange: this.fx.scope.exchange,
      mode: this.cfg.config.mode,
      configuredSymbols: this.cfg.config.configuredSymbols,
      confirmationTimeoutMs: this.cfg.config.confirmationTimeoutMs,
      fixtureScopeKey: this.fixtureKey,
      protectiveSlots: configuredProtectiveSlots(this.cfg.config.strategy),
      initialContexts: this.initialContexts,
      initialOpenOrderIds: this.initialOpenOrderIds,
      initialVenueIds: this.initialVenueIds,
      initialPending: this.initialPending,
      openOrderIds: observed.accountState.openOrders.map((o) => (o.customOrderId as string | undefined) ?? `x:${o.exchangeOrderId}`),
      pendingIds: observed.pendingConfirmations.map((p) => ({ customOrderId: p.customOrderId as string, action: p.action as string })),
    });
    observed.violations = violations;
    await this.runtime.stop();
    return { observed, violations };
  }

  // ---- set-up ----------------------------------------------------------------------------------

  private async setUp(): Promise<void> {
    const initial = this.fx.initial;
    const account = (initial.accountState as JsonObject | undefined) ?? {};
    const clockMs = initial.clockMs ?? 0;
    if (typeof clockMs !== 'number' || clockMs < 0) throw new FixtureError(`initial.clockMs must be a non-negative number, got ${JSON.stringify(clockMs)}`);
    this.clock.set(clockMs);
    const view: RestView = { positions: [], openOrders: [], filters: {}, balances: [], fills: [] };
    // Harness default filters serve every symbol unless the fixture gives its own filters.
    const defaultFilters = account.filters === undefined ? parseFilters(HARNESS_FILTERS) : undefined;
    this.venue = new ScriptedVenue(this.fx.scope.exchange, this.fx.scope.product, view, defaultFilters, {
      onSubmit: (s) => {
        this.trace.add({
          t: 'submission', seq: s.seq, action: s.mutation.action, slot: s.mutation.slot, scopeKey: keyOfScope(s.mutation.scope),
          customOrderId: s.mutation.customOrderId, ...(s.mutation.exchangeOrderId ? { exchangeOrderId: s.mutation.exchangeOrderId } : {}),
          serviceReady: this.accountReady(), duringCommand: this.inCommand,
          durable: durablyHolds(this.store.map, `ctx:${s.mutation.customOrderId}`), atMs: this.clock.now(),
        });
      },
      onHydrate: (request, snapshot) => {
        const scope = request.scopes?.length === 1 ? request.scopes[0] : undefined;
        this.trace.add({
          t: 'hydration', subject: request.subject, ...(scope ? { scopeKey: keyOfScope(scope) } : {}), cause: this.cause,
          openOrderIds: (snapshot.openOrders ?? []).map((o) => this.trace.idOf(o)).filter((x): x is string => Boolean(x)), atMs: this.clock.now(),
        });
      },
      onLookup: (entry) => this.trace.add({ t: 'lookup', ...entry, atMs: this.clock.now() }),
      onFaultAnswer: (s, outcome) => this.trace.add({
        t: 'answer', seq: s.seq, action: s.mutation.action, customOrderId: s.mutation.customOrderId,
        outcome: outcome.kind === 'unknown' ? 'timeout' : 'rejected',
        ...(outcome.kind === 'rejected' && outcome.code !== undefined ? { code: outcome.code } : {}),
        ...(outcome.kind === 'rejected' && outcome.httpStatus !== undefined ? { httpStatus: outcome.httpStatus } : {}), atMs: this.clock.now(),
      }),
    }, () => this.clock.now());
    for (const symbol of symbolsIn(this.fx as unknown as Json)) this.venue.extraSymbols.add(symbol);
    this.venue.replace(this.restPayload(account, 'initial.accountState'));
    this.initialOpenOrderIds = this.venue.view.openOrders.map((o) => this.trace.idOf(o)).filter((x): x is string => Boolean(x));
    for (const o of this.venue.view.openOrders) if (o.customOrderId && o.exchangeOrderId) this.initialVenueIds.set(o.customOrderId, o.exchangeOrderId);

    const contexts = (initial.orderContextStore as JsonObject | undefined) ?? {};
    for (const [id, raw] of Object.entries(contexts)) {
      if (!isObject(raw) || typeof raw.slot !== 'string') throw new FixtureError(`initial.orderContextStore.${id}: needs a slot`);
      const scopeKey = this.scopeKeyOf(raw.scope);
      const status = (raw.status ?? 'active') as string;
      if (!['pending', 'active', 'terminal'].includes(status)) throw new FixtureError(`initial.orderContextStore.${id}.status: ${JSON.stringify(status)}`);
      this.initialContexts.set(id, { slot: raw.slot, scopeKey });
      await this.store.keyv.set(`ctx:${id}`, { customOrderId: id, scopeKey, slot: raw.slot, generation: 1, status, updatedAtMs: clockMs });
    }
    const pending = (initial.pendingConfirmations as Json[] | undefined) ?? [];
    for (const [i, raw] of pending.entries()) {
      if (!isObject(raw) || typeof raw.customOrderId !== 'string' || !['place', 'amend', 'cancel'].includes(raw.action as string)) {
        throw new FixtureError(`initial.pendingConfirmations[${i}]: needs customOrderId and action place|amend|cancel`);
      }
      const ctx = this.initialContexts.get(raw.customOrderId);
      this.initialPending.push({
        customOrderId: raw.customOrderId, action: raw.action as 'place', slot: (raw.slot as string | undefined) ?? ctx?.slot ?? 'SL',
        sinceMs: (raw.sinceMs as number | undefined) ?? clockMs, scopeKey: ctx?.scopeKey ?? this.fixtureKey,
      });
    }

    this.createRuntime();
    await this.drain();
    const serviceReady = account.serviceReady ?? true;
    if (serviceReady === true && !this.runtime.configRejected()) {
      // A running service is restored through the account machine: the stream opens through the
      // venue, then `account.restore` (its snapshot and contexts trusted as they stand).
      this.venue.push({ kind: 'stream', status: 'open' });
      await this.drain();
      this.runtime.root.send({ type: 'account.restore', pending: this.initialPending });
      await this.drain();
    }
  }

  private createRuntime(): void {
    const journal = new Journal(this.clock);
    // Injected: venue, clock, store, configuration, and a constant backoff jitter (the full delay).
    const runtime = new AccountRuntime({ config: this.cfg.config, venue: this.venue, store: this.store.keyv, clock: this.clock, journal, validateConfig: this.cfg.validate, jitter: () => 1 - Number.EPSILON });
    journal.subscribe((record) => {
      if (this.runtime === runtime) this.onRecord(record);
    });
    this.runtime = runtime;
    runtime.boot();
  }

  /**
   * Journal records feed the observed state (`logs`, `passes`, `requests`...) and the `@SLOT`
   * references a fixture may use (dry-run requests never reach the venue); never the forbid checks.
   */
  private onRecord(record: JournalRecord): void {
    this.records.push(record);
    const scope = record.scope as Scope | undefined;
    if (record.event === 'request_planned' && scope && record.action === 'place' && keyOfScope(scope) === this.fixtureKey) {
      const list = this.refs.get(record.slot as string) ?? [];
      list.push(record.customOrderId as string);
      this.refs.set(record.slot as string, list);
    }
  }

  /** Readiness as the account machine holds it (never the runtime's own flag). */
  private accountReady(): boolean {
    return this.runtime.readiness().service;
  }

  // ---- steps -----------------------------------------------------------------------------------

  private async step(raw: FixtureStep): Promise<void> {
    if (raw.atMs !== undefined) {
      if (typeof raw.atMs !== 'number' || raw.atMs < this.clock.now()) throw new FixtureError(`atMs ${JSON.stringify(raw.atMs)} is earlier than the clock (${this.clock.now()})`);
      this.cause = 'timer';
      await this.advanceTo(raw.atMs);
    }
    const step = this.resolveRefs(raw) as FixtureStep;
    this.cause = step.type;
    switch (step.type) {
      case 'rest_hydration':
        return this.restHydration(step);
      case 'venue_state':
        this.venue.replace(this.restPayload(this.payloadOf(step), 'payload'));
        this.venueBehaviour(this.payloadOf(step));
        return this.settle();
      case 'start': {
        const payload = (step.payload as JsonObject | undefined) ?? {};
        if (payload.privateStreamReady !== false) this.venue.push({ kind: 'stream', status: 'open' });
        await this.drain();
        this.runtime.start();
        return this.settle();
      }
      case 'private_stream':
        return this.privateStream(step.status as string);
      case 'private_event':
        return this.privateEvent(step.event);
      case 'submit_result':
        return this.submitResult(step);
      case 'planner_tick':
        return this.settle();
      case 'context_store': {
        const n = step.failWrites;
        if (typeof n !== 'number' || n < 0) throw new FixtureError(`failWrites must be a non-negative number, got ${JSON.stringify(n)}`);
        const target = step.failFor;
        if (target !== undefined) {
          if (!isObject(target) || (typeof target.slot !== 'string' && typeof target.customOrderId !== 'string')) {
            throw new FixtureError('failFor must be {slot} or {customOrderId}');
          }
          this.store.map.failFor(n, { slot: target.slot as string | undefined, customOrderId: target.customOrderId as string | undefined });
        } else this.store.map.failWrites = n;
        return this.settle();
      }
      case 'venue_fault':
        this.venue.script.arm(readFault(step));
        return this.settle();
      case 'venue_hold':
        this.venue.script.holdNext(readCall(step.call, false), typeof step.count === 'number' ? step.count : 1);
        return this.settle();
      case 'venue_release':
        if (!this.venue.script.release(readCall(step.call, false))) throw new FixtureError(`venue_release: no ${String(step.call)} is held`);
        return this.settle();
      case 'command': {
        if (step.name !== 'status' && step.name !== 'doctor') throw new FixtureError(`unknown command ${JSON.stringify(step.name)}`);
        this.inCommand = true;
        try {
          const result = this.runtime.command(step.name);
          this.commands.push(result);
          await this.drain();
        } finally {
          this.inCommand = false;
        }
        return this.settle();
      }
      case 'restart':
        this.trace.add({ t: 'restart', atMs: this.clock.now() });
        await this.runtime.stop();
        this.venue.reopenStream();
        this.createRuntime();
        return this.settle();
      default:
        throw new FixtureError(`unknown step type ${JSON.stringify(step.type)}`);
    }
  }

  private async restHydration(step: FixtureStep): Promise<void> {
    const subject = step.subject;
    this.venue.replace(this.restPayload(this.payloadOf(step), 'payload'));
    this.venueBehaviour(this.payloadOf(step));
    if (subject === 'startup') {
      this.runtime.hydrate();
    } else if (subject === 'reconnect') {
      this.runtime.root.send({ type: 'account.resync', reason: 'explicit_reconnect' });
    } else if (subject === 'recovery') {
      this.runtime.root.send({ type: 'scope.recover', scopeKey: step.scope === undefined ? this.fixtureKey : this.scopeKeyOf(step.scope), reason: 'explicit_recovery' });
    } else {
      throw new FixtureError(`rest_hydration.subject must be startup, reconnect or recovery, got ${JSON.stringify(subject)}`);
    }
    return this.settle();
  }

  private async privateStream(status: string): Promise<void> {
    if (status === 'open' || status === 'reconnected') this.venue.push({ kind: 'stream', status: 'open' });
    else if (status === 'disconnected') this.venue.push({ kind: 'stream', status: 'closed', reason: 'disconnected' });
    else throw new FixtureError(`private_stream.status must be open, disconnected or reconnected, got ${JSON.stringify(status)}`);
    this.trace.add({ t: 'stream', status: status as 'open', atMs: this.clock.now() });
    return this.settle();
  }

  private async privateEvent(event: Json | undefined): Promise<void> {
    if (!isObject(event)) throw new FixtureError('private_event.event must be an object');
    let row: PrivateRow;
    try {
      row = this.parseEvent(event);
    } catch (error) {
      // A malformed figure ("NaN", "", "1e") reaches the runtime as the ccxt adapter would hand it
      // over: a malformed stream item naming the field. Anything else is a fixture error.
      if (!(error instanceof RowParseError) || !MALFORMED_VALUE.test(error.reason)) throw error;
      this.trace.add({ t: 'event', kind: 'malformed', terminal: false, atMs: this.clock.now() });
      this.venue.push({ kind: 'malformed', reason: `${event.kind}: ${error.message}` });
      return this.settle();
    }
    if (row.kind === 'order' || row.kind === 'execution') {
      this.trace.add({
        t: 'event', kind: row.kind, symbol: row.symbol, customOrderId: row.customOrderId, exchangeOrderId: row.exchangeOrderId,
        status: row.kind === 'order' ? row.status : undefined, terminal: row.kind === 'order' && TERMINAL_STATUSES.has(row.status), atMs: this.clock.now(),
      });
    } else this.trace.add({ t: 'event', kind: row.kind, terminal: false, atMs: this.clock.now() });
    this.venue.push(row);
    return this.settle();
  }

  private parseEvent(event: JsonObject): PrivateRow {
    switch (event.kind) {
      case 'order':
        if (event.status === undefined) throw new FixtureError('an order event needs a status');
        return parseOrderRow(event, this.defaults, 'event');
      case 'execution':
        return parseExecutionRow(event, this.defaults, 'event');
      case 'position':
        return parsePositionRow(event, this.defaults, 'event');
      case 'balance':
        return parseBalanceRow(event, 'event');
      default:
        throw new FixtureError(`unknown event kind ${JSON.stringify(event.kind)}`);
    }
  }

  private async submitResult(step: FixtureStep): Promise<void> {
    const match = (step.match as JsonObject | undefined) ?? {};
    const fits = (m: VenueMutation) =>
      (match.action === undefined || match.action === m.action) &&
      (match.slot === undefined || match.slot === m.slot) &&
      (match.customOrderId === undefined || match.customOrderId === m.customOrderId);
    let outcome: SubmitOutcome;
    switch (step.outcome) {
      case 'accepted':
        outcome = { kind: 'accepted', ...(step.exchangeOrderId !== undefined ? { exchangeOrderId: String(step.exchangeOrderId) } : {}) };
        break;
      case 'rejected':
        outcome = {
          kind: 'rejected', ...(step.code !== undefined ? { code: step.code as string | number } : {}), ...(step.message !== undefined ? { message: String(step.message) } : {}),
          ...(step.httpStatus !== undefined ? { httpStatus: Number(step.httpStatus) } : {}),
        };
        break;
      case 'timeout':
      case 'network_error':
        outcome = { kind: 'unknown', reason: step.outcome };
        break;
      default:
        throw new FixtureError(`submit_result.outcome must be accepted, rejected, timeout or network_error, got ${JSON.stringify(step.outcome)}`);
    }
    if (step.applied !== undefined && typeof step.applied !== 'boolean') throw new FixtureError(`submit_result.applied must be true or false, got ${JSON.stringify(step.applied)}`);
    const answered = this.venue.answer(fits, outcome, step.applied === true);
    if (!answered) throw new FixtureError(`no unanswered submission matches ${JSON.stringify(match)}`);
    const exchangeOrderId = this.venue.view.openOrders.find((o) => o.customOrderId === answered.mutation.customOrderId)?.exchangeOrderId;
    if (exchangeOrderId) this.trace.customIdByExchangeId.set(exchangeOrderId, answered.mutation.customOrderId);
    this.trace.add({
      t: 'answer', seq: answered.seq, action: answered.mutation.action, customOrderId: answered.mutation.customOrderId, ...(exchangeOrderId ? { exchangeOrderId } : {}),
      outcome: step.outcome as string, ...(step.code !== undefined ? { code: step.code as string | number } : {}),
      ...(step.httpStatus !== undefined ? { httpStatus: Number(step.httpStatus) } : {}), atMs: this.clock.now(),
    });
    return this.settle();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private payloadOf(step: FixtureStep): JsonObject {
    const payload = step.payload ?? {};
    if (!isObject(payload)) throw new FixtureError('payload must be an object');
    return payload;
  }

  /**
   * Venue behaviour a payload may set besides its REST view: `lookupFailures: N` fails the next N
   * lookups by custom id or fill-history reads; `forgetOrders: [id]` makes lookups answer
   * "absent" for those orders, as Binance does once a finished order passes its retention window.
   */
  private venueBehaviour(p: JsonObject): void {
    if (p.marks !== undefined) {
      if (!isObject(p.marks)) throw new FixtureError('payload.marks must be an object: symbol -> mark price');
      for (const [symbol, price] of Object.entries(p.marks)) {
        try {
          this.venue.marks.set(symbol, parseDecimal(price, `payload.marks.${symbol}`));
        } catch (error) {
          throw new FixtureError((error as Error).message);
        }
      }
    }
    if (p.retentionMs !== undefined) {
      if (typeof p.retentionMs !== 'number' || p.retentionMs < 0) throw new FixtureError(`payload.retentionMs must be a non-negative number, got ${JSON.stringify(p.retentionMs)}`);
      this.venue.retentionMs = p.retentionMs;
    }
    if (p.lookupFailures !== undefined) {
      if (typeof p.lookupFailures !== 'number' || !Number.isInteger(p.lookupFailures) || p.lookupFailures < 0) {
        throw new FixtureError(`payload.lookupFailures must be a non-negative integer, got ${JSON.stringify(p.lookupFailures)}`);
      }
      this.venue.lookupFailures = p.lookupFailures;
    }
    if (p.closedOrders !== undefined) {
      if (!Array.isArray(p.closedOrders)) throw new FixtureError('payload.closedOrders must be an array of ORDER rows with a terminal status');
      this.venue.closeOrders(p.closedOrders.map((r, i) => parseOrderRow(r, this.defaults, `payload.closedOrders[${i}]`)));
    }
    if (p.forgetOrders !== undefined) {
      if (!Array.isArray(p.forgetOrders) || p.forgetOrders.some((x) => typeof x !== 'string')) {
        throw new FixtureError(`payload.forgetOrders must be an array of custom ids, got ${JSON.stringify(p.forgetOrders)}`);
      }
      for (const id of p.forgetOrders as string[]) this.venue.forgotten.add(id);
    }
  }

  private restPayload(p: JsonObject, where: string): Partial<RestView> {
    const out: Partial<RestView> = {};
    const list = (v: Json | undefined, name: string): Json[] => {
      if (!Array.isArray(v)) throw new FixtureError(`${where}.${name} must be an array`);
      return v;
    };
    if (p.positions !== undefined) out.positions = list(p.positions, 'positions').map((r, i) => parsePositionRow(r, this.defaults, `${where}.positions[${i}]`));
    if (p.openOrders !== undefined) out.openOrders = list(p.openOrders, 'openOrders').map((r, i) => parseOrderRow(r, this.defaults, `${where}.openOrders[${i}]`));
    if (p.balances !== undefined) out.balances = list(p.balances, 'balances').map((r, i) => parseBalanceRow(r, `${where}.balances[${i}]`));
    if (p.fills !== undefined) out.fills = list(p.fills, 'fills').map((r, i) => parseExecutionRow(r, this.defaults, `${where}.fills[${i}]`));
    if (p.filters !== undefined) {
      if (!isObject(p.filters)) throw new FixtureError(`${where}.filters must be an object keyed by symbol`);
      out.filters = Object.fromEntries(Object.entries(p.filters).map(([s, f]) => [s, parseFilters(f, `${where}.filters.${s}`)]));
    }
    return out;
  }

  private scopeKeyOf(raw: Json | undefined): string {
    if (raw === undefined) return this.fixtureKey;
    if (typeof raw === 'string') {
      parseScopeKey(raw);
      return raw;
    }
    if (!isObject(raw)) throw new FixtureError(`scope must be an object or a scope key, got ${JSON.stringify(raw)}`);
    return keyOfScope({ ...this.fx.scope, ...(raw as unknown as Partial<Scope>) });
  }

  private resolveRefs(value: Json): Json {
    if (typeof value === 'string' && value.startsWith('@')) return this.resolveRef(value);
    if (Array.isArray(value)) return value.map((v) => this.resolveRefs(v));
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolveRefs(v)]));
    return value;
  }

  private resolveRef(ref: string): string {
    const m = /^@([A-Z]+\d*)(?:#(\d+))?$/.exec(ref);
    if (!m) throw new FixtureError(`malformed reference ${JSON.stringify(ref)}`);
    const ids = this.refs.get(m[1]!) ?? [];
    const id = m[2] === undefined ? ids[ids.length - 1] : ids[Number(m[2]) - 1];
    if (!id) throw new FixtureError(`reference ${ref}: the runtime made no such request for slot ${m[1]} in the fixture scope`);
    return id;
  }

  /** Steps run to quiescence at the current time, timers due now included. */
  private async settle(): Promise<void> {
    await this.drain();
    await this.advanceTo(this.clock.now());
  }

  private async advanceTo(target: number): Promise<void> {
    for (let guard = 0; guard < 100_000; guard++) {
      const next = this.clock.nextDueAt();
      if (next === undefined || next > target) break;
      this.clock.set(Math.max(next, this.clock.now()));
      await this.drain();
    }
    if (target > this.clock.now()) this.clock.set(target);
    await this.drain();
  }

  private async drain(): Promise<void> {
    let idle = 0;
    let last = -1;
    for (let i = 0; i < 10_000 && idle < 3; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const marker = this.records.length * 1_000_003 + this.venue.submissions.length * 7919 + this.store.map.size;
      if (marker === last) idle++;
      else {
        idle = 0;
        last = marker;
      }
    }
  }
}


/** Every symbol a fixture mentions anywhere: harness default filters cover all of them. */
function symbolsIn(value: Json): Set<string> {
  const out = new Set<string>();
  const walk = (v: Json) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'symbol' && typeof x === 'string') out.add(x);
        else if (k === 'configuredSymbols' && Array.isArray(x)) x.forEach((s) => typeof s === 'string' && out.add(s));
        else walk(x);
      }
    }
  };
  walk(value);
  return out;
}

/** Parse failures that mean "a malformed figure", delivered to the runtime rather than refused. */
const MALFORMED_VALUE = /not a decimal number|not a finite number|expected a decimal string/;

function readCall(value: unknown, allowSubmission: boolean): VenueCall {
  const calls = allowSubmission ? VENUE_CALLS : VENUE_CALLS.filter((c) => c !== 'submission');
  if (typeof value !== 'string' || !(calls as readonly string[]).includes(value)) throw new FixtureError(`call must be one of ${calls.join(', ')}, got ${JSON.stringify(value)}`);
  return value as VenueCall;
}

function readFault(step: FixtureStep): ArmedFault {
  const call = readCall(step.call, true);
  if (typeof step.fault !== 'string' || !(FAULT_KINDS as readonly string[]).includes(step.fault)) throw new FixtureError(`venue_fault.fault must be one of ${FAULT_KINDS.join(', ')}, got ${JSON.stringify(step.fault)}`);
  const count = step.count ?? 1;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw new FixtureError(`venue_fault.count must be a positive integer, got ${JSON.stringify(count)}`);
  const match = (step.match ?? {}) as JsonObject;
  if (call !== 'submission' && (step.match !== undefined || step.applied !== undefined)) throw new FixtureError('venue_fault: match and applied apply to submissions only');
  return {
    call, kind: step.fault as FaultKind, remaining: count,
    ...(typeof step.code === 'number' ? { code: step.code } : {}),
    ...(typeof step.httpStatus === 'number' ? { httpStatus: step.httpStatus } : {}),
    ...(step.applied === true ? { applied: true } : {}),
    ...(typeof match.action === 'string' ? { action: match.action } : {}),
    ...(typeof match.slot === 'string' ? { slot: match.slot } : {}),
  };
}
