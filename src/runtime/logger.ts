// pino sink for the Journal, with redaction of secret-bearing fields; each record's level comes
// from the journal catalogue. On a terminal the lines are short and readable; elsewhere they are
// JSON lines. Every line a logger made here writes, its fields and its message, passes the one
// scrubber (src/runtime/redact.ts), whoever logs: a journal record was scrubbed once when it was
// recorded (secret-named fields included) and is written as it is; anything else logged goes
// through `redact` in the formatter. (pino's own redact paths were a third pass over the same
// named fields: dropped.)
import pino, { type Logger } from 'pino';
import { Writable } from 'node:stream';
import type { Journal } from './journal.js';
import { JOURNAL_LEVELS, levelOf, type JournalLevel } from './journal-catalogue.js';
import { redact, scrubText } from './redact.js';

/** Fields objects of journal records (scrubbed by Journal.record already), by identity. */
const journaled = new WeakSet<object>();
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };

/** Formats one pino JSON line as "12:00:00.000 INFO  event scope=BTCUSDT:LONG key=value". */
export function prettyLine(line: string): string {
  const { level, time, msg, seq: _seq, atMs: _atMs, ...fields } = JSON.parse(line) as Record<string, unknown>;
  const clock = new Date(time as number).toISOString().slice(11, 23);
  const parts = Object.entries(fields).map(([k, v]) => {
    if (k === 'scope' && v && typeof v === 'object') {
      const s = v as { symbol?: string; managedSide?: string };
      return `scope=${s.symbol}:${s.managedSide}`;
    }
    return `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`;
  });
  return `${clock} ${LEVELS[level as number] ?? level} ${msg} ${parts.join(' ')}`.trimEnd();
}

function prettyStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk, _enc, done) {
      // pino writes one JSON line per record, each ending in a newline: skip the empty tail.
      for (const line of String(chunk).split('\n')) if (line) out.write(`${prettyLine(line)}\n`);
      done();
    },
  });
}

export function createLogger(options: { level?: string; pretty?: boolean; destination?: NodeJS.WritableStream } = {}): Logger {
  const base: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: undefined,
    formatters: { log: (object) => (journaled.has(object) ? object : redact(object)) },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>);
      },
    },
  };
  const out = options.destination ?? process.stdout;
  return pino(base, options.pretty ? prettyStream(out) : (out as pino.DestinationStream));
}

/**
 * Logs every journal record at its catalogue level (journal-catalogue.ts): routine internals at
 * debug, what an operator reads at info and above, an undeclared event at warn. The logger's own
 * level (LOG_LEVEL) decides what is printed, and the journal does not build records for it below that level.
 */
export function attachLogger(journal: Journal, logger: Logger): () => void {
  return journal.subscribe((record) => {
    // Only records at or above the logger's level arrive (the floor below).
    const level = levelOf(record);
    // The record is scrubbed already (Journal.record), secret-named fields included: the
    // formatter lets it through as it is.
    const { event, ...fields } = record;
    journaled.add(fields);
    logger[level](fields, event);
  }, { level: lowestLevelLogged(logger) });
}

/**
 * The lowest journal level the logger prints, so that the journal does not build the records it
 * would drop (a logger at `silent` or `fatal` takes none: `error` is the highest journal level).
 */
function lowestLevelLogged(logger: Logger): JournalLevel | 'none' {
  for (const level of JOURNAL_LEVELS) if (logger.isLevelEnabled(level)) return level;
  return 'none';
}
