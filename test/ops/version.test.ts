// `exstate --version` prints the package's version and exits 0.
import { readFileSync } from 'node:fs';
import { runCli } from '../gates/spawn.js';

test('exstate --version prints the package version', async () => {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  const child = runCli(['--version'], {});
  expect(await child.exited).toBe(0);
  expect(child.stdout()).toBe(`${version}\n`);
  expect(child.stderr()).toBe('');
});
