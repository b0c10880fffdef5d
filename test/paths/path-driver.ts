// Generated path tests: xstate/graph finds a shortest path to every abstract state of a REAL
// machine; each path, extended by every event enabled at its end, is replayed on a real actor
// (SimulatedClock, promise actors resolved or rejected by the driver) so that every transition
// of the machine is taken at least once. Coverage is measured from the transitions the actor
// actually took (inspection microsteps), not from the graph.
//
// Behaviour: every step of every replay is recorded from XState's inspection stream and checked
// against the machine's behaviour table (machines/*.behaviour.ts):
//   - `@xstate.microstep` (of the actor under test) closes a step: the transitions it took, the
//     state before and after;
//   - `@xstate.action` gives the named actions it ran, in order, with their params; XState's own
//     builtins are left out, except a delayed `xstate.raise` (a timer armed: `after` delays) and
//     `xstate.sendTo` (an event sent to a parent or child);
//   - `@xstate.actor` whose parent is the actor under test: an actor invoked or spawned.
// XState reports no `@xstate.action` for an action implemented by a builtin (assign,
// enqueueActions, spawnChild, stopChild, sendParent) and referenced by name: the driver wraps each
// such implementation in an enqueueActions that first runs an empty action of the same name (so
// the name shows up) and then the original, unchanged (context, spawns and sends behave as before).
import { isDeepStrictEqual } from 'node:util';
import { createActor, enqueueActions, fromPromise, setup, SimulatedClock, type AnyStateMachine, type AnyActorRef } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { rowName, type ActionSpec, type BehaviourRow, type BehaviourTable, type Expectation, type ObservedStep } from '../../machines/common.behaviour.js';

type AnyEvent = { type: string; [k: string]: unknown };

export interface DriverSpec {
  machine: AnyStateMachine;
  /** Promise actors to stub by name. */
  actors: string[];
  /** Delay per named delay (ms). */
  delays: Record<string, number>;
  /** Concrete events for an event type enabled in a state (the snapshot is the state it is sent in). */
  payloads: (type: string, snapshot: any) => AnyEvent[];
  input?: unknown;
  /** Abstraction of the snapshot: only what guards read. */
  serialize: (snapshot: any) => string;
  /** How to make a delayed transition happen in real time (default: advance the clock). */
  fireDelay?: (name: string, ctx: ReplayContext) => void;
  /** How to deliver an event (default: send it to the actor); return false to fall back to sending. */
  deliver?: (event: AnyEvent, ctx: ReplayContext) => boolean;
  /** Extra implementations given to the machine before the stubs (e.g. a child's logic). */
  provide?: { actors?: Record<string, unknown>; actions?: Record<string, unknown>; guards?: Record<string, unknown> };
  /** Event types the graph does not explore (self-loops whose action needs a live system); still replayed as the last step of every path. */
  graphSkip?: string[];
  /** Run the machine as the child of a recording parent (for sendParent). */
  withParent?: boolean;
  /** The behaviour table every replayed step is checked against. */
  table?: BehaviourTable;
}

export interface ReplayContext {
  actor: AnyActorRef;
  clock: SimulatedClock;
  delays: Record<string, number>;
  enteredAt: Map<string, number>;
  /** Events the recording parent received (withParent). */
  parentInbox: AnyEvent[];
}

export interface BehaviourReport {
  rows: number;
  reached: number;
  /** Rows no step matched. */
  missing: string[];
  /** Steps no row explains, steps that differ from their row, ambiguous rows: one line each. */
  problems: string[];
  /** Known defects (rows with `defect`) reproduced, with their note. */
  defects: string[];
  /** Steps checked. */
  steps: number;
}

export interface Coverage {
  states: { covered: number; total: number; missing: string[] };
  transitions: { covered: number; total: number; missing: string[] };
  paths: number;
  replays: number;
  behaviour?: BehaviourReport;
}

const flush = () => new Promise<void>((r) => setImmediate(r));

function transitionKey(t: any): string {
  const guard = t.guard ? JSON.stringify(typeof t.guard === 'string' ? t.guard : { type: t.guard.type, params: typeof t.guard.params === 'function' ? 'fn' : t.guard.params }) : '-';
  const targets = (t.target ?? []).map((n: any) => n.id).join(',');
  return `${t.source.id} --${t.eventType}[${guard}]--> ${targets || '(self)'}`;
}

export function allTransitions(machine: AnyStateMachine): string[] {
  const out: string[] = [];
  const walk = (node: any) => {
    for (const defs of node.transitions.values()) for (const d of defs) out.push(transitionKey(d));
    for (const d of node.always ?? []) out.push(transitionKey(d));
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root);
  return out;
}

export function allStateIds(machine: AnyStateMachine): string[] {
  const out: string[] = [];
  const walk = (node: any) => {
    out.push(node.id);
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root);
  return out;
}

function enabledTypes(snapshot: any): string[] {
  const types = new Set<string>();
  for (const node of snapshot._nodes) for (const t of node.transitions.keys()) types.add(t);
  return [...types];
}

/** Active leaf states as paths without the machine id ('settling.quiet'); '(root)' for a machine without states. */
function leafOf(snapshot: any): string {
  const leaves = snapshot._nodes.filter((n: any) => n.type === 'atomic' || n.type === 'final');
  return leaves.map((n: any) => n.path.join('.') || '(root)').join(',');
}

/** The children of a snapshot by id, with their status at this moment ('active', 'error', 'stopped', 'done'). */
function childStatus(snapshot: any): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshot.children as Record<string, AnyActorRef>).map(([id, ref]) => [id, ref.getSnapshot().status as string]));
}

/** Makes every named action implemented by an XState builtin visible as an `@xstate.action` of its own name. */
function observableActions(machine: AnyStateMachine): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, impl] of Object.entries((machine.implementations.actions ?? {}) as Record<string, unknown>)) {
    if (typeof impl !== 'function' || !('resolve' in impl)) continue;
    const marker = Object.defineProperty(() => {}, 'name', { value: name });
    out[name] = enqueueActions(({ enqueue }: any) => {
      enqueue(marker);
      enqueue(impl);
    });
  }
  return out;
}

export async function coverMachine(spec: DriverSpec): Promise<Coverage> {
  const events = (snapshot: any): AnyEvent[] => enabledTypes(snapshot).flatMap((t) => spec.payloads(t, snapshot));
  const skip = new Set(spec.graphSkip ?? []);
  const graphEvents = (snapshot: any): AnyEvent[] => enabledTypes(snapshot).filter((t) => !skip.has(t)).flatMap((t) => spec.payloads(t, snapshot));
  const paths = getShortestPaths(spec.machine, { events: graphEvents, serializeState: spec.serialize as never, limit: 20_000, input: spec.input } as never) as any[];
  const coveredTransitions = new Set<string>();
  const coveredStates = new Set<string>();
  const checker = spec.table ? new TableChecker(spec.table) : undefined;
  let replays = 0;

  const run = async (evs: AnyEvent[]) => {
    const { snapshot, steps } = await replay(spec, evs, coveredTransitions, coveredStates);
    checker?.check(steps, evs);
    replays++;
    return snapshot;
  };

  for (const path of paths) {
    const prefix = path.steps.map((s: any) => s.event).filter((e: AnyEvent) => !e.type.startsWith('xstate.init'));
    const final = await run(prefix);
    if (spec.serialize(final) !== spec.serialize(path.state)) {
      throw new Error(`replay diverged from the graph: ${prefix.map((e: AnyEvent) => e.type).join(' > ')} ended in ${spec.serialize(final)}, graph says ${spec.serialize(path.state)}`);
    }
    for (const e of events(path.state)) await run([...prefix, e]);
  }
  const universe = allTransitions(spec.machine);
  const stateIds = allStateIds(spec.machine);
  return {
    states: { covered: stateIds.filter((s) => coveredStates.has(s)).length, total: stateIds.length, missing: stateIds.filter((s) => !coveredStates.has(s)) },
    transitions: { covered: universe.filter((t) => coveredTransitions.has(t)).length, total: universe.length, missing: universe.filter((t) => !coveredTransitions.has(t)) },
    paths: paths.length,
    replays,
    ...(checker ? { behaviour: checker.report() } : {}),
  };
}

async function replay(spec: DriverSpec, events: AnyEvent[], transitions: Set<string>, states: Set<string>): Promise<{ snapshot: any; steps: ObservedStep[] }> {
  const clock = new SimulatedClock();
  const deferred = new Map<string, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const actors = Object.fromEntries(spec.actors.map((name) => [name, fromPromise(() => new Promise((resolve, reject) => deferred.set(name, { resolve, reject })))]));
  const provided = spec.machine.provide({ ...(spec.provide ?? {}), actors: { ...(spec.provide?.actors ?? {}), ...actors }, delays: spec.delays } as never);
  const machine = provided.provide({ actions: observableActions(provided) } as never);

  // Recording: everything the actor under test does between two microsteps belongs to the second.
  const steps: ObservedStep[] = [];
  let subject: any;
  let prev: any;
  let pending = { actions: [] as ObservedStep['actions'], actors: [] as string[], timers: [] as string[], sends: [] as ObservedStep['sends'] };
  const parentInbox: AnyEvent[] = [];
  const inspect = (ev: any) => {
    if (ev.type === '@xstate.actor') {
      const ref = ev.actorRef;
      if (!subject) {
        // The actor under test: the root, or (withParent) the recording root's child 'subject'.
        if (spec.withParent ? ref.id === 'subject' && ref._parent && !ref._parent._parent : !ref._parent) subject = ref;
        return;
      }
      if (ref._parent === subject) pending.actors.push(typeof ref.src === 'string' ? ref.src : ref.id);
      return;
    }
    if (!subject || ev.actorRef !== subject) return;
    if (ev.type === '@xstate.action') {
      const { type, params } = ev.action;
      if (!type.startsWith('xstate.')) pending.actions.push(params === undefined ? { type } : { type, params });
      else if (type === 'xstate.raise' && params?.delay !== undefined) pending.timers.push(String(params.event.type).split('.')[2]!);
      else if (type === 'xstate.sendTo') pending.sends.push({ to: params.to === subject._parent ? 'parent' : typeof params.to === 'string' ? params.to : params.to.id, event: params.event });
      return;
    }
    if (ev.type === '@xstate.microstep') {
      if (ev.event.type === 'xstate.stop') return;
      const ts: any[] = ev._transitions;
      for (const t of ts) transitions.add(transitionKey(t));
      const eventType = ts.length > 0 && ts.every((t) => t.eventType === '') ? 'always' : normalizeEventType(ev.event.type);
      steps.push({
        from: leafOf(prev), event: ev.event, context: prev.context, children: childStatus(prev), history: [...steps],
        eventType, to: leafOf(ev.snapshot), ...pending, transitions: ts.map(transitionKey),
      });
      pending = { actions: [], actors: [], timers: [], sends: [] };
      prev = ev.snapshot;
    }
  };

  // withParent: a recording parent invokes the machine, so sendParent reaches it and stopping the
  // parent stops the machine.
  let parent: AnyActorRef | undefined;
  let actor: AnyActorRef;
  if (spec.withParent) {
    parent = createActor(
      setup({ actors: { subject: machine } }).createMachine({
        invoke: { id: 'subject', src: 'subject', input: spec.input as never },
        on: { '*': { actions: ({ event }) => void parentInbox.push(event as AnyEvent) } },
      }),
      { inspect, clock },
    );
    parent.start();
    actor = (parent.getSnapshot() as any).children.subject;
  } else {
    actor = createActor(machine, { clock, input: spec.input, inspect } as never) as AnyActorRef;
  }
  const enteredAt = new Map<string, number>();
  actor.subscribe({
    next: (s: any) => {
      const ids = new Set<string>(s._nodes.map((n: any) => n.id));
      for (const id of ids) {
        states.add(id);
        if (!enteredAt.has(id)) enteredAt.set(id, clock.now());
      }
      for (const id of [...enteredAt.keys()]) if (!ids.has(id)) enteredAt.delete(id);
    },
    error: () => undefined,
  });
  if (!parent) actor.start();
  const initial = actor.getSnapshot() as any;
  for (const n of initial._nodes) {
    states.add(n.id);
    if (!enteredAt.has(n.id)) enteredAt.set(n.id, clock.now());
  }
  steps.push({ from: '(start)', event: { type: '(start)' }, context: initial.context, children: {}, history: [], eventType: '(start)', to: leafOf(initial), ...pending, transitions: [] });
  pending = { actions: [], actors: [], timers: [], sends: [] };
  prev = initial;
  await flush();
  const ctx: ReplayContext = { actor, clock, delays: spec.delays, enteredAt, parentInbox };
  for (const e of events) {
    const t = e.type;
    if (t.startsWith('xstate.after.')) {
      const name = t.split('.')[2]!;
      if (spec.fireDelay) spec.fireDelay(name, ctx);
      else clock.increment(spec.delays[name]!);
    } else if (t.startsWith('xstate.done.actor.')) {
      const name = t.slice('xstate.done.actor.'.length);
      const d = deferred.get(name);
      if (!d) throw new Error(`no running actor ${name} for ${t}`);
      deferred.delete(name);
      d.resolve((e as { output?: unknown }).output);
    } else if (t.startsWith('xstate.error.actor.') && deferred.has(t.slice('xstate.error.actor.'.length))) {
      const name = t.slice('xstate.error.actor.'.length);
      const d = deferred.get(name)!;
      deferred.delete(name);
      d.reject((e as { error?: unknown }).error);
    } else if (!spec.deliver?.(e, ctx)) {
      actor.send(e as never);
    }
    await flush();
    await flush();
  }
  const snapshot = actor.getSnapshot();
  (parent ?? actor).stop();
  return { snapshot, steps };
}

/** 'xstate.after.EVENT_BURST.scope.settling.quiet' -> 'xstate.after.EVENT_BURST'. */
function normalizeEventType(type: string): string {
  return type.startsWith('xstate.after.') ? type.split('.').slice(0, 3).join('.') : type;
}

const fmtAction = (a: { type: string; params?: unknown }) => (a.params === undefined ? a.type : `${a.type}(${fmtValue(a.params)})`);
function fmtValue(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x instanceof Error ? `Error(${x.message})` : x && typeof x === 'object' && 'sessionId' in x && 'send' in x ? `ActorRef(${(x as { id: string }).id})` : x));
}
const fmtList = (xs: string[]) => `[${xs.join(', ')}]`;

/** Checks observed steps against a behaviour table; collects one line per distinct problem. */
export class TableChecker {
  private readonly hits = new Map<BehaviourRow, number>();
  private readonly problems = new Map<string, string>();
  private readonly defects = new Map<string, string>();
  private readonly cases = new Set<string>();
  private steps = 0;

  constructor(private readonly table: BehaviourTable) {
    for (const row of table.rows) this.hits.set(row, 0);
  }

  check(steps: ObservedStep[], replayed: AnyEvent[]): void {
    const path = replayed.map((e) => e.type.replace(/^xstate\.(done|error)\.actor\./, '$1:')).join(' > ') || '(start)';
    for (const step of steps) {
      this.steps++;
      const seen = `${step.from} --${step.eventType}${step.eventType === step.event.type ? '' : ` (${step.event.type})`}--> ${step.to}`;
      const matched = this.match(step);
      if (matched.length === 0) {
        this.problem(`${this.table.machine}: ${seen}: no row explains this step (${fmtValue(step.event)}; actions ${fmtList(step.actions.map(fmtAction))})`, path);
        continue;
      }
      if (matched.length > 1) {
        this.problem(`${this.table.machine}: ${seen}: ambiguous, rows ${matched.map((r) => rowName(this.table.machine, r)).join(' | ')}`, path);
        continue;
      }
      const row = matched[0]!;
      this.hits.set(row, this.hits.get(row)! + 1);
      if (row.reach) this.cases.add(`${rowName(this.table.machine, row)}#${row.reach.by(step)}`);
      const name = rowName(this.table.machine, row);
      const diffs = this.compare(row, step);
      if (!row.defect) {
        for (const d of diffs) this.problem(`${name}: ${d}`, path);
        continue;
      }
      const nowDiffs = this.compare(row.defect.now, step);
      for (const d of nowDiffs) this.problem(`${name} (known defect, current behaviour): ${d}`, path);
      if (diffs.length === 0) this.problem(`${name}: marked as a known defect ("${row.defect.note}") but now behaves as intended: remove \`defect\``, path);
      else this.defects.set(name, row.defect.note);
    }
  }

  report(): BehaviourReport {
    const rows = this.table.rows;
    return {
      rows: rows.length,
      reached: rows.filter((r) => this.hits.get(r)! > 0).length,
      missing: [
        ...rows.filter((r) => this.hits.get(r) === 0).map((r) => `${rowName(this.table.machine, r)}: never reached`),
        ...rows.filter((r) => r.reach && this.hits.get(r)! > 0).flatMap((r) => {
          const name = rowName(this.table.machine, r);
          return r.reach!.each.filter((c) => !this.cases.has(`${name}#${c}`)).map((c) => `${name}: never reached in case "${c}"`);
        }),
      ],
      problems: [...this.problems.values()],
      defects: [...this.defects].map(([name, note]) => `${name}: ${note}`),
      steps: this.steps,
    };
  }

  private problem(text: string, path: string): void {
    if (!this.problems.has(text)) this.problems.set(text, `${text}\n      replayed: ${path}`);
  }

  private match(step: ObservedStep): BehaviourRow[] {
    const scored = this.table.rows
      .filter((r) => fromMatches(r.from, step.from) && eventMatches(r.event, step.eventType) && (!r.when || r.when(step)))
      .map((r) => ({ r, score: fromScore(r.from) * 2 + (r.event.endsWith('*') ? 0 : 1) }));
    const best = Math.max(...scored.map((s) => s.score));
    return scored.filter((s) => s.score === best).map((s) => s.r);
  }

  private compare(exp: Expectation, step: ObservedStep): string[] {
    const out: string[] = [];
    const to = exp.to ?? step.from;
    if (step.to !== to) out.push(`target: expected ${to}, got ${step.to}`);
    const actions = (typeof exp.actions === 'function' ? exp.actions(step) : exp.actions ?? []).map((a) => normalizeAction(a, step));
    if (!sameActions(actions, step.actions)) {
      const want = actions.map((a) => a.type);
      const got = step.actions.map((a) => a.type);
      const missing = want.filter((a) => !got.includes(a));
      const extra = got.filter((a) => !want.includes(a));
      const detail = [missing.length ? `missing ${fmtList(missing)}` : '', extra.length ? `extra ${fmtList(extra)}` : '', !missing.length && !extra.length ? 'order or params differ' : ''].filter(Boolean).join(', ');
      out.push(`actions: expected ${fmtList(actions.map(fmtAction))}, got ${fmtList(step.actions.map(fmtAction))} (${detail})`);
    }
    const actors = typeof exp.actors === 'function' ? exp.actors(step) : exp.actors ?? [];
    if (!isDeepStrictEqual(actors, step.actors)) out.push(`actors started: expected ${fmtList(actors)}, got ${fmtList(step.actors)}`);
    const timers = [...(exp.timers ?? [])].sort();
    if (!isDeepStrictEqual(timers, [...step.timers].sort())) out.push(`timers armed: expected ${fmtList(timers)}, got ${fmtList(step.timers)}`);
    const sends = typeof exp.sends === 'function' ? exp.sends(step) : exp.sends ?? [];
    if (!isDeepStrictEqual(sends, step.sends)) out.push(`events sent: expected ${fmtValue(sends)}, got ${fmtValue(step.sends)}`);
    return out;
  }
}

function normalizeAction(a: ActionSpec, step: ObservedStep): { type: string; params?: unknown } {
  return typeof a === 'string' ? { type: a } : typeof a === 'function' ? a(step) : a;
}

/** A string in the table means "no params"; params are compared deeply (errors by identity). */
function sameActions(want: Array<{ type: string; params?: unknown }>, got: Array<{ type: string; params?: unknown }>): boolean {
  return want.length === got.length && want.every((w, i) => w.type === got[i]!.type && isDeepStrictEqual(w.params, got[i]!.params));
}

function fromMatches(rowFrom: string, from: string): boolean {
  return rowFrom === '*' ? from !== '(start)' : from === rowFrom || from.startsWith(`${rowFrom}.`);
}

function fromScore(rowFrom: string): number {
  return rowFrom === '*' ? 0 : rowFrom.split('.').length;
}

function eventMatches(rowEvent: string, type: string): boolean {
  return rowEvent.endsWith('*') ? type.startsWith(rowEvent.slice(0, -1)) : rowEvent === type;
}

/** Fails with every problem, one per line, when the table and the machine disagree. */
export function assertBehaviour(machine: string, report: BehaviourReport | undefined): void {
  if (!report) throw new Error(`${machine}: no behaviour table given`);
  const lines = [...report.problems, ...report.missing];
  if (lines.length > 0) throw new Error(`${machine} machine: ${lines.length} behaviour problem(s)\n  - ${lines.join('\n  - ')}`);
}
