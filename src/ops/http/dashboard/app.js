// The dashboard page: follows the read-only event stream (/api/events: a snapshot, then deltas
// with the status, the changed scopes and the machine transitions) and renders the panels. No
// build step: preact + htm and uPlot are ES modules this server serves from its node_modules.
import { html, render, useEffect, useReducer, useState } from '/assets/htm-preact.mjs';
import { ActivityChart } from '/dashboard/chart.js';
import { Alerts, Header, Positions, ScopeCounts, StreamPanel, UnknownOutcomes } from '/dashboard/panels.js';
import { StatechartPanel } from '/dashboard/statechart.js';

/** Transitions kept in the page across every actor (the selected one's are filtered from them). */
const FEED = 1000;

const initial = { connected: false, status: null, scopes: new Map(), receivedAt: 0, feed: [] };

function reduce(state, action) {
  switch (action.type) {
    case 'open':
      return { ...state, connected: true };
    case 'error':
      return { ...state, connected: false };
    case 'snapshot':
      return { ...state, connected: true, status: action.body.status, scopes: new Map(action.body.scopes.map((s) => [s.key, s])), receivedAt: Date.now() };
    case 'delta': {
      const scopes = new Map(state.scopes);
      for (const s of action.body.scopes ?? []) scopes.set(s.key, s);
      for (const key of action.body.removed ?? []) scopes.delete(key);
      const feed = action.body.transitions ? [...state.feed, ...action.body.transitions].slice(-FEED) : state.feed;
      return { ...state, status: action.body.status, scopes, receivedAt: Date.now(), feed };
    }
    default:
      return state;
  }
}

function useLive() {
  const [state, dispatch] = useReducer(reduce, initial);
  useEffect(() => {
    // EventSource reconnects on its own; the server starts every connection with a snapshot.
    const source = new EventSource('/api/events');
    source.onopen = () => dispatch({ type: 'open' });
    source.onerror = () => dispatch({ type: 'error' });
    for (const type of ['snapshot', 'delta']) source.addEventListener(type, (e) => dispatch({ type, body: JSON.parse(e.data) }));
    return () => source.close();
  }, []);
  return state;
}

function useNow(everyMs) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, []);
  return now;
}

function useMachines() {
  const [machines, setMachines] = useState(null);
  useEffect(() => {
    fetch('/api/machines').then((r) => r.json()).then(setMachines).catch(() => undefined);
  }, []);
  return machines;
}

/** The actor the statechart follows: the operator's pick, else the first open position, else the account. */
function defaultActor(scopes) {
  const open = [...scopes.values()].filter((s) => s.position && s.position.size !== '0').sort((a, b) => a.key.localeCompare(b.key));
  return open[0]?.key ?? [...scopes.keys()].sort()[0] ?? 'account';
}

function App() {
  const live = useLive();
  const now = useNow(1000);
  const machines = useMachines();
  const [picked, setPicked] = useState(null);
  if (!live.status) return html`<p class="loading">connecting to the event stream…</p>`;
  const selected = picked && (picked === 'account' || live.scopes.has(picked)) ? picked : defaultActor(live.scopes);
  const { status, scopes, receivedAt } = live;
  return html`
    <${Header} status=${status} connected=${live.connected} now=${now} />
    <main>
      <div class="row two">
        <${UnknownOutcomes} status=${status} receivedAt=${receivedAt} now=${now} />
        <${Alerts} status=${status} now=${now} />
      </div>
      <${Positions} scopes=${scopes} selected=${selected} onSelect=${setPicked} />
      <div class="row three">
        <${ScopeCounts} status=${status} />
        <${StreamPanel} status=${status} receivedAt=${receivedAt} now=${now} />
        <${ActivityChart} status=${status} />
      </div>
      <${StatechartPanel} machines=${machines} scopes=${scopes} status=${status} feed=${live.feed} selected=${selected} onSelect=${setPicked} />
    </main>
    <footer class="muted">exstate ${status.service.version}, pid ${status.service.pid}: read-only view on 127.0.0.1; JSON at /api/status, /api/scopes, /api/journal</footer>`;
}

render(html`<${App} />`, document.getElementById('app'));
