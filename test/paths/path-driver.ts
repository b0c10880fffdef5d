// Generated path tests: xstate/graph finds a shortest path to every abstract state of a REAL
// machine; each path, extended by every event enabled at its end, is replayed on a real actor
// (SimulatedClock, promise actors resolved or rejected by the driver) so that every transition
// of the machine is taken at least once. Coverage is measured from the transitions the actor
// actually took (inspection microsteps), not from the graph.
import { createActor, fromPromise, SimulatedClock, type AnyStateMachine, type AnyActorRef } from 'xstate';
import { getShortestPaths } from 'xstate/graph';

type AnyEvent = { type: string; [k: string]: unknown };

export interface DriverSpec {
  machine: AnyStateMachine;
  /** Promise actors to stub by name. */
  actors: string[];
  /** Delay per named delay (ms). */
  delays: Record<string, number>;
  /** Concrete events for an event type enabled in a state. */
  payloads: (type: string) => AnyEvent[];
  input?: unknown;
  /** Abstraction of the snapshot: only what guards read. */
  serialize: (snapshot: any) => string;
  /** How to make a delayed transition happen in real time (default: advance the clock). */
  fireDelay?: (name: string, ctx: ReplayContext) => void;
}

export interface ReplayContext {
  actor: AnyActorRef;
  clock: SimulatedClock;
  delays: Record<string, number>;
  enteredAt: Map<string, number>;
}

export interface Coverage {
  states: { covered: number; total: number; missing: string[] };
  transitions: { covered: number; total: number; missing: string[] };
  paths: number;
  replays: number;
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

export async function coverMachine(spec: DriverSpec): Promise<Coverage> {
  const events = (snapshot: any): AnyEvent[] => enabledTypes(snapshot).flatMap((t) => spec.payloads(t));
  const paths = getShortestPaths(spec.machine, { events, serializeState: spec.serialize as never, limit: 20_000, input: spec.input } as never) as any[];
  const coveredTransitions = new Set<string>();
  const coveredStates = new Set<string>();
  let replays = 0;

  for (const path of paths) {
    const prefix = path.steps.map((s: any) => s.event).filter((e: AnyEvent) => !e.type.startsWith('xstate.init'));
    const final = await replay(spec, prefix, coveredTransitions, coveredStates);
    replays++;
    if (spec.serialize(final.getSnapshot()) !== spec.serialize(path.state)) {
      throw new Error(`replay diverged from the graph: ${prefix.map((e: AnyEvent) => e.type).join(' > ')} ended in ${spec.serialize(final.getSnapshot())}, graph says ${spec.serialize(path.state)}`);
    }
    for (const e of events(path.state)) {
      await replay(spec, [...prefix, e], coveredTransitions, coveredStates);
      replays++;
    }
  }
  const universe = allTransitions(spec.machine);
  const stateIds = allStateIds(spec.machine);
  return {
    states: { covered: stateIds.filter((s) => coveredStates.has(s)).length, total: stateIds.length, missing: stateIds.filter((s) => !coveredStates.has(s)) },
    transitions: { covered: universe.filter((t) => coveredTransitions.has(t)).length, total: universe.length, missing: universe.filter((t) => !coveredTransitions.has(t)) },
    paths: paths.length,
    replays,
  };
}

async function replay(spec: DriverSpec, events: AnyEvent[], transitions: Set<string>, states: Set<string>): Promise<AnyActorRef> {
  const clock = new SimulatedClock();
  const deferred = new Map<string, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const actors = Object.fromEntries(spec.actors.map((name) => [name, fromPromise(() => new Promise((resolve, reject) => deferred.set(name, { resolve, reject })))]));
  const machine = spec.machine.provide({ actors, delays: spec.delays } as never);
  const actor = createActor(machine, {
    clock,
    input: spec.input,
    inspect: (ev: any) => {
      if (ev.type === '@xstate.microstep' && ev.actorRef === actor) for (const t of ev._transitions) transitions.add(transitionKey(t));
    },
  });
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
  actor.start();
  for (const id of actor.getSnapshot()._nodes.map((n: any) => n.id)) states.add(id);
  await flush();
  const ctx: ReplayContext = { actor, clock, delays: spec.delays, enteredAt };
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
    } else {
      actor.send(e as never);
    }
    await flush();
    await flush();
  }
  actor.stop();
  return actor;
}
