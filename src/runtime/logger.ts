// pino sink for the Journal, with redaction of secret-bearing fields. On a terminal the lines
// are short and readable; elsewhere they are JSON lines. Every line a logger made here writes,
// its fields and its message, passes the one scrubber (src/runtime/redact.ts), whoever logs.
import pino, { type Logger } from 'pino';
import { Writable } from 'node:stream';
import type { Journal } from './journal.js';
import { redact, scrubText } from './redact.js';

const REDACT_PATHS = ['apiKey', 'secret', 'signature', 'listenKey', '*.apiKey', '*.secret', '*.signature', '*.listenKey'];
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
      for (const line of String(chunk).split('\n')) if (line.trim()) out.write(`${prettyLine(line)}\n`);
      done();
    },
  });
}

export function createLogger(options: { level?: string; pretty?: boolean; destination?: NodeJS.WritableStream } = {}): Logger {
  const base: pino.LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: undefined,
    formatters: { log: (object) => redact(object) },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>);
      },
    },
  };
  const out = options.destination ?? process.stdout;
  return pino(base, options.pretty ? prettyStream(out) : (out as pino.DestinationStream));
}

const WARN_EVENTS = new Set([
  'block', 'context_write_failed', 'confirmation_timeout', 'recovery_required', 'stream_disconnected', 'config_rejected',
  'scope_failed', 'benign_race', 'submission_unknown', 'submission_rejected', 'hydration_failed', 'unhandled_rejection', 'malformed_row_skipped',
]);

export function attachLogger(journal: Journal, logger: Logger): () => void {
  return journal.subscribe((record) => {
    const { event, ...fields } = redact(record);
    if (WARN_EVENTS.has(event)) logger.warn(fields, event);
    else logger.info(fields, event);
  });
}
