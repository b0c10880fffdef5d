// `npm run docs`: regenerates the diagrams in docs/WORKFLOW_STATE_MACHINE.md from the machines.
import { readFileSync, writeFileSync } from 'node:fs';
import { accountMachine } from '../../machines/account.machine.js';
import { modeMachine } from '../../machines/mode.machine.js';
import { scopeMachine } from '../../machines/scope.machine.js';
import { streamMachine } from '../../machines/stream.machine.js';
import { mermaidOf, withDiagram } from './machine-diagram.js';

export const WORKFLOW_DOC = 'docs/WORKFLOW_STATE_MACHINE.md';

export function renderWorkflowDoc(current: string): string {
  let doc = withDiagram(current, 'account', mermaidOf(accountMachine));
  doc = withDiagram(doc, 'scope', mermaidOf(scopeMachine));
  doc = withDiagram(doc, 'stream', mermaidOf(streamMachine));
  return withDiagram(doc, 'mode', mermaidOf(modeMachine));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  writeFileSync(WORKFLOW_DOC, renderWorkflowDoc(readFileSync(WORKFLOW_DOC, 'utf8')));
}
