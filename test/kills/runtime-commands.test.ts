// Kills for the surviving mutants of src/runtime/commands.ts, written from SPEC ("`status` and
// `doctor` are read-only in every mode") and docs/OPERATIONS.md (`npx exstate doctor` before
// `start`; `exstate status`): `status` tells the operator the execution mode, whether writes are
// enabled (a write-capable, gated-open configuration AND a ready service), the OPEN positions only
// (scope, size, entry price), the pending confirmations and the scopes that require recovery;
// `doctor` lists each check by name with whether it passes and its detail text (config accepted or
// rejected, protective levels configured, the execution mode's write gate, private stream open,
// service ready, scopes requiring recovery), and its verdict is ok only when EVERY check passes.
import { Decimal } from '../../src/domain/decimal.js';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { createFailingStore } from '../../src/conformance/failing-store.js';
import { ScriptedVenue } from '../../src/conformance/scripted-venue.js';
import { runCommand } from '../../src/runtime/commands.js';
import { Journal } from '../../src/runtime/journal.js';
import { OrderContextStore } from '../../src/runtime/order-context-store.js';
import { RuntimeCore } from '../../src/runtime/runtime-core.js';
import type { ExecutionMode, RuntimeConfig } from '../../src/runtime/runtime-config.js';
import type { Strategy } from '../../src/domain/strategy.js';

const LONG = 'binance:linear:BTCUSDT:LONG';
const SHORT = 'binance:linear:ETHUSDT:SHORT';
const d = (s: string) => new Decimal(s);
const BTC_LONG = { exchange: 'binance', product: 'linear', symbol: 'BTCUSDT', managedSide: 'LONG' };
const ETH_SHORT = { exchange: 'binance', product: 'linear', symbol: 'ETHUSDT', managedSide: 'SHORT' };

function setup(opts: { mode?: ExecutionMode; strategy?: Strategy; conformancePassed?: boolean; liveConfirmed?: boolean } = {}) {
  const config: RuntimeConfig = {
    exchange: 'binance', product: 'linear', positionMode: 'hedge', mode: opts.mode ?? 'demo',
    strategy: opts.strategy ?? parseStrategy({ takeProfitPct: '1', stopLossPct: '2', dca: [] }),
    eventBurstMs: 1, maxBurstDelayMs: 5, confirmationTimeoutMs: 1000, heartbeatTimeoutMs: 0,
    gates: { conformancePassed: opts.conformancePassed ?? true, liveConfirmed: opts.liveConfirmed ?? false },
  };
  const clock = { now: () => 1_000, setTimeout: () => 0, clearTimeout: () => undefined };
  const venue = new ScriptedVenue('binance', 'linear', { positions: [], openOrders: [], filters: {}, balances: [], fills: [] }, undefined);
  return new RuntimeCore(config, venue, new OrderContextStore(createFailingStore().keyv), new Journal(clock), clock);
}

/** A core where every doctor check passes: demo with conformance passed, stream open, service ready, nothing to recover. */
function healthy(opts: Parameters<typeof setup>[0] = {}) {
  const core = setup(opts);
  core.state.serviceReady = true;
  core.state.privateStreamReady = true;
  return core;
}

const ACCOUNT_READY = JSON.stringify('ready');
const ACCOUNT_REJECTED = JSON.stringify('rejected');

type Check = { check: string; ok: boolean; detail: string };
const checks = (core: RuntimeCore, lifecycle = ACCOUNT_READY) => (runCommand(core, 'doctor', lifecycle).output.checks as Check[]);
const check = (core: RuntimeCore, name: string, lifecycle = ACCOUNT_READY) => checks(core, lifecycle).find((c) => c.check === name);

describe('doctor: every check by name, whether it passes, and what it says', () => {
  test('a healthy demo account: all six checks pass with their detail, the verdict is ok', () => {
    const core = healthy();
    expect(runCommand(core, 'doctor', ACCOUNT_READY)).toEqual({
      name: 'doctor',
      ok: true,
      output: {
        mode: 'demo',
        checks: [
          { check: 'config', ok: true, detail: 'configuration valid' },
          { check: 'strategy', ok: true, detail: 'protective levels configured' },
          { check: 'execution_mode', ok: true, detail: 'demo: writes enabled' },
          { check: 'private_stream', ok: true, detail: 'open' },
          { check: 'service_ready', ok: true, detail: 'ready' },
          { check: 'recovery', ok: true, detail: '0 scope(s) require recovery' },
        ],
      },
    });
  });

  test('a rejected configuration fails the config check and the verdict, everything else still passing', () => {
    const core = healthy();
    const result = runCommand(core, 'doctor', ACCOUNT_REJECTED);
    expect(result.ok).toBe(false);
    expect((result.output.checks as Check[])[0]).toEqual({ check: 'config', ok: false, detail: 'configuration was rejected' });
    expect((result.output.checks as Check[]).slice(1).every((c) => c.ok)).toBe(true);
  });

  test('the config check compares the whole account state: "rejected" only, not a nested or other state', () => {
    const core = healthy();
    expect(check(core, 'config', JSON.stringify({ starting: 'hydrating' }))).toEqual({ check: 'config', ok: true, detail: 'configuration valid' });
    expect(check(core, 'config', JSON.stringify('paused'))).toEqual({ check: 'config', ok: true, detail: 'configuration valid' });
  });

  test('a stop loss alone or a take profit alone is a configured protective level', () => {
    const slOnly = healthy({ strategy: parseStrategy({ stopLossPct: '2', dca: [] }) });
    const tpOnly = healthy({ strategy: parseStrategy({ takeProfitPct: '1', dca: [] }) });
    for (const core of [slOnly, tpOnly]) {
      expect(check(core, 'strategy')).toEqual({ check: 'strategy', ok: true, detail: 'protective levels configured' });
      expect(runCommand(core, 'doctor', ACCOUNT_READY).ok).toBe(true);
    }
  });

  test('no protective level at all fails the strategy check and the verdict', () => {
    const core = healthy({ strategy: { dca: [] } });
    expect(check(core, 'strategy')).toEqual({ check: 'strategy', ok: false, detail: 'protective levels configured' });
    expect(runCommand(core, 'doctor', ACCOUNT_READY).ok).toBe(false);
  });

  test('a mode without venue writes passes the execution_mode check: "<mode>: no venue writes"', () => {
    for (const mode of ['public', 'read_only', 'dry_run'] as const) {
      const core = healthy({ mode });
      expect(check(core, 'execution_mode')).toEqual({ check: 'execution_mode', ok: true, detail: `${mode}: no venue writes` });
      expect(runCommand(core, 'doctor', ACCOUNT_READY)).toEqual(expect.objectContaining({ ok: true, output: expect.objectContaining({ mode }) }));
    }
  });

  test('write modes with their gates open: "<mode>: writes enabled"', () => {
    expect(check(healthy({ mode: 'testnet' }), 'execution_mode')).toEqual({ check: 'execution_mode', ok: true, detail: 'testnet: writes enabled' });
    expect(check(healthy({ mode: 'live', liveConfirmed: true }), 'execution_mode')).toEqual({ check: 'execution_mode', ok: true, detail: 'live: writes enabled' });
  });

  test('a write mode with a gate closed fails the execution_mode check and says why', () => {
    const noConformance = healthy({ mode: 'demo', conformancePassed: false });
    expect(check(noConformance, 'execution_mode')).toEqual({ check: 'execution_mode', ok: false, detail: 'demo: writes gated off (conformance or operator confirmation missing)' });
    expect(runCommand(noConformance, 'doctor', ACCOUNT_READY).ok).toBe(false);
    const liveUnconfirmed = healthy({ mode: 'live', liveConfirmed: false });
    expect(check(liveUnconfirmed, 'execution_mode')).toEqual({ check: 'execution_mode', ok: false, detail: 'live: writes gated off (conformance or operator confirmation missing)' });
  });

  test('private stream not open and service not ready fail their checks and the verdict', () => {
    const core = healthy();
    core.state.privateStreamReady = false;
    expect(check(core, 'private_stream')).toEqual({ check: 'private_stream', ok: false, detail: 'not open' });
    expect(runCommand(core, 'doctor', ACCOUNT_READY).ok).toBe(false);
    core.state.privateStreamReady = true;
    core.state.serviceReady = false;
    expect(check(core, 'service_ready')).toEqual({ check: 'service_ready', ok: false, detail: 'not ready' });
    expect(runCommand(core, 'doctor', ACCOUNT_READY).ok).toBe(false);
  });

  test('scopes requiring recovery fail the recovery check, counted in its detail', () => {
    const core = healthy();
    core.requireRecovery(LONG, 'test');
    core.requireRecovery(SHORT, 'test');
    expect(check(core, 'recovery')).toEqual({ check: 'recovery', ok: false, detail: '2 scope(s) require recovery' });
    expect(runCommand(core, 'doctor', ACCOUNT_READY).ok).toBe(false);
  });

  test('one failing check among passing ones is enough to fail the verdict', () => {
    const core = healthy();
    core.state.serviceReady = false;
    const result = runCommand(core, 'doctor', ACCOUNT_READY);
    expect((result.output.checks as Check[]).filter((c) => !c.ok).map((c) => c.check)).toEqual(['service_ready']);
    expect(result.ok).toBe(false);
  });
});

describe('status: what the running account holds', () => {
  test('status, not doctor: mode, readiness, writes, scopes, open positions only, orders, balances, pending, recovery', () => {
    const core = healthy();
    core.know(LONG);
    core.state.applyPosition({ kind: 'position', symbol: 'BTCUSDT', managedSide: 'LONG', size: d('0.010'), entryPrice: d('65000.50') }, LONG);
    core.state.applyPosition({ kind: 'position', symbol: 'ETHUSDT', managedSide: 'SHORT', size: d('0'), entryPrice: d('0') }, SHORT);
    core.state.applyBalance({ kind: 'balance', asset: 'USDT', walletBalance: d('1000.0'), availableBalance: d('900') });
    core.tracker.register({ scopeKey: LONG, action: 'place', slot: 'TP', customOrderId: 'tp0', state: 'in_flight', sinceMs: 0 });
    core.tracker.register({ scopeKey: LONG, action: 'place', slot: 'SL', customOrderId: 'sl0', state: 'accepted', sinceMs: 0 });
    core.requireRecovery(SHORT, 'test');
    const result = runCommand(core, 'status', ACCOUNT_READY);
    expect(result).toEqual({
      name: 'status',
      ok: true,
      output: {
        mode: 'demo',
        systemMode: core.modes.mode(),
        modeReasons: core.modes.reasons(),
        lifecycle: ACCOUNT_READY,
        serviceReady: true,
        privateStreamReady: true,
        writesEnabled: true,
        scopes: 1,
        positions: [{ scope: BTC_LONG, size: '0.01', entryPrice: '65000.5' }],
        openOrders: 0,
        balances: [{ asset: 'USDT', walletBalance: '1000', availableBalance: '900' }],
        pendingConfirmations: 2,
        recoveryRequired: [ETH_SHORT],
      },
    });
  });

  test('two open positions are both listed with their fields, in order', () => {
    const core = healthy();
    core.state.applyPosition({ kind: 'position', symbol: 'BTCUSDT', managedSide: 'LONG', size: d('1'), entryPrice: d('100') }, LONG);
    core.state.applyPosition({ kind: 'position', symbol: 'ETHUSDT', managedSide: 'SHORT', size: d('2.5'), entryPrice: d('3000') }, SHORT);
    expect(runCommand(core, 'status', ACCOUNT_READY).output.positions).toEqual([
      { scope: BTC_LONG, size: '1', entryPrice: '100' },
      { scope: ETH_SHORT, size: '2.5', entryPrice: '3000' },
    ]);
  });

  test('writes are enabled only for a gated-open write mode AND a ready service', () => {
    const ready = healthy();
    expect(runCommand(ready, 'status', ACCOUNT_READY).output.writesEnabled).toBe(true);
    ready.state.serviceReady = false;
    expect(runCommand(ready, 'status', ACCOUNT_READY).output.writesEnabled).toBe(false);
    expect(runCommand(healthy({ mode: 'dry_run' }), 'status', ACCOUNT_READY).output.writesEnabled).toBe(false);
  });
});
