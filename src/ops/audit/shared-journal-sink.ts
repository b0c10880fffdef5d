// With a shared store (STORE_URL), the owner's journal records also go to the store's
// `exstate_journal` table, each batch fenced by the account lease like every other write: a stale
// owner's records are refused, so the shared journal holds what the account's owners did, epoch by
// epoch. Queued off the hot path and flushed every FLUSH_MS; a failure is said once and never
// stops the service (the local audit journal beside STORE_PATH keeps everything regardless).
import type { Journal, JournalRecord } from '../../runtime/journal.js';
import { LeaseLostError } from '../../store/durable-kv.js';
import { errorLine } from '../error-line.js';

const FLUSH_MS = 250;
const MAX_BATCH = 1_000;

export function sharedJournalSink(journal: Journal, append: (records: readonly object[]) => Promise<void>): { close(): Promise<void> } {
  let queue: JournalRecord[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let warned = false;
  const flush = (): Promise<void> => {
    flushing = flushing.then(async () => {
      while (queue.length > 0) {
        const batch = queue.slice(0, MAX_BATCH);
        queue = queue.slice(batch.length);
        try {
          await append(batch);
        } catch (error) {
          // A lost lease is said by the lease keeper; anything else once here.
          if (!warned && !(error instanceof LeaseLostError)) {
            warned = true;
            journal.record('audit_write_failed', { sink: 'postgres', reason: errorLine(error) });
          }
          return;
        }
      }
    });
    return flushing;
  };
  const unsubscribe = journal.subscribe((record) => {
    if (record.event === 'audit_write_failed') return;
    queue.push(record);
  });
  const timer = setInterval(() => void flush(), FLUSH_MS);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      unsubscribe();
      await flush();
    },
  };
}
