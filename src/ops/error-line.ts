import { scrubText } from '../runtime/redact.js';

/** One line of an error for a person: scrubbed, no stack. */
export function errorLine(error: unknown): string {
  return scrubText(String((error as Error)?.message ?? error)).split('\n')[0]!.slice(0, 500);
}
