// The REAL service as a child process: `node bin/exstate.js start` in its own temporary working
// directory (with its own `.env`), the credentials passed in the environment only (so no file the
// chaos run wrote holds a secret), a store in that directory that survives kills and restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface ServiceSettings {
  rest: string;
  ws: string;
  apiKey: string;
  secret: string;
  positionMode: 'hedge' | 'one_way';
  /** The service's working directory (its `.env` and its store live here). */
  dir: string;
  takeProfitPct: string;
  stopLossPct: string;
  dcaSteps: string;
  heartbeatTimeoutMs: number;
}

export interface Incarnation {
  n: number;
  pid: number;
  startedAt: number;
  exit?: { code: number | null; signal: string | null; at: number };
  /** Set when the chaos run stopped it (kill -9 or SIGTERM): its exit is expected. */
  stoppedBy?: 'SIGKILL' | 'SIGTERM';
}

export class ServiceProcess {
  readonly incarnations: Incarnation[] = [];
  /** Everything the service printed, every incarnation (checked for secrets). */
  stdout = '';
  stderr = '';
  private child: ChildProcess | undefined;
  private current: Incarnation | undefined;
  private readyWaiters: Array<() => void> = [];
  private readySeen = false;
  /** Called when a process exits without the chaos run having stopped it. */
  onUnexpectedExit: (i: Incarnation) => void = () => undefined;

  constructor(private readonly s: ServiceSettings) {
    mkdirSync(s.dir, { recursive: true });
    // Non-secret settings in the directory's .env (the working directory matters: it is read there).
    writeFileSync(join(s.dir, '.env'), [
      'VENUE=binanceusdm',
      'EXECUTION_MODE=DEMO',
      `POSITION_MODE=${s.positionMode}`,
      `TAKE_PROFIT_PCT=${s.takeProfitPct}`,
      `STOP_LOSS_PCT=${s.stopLossPct}`,
      `DCA_STEPS=${s.dcaSteps}`,
      `STORE_PATH=${join(s.dir, 'store', 'exstate.sqlite')}`,
      `CONFORMANCE_PACK=${join(REPO, 'fixtures', 'conformance')}`,
      `HEARTBEAT_TIMEOUT_MS=${s.heartbeatTimeoutMs}`,
      'VENUE_TIMEOUT_MS=2000',
      'CONFIRMATION_TIMEOUT_MS=2500',
      'EVENT_BURST_MS=50',
      'MAX_BURST_DELAY_MS=300',
      'LOG_FORMAT=json',
      'LOG_LEVEL=info',
      // No operator HTTP server: parallel services would fight over the default port.
      'HTTP_PORT=0',
      '',
    ].join('\n'));
  }

  get running(): boolean {
    return this.current !== undefined && this.current.exit === undefined;
  }

  get pid(): number | undefined {
    return this.running ? this.current!.pid : undefined;
  }

  start(): Incarnation {
    if (this.running) throw new Error('the service is already running');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? this.s.dir,
      TMPDIR: process.env.TMPDIR ?? '/tmp',
      // Secrets only here, never in a file.
      VENUE_REST_URL: this.s.rest,
      VENUE_WS_URL: this.s.ws,
      API_KEY: this.s.apiKey,
      API_SECRET: this.s.secret,
    };
    const child = spawn(process.execPath, [join(REPO, 'bin', 'exstate.js'), 'start'], { cwd: this.s.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const inc: Incarnation = { n: this.incarnations.length + 1, pid: child.pid ?? -1, startedAt: Date.now() };
    this.incarnations.push(inc);
    this.child = child;
    this.current = inc;
    this.readySeen = false;
    const marker = `\n--- incarnation ${inc.n} (pid ${inc.pid}) ---\n`;
    this.stdout += marker;
    this.stderr += marker;
    let partial = '';
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      this.stdout += chunk;
      partial += chunk;
      // Orchestration only (when to begin the schedule): the invariants never read these lines.
      if (!this.readySeen && partial.includes('"msg":"service_ready"')) {
        this.readySeen = true;
        for (const w of this.readyWaiters.splice(0)) w();
      }
      if (partial.length > 4096) partial = partial.slice(-200);
    });
    child.stderr!.on('data', (chunk: string) => (this.stderr += chunk));
    child.on('exit', (code, signal) => {
      inc.exit = { code, signal, at: Date.now() };
      if (!inc.stoppedBy) this.onUnexpectedExit(inc);
    });
    return inc;
  }

  /** Resolves when the current incarnation said service_ready (false on timeout or exit). */
  async ready(timeoutMs: number): Promise<boolean> {
    if (this.readySeen) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** kill -9, synchronously (safe to call from inside a simulator request listener). */
  kill9(): boolean {
    if (!this.running || !this.child) return false;
    this.current!.stoppedBy = 'SIGKILL';
    try {
      process.kill(this.current!.pid, 'SIGKILL');
    } catch {
      return false;
    }
    return true;
  }

  /** Resolves once the current incarnation has exited. */
  async exited(timeoutMs = 10_000): Promise<boolean> {
    const inc = this.current;
    if (!inc || inc.exit) return true;
    const child = this.child!;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** SIGTERM and wait; returns the exit (or undefined when it hung and was killed). */
  async terminate(timeoutMs = 20_000): Promise<Incarnation['exit'] | undefined> {
    if (!this.running || !this.child) return this.current?.exit;
    const inc = this.current!;
    inc.stoppedBy = 'SIGTERM';
    this.child.kill('SIGTERM');
    if (await this.exited(timeoutMs)) return inc.exit;
    inc.stoppedBy = 'SIGKILL';
    this.child.kill('SIGKILL');
    await this.exited(5000);
    return undefined;
  }
}
