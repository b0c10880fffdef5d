// Secrets never reach a log line, however deep they sit in a record.
import { Writable } from 'node:stream';
import { Journal } from '../../src/runtime/journal.js';
import { attachLogger, createLogger } from '../../src/runtime/logger.js';
import { scrubText } from '../../src/runtime/redact.js';

test.each([false, true])('journal records are redacted before pino writes them (pretty=%s)', (pretty) => {
  let out = '';
  const sink = new Writable({ write(chunk, _e, done) { out += String(chunk); done(); } });
  const journal = new Journal({ now: () => 0 });
  attachLogger(journal, createLogger({ pretty, destination: sink }));
  // An untyped path (the catalogue declares no such event or fields): redacted all the same.
  const record = journal.record as unknown as (event: string, fields: Record<string, unknown>) => unknown;
  record.call(journal, 'venue_call', { apiKey: 'AKIA-key-1', request: { signature: 'sig-2', listenKey: 'lk-3', headers: { 'X-MBX-APIKEY': 'hdr-4' } }, secret: 'sec-5', symbol: 'BTCUSDT' });
  for (const value of ['AKIA-key-1', 'sig-2', 'lk-3', 'hdr-4', 'sec-5']) expect(out).not.toContain(value);
  expect(out).toContain('BTCUSDT');
  expect(out).toContain('[redacted]');
});

test('free text loses known secrets and signed query parameters', () => {
  const text = scrubText('GET /fapi/v1/order?symbol=BTCUSDT&signature=abcdef0123 failed for key K3YK3Y', ['K3YK3Y']);
  expect(text).not.toContain('abcdef0123');
  expect(text).not.toContain('K3YK3Y');
});
