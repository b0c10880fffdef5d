// Configuration is rejected before anything is created, naming the variable and the value.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseServiceConfig, LIVE_CONFIRMATION_TEXT } from '../src/config/service-config.js';

const base = { TAKE_PROFIT_PCT: '1', STOP_LOSS_PCT: '2', DCA_STEPS: '1:100' };
const reject = (env: Record<string, string>) => {
  try {
    parseServiceConfig({ ...base, ...env });
  } catch (error) {
    return error as { field: string; value: unknown; message: string };
  }
  throw new Error('expected a rejection');
};

describe('service configuration', () => {
  test('defaults to dry run with auto-detected symbols', () => {
    const c = parseServiceConfig(base);
    expect(c.runtime.mode).toBe('dry_run');
    expect(c.runtime.configuredSymbols).toEqual([]);
    expect(c.runtime.strategy.dca).toHaveLength(1);
  });
  test.each([
    [{ EXECUTION_MODE: 'PAPER' }, 'EXECUTION_MODE'],
    [{ STOP_LOSS_PCT: 'abc' }, 'STOP_LOSS_PCT'],
    [{ TAKE_PROFIT_PCT: 'Infinity' }, 'TAKE_PROFIT_PCT'],
    [{ STOP_LOSS_PCT: '-1' }, 'STOP_LOSS_PCT'],
    [{ DCA_STEPS: '2:100' }, 'DCA_STEPS (step 1 offsetPct)'],
    [{ DCA_STEPS: '1:100,0.5:100' }, 'DCA_STEPS (step 2 offsetPct)'],
    [{ DCA_STEPS: '1' }, 'DCA_STEPS'],
    [{ EVENT_BURST_MS: '1.5' }, 'EVENT_BURST_MS'],
    [{ MAX_BURST_DELAY_MS: '100' }, 'MAX_BURST_DELAY_MS'],
    [{ SYMBOLS: 'btc/usdt' }, 'SYMBOLS'],
    [{ POSITION_MODE: 'both' }, 'POSITION_MODE'],
  ])('%j is rejected naming %s', (env, field) => {
    expect(reject(env as Record<string, string>).field).toBe(field);
  });
  test('a missing strategy is a startup error: the service has no strategy defaults', () => {
    expect(() => parseServiceConfig({})).toThrow(/STOP_LOSS_PCT/);
  });
  test('LIVE needs the exact operator confirmation, and never echoes a wrong one', () => {
    const venue = { VENUE: 'binanceusdm', VENUE_REST_URL: 'https://venue.example', VENUE_WS_URL: 'wss://venue.example', API_KEY: 'k', API_SECRET: 's' };
    const e = reject({ ...venue, EXECUTION_MODE: 'LIVE', LIVE_CONFIRMATION: 'yes' });
    expect(e.field).toBe('LIVE_CONFIRMATION');
    expect(e.message).not.toContain('"yes"');
    expect(parseServiceConfig({ ...base, EXECUTION_MODE: 'DEMO' }).runtime.gates.liveConfirmed).toBe(false);
    expect(() => parseServiceConfig({ ...base, EXECUTION_MODE: 'LIVE', LIVE_CONFIRMATION: LIVE_CONFIRMATION_TEXT })).toThrow(/simulator accepts/);
  });
  test('a real venue is reached only through explicit URLs and credentials', () => {
    expect(reject({ VENUE: 'binanceusdm' }).field).toBe('VENUE_REST_URL');
    expect(reject({ VENUE: 'binanceusdm', VENUE_REST_URL: 'https://venue.example', VENUE_WS_URL: 'wss://venue.example' }).field).toBe('API_KEY');
    expect(parseServiceConfig({ ...base }).venue).toBe('sim');
  });
});

describe('exstate start with an invalid .env', () => {
  test('stops before anything is created, naming the variable; writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exstate-env-'));
    writeFileSync(join(dir, '.env'), 'STOP_LOSS_PCT=two\nTAKE_PROFIT_PCT=1\nSTORE_PATH=./data/x.sqlite\n');
    const cli = join(process.cwd(), 'bin/exstate.js');
    const env: NodeJS.ProcessEnv = { ...process.env, API_SECRET: 'super-secret-value' };
    delete env.STOP_LOSS_PCT;
    const run = spawnSync(process.execPath, [cli, 'start'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('STOP_LOSS_PCT="two"');
    expect(run.stderr + run.stdout).not.toContain('super-secret-value');
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });
});
