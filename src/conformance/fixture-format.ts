// The exchange-state-management.workflow.v1 fixture format: shape checks that fail loudly on
// unknown keys, step types and forbid ids (CONFORMANCE.md). Values stay plain JSON here; the
// harness parses rows with the domain's row parser.
export const FIXTURE_VERSION = 'exchange-state-management.workflow.v1';

export const FORBID_IDS = [
  'exposure_increasing_dca_before_protection_trusted',
  'private_event_triggers_rest_hydration',
  'rest_acceptance_downgrades_trusted_order',
  'confirmed_context_enters_recovery',
  'duplicate_place_while_pending',
  'duplicate_cancel_while_pending',
  'fill_treated_as_open_order_confirmation',
  'exchange_submit_called',
  'unowned_order_mutated',
  'submit_without_durable_context',
  'submission_before_service_ready',
] as const;
export type ForbidId = (typeof FORBID_IDS)[number];

export const STEP_FIELDS: Record<string, readonly string[]> = {
  rest_hydration: ['subject', 'scope', 'payload'],
  venue_state: ['payload'],
  start: ['payload'],
  private_stream: ['status'],
  private_event: ['event'],
  submit_result: ['match', 'outcome', 'exchangeOrderId', 'code', 'message', 'httpStatus', 'applied'],
  planner_tick: [],
  context_store: ['failWrites', 'failFor'],
  venue_fault: ['call', 'fault', 'count', 'code', 'httpStatus', 'applied', 'match'],
  venue_hold: ['call', 'count'],
  venue_release: ['call'],
  command: ['name'],
  restart: [],
};

export const EXPECT_KEYS = [
  'affectedScopes', 'actionFamily', 'passes', 'requests', 'submissions', 'pendingConfirmations', 'contexts',
  'hydrations', 'blocks', 'logs', 'accountState', 'commands', 'requestCounts', 'submissionCounts', 'violations',
] as const;

const FILE_KEYS = ['version', 'fixtures', '$schema'];
const FIXTURE_KEYS = ['name', 'intent', 'requiredForLiveCapableDemo', 'scope', 'initial', 'steps', 'expect', 'forbid', 'forbidExceptions'];
const INITIAL_KEYS = ['config', 'accountState', 'orderContextStore', 'pendingConfirmations', 'clockMs'];
const CONFIG_KEYS = ['mode', 'configuredSymbols', 'positionMode', 'strategy', 'eventBurstMs', 'quietWindowMs', 'maxBurstDelayMs', 'maxDelayMs', 'confirmationTimeoutMs', 'protectionFallback', 'markPollMs'];
const ACCOUNT_KEYS = ['serviceReady', 'privateStreamReady', 'positions', 'openOrders', 'filters', 'balances'];

export interface FixtureScope {
  exchange: 'generic' | 'binance' | 'bybit';
  product: 'linear' | 'spot' | 'inverse';
  symbol: string;
  managedSide: 'LONG' | 'SHORT';
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface FixtureStep extends JsonObject {
  type: string;
}

export interface Fixture {
  name: string;
  intent: string;
  requiredForLiveCapableDemo: boolean;
  scope: FixtureScope;
  initial: JsonObject;
  steps: FixtureStep[];
  expect: JsonObject;
  /** Forbid ids the fixture names (all of them apply anyway). */
  forbid: string[];
  /** Forbid ids this fixture opts out of, each with the reason. */
  forbidExceptions: Record<string, string>;
}

export class FixtureFormatError extends Error {
  constructor(readonly where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'FixtureFormatError';
  }
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function unknownKeys(value: JsonObject, allowed: readonly string[], where: string): void {
  const extra = Object.keys(value).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new FixtureFormatError(where, `unknown key(s) ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
}

/** Validates the file envelope; returns the raw fixtures for per-fixture validation. */
export function readEnvelope(doc: unknown, file: string): unknown[] {
  if (!isObject(doc)) throw new FixtureFormatError(file, 'the file must hold a JSON object');
  unknownKeys(doc, FILE_KEYS, file);
  if (doc.version !== FIXTURE_VERSION) throw new FixtureFormatError(file, `version must be "${FIXTURE_VERSION}", got ${JSON.stringify(doc.version)}`);
  if (!Array.isArray(doc.fixtures) || doc.fixtures.length === 0) throw new FixtureFormatError(file, 'fixtures must be a non-empty array');
  return doc.fixtures;
}

/** Validates one fixture's shape (not its semantics). */
export function readFixture(raw: unknown, index: number): Fixture {
  const where = `fixtures[${index}]`;
  if (!isObject(raw)) throw new FixtureFormatError(where, 'a fixture must be an object');
  unknownKeys(raw, FIXTURE_KEYS, where);
  const name = raw.name;
  if (typeof name !== 'string' || !/^[a-z0-9]+(?:_[a-z0-9]+)*$/.test(name)) throw new FixtureFormatError(`${where}.name`, `must be lower snake_case, got ${JSON.stringify(name)}`);
  const at = `fixture ${name}`;
  if (typeof raw.intent !== 'string' || raw.intent.length === 0) throw new FixtureFormatError(`${at}.intent`, 'required');
  if (raw.requiredForLiveCapableDemo !== undefined && typeof raw.requiredForLiveCapableDemo !== 'boolean') throw new FixtureFormatError(`${at}.requiredForLiveCapableDemo`, 'must be a boolean');
  const scope = raw.scope;
  if (!isObject(scope)) throw new FixtureFormatError(`${at}.scope`, 'required');
  unknownKeys(scope, ['exchange', 'product', 'symbol', 'managedSide'], `${at}.scope`);
  if (!['generic', 'binance', 'bybit'].includes(scope.exchange as string)) throw new FixtureFormatError(`${at}.scope.exchange`, `unsupported ${JSON.stringify(scope.exchange)}`);
  if (!['linear', 'spot', 'inverse'].includes(scope.product as string)) throw new FixtureFormatError(`${at}.scope.product`, `unsupported ${JSON.stringify(scope.product)}`);
  if (typeof scope.symbol !== 'string' || !scope.symbol) throw new FixtureFormatError(`${at}.scope.symbol`, 'required');
  if (!['LONG', 'SHORT'].includes(scope.managedSide as string)) throw new FixtureFormatError(`${at}.scope.managedSide`, `must be LONG or SHORT, got ${JSON.stringify(scope.managedSide)}`);
  const initial = raw.initial;
  if (!isObject(initial)) throw new FixtureFormatError(`${at}.initial`, 'required');
  unknownKeys(initial, INITIAL_KEYS, `${at}.initial`);
  if (initial.config !== undefined) {
    if (!isObject(initial.config)) throw new FixtureFormatError(`${at}.initial.config`, 'must be an object');
    unknownKeys(initial.config, CONFIG_KEYS, `${at}.initial.config`);
  }
  if (initial.accountState !== undefined) {
    if (!isObject(initial.accountState)) throw new FixtureFormatError(`${at}.initial.accountState`, 'must be an object');
    unknownKeys(initial.accountState, ACCOUNT_KEYS, `${at}.initial.accountState`);
  }
  if (!Array.isArray(raw.steps) || raw.steps.length === 0) throw new FixtureFormatError(`${at}.steps`, 'at least one step is required');
  raw.steps.forEach((step, i) => {
    if (!isObject(step) || typeof step.type !== 'string') throw new FixtureFormatError(`${at}.steps[${i}]`, 'a step needs a type');
    const fields = STEP_FIELDS[step.type];
    if (!fields) throw new FixtureFormatError(`${at}.steps[${i}]`, `unknown step type ${JSON.stringify(step.type)}`);
    unknownKeys(step, ['type', 'atMs', ...fields], `${at}.steps[${i}] (${step.type})`);
  });
  const expect = raw.expect;
  if (!isObject(expect)) throw new FixtureFormatError(`${at}.expect`, 'required');
  unknownKeys(expect, EXPECT_KEYS, `${at}.expect`);
  const forbid = raw.forbid ?? [];
  if (!Array.isArray(forbid)) throw new FixtureFormatError(`${at}.forbid`, 'must be an array of forbid ids');
  for (const id of forbid) {
    if (typeof id !== 'string' || !(FORBID_IDS as readonly string[]).includes(id)) throw new FixtureFormatError(`${at}.forbid`, `unknown forbid id ${JSON.stringify(id)}`);
  }
  const exceptions = raw.forbidExceptions ?? {};
  if (!isObject(exceptions)) throw new FixtureFormatError(`${at}.forbidExceptions`, 'must be an object: forbid id -> why this fixture opts out');
  for (const [id, why] of Object.entries(exceptions)) {
    if (!(FORBID_IDS as readonly string[]).includes(id)) throw new FixtureFormatError(`${at}.forbidExceptions`, `unknown forbid id ${JSON.stringify(id)}`);
    if (typeof why !== 'string' || why.trim().length < 10) throw new FixtureFormatError(`${at}.forbidExceptions.${id}`, 'say why the fixture opts out (a sentence)');
    if (forbid.includes(id)) throw new FixtureFormatError(`${at}.forbidExceptions.${id}`, 'the fixture both forbids and excepts this id');
  }
  return {
    name,
    intent: raw.intent,
    requiredForLiveCapableDemo: raw.requiredForLiveCapableDemo !== false,
    scope: scope as unknown as FixtureScope,
    initial,
    steps: raw.steps as FixtureStep[],
    expect,
    forbid: forbid as string[],
    forbidExceptions: exceptions as Record<string, string>,
  };
}
