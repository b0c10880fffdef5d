// Runs the real command line (`node bin/exstate.js ...`) in a child process with exactly the
// environment given (no inherited EXECUTION_MODE, no .env: the working directory is a fresh
// temporary one) and collects everything it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { startService, type StartOptions } from '../../src/ops/service.js';
import type { JournalRecord } from '../../src/runtime/journal.js';
import type { Simulator } from '../../src/sim/server.js';

export const BIN = resolve('bin/exstate.js');

export interface Child {
  proc: ChildProcess;
  cwd: string;
  stdout(): string;
  stderr(): string;
  /** stdout's JSON lines (pino, LOG_FORMAT=json); other lines are skipped. */
  lines(): Array<Record<string, unknown>>;
  waitForLine(what: string, predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (signals: 128 + n). */
  exited: Promise<number>;
  stop(): Promise<number>;
}

export function runCli(args: string[], env: Record<string, string>, cwd = mkdtempSync(join(tmpdir(), 'exstate-cli-'))): Child {
  const proc = spawn(process.execPath, [BIN, ...args], {
    cwd,
    // HTTP_PORT=0: no operator HTTP server unless a test asks for one (tests must not fight over 8787).
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, LOG_FORMAT: 'json', HTTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (c) => (out += String(c)));
  proc.stderr!.on('data', (c) => (err += String(c)));
  const exited = new Promise<number>((resolveExit) => proc.once('exit', (code, signal) => resolveExit(code ?? (signal === 'SIGKILL' ? 137 : 128))));
  let done = false;
  void exited.then(() => (done = true));
  const lines = () =>
    out.split('\n').flatMap((l) => {
      try {
        return l.trim().startsWith('{') ? [JSON.parse(l) as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  return {
    proc,
    cwd,
    stdout: () => out,
    stderr: () => err,
    lines,
    exited,
    async waitForLine(what, predicate, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const hit = lines().find(predicate);
        if (hit) return hit;
        if (done) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no line "${what}" (exited=${done})\nstdout:\n${out.slice(-3000)}\nstderr:\n${err.slice(-2000)}`);
    },
    async stop() {
      if (!done) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The strategy and venue variables of a service pointed at an in-process simulator. */
export function envFor(sim: Simulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    VENUE: 'binanceusdm', VENUE_REST_URL: sim.rest, VENUE_WS_URL: sim.ws, API_KEY: sim.apiKey, API_SECRET: sim.secret,
    POSITION_MODE: 'hedge', TAKE_PROFIT_PCT: '1', STOP_LOSS_PCT: '2', DCA_STEPS: '1:100', EVENT_BURST_MS: '50', MAX_BURST_DELAY_MS: '300',
    ...extra,
  };
}

const MUTATIONS: Array<[string, string]> = [
  ['POST', '/fapi/v1/order'], ['PUT', '/fapi/v1/order'], ['DELETE', '/fapi/v1/order'], ['POST', '/fapi/v1/batchOrders'],
  ['POST', '/fapi/v1/algoOrder'], ['DELETE', '/fapi/v1/algoOrder'], ['DELETE', '/fapi/v1/allOpenOrders'], ['DELETE', '/fapi/v1/algoOpenOrders'],
];
const PROBE = 1_000_000;

/**
 * Counts the order mutations that reach the simulator: a zero-delay fault rule per mutation route
 * counts down once per request (it changes nothing else).
 */
export function countMutations(sim: Simulator): () => number {
  for (const [method, path] of MUTATIONS) sim.faults.addRest({ kind: 'delay', ms: 0, method, path, count: PROBE });
  return () => {
    const left = sim.faults.describe().rest.filter((r) => r.kind === 'delay' && r.ms === 0).reduce((a, r) => a + r.remaining, 0);
    return MUTATIONS.length * PROBE - left;
  };
}

export interface Embedded {
  records: JournalRecord[];
  /** Everything the service printed: log lines and one-line errors. */
  output(): string;
  waitFor(what: string, predicate: (r: JournalRecord) => boolean, timeoutMs?: number): Promise<JournalRecord>;
  exited: Promise<number>;
  stop(): Promise<number>;
}

/** `startService` in this process (the real entry point minus the process): output captured, stopped by an AbortSignal. */
export function runEmbedded(env: Record<string, string>, options: Pick<StartOptions, 'httpListenPort'> = {}): Embedded {
  const records: JournalRecord[] = [];
  let out = '';
  const sink = new Writable({ write(chunk, _e, done) { out += String(chunk); done(); } });
  const abort = new AbortController();
  let done = false;
  const exited = startService({ env: { LOG_FORMAT: 'json', HTTP_PORT: '0', ...env }, logDestination: sink, errors: sink, signal: abort.signal, onRecord: (r) => records.push(r), ...options });
  void exited.finally(() => (done = true));
  return {
    records,
    output: () => out,
    exited,
    async waitFor(what, predicate, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const hit = records.find(predicate);
        if (hit) return hit;
        if (done) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no record "${what}" (exited=${done})\n${out.slice(-3000)}`);
    },
    async stop() {
      abort.abort();
      return exited;
    },
  };
}
