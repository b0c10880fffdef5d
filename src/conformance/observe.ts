// The observed state a fixture's `expect` is matched against (CONFORMANCE.md, "Observed state").
import { canon } from '../domain/decimal.js';
import { plainOrderFields } from '../domain/order-intent.js';
import { parseScopeKey, scopeKey as keyOfScope, type Scope } from '../domain/scope.js';
import type { AccountRuntime } from '../runtime/account-runtime.js';
import type { JournalRecord } from '../runtime/journal.js';
import type { ScriptedVenue } from './scripted-venue.js';
import { describeRequest } from '../runtime/pass-runner.js';

type Obj = Record<string, unknown>;

export interface Observed {
  affectedScopes: Scope[];
  actionFamily: string | null;
  passes: Obj[];
  requests: Obj[];
  submissions: Obj[];
  pendingConfirmations: Obj[];
  contexts: Obj[];
  hydrations: Obj[];
  blocks: Obj[];
  logs: Obj[];
  accountState: { serviceReady: boolean; privateStreamReady: boolean; positions: Obj[]; openOrders: Obj[]; recoveryRequired: Scope[]; trust: Record<string, unknown> };
  commands: Array<{ name: string; ok: boolean; output: unknown }>;
  requestCounts: Record<string, number>;
  submissionCounts: Record<string, number>;
  violations: string[];
}

export interface ObserveInput {
  records: JournalRecord[];
  runtime: AccountRuntime;
  venue: ScriptedVenue;
  fixtureKey: string;
  commands: Array<{ name: string; ok: boolean; output: unknown }>;
  expectedCountKeys: { requestCounts: string[]; submissionCounts: string[] };
}

const REQUEST_KEYS = ['scope', 'action', 'slot', 'customOrderId', 'side', 'type', 'price', 'triggerPrice', 'qty', 'reduceOnly', 'closePosition'];

export function observe(input: ObserveInput): Observed {
  const { records, runtime, fixtureKey } = input;
  const core = runtime.core;
  const of = (event: string) => records.filter((r) => r.event === event);

  const affected: Scope[] = [];
  const seen = new Set<string>();
  for (const r of of('scope_affected')) {
    const key = keyOfScope(r.scope as Scope);
    if (!seen.has(key)) {
      seen.add(key);
      affected.push(r.scope as Scope);
    }
  }
  const passes = of('workflow_pass').map((r) => ({ scope: r.scope, actionFamily: r.actionFamily, reason: r.reason, atMs: r.atMs }));
  const fixturePasses = passes.filter((p) => keyOfScope(p.scope as Scope) === fixtureKey);
  const requests = of('request_planned').map((r) => ({ ...pick(r, REQUEST_KEYS), wouldSubmit: r.wouldSubmit }));
  const submissions = input.venue.submissions.map((s) => {
    const m = s.mutation;
    return describeRequest(core, { scopeKey: keyOfScope(m.scope), customOrderId: m.customOrderId, mutation: { action: m.action, slot: m.slot, target: m.customOrderId, intent: m.intent } as never });
  });
  const counts = (list: Obj[], expectedKeys: string[]) => {
    const out: Record<string, number> = {};
    for (const k of expectedKeys) out[k] = 0;
    for (const r of list) {
      if (keyOfScope(r.scope as Scope) !== fixtureKey) continue;
      const k = `${r.action}:${r.slot}`;
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  };
  const state = core.state;
  return {
    affectedScopes: affected,
    actionFamily: (fixturePasses[fixturePasses.length - 1]?.actionFamily as string | undefined) ?? null,
    passes,
    requests,
    submissions,
    pendingConfirmations: [...core.tracker.all()].map((p) => ({ scope: core.scopeOf(p.scopeKey), action: p.action, slot: p.slot, customOrderId: p.customOrderId, state: p.state })),
    contexts: [...core.contexts.all()].map((c) => ({ customOrderId: c.customOrderId, scope: parseScopeKey(c.scopeKey), slot: c.slot, status: c.status })),
    hydrations: of('rest_hydration').map((r) => ({ subject: r.subject, ...(r.scope ? { scope: r.scope } : {}), reason: r.reason })),
    blocks: of('block').map((r) => ({ scope: r.scope, ...(r.slot ? { slot: r.slot } : {}), reason: r.reason })),
    logs: records.map((r) => ({ ...r })),
    accountState: {
      // Read from the machines' states, never the runtime's own flags.
      serviceReady: runtime.readiness().service,
      privateStreamReady: runtime.readiness().stream,
      positions: [...state.positions.values()].filter((p) => p.size.gt(0)).map((p) => ({ symbol: p.symbol, managedSide: p.managedSide, size: canon(p.size), entryPrice: canon(p.entryPrice) })),
      openOrders: [...state.orders.values()].map((o) => {
        const r = o.row;
        const out: Obj = { symbol: r.symbol, managedSide: o.scopeKey ? parseScopeKey(o.scopeKey).managedSide : r.managedSide, ...plainOrderFields(r), status: r.status };
        if (r.customOrderId) out.customOrderId = r.customOrderId;
        if (r.exchangeOrderId) out.exchangeOrderId = r.exchangeOrderId;
        if (r.filledQty) out.filledQty = canon(r.filledQty);
        return out;
      }),
      recoveryRequired: [...state.recoveryRequired].map((k) => parseScopeKey(k)),
      trust: Object.fromEntries([...state.trust.entries()].map(([k, t]) => [k, { ...t }])),
    },
    commands: input.commands,
    requestCounts: counts(requests, input.expectedCountKeys.requestCounts),
    submissionCounts: counts(submissions, input.expectedCountKeys.submissionCounts),
    violations: [],
  };
}

function pick(r: Obj, keys: string[]): Obj {
  const out: Obj = {};
  for (const k of keys) if (r[k] !== undefined) out[k] = r[k];
  return out;
}
