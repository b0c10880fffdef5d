// exstate command line: start, conformance, status, doctor, sim (later). Output meant for a
// person goes to stdout here; domain facts go through the Journal and pino.
import { Command } from 'commander';
import { observeFixture, runConformance } from '../conformance/runner.js';
import { evaluateConformanceGate } from './conformance-gate.js';
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { lockHolder } from './instance-lock.js';
import { accountLock, loadServiceConfig, startService } from './service.js';
import { packageVersion } from './banner.js';
import { statusCommand } from './status-command.js';
import { fleetStatus } from './fleet-command.js';
import { parseSharedStore, type SharedStoreConfig } from '../config/shared-store-config.js';
import { loadEnvironment } from '../config/env.js';
import { ConfigError } from '../config/config-error.js';
import { errorLine } from './error-line.js';
import { addJournalCommands } from './audit/audit-cli.js';
import { addReplayCommand } from './replay/replay-cli.js';
import { startSimulator } from '../sim/server.js';
import { loadScenario } from '../sim/scenario.js';

const program = new Command();
program.name('exstate').version(packageVersion(), '-V, --version', 'print the version').description('Exchange-state manager: trusted private state and app-owned SL/TP/DCA per symbol-side scope.');

program
  .command('conformance')
  .argument('<path>', 'a fixture pack (.json) or a directory of packs')
  .option('--json', 'print one JSON report on stdout')
  .option('--observe <name>', 'print the observed state of one fixture (for writing expectations)')
  .description('run the exchange-state-management.workflow.v1 conformance fixtures against the real runtime')
  .action(async (path: string, opts: { json?: boolean; observe?: string }) => {
    if (opts.observe) {
      process.stdout.write(`${JSON.stringify(await observeFixture(path, opts.observe), null, 2)}\n`);
      return;
    }
    const report = await runConformance(path);
    if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else {
      for (const f of report.fixtures) {
        process.stdout.write(`${f.passed ? 'PASS' : 'FAIL'} ${f.name}\n`);
        for (const failure of f.failures) process.stdout.write(`     ${failure}\n`);
      }
      process.stdout.write(`\nconformance: ${report.passed} passed, ${report.failed} failed\n`);
    }
    process.exitCode = report.failed === 0 && report.fixtures.length > 0 ? 0 : 1;
  });

program
  .command('start')
  .option('--profile <file>', 'an env file that fills what neither the environment nor .env sets (npm start uses profiles/embedded.env)')
  .option('--inspect', 'serve the Stately inspector bridge on 127.0.0.1 (actors attached only while a viewer is connected; see docs/OPERATIONS.md)')
  .option('--inspect-scopes <pattern>', 'with --inspect: the scopes shown, comma-separated globs on symbol, symbol:side or key (default *)')
  .option('--inspect-port <n>', 'with --inspect: the relay\'s port on 127.0.0.1 (default 8788; 0: a free port)')
  .option('--venue <name>', 'the VENUE to run; when the configuration runs the built-in simulator, the simulator speaking that venue (bybit: sim-bybit)')
  .description('run one account until SIGINT/SIGTERM')
  .action(async (opts: { profile?: string; inspect?: boolean; inspectScopes?: string; inspectPort?: string; venue?: string }) => {
    const inspect = inspectOptions(opts);
    if (inspect === 'invalid') {
      process.exitCode = 2;
      return;
    }
    process.exitCode = await startService({ profile: opts.profile, ...(inspect ? { inspect } : {}), ...(opts.venue !== undefined ? { venue: opts.venue } : {}) });
    // Everything is closed and the last line is out; a stray foreign timer must not keep a
    // stopped service around.
    setTimeout(() => process.exit(process.exitCode), 2_000).unref();
  });

program
  .command('doctor')
  .option('--profile <file>', 'an env file that fills what neither the environment nor .env sets')
  .description('validate the configuration and show the execution gates; reads only, writes nothing')
  .action(async (opts: { profile?: string }) => {
    const config = loadServiceConfig(opts);
    if (!config) {
      process.exitCode = 2;
      return;
    }
    const r = config.runtime;
    const writeMode = ['demo', 'testnet', 'live'].includes(r.mode);
    // The same gate `start` evaluates (the pack is run against the in-memory harness: nothing is sent).
    const gate = writeMode ? await evaluateConformanceGate(config.conformancePack) : undefined;
    // Every check `start` runs before it touches the venue: the pack, the store's path, the locks.
    const storeDir = dirname(resolve(config.storePath));
    const storeOk = canCreateIn(storeDir);
    const holders = writeMode ? [lockHolder(accountLock(config)), lockHolder(join(storeDir, 'exstate.lock'))].filter((p): p is number => p !== undefined) : [];
    const checks = [
      ...(gate ? [{ check: 'conformance_gate', ok: gate.open, detail: gate.reason }] : []),
      { check: 'store_path', ok: storeOk, detail: storeOk ? `${storeDir} is usable` : `${storeDir} cannot be created or written` },
      ...(writeMode ? [{ check: 'instance_lock', ok: holders.length === 0, detail: holders.length === 0 ? 'free' : `held by a running exstate (pid ${holders.join(', ')})` }] : []),
    ];
    const report = {
      ok: checks.every((c) => c.ok),
      checks,
      mode: r.mode,
      venue: config.venue,
      symbols: r.configuredSymbols?.length ? r.configuredSymbols : 'auto-detect open positions',
      strategy: { takeProfitPct: r.strategy.takeProfitPct?.toFixed(), stopLossPct: r.strategy.stopLossPct?.toFixed(), dca: r.strategy.dca.map((s) => ({ offsetPct: s.offsetPct.toFixed(), sizePct: s.sizePct.toFixed() })) },
      writes: writeMode ? 'after the conformance gate passes at start' : 'never in this mode',
      ...(gate ? { conformanceGate: { open: gate.open, reason: gate.reason, pack: gate.pack } } : {}),
      liveConfirmed: r.gates.liveConfirmed,
      credentials: config.credentials.apiKey ? 'set' : 'not set',
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (!report.ok) process.exitCode = 1;
  });

program
  .command('status')
  .option('--json', 'print /api/status and /api/scopes as one JSON document')
  .option('--url <url>', 'the service\'s HTTP address (default: http://127.0.0.1:HTTP_PORT, 8787 unless set)')
  .description('read a running service: mode, alerts, positions with their SL/TP/DCA and trust, pending and unknown outcomes; exit 0 when ready and NORMAL, 1 otherwise, 2 when unreachable')
  .action(async (opts: { json?: boolean; url?: string }) => {
    process.exitCode = await statusCommand(opts);
  });

program
  .command('fleet')
  .argument('<what>', 'status')
  .option('--profile <file>', 'an env file that fills what neither the environment nor .env sets')
  .option('--json', 'print one JSON document')
  .description('every account in the shared PostgreSQL store (STORE_URL): owner, lease epoch and age, mode and readiness; reads only')
  .action(async (what: string, opts: { profile?: string; json?: boolean }) => {
    if (what !== 'status') {
      process.stderr.write(`exstate: fleet ${JSON.stringify(what)}: expected "fleet status"\n`);
      process.exitCode = 2;
      return;
    }
    // Only the store's address matters here: an operator's box need not hold an account's settings.
    let shared: SharedStoreConfig | undefined;
    try {
      shared = parseSharedStore({ STORE_URL: loadEnvironment({ profile: opts.profile }).STORE_URL }, { venue: 'fleet', url: '', apiKey: '' });
    } catch (error) {
      process.stderr.write(`exstate: configuration rejected: ${error instanceof ConfigError ? `${error.field}=${JSON.stringify(error.value)}: ${error.reason}` : errorLine(error)}\n`);
      process.exitCode = 2;
      return;
    }
    if (!shared) {
      process.stderr.write('exstate: fleet status needs STORE_URL=postgres://... (the shared store); with STORE_PATH one process manages one account: use `exstate status`\n');
      process.exitCode = 2;
      return;
    }
    process.exitCode = await fleetStatus(shared.url, { json: opts.json });
  });

addJournalCommands(program);
addReplayCommand(program);

program
  .command('sim')
  .option('--port <n>', 'port on 127.0.0.1 (default: a random free port)')
  .option('--seed <s>', 'seed for prices and ids', '1')
  .option('--scenario <file>', 'a scripted scenario (JSON) played in real time')
  .option('--one-way', 'one-way position mode instead of hedge mode')
  .option('--venue <venue>', 'the venue it speaks: binanceusdm (Binance USD-M) or bybit (Bybit V5 linear)', 'binanceusdm')
  .description('run the simulated exchange alone; prints one JSON line with its URLs and credentials')
  .action(async (opts: { port?: string; seed: string; scenario?: string; oneWay?: boolean; venue: string }) => {
    if (opts.venue !== 'binanceusdm' && opts.venue !== 'bybit') {
      process.stderr.write(`exstate: --venue=${JSON.stringify(opts.venue)}: expected binanceusdm or bybit\n`);
      process.exitCode = 2;
      return;
    }
    const sim = await startSimulator({
      venue: opts.venue,
      port: opts.port ? Number(opts.port) : undefined,
      seed: Number(opts.seed),
      positionMode: opts.oneWay ? 'one_way' : 'hedge',
      scenario: opts.scenario ? loadScenario(opts.scenario) : undefined,
    });
    process.stdout.write(`${JSON.stringify({ rest: sim.rest, ws: sim.ws, control: sim.control, apiKey: sim.apiKey, secret: sim.secret })}\n`);
    const stop = () => void sim.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

await program.parseAsync(process.argv);

/** `start`'s inspector flags: the options, none (no `--inspect`), or `invalid` (said on stderr). */
function inspectOptions(opts: { inspect?: boolean; inspectScopes?: string; inspectPort?: string }): { scopes?: string; port?: number } | undefined | 'invalid' {
  const fail = (line: string) => {
    process.stderr.write(`exstate: ${line}\n`);
    return 'invalid' as const;
  };
  if (!opts.inspect) return opts.inspectScopes !== undefined || opts.inspectPort !== undefined ? fail('--inspect-scopes and --inspect-port need --inspect') : undefined;
  const port = opts.inspectPort === undefined ? undefined : Number(opts.inspectPort);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) return fail(`--inspect-port ${JSON.stringify(opts.inspectPort)}: a port number 0-65535`);
  return { ...(opts.inspectScopes !== undefined ? { scopes: opts.inspectScopes } : {}), ...(port !== undefined ? { port } : {}) };
}

/** Whether a file can be created in this directory (or the nearest existing parent can hold it). */
function canCreateIn(dir: string): boolean {
  let d = dir;
  while (!existsSync(d)) {
    const parent = dirname(d);
    if (parent === d) return false;
    d = parent;
  }
  try {
    accessSync(d, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
