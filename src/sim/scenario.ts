// Scripted scenarios: start prices and positions, then prices and orders at given times.
// `replayScenario` runs one on a virtual clock (the same input gives the same books, ids and
// rows); the server can also play one in real time (`exstate sim --scenario FILE`).
import { readFileSync } from 'node:fs';
import { DEFAULT_MARKS, DEFAULT_SYMBOLS } from './defaults.js';
import { SimEngine, type OrderRequest, type UserEvent } from './engine.js';
import { limitsFromBody, liquidityFromBody, priceFromBody, triggerOrderFromBody, triggerRejectFromBody } from './engine-control.js';
import { accountConfigFromBody, fundingFromBody, liquidateFromBody } from './account-events.js';
import type { SymbolSpec } from './sim-types.js';

export type ScenarioStep =
  /** `price` moves mark and last together; `mark` or `last` alone moves one of them. */
  | { atMs: number; price: { symbol: string; price?: string; mark?: string; last?: string } }
  /** Engine switches, as the control API's /liquidity, /trigger-order, /trigger-reject and /limits bodies. */
  | { atMs: number; settings: ScenarioSettings }
  | { atMs: number; order: OrderRequest & { algo?: boolean } }
  | { atMs: number; cancel: { symbol: string; clientOrderId: string; algo?: boolean } }
  /** Account events, as the control API's /liquidate, /funding and /account-config bodies. */
  | { atMs: number; liquidate: Record<string, unknown> }
  | { atMs: number; funding: Record<string, unknown> }
  | { atMs: number; accountConfig: Record<string, unknown> };

export interface ScenarioSettings {
  liquidity?: { symbol: string; maxFillQty: string | null };
  triggerOrder?: { childFirst?: boolean; legacyRejectEvent?: boolean };
  triggerReject?: { symbol?: string; reason?: string; count?: number };
  limits?: { maxOpenOrders?: number; maxAlgoOrders?: number; maxAlgoOrdersTotal?: number };
}

export interface Scenario {
  seed?: number;
  positionMode?: 'hedge' | 'one_way';
  walletBalance?: string;
  symbols?: SymbolSpec[];
  marks?: Record<string, string>;
  positions?: Array<{ symbol: string; positionSide: 'BOTH' | 'LONG' | 'SHORT'; positionAmt: string; entryPrice: string }>;
  steps: ScenarioStep[];
}

export function loadScenario(file: string): Scenario {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Scenario;
  if (!Array.isArray(s.steps)) throw new Error(`${file}: a scenario needs a "steps" array`);
  return s;
}

/** Applies a scenario's starting state (marks, positions) to an engine. */
export function seedScenario(engine: SimEngine, s: Scenario): void {
  for (const [symbol, price] of Object.entries(s.marks ?? {})) engine.setMark(symbol, price);
  for (const p of s.positions ?? []) engine.seedPosition(p.symbol, p.positionSide, p.positionAmt, p.entryPrice);
}

/** Applies one step; a rejected order is recorded, not thrown (it is part of the outcome). */
export function applyStep(engine: SimEngine, step: ScenarioStep): { rejected?: string } {
  try {
    if ('price' in step) priceFromBody(engine, step.price);
    else if ('settings' in step) applySettings(engine, step.settings);
    else if ('order' in step) (step.order.algo ? engine.placeAlgo(step.order) : engine.placeOrder(step.order));
    else if ('liquidate' in step) liquidateFromBody(engine, step.liquidate);
    else if ('funding' in step) fundingFromBody(engine, step.funding);
    else if ('accountConfig' in step) accountConfigFromBody(engine, step.accountConfig);
    else if (step.cancel.algo) engine.cancelAlgo({ clientAlgoId: step.cancel.clientOrderId });
    else engine.cancelOrder(step.cancel.symbol, { clientOrderId: step.cancel.clientOrderId });
    return {};
  } catch (error) {
    return { rejected: (error as Error).message };
  }
}

function applySettings(engine: SimEngine, s: ScenarioSettings): void {
  if (s.liquidity) liquidityFromBody(engine, s.liquidity);
  if (s.triggerOrder) triggerOrderFromBody(engine, s.triggerOrder);
  if (s.triggerReject) triggerRejectFromBody(engine, s.triggerReject);
  if (s.limits) limitsFromBody(engine, s.limits);
}

export function replayScenario(s: Scenario) {
  let now = 0;
  const engine = new SimEngine({
    clock: () => now, positionMode: s.positionMode ?? 'hedge', symbols: s.symbols ?? DEFAULT_SYMBOLS, walletBalance: s.walletBalance ?? '10000',
    leverage: 20, makerFee: '0.0002', takerFee: '0.0004',
  });
  const events: UserEvent[] = [];
  engine.onEvent((e) => events.push(e));
  seedScenario(engine, { ...s, marks: { ...DEFAULT_MARKS, ...(s.marks ?? {}) } });
  const rejections: Array<{ atMs: number; reason: string }> = [];
  for (const step of [...s.steps].sort((a, b) => a.atMs - b.atMs)) {
    now = step.atMs;
    const out = applyStep(engine, step);
    if (out.rejected) rejections.push({ atMs: step.atMs, reason: out.rejected });
  }
  return { books: engine.snapshot(), events, rejections };
}
