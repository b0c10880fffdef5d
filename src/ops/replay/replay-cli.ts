// `exstate replay JOURNAL [--until SEQ] [--scope S] [--run ID] [--json]`: replays a recorded run
// (see replay-runner.ts) and prints a summary and each difference. Exit code 0 when the replay made
// every decision the run made, 1 when something differs, 2 when the journal cannot be replayed.
import type { Command } from 'commander';
import { scrubText } from '../../runtime/redact.js';
import { ReplayInputError } from './journal-reader.js';
import { replayJournal, type ReplayReport } from './replay-runner.js';

/** The lines a person reads: one summary line, then one line per difference. */
export function reportLines(report: ReplayReport): string[] {
  const head = `replay: ${report.ok ? 'OK' : 'DIFFERENT'}: run ${report.runId}, seq ${report.fromSeq}..${report.toSeq}, ${report.inputs} inputs fed, `
    + `${report.decisions} decisions and ${report.reads} reads compared, ${report.differences.length} difference(s)`;
  const lines = report.differences.map((d) => {
    const where = `seq ${d.seq}${d.scope ? ` ${d.scope}` : ''}`;
    if (d.what === 'missing') return `  ${where}: ${d.kind} missing: the run made "${d.expected}", the replay did not`;
    if (d.what === 'unexpected') return `  ${where}: ${d.kind} unexpected: the replay made "${d.actual}", the run did not`;
    return `  ${where}: ${d.kind} differs: the run made "${d.expected}", the replay "${d.actual}"`;
  });
  return [head, ...lines];
}

export interface ReplayCommandOptions {
  until?: string;
  scope?: string;
  run?: string;
  json?: boolean;
}

/** Runs the command; returns the exit code. */
export async function replayCommand(path: string, opts: ReplayCommandOptions, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let until: number | undefined;
  if (opts.until !== undefined) {
    until = Number(opts.until);
    if (!Number.isInteger(until) || until < 0) {
      err.write(`exstate: replay: --until ${JSON.stringify(opts.until)}: not a sequence number\n`);
      return 2;
    }
  }
  let report: ReplayReport;
  try {
    report = await replayJournal(path, { ...(until !== undefined ? { until } : {}), ...(opts.scope ? { scope: opts.scope } : {}), ...(opts.run ? { runId: opts.run } : {}) });
  } catch (error) {
    const line = scrubText(String((error as Error)?.message ?? error)).split('\n')[0]!.slice(0, 500);
    err.write(`exstate: replay: ${error instanceof ReplayInputError ? '' : 'failed: '}${line}\n`);
    return 2;
  }
  out.write(opts.json ? `${JSON.stringify(report)}\n` : `${reportLines(report).join('\n')}\n`);
  return report.ok ? 0 : 1;
}

export function addReplayCommand(program: Command): void {
  program
    .command('replay')
    .argument('<journal>', 'the audit journal: X.journal.sqlite (or the store X.sqlite beside it), a day\'s .jsonl file, or the X.journal/ directory')
    .option('--until <seq>', 'feed records up to this sequence number only')
    .option('--scope <scope>', 'compare only this scope\'s calls (full key, SYMBOL:SIDE or SYMBOL)')
    .option('--run <id>', 'the run to replay (its id or a unique prefix; default: the last recorded run)')
    .option('--json', 'print the report as one JSON object')
    .description('replay a recorded DEMO/TESTNET/LIVE run through the runtime on a simulated clock, the venue answering from the record; exit 0 when every decision matches, 1 on differences, 2 when it cannot be replayed')
    .action(async (path: string, opts: ReplayCommandOptions) => {
      process.exitCode = await replayCommand(path, opts);
    });
}
