// One process per account (lesson 11): lock files created exclusively, one keyed by the account
// (venue, URL and a fingerprint of the API key: two stores cannot hide a second manager of one
// account) and one beside the durable store; a lock left by a process that no longer runs is
// taken over. The key itself is never written anywhere: only a hash of it names the lock.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The lock file of one account, shared by every exstate process on this host. */
export function accountLockPath(account: { venue: string; url: string; apiKey: string }, root = join(tmpdir(), 'exstate-locks')): string {
  const fingerprint = createHash('sha256').update(`${account.venue}|${account.url}|${account.apiKey}`).digest('hex').slice(0, 24);
  return join(root, `${fingerprint}.lock`);
}

/** The pid of a running process holding this lock, if any (reads only: `doctor`). */
export function lockHolder(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const pid = Number(readFileSync(path, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid) ? pid : undefined;
}

export class InstanceLockError extends Error {}

export function acquireInstanceLock(path: string): () => void {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) {
        throw new InstanceLockError(`another exstate process (pid ${pid}) manages this account (lock ${path})`);
      }
      unlinkSync(path);
    }
  }
  throw new InstanceLockError(`could not take the instance lock ${path}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
