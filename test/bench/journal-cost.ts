// The journal's cost per ingested frame with the production logger attached (pino at info, JSON,
// to a discarding stream), issue 13 item 4. One frame of another user's fill makes, in the ingest
// bench, five records: the fill (info), the unowned order row (debug) and three scope_affected
// (debug). Run alone: `node --import tsx test/bench/journal-cost.ts [frames]`; prints CPU
// microseconds per frame (median of 5 rounds after a warm-up).
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { Journal } from '../../src/runtime/journal.js';
import { attachLogger, createLogger } from '../../src/runtime/logger.js';
import { registerSecret } from '../../src/runtime/redact.js';

export interface JournalCost { median: number; min: number; max: number; frames: number }

/** CPU microseconds per frame's five records, median of 5 rounds of `frames` after a warm-up. */
export function journalCost(frames = 50_000): JournalCost {
  registerSecret('APIKEYVALUE1234567890abcdefghijklmnopqrstuvwxyzABCDEFGHIJ');
  registerSecret('SECRETVALUE1234567890abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO');
  const journal = new Journal({ now: () => 0 });
  const detach = attachLogger(journal, createLogger({ level: 'info', destination: new Writable({ write: (_c, _e, done) => done() }) }));
  const scope = { exchange: 'binance', product: 'linear', symbol: 'BTCUSDT', managedSide: 'LONG' } as const;
  const frame = (i: number) => {
    journal.record('fill', { scope, symbol: 'BTCUSDT', side: 'BUY', price: '65000.1', qty: '0.010', tradeId: String(i), exchangeOrderId: String(1_000_000 + i), customOrderId: `web_${i}` });
    journal.record('unowned_order_ignored', { symbol: 'BTCUSDT', customOrderId: `web_${i}`, exchangeOrderId: String(1_000_000 + i), status: 'FILLED', type: 'MARKET' });
    journal.record('scope_affected', { scope, reason: 'unowned_fill' });
    journal.record('scope_affected', { scope, reason: 'execution' });
    journal.record('scope_affected', { scope, reason: 'position' });
  };
  for (let i = 0; i < 20_000; i++) frame(i);
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t = process.cpuUsage();
    for (let i = 0; i < frames; i++) frame(i);
    const c = process.cpuUsage(t);
    rounds.push((c.user + c.system) / frames);
  }
  detach();
  rounds.sort((a, b) => a - b);
  return { median: rounds[2]!, min: rounds[0]!, max: rounds[4]!, frames };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = journalCost(Number(process.argv[2] ?? 50_000));
  console.log(JSON.stringify({ name: 'journal_cpu_us_per_frame', value: Number(r.median.toFixed(2)), min: Number(r.min.toFixed(2)), max: Number(r.max.toFixed(2)), frames: r.frames }));
}
