// `npm run docs`: regenerates the diagrams in docs/WORKFLOW_STATE_MACHINE.md from the machines and
// the journal event table in docs/OPERATIONS.md from the journal catalogue.
import { readFileSync, writeFileSync } from 'node:fs';
import { accountMachine } from '../../machines/account.machine.js';
import { modeMachine } from '../../machines/mode.machine.js';
import { scopeMachine } from '../../machines/scope.machine.js';
import { streamMachine } from '../../machines/stream.machine.js';
import { journalEventTable } from '../runtime/journal-catalogue.js';
import { mermaidOf, withDiagram } from './machine-diagram.js';

export const WORKFLOW_DOC = 'docs/WORKFLOW_STATE_MACHINE.md';
export const OPERATIONS_DOC = 'docs/OPERATIONS.md';

export function renderWorkflowDoc(current: string): string {
  let doc = withDiagram(current, 'account', mermaidOf(accountMachine));
  doc = withDiagram(doc, 'scope', mermaidOf(scopeMachine));
  doc = withDiagram(doc, 'stream', mermaidOf(streamMachine));
  return withDiagram(doc, 'mode', mermaidOf(modeMachine));
}

/** docs/OPERATIONS.md with its journal event table (between its markers) generated from the catalogue. */
export function renderOperationsDoc(current: string): string {
  const start = '<!-- journal:events -->';
  const end = '<!-- /journal:events -->';
  const i = current.indexOf(start);
  const j = current.indexOf(end);
  if (i < 0 || j < i) throw new Error(`docs: the journal event table's markers are missing in ${OPERATIONS_DOC}`);
  return `${current.slice(0, i + start.length)}\n${journalEventTable()}\n${current.slice(j)}`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  writeFileSync(WORKFLOW_DOC, renderWorkflowDoc(readFileSync(WORKFLOW_DOC, 'utf8')));
  writeFileSync(OPERATIONS_DOC, renderOperationsDoc(readFileSync(OPERATIONS_DOC, 'utf8')));
}
