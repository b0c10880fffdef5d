// One process per account (lesson 11): a second write-capable process is refused; a lock left
// by a process that no longer runs is taken over.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireInstanceLock, InstanceLockError } from '../../src/ops/instance-lock.js';

const lockPath = () => join(mkdtempSync(join(tmpdir(), 'exstate-lock-')), 'exstate.lock');

test('a live holder refuses a second process; release frees the lock', () => {
  const path = lockPath();
  const release = acquireInstanceLock(path);
  expect(() => acquireInstanceLock(path)).toThrow(InstanceLockError);
  release();
  expect(existsSync(path)).toBe(false);
  acquireInstanceLock(path)();
});

test('a stale lock (its process is gone) is taken over', () => {
  const path = lockPath();
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(path, dead.stdout);
  const release = acquireInstanceLock(path);
  release();
});
