// The terminal form of the log (src/runtime/logger.ts `prettyLine`), held to docs/OPERATIONS.md's
// example: "12:00:00.000 INFO  event scope=BTCUSDT:LONG key=value": the UTC time of day, the level
// padded to five, the event, then every field but the journal's own seq and atMs; a scope object
// as SYMBOL:SIDE, strings bare, anything else as JSON; an unknown level by its number.
import { Writable } from 'node:stream';
import { createLogger, prettyLine } from '../../src/runtime/logger.js';

const at = Date.UTC(2026, 11, 2, 12, 0, 0, 7);

test('a line: time of day, padded level, event, fields (scope as SYMBOL:SIDE, strings bare, others as JSON)', () => {
  const line = JSON.stringify({
    level: 30, time: at, msg: 'submission_sent', seq: 9, atMs: 123,
    scope: { exchange: 'binance', product: 'linear', symbol: 'BTCUSDT', managedSide: 'LONG' },
    slot: 'SL', qty: 0.01, reduceOnly: true, ids: ['a', 'b'],
  });
  expect(prettyLine(line)).toBe('12:00:00.007 INFO  submission_sent scope=BTCUSDT:LONG slot=SL qty=0.01 reduceOnly=true ids=["a","b"]');
});

test('a scope given as a string is printed as it is; other objects stay JSON', () => {
  const line = JSON.stringify({ level: 40, time: at, msg: 'x', scope: 'binance:linear:BTCUSDT:LONG', detail: { a: 1 } });
  expect(prettyLine(line)).toBe('12:00:00.007 WARN  x scope=binance:linear:BTCUSDT:LONG detail={"a":1}');
});

test('an unknown level is printed by its number; a line without fields ends at the event', () => {
  expect(prettyLine(JSON.stringify({ level: 35, time: at, msg: 'odd' }))).toBe('12:00:00.007 35 odd');
  expect(prettyLine(JSON.stringify({ level: 50, time: at, msg: 'stream_failed' }))).toBe('12:00:00.007 ERROR stream_failed');
});

test('the pretty logger writes one readable line per record, and nothing for blank lines', () => {
  const out: string[] = [];
  const sink = new Writable({ write: (chunk, _e, done) => { out.push(String(chunk)); done(); } });
  const logger = createLogger({ pretty: true, destination: sink });
  logger.info({ slot: 'TP' }, 'first');
  logger.warn({ slot: 'SL' }, 'second');
  // Exactly two lines, each ending in a newline: no blank line for the newline pino ends a record with.
  const lines = out.join('').split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[2]).toBe('');
  expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  first slot=TP$/);
  expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN  second slot=SL$/);
});

test('the JSON logger writes at info by default, with secret-named fields redacted', () => {
  const out: string[] = [];
  const sink = new Writable({ write: (chunk, _e, done) => { out.push(String(chunk)); done(); } });
  const logger = createLogger({ destination: sink });
  logger.debug({}, 'hidden');
  logger.info({ nested: { apiKey: 'k-123456' } }, 'shown');
  expect(out).toHaveLength(1);
  const line = JSON.parse(out[0]!) as Record<string, unknown>;
  expect(line).toMatchObject({ msg: 'shown', level: 30, nested: { apiKey: '[redacted]' } });
});

test('a message logged as free text passes the scrubber too (a signed query string never reaches the output)', () => {
  const out: string[] = [];
  const sink = new Writable({ write: (chunk, _e, done) => { out.push(String(chunk)); done(); } });
  const logger = createLogger({ destination: sink });
  const signature = 'a'.repeat(64);
  logger.info(`GET /fapi/v1/order?symbol=BTCUSDT&timestamp=1&signature=${signature}`);
  expect(out.join('')).not.toContain(signature);
});
