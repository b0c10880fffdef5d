// Safe commands: read-only in every mode. They read the live runtime and never write anywhere.
import { canon } from '../domain/decimal.js';
import type { RuntimeCore } from './runtime-core.js';
import { WRITE_MODES, writesEnabled } from './runtime-config.js';

export type CommandName = 'status' | 'doctor';

export interface CommandResult {
  name: CommandName;
  ok: boolean;
  output: Record<string, unknown>;
}

export function runCommand(core: RuntimeCore, name: CommandName, lifecycle: string): CommandResult {
  const { config, state, tracker } = core;
  if (name === 'status') {
    const positions = [...state.positions.values()].filter((p) => p.size.gt(0)).map((p) => ({ scope: core.scopeOf(p.scopeKey), size: canon(p.size), entryPrice: canon(p.entryPrice) }));
    return {
      name,
      ok: true,
      output: {
        mode: config.mode,
        systemMode: core.modes.mode(),
        modeReasons: core.modes.reasons().map((r) => ({ reason: r.reason, sinceMs: r.sinceMs, detail: r.detail })),
        lifecycle,
        serviceReady: state.serviceReady,
        privateStreamReady: state.privateStreamReady,
        writesEnabled: writesEnabled(config) && state.serviceReady,
        scopes: core.known.size,
        positions,
        openOrders: state.orders.size,
        balances: [...state.balances.values()].map((b) => ({ asset: b.asset, walletBalance: canon(b.walletBalance), availableBalance: canon(b.availableBalance) })),
        pendingConfirmations: [...tracker.all()].length,
        recoveryRequired: [...state.recoveryRequired].map((k) => core.scopeOf(k)),
      },
    };
  }
  const checks: Array<{ check: string; ok: boolean; detail: string }> = [];
  checks.push({ check: 'config', ok: lifecycle !== '"rejected"', detail: lifecycle === '"rejected"' ? 'configuration was rejected' : 'configuration valid' });
  checks.push({ check: 'strategy', ok: Boolean(config.strategy.stopLossPct || config.strategy.takeProfitPct), detail: 'protective levels configured' });
  const gateDetail = !WRITE_MODES.has(config.mode)
    ? `${config.mode}: no venue writes`
    : writesEnabled(config) ? `${config.mode}: writes enabled` : `${config.mode}: writes gated off (conformance or operator confirmation missing)`;
  checks.push({ check: 'execution_mode', ok: !WRITE_MODES.has(config.mode) || writesEnabled(config), detail: gateDetail });
  checks.push({ check: 'private_stream', ok: state.privateStreamReady, detail: state.privateStreamReady ? 'open' : 'not open' });
  checks.push({ check: 'service_ready', ok: state.serviceReady, detail: state.serviceReady ? 'ready' : 'not ready' });
  checks.push({ check: 'recovery', ok: state.recoveryRequired.size === 0, detail: `${state.recoveryRequired.size} scope(s) require recovery` });
  return { name, ok: checks.every((c) => c.ok), output: { mode: config.mode, checks } };
}
