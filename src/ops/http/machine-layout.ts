// The statechart geometry the dashboard draws: the scope and account machines read from their own
// definitions (`machine.toJSON()`, plus the eventless `always` transitions it leaves out), laid out
// by elkjs once (lazily, on the first request, on a worker thread) and cached for the process.
// The page draws plain SVG from it and highlights the states in an actor's `snapshot.value`.
// Nothing here depends on a running account: the geometry is the same for every scope.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { AnyStateMachine } from 'xstate';
import { accountMachine } from '../../../machines/account.machine.js';
import { scopeMachine } from '../../../machines/scope.machine.js';

export interface LayoutNode {
  /** The state node's id (`scope.settling.quiet`). */
  id: string;
  /** Its path from the machine's root (`['settling', 'quiet']`): what `snapshot.value` names. */
  path: string[];
  type: string;
  /** The initial state of its parent. */
  initial: boolean;
  x: number; y: number; width: number; height: number;
}

export interface LayoutEdge {
  id: string;
  source: string;
  target: string;
  /** Event labels of every transition between the two states (`pass.done`, `after MAX_BURST_DELAY`). */
  events: string[];
  /** Polyline, absolute coordinates. */
  points: Array<[number, number]>;
}

export interface MachineLayout {
  machine: string;
  width: number;
  height: number;
  nodes: LayoutNode[];
  edges: LayoutEdge[];
  /** Transitions the machine takes from any state (declared on its root), e.g. `account.stop -> stopping`. */
  anyState: Array<{ event: string; target: string }>;
}

// A target is `#id` once serialized, a state node (with its id) in the object toJSON() returns.
type Target = string | { id: string };
interface JsonTransition { eventType: string; target?: Target[]; guard?: unknown }
interface JsonNode { id: string; key: string; type: string; initial?: { target?: Target[] }; states: Record<string, JsonNode>; transitions?: JsonTransition[] }
interface StateNodeLike { always?: Array<{ target?: Array<{ id: string }>; guard?: unknown }> }

/** Width of one character of a state name at the page's 12 px font (with some margin). */
const CHAR_PX = 6.6;

/** What a guard adds to a label: the outcome it selects (`pass.done (submit)`) or its name. */
function guardLabel(guard: unknown): string {
  if (!guard) return '';
  const g = guard as { type?: string; params?: { next?: unknown } };
  if (typeof g.params?.next === 'string') return ` (${g.params.next})`;
  const name = typeof guard === 'string' ? guard : g.type;
  return name ? ` [${name}]` : '';
}

/** A short, readable event name: timers and actor completions are named by what they wait for. */
export function eventLabel(eventType: string): string {
  return eventType
    .replace(/^xstate\.after\.([A-Za-z0-9_]+)\..*$/, 'after $1')
    .replace(/^xstate\.done\.actor\.([\w-]+).*$/, 'done: $1')
    .replace(/^xstate\.error\.actor\.\*$/, 'child error')
    .replace(/^xstate\.error\.actor\.([\w-]+).*$/, 'error: $1');
}

const idOf = (target: Target) => (typeof target === 'string' ? target.replace(/^#/, '') : target.id);

/** The states (nested) and the targeted transitions of a machine, from its JSON definition. */
export function machineGraph(machine: AnyStateMachine): { root: JsonNode; edges: Map<string, { source: string; target: string; events: string[] }>; anyState: MachineLayout['anyState'] } {
  const root = machine.toJSON() as unknown as JsonNode;
  const edges = new Map<string, { source: string; target: string; events: string[] }>();
  const add = (source: string, target: string, event: string) => {
    const key = `${source}->${target}`;
    let edge = edges.get(key);
    if (!edge) edges.set(key, (edge = { source, target, events: [] }));
    if (!edge.events.includes(event)) edge.events.push(event);
  };
  const walk = (node: JsonNode) => {
    for (const child of Object.values(node.states)) {
      for (const t of child.transitions ?? []) for (const target of t.target ?? []) add(child.id, idOf(target), eventLabel(t.eventType) + guardLabel(t.guard));
      // toJSON() leaves out eventless transitions: read them from the state node itself.
      const always = (machine.getStateNodeById(child.id) as unknown as StateNodeLike).always ?? [];
      for (const t of always) for (const target of t.target ?? []) add(child.id, target.id, `always${guardLabel(t.guard)}`);
      walk(child);
    }
  };
  walk(root);
  const anyState = (root.transitions ?? []).flatMap((t) => (t.target ?? []).map((target) => ({ event: eventLabel(t.eventType), target: idOf(target) })));
  return { root, edges, anyState };
}

function elkNode(node: JsonNode): ElkNode {
  const children = Object.values(node.states);
  const labelWidth = Math.max(70, Math.ceil(node.key.length * CHAR_PX) + 24);
  if (children.length === 0) return { id: node.id, width: labelWidth, height: 30 };
  return {
    id: node.id,
    // Room at the top for the compound state's name.
    layoutOptions: { 'elk.padding': '[top=30,left=14,bottom=14,right=14]', 'elk.nodeSize.constraints': 'MINIMUM_SIZE', 'elk.nodeSize.minimum': `(${labelWidth + 20}, 60)` },
    children: children.map(elkNode),
  };
}

function flatten(node: ElkNode, json: JsonNode, path: string[], initialId: string | undefined, out: LayoutNode[]): void {
  out.push({ id: json.id, path, type: json.type, initial: json.id === initialId, x: node.x ?? 0, y: node.y ?? 0, width: node.width ?? 0, height: node.height ?? 0 });
  const childInitial = json.initial?.target?.[0] ? idOf(json.initial.target[0]) : undefined;
  for (const child of node.children ?? []) {
    const childJson = Object.values(json.states).find((s) => s.id === child.id)!;
    flatten(child, childJson, [...path, childJson.key], childInitial, out);
  }
}

/**
 * ELK lays out synchronously (0.3-4 s here for both machines): run it on a worker thread so the
 * service's event loop (its streams, its timers) never waits for a dashboard. The worker is plain
 * JavaScript (elkjs only) and ends with its answer.
 */
function layoutInWorker(graph: ElkNode): Promise<ElkNode> {
  const elkPath = createRequire(import.meta.url).resolve('elkjs/lib/elk.bundled.js');
  const code = `const { parentPort, workerData } = require('node:worker_threads');
const ELK = require(workerData.elkPath);
new ELK().layout(workerData.graph).then((laid) => parentPort.postMessage({ laid }), (e) => parentPort.postMessage({ error: String((e && e.message) || e) }));`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { elkPath, graph } });
    worker.once('message', (m: { laid?: ElkNode; error?: string }) => {
      void worker.terminate();
      if (m.laid) resolve(m.laid);
      else reject(new Error(`machine layout failed: ${m.error}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`machine layout worker exited (${code})`)));
  });
}

/** Lays one machine out with ELK (layered, top-down, compound states nested, absolute coordinates). */
export async function layoutMachine(machine: AnyStateMachine): Promise<MachineLayout> {
  const { root, edges, anyState } = machineGraph(machine);
  // Edge labels are left out of the layout: laid out, they triple its width (2044 px against 714
  // for the scope machine). The page names the current state's outgoing transitions itself.
  const elkEdges: ElkExtendedEdge[] = [...edges.values()].map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] }));
  const graph: ElkNode = {
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered', 'elk.direction': 'DOWN', 'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.json.shapeCoords': 'ROOT', 'elk.json.edgeCoords': 'ROOT',
      // Break cycles by declaration order: the initial state on top, the flow reading downwards.
      'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER', 'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.spacing.nodeNodeBetweenLayers': '34', 'elk.spacing.nodeNode': '26', 'elk.spacing.edgeLabel': '3',
      'elk.edgeRouting': 'ORTHOGONAL', 'elk.padding': '[top=10,left=10,bottom=10,right=10]',
    },
    children: Object.values(root.states).map(elkNode),
    edges: elkEdges,
  };
  const laid = await layoutInWorker(graph);
  const nodes: LayoutNode[] = [];
  const rootInitial = root.initial?.target?.[0] ? idOf(root.initial.target[0]) : undefined;
  for (const child of laid.children ?? []) {
    const json = Object.values(root.states).find((s) => s.id === child.id)!;
    flatten(child, json, [json.key], rootInitial, nodes);
  }
  const edgeList = [...edges.values()];
  const outEdges: LayoutEdge[] = (laid.edges ?? []).map((e) => {
    const def = edgeList[Number(e.id.slice(1))]!;
    const points: Array<[number, number]> = [];
    for (const s of e.sections ?? []) {
      points.push([s.startPoint.x, s.startPoint.y]);
      for (const b of s.bendPoints ?? []) points.push([b.x, b.y]);
      points.push([s.endPoint.x, s.endPoint.y]);
    }
    return { id: e.id, source: def.source, target: def.target, events: def.events, points };
  });
  return { machine: String(root.id), width: Math.ceil(laid.width ?? 0), height: Math.ceil(laid.height ?? 0), nodes, edges: outEdges, anyState };
}

/** The machines the dashboard shows, laid out once per process on first use. */
export const DASHBOARD_MACHINES: Record<string, AnyStateMachine> = { scope: scopeMachine as AnyStateMachine, account: accountMachine as AnyStateMachine };

let cached: Promise<{ machines: Record<string, MachineLayout>; computedInMs: number }> | undefined;

export function machineLayouts(): Promise<{ machines: Record<string, MachineLayout>; computedInMs: number }> {
  cached ??= (async () => {
    const started = performance.now();
    const machines: Record<string, MachineLayout> = {};
    for (const [name, machine] of Object.entries(DASHBOARD_MACHINES)) machines[name] = await layoutMachine(machine);
    return { machines, computedInMs: Math.round(performance.now() - started) };
  })();
  // A failed layout is not cached: the next request tries again.
  cached.catch(() => (cached = undefined));
  return cached;
}
