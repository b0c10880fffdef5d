// What a replay starts from, recorded once per run just before the runtime is created
// (`replay_baseline`): the runtime's effective configuration (after the conformance gate), the
// context store's entries as they are on disk at that moment (a run that starts on a non-empty
// store restores those contexts; the replay must too), and what the venue offers (request
// validity, mark price, stream restart). Then the recording venue and jitter the runtime gets.
import { defaultSerialize } from '@keyv/serialize';
import type { DurableKv } from '../../store/durable-kv.js';
import { NAMESPACE } from '../../store/sqlite-kv.js';
import { existsSync } from 'node:fs';
import sqlite3 from 'sqlite3';
import type { Journal } from '../../runtime/journal.js';
import type { RuntimeConfig } from '../../runtime/runtime-config.js';
import type { Venue } from '../../venues/port.js';
import { encode } from './codec.js';
import { RecordingVenue, recordingJitter } from './recording-venue.js';

/** The venue's side of the baseline (what the replayed venue must offer). */
export interface BaselineVenue {
  exchange: Venue['exchange'];
  product: Venue['product'];
  requestValidityMs?: number;
  markPrice: boolean;
  restartStream: boolean;
}

/**
 * Every raw row of the context store's keyv table (`key`, serialized `value`), in the order the
 * store's own iterator reads them (the statement @keyv/sqlite's iterator runs): the runtime loads
 * its contexts in that order, and the order decides, for one, the order of its recovery lookups.
 */
export function readStoreEntries(storePath: string): Promise<Array<[string, string]>> {
  if (!existsSync(storePath)) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(storePath, sqlite3.OPEN_READONLY, (error) => {
      if (error) return reject(error);
      db.all('SELECT key, value FROM exstate WHERE key LIKE ?', ['%'], (err, rows) => {
        db.close();
        // The table is created with the store: a store no one wrote yet may not have it.
        if (err && /no such table/i.test(err.message)) resolve([]);
        else if (err) reject(err);
        else resolve((rows as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
      });
    });
  });
}

/** A shared store's entries as the SQLite file would hold them (namespaced key, keyv-serialized value). */
async function serializedEntries(kv: DurableKv): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for await (const [key, value] of kv.entries()) out.push([`${NAMESPACE}:${key}`, defaultSerialize({ value })]);
  return out;
}

export interface Recording {
  venue: Venue;
  jitter: () => number;
}

/** Journals the baseline and returns the recording venue and jitter for the runtime. */
export async function startRecording(journal: Journal, options: { config: RuntimeConfig; storePath: string; venue: Venue; sharedStore?: DurableKv }): Promise<Recording> {
  const { venue } = options;
  let store: Array<[string, string]> = [];
  let storeError: string | undefined;
  try {
    store = options.sharedStore ? await serializedEntries(options.sharedStore) : await readStoreEntries(options.storePath);
  } catch (error) {
    // The run goes on; its replay will say it cannot start from this baseline.
    storeError = String((error as Error)?.message ?? error).split('\n')[0]!.slice(0, 300);
  }
  const venueInfo: BaselineVenue = {
    exchange: venue.exchange, product: venue.product, markPrice: typeof venue.markPrice === 'function', restartStream: typeof venue.restartStream === 'function',
    ...(venue.requestValidityMs !== undefined ? { requestValidityMs: venue.requestValidityMs } : {}),
  };
  journal.record('replay_baseline', { config: encode(options.config), store, ...(storeError ? { storeError } : {}), venue: venueInfo });
  return { venue: new RecordingVenue(venue, journal), jitter: recordingJitter(journal) };
}
