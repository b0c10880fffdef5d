// Mermaid state diagrams generated from the machine definitions themselves, so the docs cannot
// drift from the code (test/docs.test.ts regenerates and compares; `npm run docs` rewrites).
import type { AnyStateMachine } from 'xstate';

interface Node {
  id: string;
  key: string;
  initial?: { target: Array<{ id: string }> };
  states: Record<string, Node>;
  transitions: Map<string, Array<{ eventType: string; target?: Array<{ id: string }>; guard?: { type?: string } | string }>>;
  always?: Array<{ target?: Array<{ id: string }>; guard?: { type?: string } | string }>;
  type: string;
}

const label = (eventType: string) =>
  eventType
    .replace(/^xstate\.after\.([A-Z_]+)\..*$/, 'after $1')
    .replace(/^xstate\.done\.actor\.(\w+).*$/, 'done: $1')
    .replace(/^xstate\.error\.actor\.(\w+).*$/, 'error: $1')
    .replace(/^xstate\.error\.actor\.\*$/, 'child error');

const guardText = (guard: Node['always'] extends Array<infer T> | undefined ? T extends { guard?: infer G } ? G : never : never) => {
  if (!guard) return '';
  const type = typeof guard === 'string' ? guard : guard.type ?? '';
  return type ? ` [${type}]` : '';
};

const name = (id: string) => id.split('.').slice(1).join('_') || 'root';

export function mermaidOf(machine: AnyStateMachine): string {
  const lines = ['stateDiagram-v2'];
  const walk = (node: Node, depth: number) => {
    const pad = '  '.repeat(depth);
    const children = Object.values(node.states);
    if (node.initial && children.length > 0) lines.push(`${pad}[*] --> ${name(node.initial.target[0]!.id)}`);
    for (const child of children) {
      if (Object.keys(child.states).length > 0) {
        lines.push(`${pad}state ${name(child.id)} {`);
        walk(child, depth + 1);
        lines.push(`${pad}}`);
      }
      if (child.type === 'final') lines.push(`${pad}${name(child.id)} --> [*]`);
    }
    for (const child of children) {
      for (const defs of child.transitions.values()) {
        for (const d of defs) {
          if (!d.target || d.target.length === 0) continue;
          lines.push(`${pad}${name(child.id)} --> ${name(d.target[0]!.id)}: ${label(d.eventType)}${guardText(d.guard as never)}`);
        }
      }
      for (const d of child.always ?? []) if (d.target?.length) lines.push(`${pad}${name(child.id)} --> ${name(d.target[0]!.id)}: always${guardText(d.guard as never)}`);
    }
  };
  const root = machine.root as unknown as Node;
  walk(root, 1);
  const rootWide = [...root.transitions.values()].flat().filter((d) => d.target?.length);
  for (const d of rootWide) lines.push(`  note right of ${name(d.target![0]!.id)}: from any state on ${label(d.eventType)}`);
  return lines.join('\n');
}

/** Replaces the block between `<!-- diagram:NAME -->` and `<!-- /diagram:NAME -->`. */
export function withDiagram(doc: string, diagramName: string, mermaid: string): string {
  const start = `<!-- diagram:${diagramName} -->`;
  const end = `<!-- /diagram:${diagramName} -->`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`docs: markers for diagram ${diagramName} are missing`);
  return `${doc.slice(0, i + start.length)}\n\`\`\`mermaid\n${mermaid}\n\`\`\`\n${doc.slice(j)}`;
}
