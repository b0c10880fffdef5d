// SubmissionExecutor: for each request of a pass, write the order context durably FIRST (a
// failed write blocks that request), register it as pending, send all requests of the pass
// concurrently (SL and TP go together), then classify what the venue said. An exception or a
// timeout is an UNKNOWN outcome: the slot is never rolled back and nothing is re-sent before a
// lookup by custom id.
import type { SubmitNext } from '../../machines/scope.machine.js';
import { classifyVenueError } from '../domain/error-classifier.js';
import { dcaStepOf } from '../domain/strategy.js';
import { plainOrderFields } from '../domain/order-intent.js';
import type { ScopeKey } from '../domain/scope.js';
import type { SubmitOutcome, VenueMutation } from '../venues/port.js';
import { ContextWriteError, type StoredIntent } from './order-context-store.js';
import { describeRequest, type PlannedRequest } from './pass-runner.js';
import { scrubText } from './redact.js';
import { pendingKey } from './confirmation-tracker.js';
import type { RuntimeCore } from './runtime-core.js';
import { writesEnabled } from './runtime-config.js';

type RequestResult = 'sent' | 'unknown' | 'retry' | 'blocked' | 'unplaceable' | 'skipped' | 'partner_refused';

/** Whether a refusal says the market does not allow the order now (numbers and refined strings alike). */
function isMarketStateCode(codes: readonly (number | string)[], code: string | number | undefined): boolean {
  return code !== undefined && codes.some((c) => String(c) === String(code));
}

/** How long RATE_LIMITED lasts when the venue gave no Retry-After (a limiter window is seconds). */
const RATE_LIMIT_LAPSE_MS = 10_000;

/** A place in a DCA slot adds exposure; everything else protects or cleans up. */
function increasesExposure(r: PlannedRequest): boolean {
  return r.mutation.action === 'place' && dcaStepOf(r.mutation.slot) !== undefined;
}

export interface SubmitResult {
  next: SubmitNext;
  /** The venue's Retry-After, honoured by the scope's next backoff. */
  retryAfterMs?: number;
}

export class SubmissionExecutor {
  /** Requests whose venue call has not answered yet: a stopping account waits for them. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The timer that ends RATE_LIMITED when the venue's limit has reset. */
  private rateLimitLapse: unknown;

  constructor(private readonly core: RuntimeCore) {}

  async submitPlanned(key: ScopeKey, requests: readonly PlannedRequest[]): Promise<SubmitResult> {
    let retryAfterMs: number | undefined;
    const onRetryAfter = (ms: number) => (retryAfterMs = Math.max(retryAfterMs ?? 0, ms));
    const { singles, pairs } = this.pairProtection(requests);
    const results = (await Promise.all([
      ...singles.map((r) => this.submitOne(r, onRetryAfter).then((one) => [one])),
      ...pairs.map(([first, second]) => this.submitPair(first, second, onRetryAfter)),
    ])).flat();
    if (results.includes('unknown')) return { next: 'recover' };
    if (results.includes('retry')) return { next: 'retry', ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    // A list refused for one leg: the other leg goes out alone at once (the pass it asked for),
    // before the scope settles into watching the mark for the refused one.
    if (results.includes('partner_refused')) return { next: 'done' };
    if (results.includes('unplaceable')) return { next: 'unplaceable' };
    if (this.core.tracker.ofScope(key).length > 0) return { next: 'await_confirmation' };
    return { next: 'done' };
  }

  /** Settles when every venue call already sent has answered (or failed). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Issue 14: where the venue's protection is one order list (capability `protectionOrderList`),
   * the SL and TP of one pass with the same action (both places, or both cancels) go out as ONE
   * venue request. Every other request (and every request on other venues) goes out alone.
   */
  private pairProtection(requests: readonly PlannedRequest[]): { singles: PlannedRequest[]; pairs: Array<[PlannedRequest, PlannedRequest]> } {
    if (!this.core.venueRules.capabilities.protectionOrderList) return { singles: [...requests], pairs: [] };
    const pairs: Array<[PlannedRequest, PlannedRequest]> = [];
    const used = new Set<PlannedRequest>();
    for (const sl of requests) {
      if (sl.mutation.slot !== 'SL' || (sl.mutation.action !== 'place' && sl.mutation.action !== 'cancel')) continue;
      // A market close (the unplaceable fallback) is no list leg: it goes out alone.
      if (sl.mutation.action === 'place' && sl.mutation.intent.type === 'MARKET') continue;
      const tp = requests.find((r) => !used.has(r) && r.mutation.slot === 'TP' && r.mutation.action === sl.mutation.action && r.scopeKey === sl.scopeKey);
      if (!tp) continue;
      used.add(sl);
      used.add(tp);
      pairs.push([sl, tp]);
    }
    return { singles: requests.filter((r) => !used.has(r)), pairs };
  }

  /**
   * One venue request for two legs (issue 14): both contexts are written first (a failed write
   * sends nothing), both are pending, and the one outcome applies to each leg: an unknown outcome
   * leaves both unknown (recovery looks both up by custom id; nothing is sent again before).
   */
  private async submitPair(first: PlannedRequest, second: PlannedRequest, retryAfter: (ms: number) => void): Promise<RequestResult[]> {
    const { core } = this;
    if (!this.gatesOpen(first) || !this.gatesOpen(second)) return ['skipped', 'skipped'];
    for (const r of [first, second]) if (!(await this.contextWritten(r))) return ['retry', 'retry'];
    const keys = [first, second].map((r) => this.registerSent(r));
    const outcome = await this.send({
      action: first.mutation.action, scope: core.scopeOf(first.scopeKey), slot: first.mutation.slot, customOrderId: first.customOrderId,
      exchangeOrderId: first.exchangeOrderId, intent: first.mutation.intent,
      paired: { slot: second.mutation.slot, customOrderId: second.customOrderId, ...(second.exchangeOrderId ? { exchangeOrderId: second.exchangeOrderId } : {}), intent: second.mutation.intent },
    }, retryAfter);
    const secondOutcome: SubmitOutcome = outcome.kind === 'accepted'
      ? { kind: 'accepted', ...(outcome.pairedExchangeOrderId ? { exchangeOrderId: outcome.pairedExchangeOrderId } : {}) }
      : outcome;
    if (outcome.kind === 'rejected' && outcome.refusedSlot !== undefined) {
      // The list was refused because of one leg (a level the market already passed): that leg is
      // unplaceable for now; the other was not placed but is fine, and the next pass places it alone.
      const [refused, partner] = first.mutation.slot === outcome.refusedSlot ? [0, 1] as const : [1, 0] as const;
      const legs = [first, second];
      return refused === 0
        ? [this.onOutcome(first, keys[0]!, outcome), this.partnerRefused(legs[partner]!, keys[partner]!, outcome)]
        : [this.partnerRefused(legs[partner]!, keys[partner]!, outcome), this.onOutcome(second, keys[1]!, outcome)];
    }
    return [this.onOutcome(first, keys[0]!, outcome), this.onOutcome(second, keys[1]!, secondOutcome)];
  }

  /** The leg of a refused list that was not at fault: not placed, nothing blocked, placed again by the next pass. */
  private partnerRefused(r: PlannedRequest, key: string, outcome: SubmitOutcome & { kind: 'rejected' }): RequestResult {
    const { core } = this;
    core.tracker.resolve(key, 'rejected');
    void core.advanceOrder(r.customOrderId, { kind: 'rest_rejected' });
    core.journal.record('submission_rejected', {
      scope: core.scopeOf(r.scopeKey), action: r.mutation.action, slot: r.mutation.slot, customOrderId: r.customOrderId, code: outcome.code,
      message: `not placed: its list partner ${String(outcome.refusedSlot)} was refused`,
    });
    core.affect(r.scopeKey, 'list_partner_refused');
    return 'partner_refused';
  }

  /** The final gates of a request, checked at the moment of sending (journaled when closed). */
  private gatesOpen(r: PlannedRequest): boolean {
    const { core } = this;
    const scope = core.scopeOf(r.scopeKey);
    const { action, slot } = r.mutation;
    if (!writesEnabled(core.config) || !core.state.serviceReady) {
      core.journal.record('submission_withheld', { scope, action, slot, customOrderId: r.customOrderId, reason: 'gates_closed' });
      return false;
    }
    if (core.writeFence && !core.writeFence.safeToSubmit()) {
      // The lease may run out before this request lands: another process may own the account by then.
      core.modes.raise('LEASE_LOST', 'the account lease has less than its safety margin left');
      core.journal.record('submission_withheld', { scope, action, slot, customOrderId: r.customOrderId, reason: 'lease_unsafe' });
      return false;
    }
    if (!core.modes.writesAllowed() || (increasesExposure(r) && !core.modes.exposureAllowed())) {
      core.journal.record('submission_withheld', { scope, action, slot, customOrderId: r.customOrderId, reason: `mode_${core.modes.mode().toLowerCase()}` });
      return false;
    }
    return true;
  }

  /** Writes the request's context before anything is sent; a failed write blocks the slot and sends nothing. */
  private async contextWritten(r: PlannedRequest): Promise<boolean> {
    const { core } = this;
    try {
      await this.writeContext(r);
      return true;
    } catch (error) {
      const scope = core.scopeOf(r.scopeKey);
      const reason = error instanceof ContextWriteError ? 'context_write_failed' : 'context_write_error';
      core.journal.record('context_write_failed', { scope, slot: r.mutation.slot, customOrderId: r.customOrderId, reason: String((error as Error).message) });
      core.journal.record('block', { scope, slot: r.mutation.slot, reason });
      return false;
    }
  }

  private async submitOne(r: PlannedRequest, retryAfter: (ms: number) => void): Promise<RequestResult> {
    const { core } = this;
    const scope = core.scopeOf(r.scopeKey);
    const { action, slot } = r.mutation;
    // Final gates: execution mode, readiness and the system mode are checked again at the moment
    // of sending. PAUSED sends nothing; DEGRADED sends no new exposure.
    if (!this.gatesOpen(r)) return 'skipped';
    if (!(await this.contextWritten(r))) return 'retry';
    const key = this.registerSent(r);
    const outcome = await this.send({ action, scope, slot, customOrderId: r.customOrderId, exchangeOrderId: r.exchangeOrderId, intent: r.mutation.intent }, retryAfter);
    return this.onOutcome(r, key, outcome);
  }

  /** The request is in flight from now on (pending, journaled as sent); gives its pending key. */
  private registerSent(r: PlannedRequest): string {
    const { core } = this;
    const { action, slot } = r.mutation;
    core.tracker.register({ scopeKey: r.scopeKey, action, slot, customOrderId: r.customOrderId, state: 'in_flight', sinceMs: core.clock.now(), intent: r.mutation.intent });
    core.journal.record('submission_sent', describeRequest(core, r));
    return pendingKey(action, r.customOrderId);
  }

  /** One venue call (a single order or a list): a throw is an UNKNOWN outcome, never a rollback; a Retry-After is passed on. */
  private async send(mutation: VenueMutation, retryAfter: (ms: number) => void): Promise<SubmitOutcome> {
    let outcome: SubmitOutcome;
    const call = this.core.venue.submit(mutation);
    this.inFlight.add(call);
    try {
      outcome = await call;
    } catch (error) {
      outcome = { kind: 'unknown', reason: scrubText(String((error as Error)?.message ?? error)) };
    } finally {
      this.inFlight.delete(call);
    }
    if (outcome.kind === 'rejected' && outcome.retryAfterMs !== undefined) retryAfter(outcome.retryAfterMs);
    return outcome;
  }

  private async writeContext(r: PlannedRequest): Promise<void> {
    const { core } = this;
    const now = core.clock.now();
    const request: StoredIntent = plainOrderFields(r.mutation.intent);
    if (r.mutation.action === 'place') {
      await core.contexts.put({
        customOrderId: r.customOrderId, scopeKey: r.scopeKey, slot: r.mutation.slot,
        generation: core.contexts.nextGeneration(r.scopeKey, r.mutation.slot), request, status: 'pending', lifecycle: 'submitting',
        life: core.contexts.lifeOf(r.scopeKey), createdAtMs: now, updatedAtMs: now,
      });
    } else {
      const current = core.contexts.get(r.customOrderId);
      if (!current) throw new ContextWriteError(r.customOrderId, new Error('no context for the target order'));
      // Amend and cancel record what is being asked before asking it, so a restart knows.
      await core.contexts.put({ ...current, ...(r.mutation.action === 'amend' ? { request } : {}), updatedAtMs: now });
    }
  }

  private onOutcome(r: PlannedRequest, key: string, outcome: SubmitOutcome): RequestResult {
    const { core } = this;
    const scope = core.scopeOf(r.scopeKey);
    const { action, slot } = r.mutation;
    this.noteModeEvidence(outcome);
    if (outcome.kind === 'accepted') {
      if (action === 'place') void core.advanceOrder(r.customOrderId, { kind: 'rest_accepted' }, { exchangeOrderId: outcome.exchangeOrderId });
      // A private confirmation that beat the answer resolves the entry now (the row already moved the context).
      core.tracker.accepted(key);
      return 'sent';
    }
    if (outcome.kind === 'unknown') return this.unknown(r, key, outcome.reason);

    const targetTerminal = action !== 'place' && core.state.terminalStatusOf({ customOrderId: r.customOrderId, exchangeOrderId: r.exchangeOrderId }) !== undefined;
    const cls = classifyVenueError(core.venueRules.errors, { action, code: outcome.code, httpStatus: outcome.httpStatus, targetTerminal });
    const code = outcome.code;
    switch (cls) {
      case 'benign_race':
        core.tracker.resolve(key, 'benign_race');
        core.journal.record('benign_race', { scope, action, slot, customOrderId: r.customOrderId, code });
        return 'sent';
      case 'retry':
        // Refused before processing (rate limit, timestamp window): nothing was applied.
        core.tracker.resolve(key, 'rejected');
        if (action === 'place') void core.advanceOrder(r.customOrderId, { kind: 'rest_rejected' });
        core.journal.record('submission_rate_limited', { scope, action, slot, customOrderId: r.customOrderId, code, retryAfterMs: outcome.retryAfterMs });
        return 'retry';
      case 'unknown':
      case 'lookup':
        return this.unknown(r, key, cls === 'lookup' ? `duplicate_client_id:${code}` : `venue_error:${code ?? outcome.httpStatus}`);
      case 'block':
      default:
        // Only a documented, definite rejection ends a context (lesson 13).
        core.tracker.resolve(key, 'rejected');
        if (action === 'place') void core.advanceOrder(r.customOrderId, { kind: 'rest_rejected' });
        core.journal.record('submission_rejected', { scope, action, slot, customOrderId: r.customOrderId, code, message: outcome.message });
        if (action === 'place' && (slot === 'SL' || slot === 'TP') && isMarketStateCode(core.venueRules.marketStateCodes, code)) {
          // Protection that cannot be placed now is never left silently (lesson 18).
          if (!core.unplaceable.has(r.scopeKey)) core.unplaceable.set(r.scopeKey, { slot, code: String(code), sinceMs: core.clock.now() });
          core.journal.record('protection_unplaceable', { scope, slot, code, fallback: core.config.protectionFallback ?? 'alert' });
          if (core.config.protectionFallback === 'close') {
            // The operator chose to close rather than wait: the next pass closes the position.
            core.modes.raise('PROTECTION_UNPLACEABLE', `${slot} of ${r.scopeKey} refused by the venue (${code}): closing the position`);
            core.affect(r.scopeKey, 'protection_fallback_close');
            return 'blocked';
          }
          core.modes.raise('PROTECTION_UNPLACEABLE', `${slot} of ${r.scopeKey} refused by the venue (${code}): watching the mark`);
          return 'unplaceable';
        }
        core.journal.record('block', { scope, slot, reason: 'venue_rejected', code });
        return 'blocked';
    }
  }

  private unknown(r: PlannedRequest, key: string, reason: string): RequestResult {
    const { core } = this;
    const pending = core.tracker.get(key);
    if (pending?.earlyConfirmed) {
      // The private stream already showed the order: the outcome is known, no recovery needed.
      core.journal.record('submission_unknown', { scope: core.scopeOf(r.scopeKey), action: r.mutation.action, slot: r.mutation.slot, customOrderId: r.customOrderId, reason, resolvedBy: 'private_confirmation' });
      core.tracker.resolve(key, 'confirmed');
      return 'sent';
    }
    // The order may exist: keep the pending entry (as unknown) so nothing re-sends the slot, and
    // say so durably, so a restart looks it up too.
    if (core.tracker.get(key)) core.tracker.markUnknown(key);
    if (r.mutation.action === 'place') void core.advanceOrder(r.customOrderId, { kind: 'rest_unknown' });
    core.journal.record('submission_unknown', { scope: core.scopeOf(r.scopeKey), action: r.mutation.action, slot: r.mutation.slot, customOrderId: r.customOrderId, reason });
    if (core.tracker.get(key)) core.requireRecovery(r.scopeKey, 'unknown_outcome');
    return core.tracker.get(key) ? 'unknown' : 'sent';
  }

  /**
   * What an answer says about the account's mode: refused credentials or signature pause it, a
   * rejected timestamp means clock skew, a rate limit degrades it; an accepted call clears them.
   */
  private noteModeEvidence(outcome: SubmitOutcome): void {
    const { modes } = this.core;
    const evidence = this.core.venueRules.modeEvidence;
    if (outcome.kind === 'accepted') {
      for (const reason of ['AUTH_FAILED', 'CLOCK_SKEW', 'RATE_LIMITED'] as const) modes.clear(reason);
      return;
    }
    if (outcome.kind !== 'rejected') return;
    const code = Number(outcome.code);
    const status = outcome.httpStatus;
    if (evidence.authCodes.includes(code) || (status !== undefined && evidence.authHttpStatuses.includes(status))) modes.raise('AUTH_FAILED', `venue refused the credentials (${outcome.code ?? status})`);
    else if (evidence.clockSkewCodes.includes(code)) modes.raise('CLOCK_SKEW', `venue rejected the request timestamp (${code})`);
    else if ((status !== undefined && evidence.rateLimitHttpStatuses.includes(status)) || evidence.rateLimitCodes.includes(code)) {
      modes.raise('RATE_LIMITED', `rate limited (${status ?? outcome.code})`);
      this.lapseRateLimit(outcome.retryAfterMs);
    }
  }

  /**
   * RATE_LIMITED lasts until the limiter's reset (its Retry-After), not until the next accepted
   * write: in DEGRADED only protection is sent, so a DCA step that was the one held back would
   * otherwise keep the account degraded (and itself unsent) for ever.
   */
  private lapseRateLimit(retryAfterMs: number | undefined): void {
    const { core } = this;
    if (this.rateLimitLapse !== undefined) core.clock.clearTimeout(this.rateLimitLapse);
    this.rateLimitLapse = core.clock.setTimeout(() => {
      this.rateLimitLapse = undefined;
      core.modes.clear('RATE_LIMITED');
    }, Math.max(1, retryAfterMs ?? RATE_LIMIT_LAPSE_MS));
    // A pending lapse must not keep a stopping process alive.
    (this.rateLimitLapse as { unref?: () => void } | undefined)?.unref?.();
  }

}
