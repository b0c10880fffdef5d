// The project's required conformance checks, in one place: the shared contract's "Required
// fixtures" list (/work/shared/CONFORMANCE.md) and the production lessons that have a fixture
// (SPEC.md, "Lessons"). The DEMO/TESTNET/LIVE gate (src/ops/conformance-gate.ts) opens only when
// every one of them has a PASSING fixture in the configured pack, and test/conformance.test.ts
// checks that the shipped pack holds them all.

/** Fixture names from the contract; a fixture may add a suffix (`<check>_<more>`). */
export const REQUIRED_CHECKS: readonly string[] = Object.freeze([
  'startup_hydrated_position_queues_work_before_service_ready',
  'private_event_records_scope_and_schedules_reconcile',
  'private_event_burst_waits_for_related_events',
  'custom_order_id_registry_routes_exchange_echoes',
  'pending_confirmation_does_not_unlock_dependent_action_family',
  'context_write_failure_blocks_submission',
  'private_confirmation_before_rest_accept_is_consumed',
  'side_flip_cleans_old_side_before_new_side_work',
  'pending_place_blocks_duplicate_place',
  'pending_cancel_blocks_duplicate_cancel',
  'decimal_and_default_equivalent_active_order_does_not_replace',
  'terminal_event_during_cancel_or_amend_is_benign_race',
  'reconnect_queues_known_scopes_for_recovery_even_when_quiet',
  'slot_filter_failures_are_blocked_not_silent_or_retried',
  'flat_position_cleans_app_owned_orders',
  'rest_acceptance_does_not_downgrade_trusted_private_order',
  'terminal_order_status_is_not_open_order_confirmation',
  'execution_fill_is_not_open_order_confirmation',
  'default_dca_active_order_does_not_advance_next_step',
  'startup_adopts_active_contexts_and_prunes_absent_contexts',
  'ambiguous_event_routes_bounded_fallback_then_exact_scope',
  'pending_confirmation_timeout_enters_scoped_recovery',
  'recovery_hydration_blocks_normal_actions_until_trust_restored',
  'blank_symbols_auto_detects_open_positions',
  'absent_symbols_auto_detects_open_positions',
  'blank_symbols_no_positions_noops_without_mutation',
  'symbol_allowlist_manages_matching_detected_positions_only',
  'sample_symbol_not_used_as_runtime_default',
  'configured_symbol_allowlist_blocks_out_of_scope_events',
  'order_confirmation_does_not_imply_position_trust',
  'native_position_dca_fill_waits_for_position_update',
  'native_position_tp_sl_fill_waits_for_position_update',
  'spot_local_position_state_substitutes_for_native_position_rows',
  'long_dca_equal_sl_rejected',
  'short_dca_equal_sl_rejected',
  'dry_run_status_doctor_cannot_submit_live_orders',
]);

/**
 * Name prefixes of the production lessons proven by a fixture (lessons 8, 10 and 11 are proven by
 * end-to-end tests: stream silence, UTC times and the instance lock are not fixture material).
 */
export const REQUIRED_LESSONS: readonly string[] = Object.freeze(['lesson_1_', 'lesson_2_', 'lesson_3_', 'lesson_4_', 'lesson_5_', 'lesson_6_', 'lesson_7_', 'lesson_9_']);

/** Does a fixture named `name` prove the required check (exact name, or the name plus a suffix)? */
export function provesCheck(name: string, check: string): boolean {
  return name === check || name.startsWith(`${check}_`);
}

/** The required checks and lessons that none of `names` proves (in the order listed above). */
export function missingRequired(names: readonly string[]): string[] {
  return [
    ...REQUIRED_CHECKS.filter((check) => !names.some((n) => provesCheck(n, check))),
    ...REQUIRED_LESSONS.filter((prefix) => !names.some((n) => n.startsWith(prefix))),
  ];
}
