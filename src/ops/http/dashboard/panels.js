// The dashboard's text panels: the header (mode, reason codes, since when, venue, execution mode,
// readiness), alerts, unknown outcomes pinned with their age, positions with their SL/TP/DCA slots
// and trust, scopes per state, and the private stream. Pure functions of the status and scope
// summaries the event stream sends; ages tick locally between deltas.
import { html } from '/assets/htm-preact.mjs';

/** Seconds as "42s", "3m 05s", "2h 04m". */
export function age(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** An age the server measured, moved on by the time since the answer arrived. */
export const ticking = (seconds, receivedAt, now) => (seconds === null || seconds === undefined ? null : seconds + (now - receivedAt) / 1000);

const sinceAge = (iso, now) => (iso ? (now - Date.parse(iso)) / 1000 : null);
const clock = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : '–');

export function Header({ status, connected, now }) {
  const reasons = status.alerts.map((a) => a.reason);
  return html`<header class=${`top mode-${status.mode}`} data-testid="header">
    <span class="brand">exstate</span>
    <span class="mode" data-testid="mode">${status.mode}</span>
    <span data-testid="reasons" class="reasons">${reasons.length ? reasons.join(', ') : 'no reason codes'}</span>
    <span data-testid="mode-since">since ${clock(status.modeSince)} (${age(sinceAge(status.modeSince, now))})</span>
    <span class="sep"></span>
    <span data-testid="venue">venue <b>${status.venue}</b></span>
    <span data-testid="execution-mode">${status.executionMode}${status.writesEnabled ? ', writes enabled' : ', no writes'}</span>
    <span data-testid="ready" class=${status.ready ? 'ok' : 'bad'} title=${status.readiness?.reason ?? ''}>${status.ready ? 'ready' : 'not ready'}</span>
    <span data-testid="connection" class=${connected ? 'ok' : 'bad'}>${connected ? 'live' : 'reconnecting…'}</span>
  </header>`;
}

export function Alerts({ status, now }) {
  const rows = [
    ...status.alerts.map((a) => ({ level: 'alert', text: `${a.reason}${a.detail ? `: ${a.detail}` : ''}`, since: a.since })),
    ...status.unprotected.map((key) => ({ level: 'warn', text: `unprotected position ${key}` })),
    ...status.recovery.map((r) => ({ level: 'warn', text: `recovery ${r.scope}: ${r.reason}` })),
    ...status.unplaceable.map((u) => ({ level: 'warn', text: `protection unplaceable ${u.scope} ${u.slot}: ${u.code}`, since: u.since })),
  ];
  if (status.readiness && !status.readiness.ok && status.readiness.reason) rows.push({ level: 'warn', text: status.readiness.reason });
  return html`<section class="card" data-testid="alerts"><h2>Alerts</h2>
    ${rows.length === 0 ? html`<p class="muted">none</p>` : html`<ul class="list">${rows.map((r) => html`<li class=${r.level} data-testid="alert">${r.text}${r.since ? html` <small>(${age(sinceAge(r.since, now))})</small>` : ''}</li>`)}</ul>`}
  </section>`;
}

export function UnknownOutcomes({ status, receivedAt, now }) {
  const rows = status.unknownOutcomes;
  return html`<section class=${`card ${rows.length ? 'pinned' : ''}`} data-testid="unknown-outcomes"><h2>Unknown outcomes ${rows.length ? html`<span class="badge bad">${rows.length}</span>` : ''}</h2>
    ${rows.length === 0 ? html`<p class="muted">none</p>` : html`<table><thead><tr><th>scope</th><th>slot</th><th>action</th><th>client id</th><th>age</th></tr></thead><tbody>
      ${rows.map((u) => html`<tr data-testid="unknown-outcome"><td>${u.scope}</td><td>${u.slot}</td><td>${u.action}</td><td class="mono">${u.customOrderId}</td><td>${age(ticking(u.ageSeconds, receivedAt, now))}</td></tr>`)}
    </tbody></table>`}
  </section>`;
}

function Slot({ name, slot }) {
  if (!slot) return html`<span class="muted">–</span>`;
  const level = slot.triggerPrice ?? slot.price;
  return html`<span class=${`slot slot-${slot.state}`} data-testid=${`slot-${name}`} title=${slot.customOrderId ?? ''}>
    ${name}${level ? ` ${level}` : ''}${slot.qty ? html` <small>×${slot.qty}</small>` : ''} <small class="state">${slot.state}${slot.pending ? ` (${slot.pending})` : ''}</small>
  </span>`;
}

function trustText(trust) {
  const bad = Object.entries(trust).filter(([, v]) => v !== 'trusted');
  return bad.length === 0 ? 'trusted' : bad.map(([k, v]) => `${k} ${v}`).join(', ');
}

export function Positions({ scopes, selected, onSelect }) {
  const open = [...scopes.values()].filter((s) => s.position && s.position.size !== '0').sort((a, b) => a.key.localeCompare(b.key));
  return html`<section class="card wide" data-testid="positions"><h2>Positions</h2>
    ${open.length === 0 ? html`<p class="muted">no open position</p>` : html`<table><thead><tr>
      <th>symbol</th><th>side</th><th>size</th><th>entry</th><th>SL</th><th>TP</th><th>DCA</th><th>protected</th><th>trust</th><th>state</th></tr></thead><tbody>
      ${open.map((s) => {
        const slots = s.protection.slots;
        const dca = Object.keys(slots).filter((k) => k.startsWith('DCA')).sort();
        return html`<tr data-testid="position-row" data-scope=${s.key} class=${s.key === selected ? 'selected' : ''} onClick=${() => onSelect(s.key)}>
          <td data-testid="position-symbol"><b>${s.symbol}</b></td><td data-testid="position-side">${s.side}</td>
          <td data-testid="position-size" class="num">${s.position.size}</td><td data-testid="position-entry" class="num">${s.position.entryPrice}</td>
          <td><${Slot} name="SL" slot=${slots.SL} /></td><td><${Slot} name="TP" slot=${slots.TP} /></td>
          <td>${dca.length ? dca.map((k) => html`<${Slot} name=${k} slot=${slots[k]} /> `) : html`<span class="muted">–</span>`}</td>
          <td data-testid="position-protected" class=${s.protection.protected ? 'ok' : 'bad'}>${s.protection.protected ? 'yes' : 'no'}</td>
          <td data-testid="trust" class=${trustText(s.trust) === 'trusted' ? 'ok' : 'bad'}>${trustText(s.trust)}</td>
          <td data-testid="position-state" class="mono">${s.state}</td>
        </tr>`;
      })}
    </tbody></table>`}
  </section>`;
}

export function ScopeCounts({ status }) {
  const c = status.counts;
  const states = Object.entries(c.scopesByState).sort((a, b) => b[1] - a[1]);
  return html`<section class="card" data-testid="scope-counts"><h2>Scopes <span class="muted">${c.scopes}</span></h2>
    <div class="chips">${states.map(([state, n]) => html`<span class="chip" data-testid="scope-count" data-state=${state}>${state} <b>${n}</b></span>`)}</div>
    <dl class="facts">
      <dt>positions</dt><dd>${c.positions} (${c.unprotectedPositions} unprotected)</dd>
      <dt>pending confirmations</dt><dd>${c.pendingConfirmations}</dd>
      <dt>unknown outcomes</dt><dd>${c.unknownOutcomes}</dd>
      <dt>in recovery</dt><dd>${c.recoveryRequired}</dd>
      <dt>open orders</dt><dd>${c.openOrders}</dd>
    </dl>
  </section>`;
}

export function StreamPanel({ status, receivedAt, now }) {
  const s = status.stream;
  return html`<section class="card" data-testid="stream"><h2>Private stream</h2>
    <dl class="facts">
      <dt>state</dt><dd data-testid="stream-state" class=${s.open ? 'ok' : 'bad'}>${s.state}</dd>
      <dt>quiet for</dt><dd data-testid="stream-age">${age(ticking(s.ageSeconds, receivedAt, now))}</dd>
      <dt>reconnects</dt><dd data-testid="stream-reconnects">${status.activity?.streamDisconnects ?? 0}</dd>
      <dt>rows read</dt><dd>${s.rowsIngested}</dd>
      <dt>last row</dt><dd>${clock(s.lastItemAt)}</dd>
      <dt>journal</dt><dd>seq ${status.journal.lastSeq}</dd>
    </dl>
  </section>`;
}
