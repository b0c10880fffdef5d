// The bridge page the relay serves at `/`: the hosted Stately inspector (https://stately.ai/inspect)
// in an iframe, fed by postMessage with what the relay's WebSocket (`/ws`, same host and port)
// delivers. It follows @statelyai/inspect's own bridge (dist/server.mjs, createInspectorServer)
// and browser adapter (dist/index.mjs, BrowserAdapter): events wait until the frame posts
// `@statelyai.connected`, then go to it one message each; a later `@statelyai.connected` (the
// frame reloaded) gets the known actors and the recent events again. Tighter than the stock
// bridge: only a message from our own frame counts as `connected`, events are posted to the
// origin that frame answered from (never `*`), and a Content-Security-Policy lets the page load
// nothing but itself, its WebSocket and the Stately frame. The page holds no data of its own and
// needs no internet; the browser that opens it does (stately.ai), the service never.

import { createHash } from 'node:crypto';

/** Where the hosted inspector lives (the only external origin the page names). */
export const STATELY_INSPECT_URL = 'https://stately.ai/inspect';

/** Events kept by the page for a frame that connects (or reconnects) late. */
const PAGE_RECENT_EVENTS = 2000;
/** Actors kept by the page (their latest snapshot) for the same reason. */
const PAGE_ACTORS = 5000;

const STYLE = `*{margin:0;padding:0;box-sizing:border-box}html,body{height:100%}body{display:flex;flex-direction:column;font:12px system-ui,sans-serif}#bar{padding:3px 8px;background:#1d2330;color:#cfd6e4}#bar b{color:#fff}iframe{flex:1;width:100%;border:none}`;

function script(): string {
  return `(() => {
  const frame = document.getElementById('stately');
  const bar = document.getElementById('state');
  const actors = new Map();
  const recent = [];
  let target = null;
  let relay = 'connecting';
  let received = 0;
  const say = () => { bar.textContent = 'relay: ' + relay + ' · events: ' + received + ' · Stately: ' + (target ? 'connected' : 'waiting for ' + ${JSON.stringify('stately.ai')} + ' (this browser needs internet)'); };
  const post = (ev) => frame.contentWindow.postMessage(ev, target);
  const remember = (ev) => {
    if (ev.type === '@xstate.actor') {
      actors.delete(ev.sessionId);
      actors.set(ev.sessionId, ev);
      if (actors.size > ${PAGE_ACTORS}) actors.delete(actors.keys().next().value);
      return;
    }
    const known = actors.get(ev.sessionId);
    if (known && ev.type === '@xstate.snapshot') known.snapshot = ev.snapshot;
    recent.push(ev);
    if (recent.length > ${PAGE_RECENT_EVENTS}) recent.shift();
  };
  window.addEventListener('message', (e) => {
    if (e.source !== frame.contentWindow || !e.data || e.data.type !== '@statelyai.connected') return;
    target = e.origin;
    for (const ev of actors.values()) post(ev);
    for (const ev of recent) post(ev);
    say();
  });
  const ws = new WebSocket('ws://' + location.host + '/ws');
  ws.onopen = () => { relay = 'open'; say(); };
  ws.onclose = () => { relay = 'closed (reload the page to reconnect)'; say(); };
  ws.onmessage = (m) => {
    const ev = JSON.parse(m.data);
    received++;
    remember(ev);
    if (target) post(ev);
    if (received % 50 === 1) say();
  };
  say();
})();`;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export interface BridgePage {
  html: string;
  headers: Record<string, string>;
}

/** The page and its headers; `statelyUrl` is the frame's address (tests point it at a local stand-in). */
export function bridgePage(statelyUrl: string = STATELY_INSPECT_URL): BridgePage {
  const frameOrigin = new URL(statelyUrl).origin;
  const js = script();
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>exstate · Stately inspector</title>
<style>${STYLE}</style>
</head>
<body>
<div id="bar"><b>exstate</b> inspector bridge · <span id="state"></span></div>
<iframe id="stately" src="${statelyUrl}" referrerpolicy="no-referrer"></iframe>
<script>${js}</script>
</body>
</html>
`;
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(js)}`,
    `style-src ${sha256(STYLE)}`,
    `frame-src ${frameOrigin}`,
    // 'self' covers the page's own WebSocket in current browsers; the loopback forms for older ones.
    "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    },
  };
}
