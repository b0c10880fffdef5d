// The conformance pack is the acceptance test of the core: every fixture passes, every required
// check has a fixture, and the runner fails loudly on what it does not understand.
//
// Each fixture is its own jest test (so a failure names the fixture, and per-test coverage, as
// Stryker's mutation run uses it, maps each line of the runtime to the fixtures that reach it).
// The pack is read and each fixture's shape validated when the file is collected; a file or a
// fixture the runner would refuse becomes a failing test with the runner's message.
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnvelope, readFixture, type Fixture } from '../src/conformance/fixture-format.js';
import { packFiles, runFixture, runPackFile } from '../src/conformance/runner.js';

import { REQUIRED_CHECKS, REQUIRED_LESSONS } from '../src/conformance/required-checks.js';
const PACK = 'fixtures/conformance';

const REQUIRED = `startup_hydrated_position_queues_work_before_service_ready private_event_records_scope_and_schedules_reconcile
private_event_burst_waits_for_related_events custom_order_id_registry_routes_exchange_echoes
pending_confirmation_does_not_unlock_dependent_action_family context_write_failure_blocks_submission
private_confirmation_before_rest_accept_is_consumed side_flip_cleans_old_side_before_new_side_work
pending_place_blocks_duplicate_place pending_cancel_blocks_duplicate_cancel
decimal_and_default_equivalent_active_order_does_not_replace terminal_event_during_cancel_or_amend_is_benign_race
reconnect_queues_known_scopes_for_recovery_even_when_quiet slot_filter_failures_are_blocked_not_silent_or_retried
flat_position_cleans_app_owned_orders rest_acceptance_does_not_downgrade_trusted_private_order
terminal_order_status_is_not_open_order_confirmation execution_fill_is_not_open_order_confirmation
default_dca_active_order_does_not_advance_next_step startup_adopts_active_contexts_and_prunes_absent_contexts
ambiguous_event_routes_bounded_fallback_then_exact_scope pending_confirmation_timeout_enters_scoped_recovery
recovery_hydration_blocks_normal_actions_until_trust_restored blank_symbols_auto_detects_open_positions
absent_symbols_auto_detects_open_positions blank_symbols_no_positions_noops_without_mutation
symbol_allowlist_manages_matching_detected_positions_only sample_symbol_not_used_as_runtime_default
configured_symbol_allowlist_blocks_out_of_scope_events order_confirmation_does_not_imply_position_trust
native_position_dca_fill_waits_for_position_update native_position_tp_sl_fill_waits_for_position_update
spot_local_position_state_substitutes_for_native_position_rows long_dca_equal_sl_rejected
short_dca_equal_sl_rejected dry_run_status_doctor_cannot_submit_live_orders`.split(/\s+/);

const LESSONS = ['lesson_1_', 'lesson_2_', 'lesson_3_', 'lesson_4_', 'lesson_5_', 'lesson_6_', 'lesson_7_', 'lesson_9_'];

async function packWith(doc: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'exstate-pack-'));
  const file = join(dir, 'pack.json');
  await writeFile(file, JSON.stringify(doc));
  return file;
}

const minimal = (over: Record<string, unknown> = {}) => ({
  name: 'minimal_fixture',
  intent: 'A minimal fixture.',
  scope: { exchange: 'generic', product: 'linear', symbol: 'BTCUSDT', managedSide: 'LONG' },
  initial: {},
  steps: [{ type: 'planner_tick', atMs: 1 }],
  expect: {},
  ...over,
});

interface PackEntry {
  file: string;
  /** The fixture, or the runner's refusal of the file or of this fixture. */
  fixture?: Fixture;
  name: string;
  error?: string;
}

function readPack(files: string[]): PackEntry[] {
  const entries: PackEntry[] = [];
  for (const file of files) {
    let raws: unknown[];
    try {
      raws = readEnvelope(JSON.parse(readFileSync(file, 'utf8')), file);
    } catch (error) {
      entries.push({ file, name: '(file)', error: (error as Error).message });
      continue;
    }
    const names = new Set<string>();
    for (const [i, raw] of raws.entries()) {
      try {
        const fixture = readFixture(raw, i);
        if (names.has(fixture.name)) entries.push({ file, name: fixture.name, error: `duplicate fixture name ${fixture.name}` });
        else entries.push({ file, name: fixture.name, fixture });
        names.add(fixture.name);
      } catch (error) {
        const name = (raw as { name?: unknown })?.name;
        entries.push({ file, name: typeof name === 'string' ? name : `fixtures[${i}]`, error: (error as Error).message });
      }
    }
  }
  return entries;
}

const entries = readPack(await packFiles(PACK));

describe('conformance pack', () => {
  test('the pack holds at least one fixture per required check and lesson', () => {
    expect(entries.filter((e) => e.fixture).length).toBeGreaterThanOrEqual(REQUIRED.length + LESSONS.length);
  });

  test('every required check and every lesson has a fixture', () => {
    const names = entries.filter((e) => e.fixture).map((e) => e.name);
    // The gate's list (src/conformance/required-checks.ts) is the contract's list, no more, no less.
    expect([...REQUIRED_CHECKS].sort()).toEqual([...REQUIRED].sort());
    expect([...REQUIRED_LESSONS].sort()).toEqual([...LESSONS].sort());
    const missing = [...REQUIRED.filter((r) => !names.some((n) => n === r || n.startsWith(`${r}_`))), ...LESSONS.filter((l) => !names.some((n) => n.startsWith(l)))];
    expect(missing).toEqual([]);
  });

  for (const file of [...new Set(entries.map((e) => e.file))]) {
    describe(file, () => {
      for (const entry of entries.filter((e) => e.file === file)) {
        test(entry.name, async () => {
          if (!entry.fixture) throw new Error(`${entry.name}: ${entry.error}`);
          const report = await runFixture(file, entry.fixture);
          expect(report.failures).toEqual([]);
          expect(report.passed).toBe(true);
        });
      }
    });
  }
});

describe('runner strictness', () => {
  test('an unknown top-level key fails the file', async () => {
    const [r] = await runPackFile(await packWith({ version: 'exchange-state-management.workflow.v1', fixtures: [minimal()], extra: 1 }));
    expect(r!.passed).toBe(false);
    expect(r!.failures[0]).toMatch(/unknown key\(s\) "extra"/);
  });

  test('an unknown step type fails the fixture loudly', async () => {
    const [r] = await runPackFile(await packWith({ version: 'exchange-state-management.workflow.v1', fixtures: [minimal({ steps: [{ type: 'teleport' }] })] }));
    expect(r!.passed).toBe(false);
    expect(r!.failures[0]).toMatch(/unknown step type "teleport"/);
  });

  test('an unknown forbid id fails the fixture loudly', async () => {
    const [r] = await runPackFile(await packWith({ version: 'exchange-state-management.workflow.v1', fixtures: [minimal({ forbid: ['no_such_trace'] })] }));
    expect(r!.passed).toBe(false);
    expect(r!.failures[0]).toMatch(/unknown forbid id "no_such_trace"/);
  });

  test('a wrong version fails the file', async () => {
    const [r] = await runPackFile(await packWith({ version: 'position-manager.workflow.v1', fixtures: [minimal()] }));
    expect(r!.failures[0]).toMatch(/version must be/);
  });

  test('a failing expectation is reported with expected and observed', async () => {
    const [r] = await runPackFile(await packWith({ version: 'exchange-state-management.workflow.v1', fixtures: [minimal({ expect: { actionFamily: 'protective' } })] }));
    expect(r!.passed).toBe(false);
    expect(r!.failures[0]).toBe('expect.actionFamily: expected "protective" but observed null');
  });

  test('protection is the slots the strategy configures: a TP-only strategy lets DCA follow a trusted TP', async () => {
    const fx = minimal({
      initial: {
        config: { strategy: { takeProfitPct: '1', dca: [{ offsetPct: '1', sizePct: '100' }] } },
        accountState: { positions: [{ size: '0.01', entryPrice: '65000' }], openOrders: [{ customOrderId: 'tp-1', side: 'SELL', type: 'LIMIT', price: '65650', qty: '0.01', reduceOnly: true }] },
        orderContextStore: { 'tp-1': { slot: 'TP' } },
      },
      steps: [{ type: 'private_event', event: { kind: 'position', size: '0.01', entryPrice: '65000' } }, { type: 'planner_tick', atMs: 150 }],
      expect: { actionFamily: 'dca' },
      forbid: ['exposure_increasing_dca_before_protection_trusted'],
    });
    const [r] = await runPackFile(await packWith({ version: 'exchange-state-management.workflow.v1', fixtures: [fx] }));
    expect(r!.failures).toEqual([]);
  });
});
