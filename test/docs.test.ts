// The workflow diagrams and the journal event table in docs/ are generated (from the machines and the
// journal catalogue); this fails when they drift.
import { readFileSync } from 'node:fs';
import { OPERATIONS_DOC, renderOperationsDoc, renderWorkflowDoc, WORKFLOW_DOC } from '../src/ops/write-docs.js';

test('docs/WORKFLOW_STATE_MACHINE.md matches the machine definitions (run `npm run docs`)', () => {
  const current = readFileSync(WORKFLOW_DOC, 'utf8');
  expect(renderWorkflowDoc(current)).toBe(current);
});

test('docs/OPERATIONS.md\'s journal event table matches the catalogue (run `npm run docs`)', () => {
  const current = readFileSync(OPERATIONS_DOC, 'utf8');
  expect(renderOperationsDoc(current)).toBe(current);
});

test('every doc the README links to exists', () => {
  const readme = readFileSync('README.md', 'utf8');
  const links = [...readme.matchAll(/\]\((docs\/[^)#]+)\)/g)].map((m) => m[1]!);
  expect(links.length).toBeGreaterThan(3);
  for (const link of links) expect(() => readFileSync(link)).not.toThrow();
});
