// The live statechart: the machine (scope or account) drawn as plain SVG from the geometry
// /api/machines computed once from the machine definitions, with the selected actor's current
// state highlighted (every state on its `snapshot.value` path), the transitions it can take from
// there labelled, the last one it took marked, and its recent transitions listed as they happen.
import { html, useEffect, useState } from '/assets/htm-preact.mjs';

const KEEP = 50;

/** The state paths a value names: 'idle' -> [['idle']]; {settling:'quiet'} -> [['settling'], ['settling','quiet']]. */
export function valuePaths(value, prefix = []) {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return [[...prefix, value]];
  return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...valuePaths(v, [...prefix, k])]);
}

export const formatValue = (value) => (value === null || value === undefined ? '–' : valuePaths(value).map((p) => p.join('.')).filter((p, i, all) => !all.some((q, j) => j !== i && q.startsWith(`${p}.`))).join(', '));

const idsOf = (machine, value) => new Set(valuePaths(value).map((p) => `${machine}.${p.join('.')}`));
const pathD = (points) => points.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');

/**
 * Where an edge's label goes: just before its arrowhead, outside the target state (only the
 * current state's outgoing transitions are labelled, and they mostly end at different states).
 */
function labelAt(points) {
  const [x2, y2] = points[points.length - 1];
  const [x1, y1] = points[points.length - 2];
  if (Math.abs(y2 - y1) >= Math.abs(x2 - x1)) return [x2, y2 + (y2 > y1 ? -14 : 19)];
  return [x2 + (x2 > x1 ? -48 : 48), y2 - 8];
}

/** The labels of the given edges, each moved up until it overlaps no label placed before it. */
function placeLabels(edges) {
  const placed = [];
  for (const e of edges) {
    const text = e.events.join(', ');
    const w = text.length * 5.4 + 6;
    const [x, start] = labelAt(e.points);
    let y = start;
    const hits = () => placed.some((p) => Math.abs(p.x - x) < (p.w + w) / 2 + 2 && Math.abs(p.y - y) < 15);
    for (let i = 0; i < 8 && hits(); i++) y -= 15;
    placed.push({ x, y, w, text });
  }
  return placed;
}

export function Statechart({ layout, value, last }) {
  const active = idsOf(layout.machine, value);
  const from = last ? idsOf(layout.machine, last.from) : new Set();
  const to = last ? idsOf(layout.machine, last.to) : new Set();
  const compound = layout.nodes.filter((n) => n.type === 'compound' || n.type === 'parallel');
  const atomic = layout.nodes.filter((n) => !compound.includes(n));
  const out = layout.edges.filter((e) => active.has(e.source));
  const node = (n) => html`<g data-testid="state-node" data-state=${n.path.join('.')} data-active=${active.has(n.id) ? 'true' : 'false'}
      class=${`node ${n.type} ${active.has(n.id) ? 'active' : ''}`}>
    <rect x=${n.x} y=${n.y} width=${n.width} height=${n.height} rx="6" />
    ${n.type === 'final' ? html`<rect class="inner" x=${n.x + 3} y=${n.y + 3} width=${n.width - 6} height=${n.height - 6} rx="4" />` : ''}
    ${n.initial ? html`<circle class="initial" cx=${n.x - 5} cy=${n.y + 6} r="3.5" />` : ''}
    <text x=${n.type === 'compound' ? n.x + 8 : n.x + n.width / 2} y=${n.type === 'compound' ? n.y + 16 : n.y + n.height / 2 + 4}
      text-anchor=${n.type === 'compound' ? 'start' : 'middle'}>${n.path[n.path.length - 1]}</text>
  </g>`;
  return html`<svg data-testid="statechart" data-machine=${layout.machine} viewBox=${`0 0 ${layout.width} ${layout.height}`} class="statechart" role="img"
      aria-label=${`${layout.machine} machine, current state ${formatValue(value)}`}>
    <defs>
      <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead" /></marker>
      <marker id="arrow-hot" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead hot" /></marker>
    </defs>
    ${compound.map(node)}
    ${layout.edges.map((e) => {
      const taken = from.has(e.source) && to.has(e.target);
      const hot = taken || active.has(e.source);
      return html`<path d=${pathD(e.points)} class=${`edge ${active.has(e.source) ? 'out' : ''} ${taken ? 'taken' : ''}`} marker-end=${hot ? 'url(#arrow-hot)' : 'url(#arrow)'}><title>${e.events.join(', ')}</title></path>`;
    })}
    ${atomic.map(node)}
    ${placeLabels(out).map(({ x, y, w, text }) => html`<g class="edge-label"><rect x=${x - w / 2} y=${y - 8} width=${w} height="13" rx="3" /><text x=${x} y=${y + 2} text-anchor="middle">${text}</text></g>`)}
  </svg>`;
}

const stamp = (iso) => {
  const d = new Date(iso);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
};
const keyOf = (t) => `${t.at}|${t.event}|${JSON.stringify(t.to)}`;

/** The selected actor's transitions: its history fetched once, then the live feed appended. */
function useTransitions(selected, feed) {
  const [history, setHistory] = useState({ actor: selected, transitions: [], since: null, observing: false });
  useEffect(() => {
    let gone = false;
    const url = selected === 'account' ? '/api/account/transitions' : `/api/scopes/${encodeURIComponent(selected)}/transitions`;
    fetch(url).then((r) => r.json()).then((body) => !gone && setHistory({ actor: selected, transitions: body.transitions ?? [], since: body.since, observing: body.observing }))
      .catch(() => undefined);
    return () => (gone = true);
  }, [selected]);
  const seen = new Set();
  const all = [...(history.actor === selected ? history.transitions : []), ...feed.filter((t) => t.actor === selected)]
    .filter((t) => (seen.has(keyOf(t)) ? false : seen.add(keyOf(t))));
  return { transitions: all.slice(-KEEP), history };
}

export function StatechartPanel({ machines, scopes, status, feed, selected, onSelect }) {
  const isAccount = selected === 'account';
  const layout = machines?.machines?.[isAccount ? 'account' : 'scope'];
  const value = isAccount ? status.lifecycle : scopes.get(selected)?.stateValue ?? null;
  const { transitions, history } = useTransitions(selected, feed);
  const last = transitions[transitions.length - 1];
  const since = last && formatValue(last.to) === formatValue(value) ? last.at : history.since;
  const keys = [...scopes.keys()].sort();
  return html`<section class="card wide" data-testid="statechart-panel">
    <h2>Live statechart</h2>
    <div class="toolbar">
      <label>actor <select data-testid="actor-select" value=${selected} onChange=${(e) => onSelect(e.target.value)}>
        <option value="account">account (root)</option>
        ${keys.map((k) => html`<option value=${k}>${k}</option>`)}
      </select></label>
      <span>state <b data-testid="statechart-current" class="mono">${formatValue(value)}</b>${since ? html` since ${stamp(since)}` : ''}</span>
      ${layout?.anyState?.length ? html`<span class="muted">from any state: ${layout.anyState.map((a) => `${a.event} → ${a.target.split('.').slice(1).join('.')}`).join('; ')}</span>` : ''}
    </div>
    <div class="statechart-row">
      <div class="svgbox">${layout ? html`<${Statechart} layout=${layout} value=${value} last=${last} />` : html`<p class="muted">laying out the machines…</p>`}</div>
      <div class="transitions"><h3>Recent transitions</h3>
        ${transitions.length === 0 ? html`<p class="muted">none seen yet (recorded while this page is open)</p>` : ''}
        <ol data-testid="transitions" reversed>${[...transitions].reverse().map((t) => html`<li data-testid="transition-row" data-to=${formatValue(t.to)}>
          <span class="mono muted">${stamp(t.at)}</span> <b>${t.event}</b><br /><span class="mono">${formatValue(t.from)} → ${formatValue(t.to)}</span></li>`)}</ol>
      </div>
    </div>
  </section>`;
}
