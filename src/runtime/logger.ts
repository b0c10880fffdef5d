// pino sink for the Journal, with redaction of secret-bearing fields.
import pino, { type Logger } from 'pino';
import type { Journal } from './journal.js';
import { redact } from './redact.js';

const REDACT_PATHS = ['apiKey', 'secret', 'signature', 'listenKey', '*.apiKey', '*.secret', '*.signature', '*.listenKey', 'headers["x-mbx-apikey"]'];

export function createLogger(options: { level?: string; pretty?: boolean; destination?: pino.DestinationStream } = {}): Logger {
  const base: pino.LoggerOptions = { level: options.level ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: undefined };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty) {
    return pino({ ...base, transport: { target: 'pino/file', options: { destination: 1 } } });
  }
  return pino(base);
}

const WARN_EVENTS = new Set(['block', 'context_write_failed', 'confirmation_timeout', 'recovery_required', 'stream_disconnected', 'config_rejected', 'scope_failed', 'benign_race']);

export function attachLogger(journal: Journal, logger: Logger): () => void {
  return journal.subscribe((record) => {
    const { event, ...fields } = redact(record);
    if (WARN_EVENTS.has(event)) logger.warn(fields, event);
    else logger.info(fields, event);
  });
}
