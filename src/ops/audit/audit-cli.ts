// `exstate journal verify|show`: the audit journal from the command line (read-only).
import type { Command } from 'commander';
import { showAudit, verifyAudit } from './audit-verify.js';

const STORE_HELP = 'the context store (STORE_PATH; default ./data/exstate.sqlite): its audit journal is beside it';
const defaultStore = () => (process.env.STORE_PATH?.trim() ? process.env.STORE_PATH.trim() : './data/exstate.sqlite');

export function addJournalCommands(program: Command): void {
  const journal = program.command('journal').description('the audit journal: every journal record in SQLite and daily JSONL files, hash-chained');
  journal
    .command('verify')
    .option('--store <path>', STORE_HELP)
    .description('check the audit journal for sequence gaps and broken hash chains; one line, exit 0 when intact, 1 otherwise')
    .action(async (opts: { store?: string }) => {
      try {
        const result = await verifyAudit(opts.store ?? defaultStore());
        process.stdout.write(`${result.line}\n`);
        process.exitCode = result.ok ? 0 : 1;
      } catch (error) {
        process.stdout.write(`journal verify: FAIL: ${String((error as Error)?.message ?? error).split('\n')[0]}\n`);
        process.exitCode = 1;
      }
    });
  journal
    .command('show')
    .option('--store <path>', STORE_HELP)
    .option('--scope <scope>', 'only records about this scope (full key, SYMBOL:SIDE or SYMBOL)')
    .option('--since <time>', 'only records at or after this time (ISO, epoch ms, or an age like 15m)')
    .option('--json', 'one JSON object per line')
    .description('print audit journal records')
    .action(async (opts: { store?: string; scope?: string; since?: string; json?: boolean }) => {
      try {
        const lines = await showAudit(opts.store ?? defaultStore(), opts);
        if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
      } catch (error) {
        process.stderr.write(`exstate: journal show: ${String((error as Error)?.message ?? error).split('\n')[0]}\n`);
        process.exitCode = 2;
      }
    });
}
