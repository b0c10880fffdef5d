// `exstate status [--json] [--url URL]`: reads a running service's /api/status and /api/scopes
// and prints the mode, alerts, positions with their protection (SL/TP/DCA slots and trust),
// pending requests and unknown outcomes as a table (or both answers as one JSON document).
// Exit code 0 when the service is ready and NORMAL, 1 otherwise, 2 when it cannot be reached.
import { loadEnvironment } from '../config/env.js';
import { DEFAULT_HTTP_PORT } from '../config/service-config.js';
import { scrubText } from '../runtime/redact.js';
import type { ScopeSummary, SlotView } from './http/status-model.js';

const TIMEOUT_MS = 5_000;

/** The URL to read when none is given: HTTP_PORT from the environment or `.env`, else the default. */
export function defaultStatusUrl(): string {
  let port = String(DEFAULT_HTTP_PORT);
  try {
    const v = loadEnvironment().HTTP_PORT?.trim();
    if (v && /^\d{1,5}$/.test(v) && v !== '0') port = v;
  } catch {
    // no readable .env: the default
  }
  return `http://127.0.0.1:${port}`;
}

export interface StatusDoc {
  status: Record<string, any>;
  scopes: ScopeSummary[];
}

class Unreachable extends Error {}

async function getJson(base: string, path: string): Promise<any> {
  let response: Response;
  try {
    response = await fetch(new URL(path, base), { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    throw new Unreachable(e.cause?.code ?? e.cause?.message ?? e.message);
  }
  if (response.status !== 200) throw new Unreachable(`${path} answered HTTP ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw new Unreachable(`${path} did not answer JSON (is this exstate?)`);
  }
}

export async function readStatus(url: string): Promise<StatusDoc> {
  const [status, scopes] = await Promise.all([getJson(url, '/api/status'), getJson(url, '/api/scopes')]);
  return { status, scopes: (scopes as { scopes: ScopeSummary[] }).scopes };
}

function age(seconds: unknown): string {
  const s = Number(seconds);
  if (!Number.isFinite(s)) return '?';
  if (s < 120) return `${Math.round(s)}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  return `${Math.round(s / 3600)}h`;
}

function slotText(name: string, slot: SlotView | undefined): string {
  if (!slot) return '-';
  const level = slot.triggerPrice ?? slot.price;
  switch (slot.state) {
    case 'open':
      return `${name} ${level ?? ''}${slot.qty && !name.startsWith('SL') ? ` x${slot.qty}` : ''}${slot.pending ? ` (${slot.pending} pending)` : ''}`.trim();
    case 'pending':
      return `${name} pending${slot.pending ? ` ${slot.pending}` : ''}`;
    case 'unknown':
      return `${name} UNKNOWN`;
    case 'planned':
      return `${name} ${level ?? ''} (planned, not sent)`;
    case 'filled':
      return `${name} filled`;
    default:
      // A missing SL or TP is what an operator must see; a DCA step waits for its conditions.
      return name.startsWith('DCA') ? `${name} none` : `${name} MISSING`;
  }
}

function trustText(trust: Record<string, string>): string {
  const untrusted = Object.entries(trust).filter(([, v]) => v !== 'trusted').map(([k]) => k);
  return untrusted.length === 0 ? 'trusted' : `untrusted: ${untrusted.join(',')}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/** The table a person reads. */
export function renderStatus(doc: StatusDoc, url: string): string {
  const s = doc.status;
  const out: string[] = [];
  const reasons = (s.alerts ?? []) as Array<{ reason: string; ageSeconds?: number; detail?: string }>;
  out.push(`exstate ${s.service?.version ?? ''} at ${url}: venue ${s.venue}, ${s.executionMode}, writes ${s.writesEnabled ? 'enabled' : 'off'}`);
  out.push(`mode      ${s.mode}${s.modeSince ? ` since ${s.modeSince}` : ''}${reasons.length ? ` (${reasons.map((r) => r.reason).join(', ')})` : ''}`);
  out.push(`service   ${s.ready ? 'ready' : `NOT READY: ${s.readiness?.reason ?? s.lifecycle}`}`);
  out.push(`stream    ${s.stream?.state ?? '?'}, quiet for ${age(s.stream?.ageSeconds)}, ${s.stream?.rowsIngested ?? 0} rows read`);
  out.push(reasons.length === 0 ? 'alerts: none' : `alerts:\n${reasons.map((r) => `  ${r.reason} (${age(r.ageSeconds)}): ${r.detail ?? ''}`).join('\n')}`);
  out.push('');

  const positions = doc.scopes.filter((x) => x.position && x.protection.protected !== null);
  if (positions.length === 0) out.push('positions: none');
  else {
    const rows: string[][] = [['POSITION', 'SIZE', 'ENTRY', 'PROTECTED', 'SL', 'TP', 'DCA', 'TRUST', 'STATE']];
    for (const p of positions) {
      const slots = p.protection.slots;
      const dca = Object.keys(slots).filter((k) => k.startsWith('DCA')).sort().map((k) => slotText(k, slots[k])).join(', ') || '-';
      rows.push([
        `${p.symbol} ${p.side}`, p.position!.size, p.position!.entryPrice, p.protection.protected ? 'yes' : 'NO',
        slotText('SL', slots.SL), slotText('TP', slots.TP), dca, trustText(p.trust as unknown as Record<string, string>),
        `${p.state}${p.recoveryRequired ? ' (recovery)' : ''}`,
      ]);
    }
    out.push(table(rows));
  }
  out.push('');
  const pending = (s.pending ?? []) as Array<{ scope: string; action: string; slot: string; customOrderId: string; state: string; ageSeconds: number }>;
  const unknown = (s.unknownOutcomes ?? []) as typeof pending;
  const line = (p: (typeof pending)[number]) => `  ${p.scope} ${p.slot} ${p.action} ${p.customOrderId} (${p.state}, ${age(p.ageSeconds)})`;
  out.push(unknown.length === 0 ? 'unknown outcomes: none' : `UNKNOWN OUTCOMES (looked up before anything is re-sent):\n${unknown.map(line).join('\n')}`);
  out.push(pending.length === 0 ? 'pending confirmations: none' : `pending confirmations:\n${pending.map(line).join('\n')}`);
  const c = s.counts ?? {};
  const states = Object.entries((c.scopesByState ?? {}) as Record<string, number>).map(([k, v]) => `${k} ${v}`).join(', ');
  out.push(`scopes: ${c.scopes ?? 0}${states ? ` (${states})` : ''}; open orders ${c.openOrders ?? 0}; unprotected positions ${c.unprotectedPositions ?? 0}`);
  return `${out.join('\n')}\n`;
}

/** Runs the command; returns its exit code. */
export async function statusCommand(opts: { json?: boolean; url?: string }, io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream } = { out: process.stdout, err: process.stderr }): Promise<number> {
  const url = (opts.url ?? defaultStatusUrl()).replace(/\/+$/, '');
  let doc: StatusDoc;
  try {
    new URL(url);
  } catch {
    io.err.write(`exstate: status: ${JSON.stringify(url)} is not a URL\n`);
    return 2;
  }
  try {
    doc = await readStatus(url);
  } catch (error) {
    const reason = error instanceof Unreachable ? error.message : String((error as Error)?.message ?? error);
    io.err.write(`exstate: cannot reach the service at ${url}: ${scrubText(reason).split('\n')[0]}\n`);
    return 2;
  }
  io.out.write(opts.json ? `${JSON.stringify(doc)}\n` : renderStatus(doc, url));
  return doc.status.ready === true && doc.status.mode === 'NORMAL' ? 0 : 1;
}
