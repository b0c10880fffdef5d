// One workflow pass of one scope: settled view -> planner -> journaled decision and requests.
// Requests are built here (custom ids for new orders) and handed to the SubmissionExecutor only
// when the mode and readiness gates allow a venue write; otherwise they are dry-run candidates.
import { plainOrderFields } from '../domain/order-intent.js';
import type { Mutation } from '../domain/planner.js';
import { planScope } from '../domain/planner.js';
import type { ScopeKey } from '../domain/scope.js';
import type { PassNext } from '../../machines/scope.machine.js';
import { newCustomOrderId } from './custom-id.js';
import type { JournalFields } from './journal-catalogue.js';
import type { RuntimeCore } from './runtime-core.js';
import { writesEnabled } from './runtime-config.js';
import { buildScopeView } from './scope-view.js';

export interface PlannedRequest {
  scopeKey: ScopeKey;
  mutation: Mutation;
  customOrderId: string;
  exchangeOrderId?: string;
}

export interface PassResult {
  next: PassNext;
  /** The requests for the submitter when `next` is `submit` (they travel in the scope machine's context). */
  requests?: PlannedRequest[];
}

export class PassRunner {
  private passSeq = 0;

  constructor(private readonly core: RuntimeCore) {}

  run(key: ScopeKey, reasons: readonly string[]): PassResult {
    const { core } = this;
    const view = buildScopeView(core, key);
    const plan = planScope(view);
    const scope = core.scopeOf(key);
    const passId = ++this.passSeq;
    core.journal.record('workflow_pass', { scope, actionFamily: plan.family, reason: reasons[0], reasons, passId, ...(plan.note ? { note: plan.note } : {}) });
    for (const block of plan.blocks) core.journal.record('block', { scope, ...(block.slot ? { slot: block.slot } : {}), reason: block.reason, passId });
    if (plan.family === 'recovery') return { next: 'recover' };
    if (plan.mutations.length === 0) {
      if (plan.blocks.some((b) => b.reason === 'protection_unplaceable')) return { next: 'unplaceable' };
      return { next: plan.family === 'blocked' ? 'blocked' : 'done' };
    }

    const wouldSubmit = writesEnabled(core.config) && core.state.serviceReady;
    const requests = plan.mutations.map((mutation): PlannedRequest => {
      const customOrderId = mutation.action === 'place' ? newCustomOrderId() : mutation.target;
      const exchangeOrderId = mutation.action === 'place' ? undefined : core.state.findOrder({ customOrderId })?.row.exchangeOrderId;
      return { scopeKey: key, mutation, customOrderId, exchangeOrderId };
    });
    for (const r of requests) core.journal.record('request_planned', { ...describeRequest(core, r), wouldSubmit, passId });
    if (!wouldSubmit) {
      if (writesEnabled(core.config)) core.deferredForReadiness.add(key);
      return { next: 'done' };
    }
    return { next: 'submit', requests };
  }
}

/** The request as journaled and observed: decimals as canonical strings. */
export function describeRequest(core: RuntimeCore, r: PlannedRequest): JournalFields<'submission_sent'> {
  return {
    scope: core.scopeOf(r.scopeKey), action: r.mutation.action, slot: r.mutation.slot, customOrderId: r.customOrderId,
    ...plainOrderFields(r.mutation.intent),
  };
}
