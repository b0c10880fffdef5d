// The dashboard's routes: the page (static files under ./dashboard, no build step), its three
// vendor modules served from node_modules (htm + preact standalone, uPlot and its CSS: nothing is
// fetched from the internet, and the page's Content-Security-Policy forbids it), the statechart
// geometry (/api/machines) and the machine views (/api/scopes/:scope/transitions,
// /api/account/transitions). Read-only like every other route.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';
import { machineLayouts } from './machine-layout.js';
import type { StatusModel } from './status-model.js';
import { ACCOUNT_ACTOR, type ViewHub } from './view-hub.js';

type Json = (c: Context, body: unknown, status?: 200 | 404 | 500) => Response;

const require = createRequire(import.meta.url);
/** A package's folder, found the way Node finds packages (its `exports` may hide package.json). */
function packageDir(name: string): string {
  const dir = (require.resolve.paths(name) ?? []).map((p) => join(p, name)).find((d) => existsSync(join(d, 'package.json')));
  if (!dir) throw new Error(`the dashboard needs the package ${name} (npm install)`);
  return dir;
}
const DASHBOARD_DIR = fileURLToPath(new URL('./dashboard/', import.meta.url));

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** What the page may load: only this server. Inline styles are allowed (uPlot and the SVG set them). */
export const DASHBOARD_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Every file the dashboard serves, by URL: a fixed list, so no request can name another file. */
export const DASHBOARD_FILES: Record<string, { path: () => string; type: string; vendor?: true }> = {
  '/dashboard': { path: () => join(DASHBOARD_DIR, 'index.html'), type: 'text/html; charset=utf-8' },
  '/dashboard/app.js': { path: () => join(DASHBOARD_DIR, 'app.js'), type: JS },
  '/dashboard/panels.js': { path: () => join(DASHBOARD_DIR, 'panels.js'), type: JS },
  '/dashboard/statechart.js': { path: () => join(DASHBOARD_DIR, 'statechart.js'), type: JS },
  '/dashboard/chart.js': { path: () => join(DASHBOARD_DIR, 'chart.js'), type: JS },
  '/dashboard/dashboard.css': { path: () => join(DASHBOARD_DIR, 'dashboard.css'), type: CSS },
  '/assets/htm-preact.mjs': { path: () => join(packageDir('htm'), 'preact', 'standalone.mjs'), type: JS, vendor: true },
  '/assets/uplot.mjs': { path: () => join(packageDir('uplot'), 'dist', 'uPlot.esm.js'), type: JS, vendor: true },
  '/assets/uplot.css': { path: () => join(packageDir('uplot'), 'dist', 'uPlot.min.css'), type: CSS, vendor: true },
};

const cache = new Map<string, Buffer>();

async function fileBody(url: string): Promise<Buffer> {
  const hit = cache.get(url);
  if (hit) return hit;
  const body = await readFile(DASHBOARD_FILES[url]!.path());
  // Vendor modules never change while the process runs; the page's own files are re-read so an
  // edit shows on reload.
  if (DASHBOARD_FILES[url]!.vendor) cache.set(url, body);
  return body;
}

export interface DashboardDeps {
  model: StatusModel;
  views: ViewHub;
}

export function addDashboardRoutes(app: Hono, deps: DashboardDeps, json: Json): void {
  const { model, views } = deps;
  for (const [url, file] of Object.entries(DASHBOARD_FILES)) {
    app.get(url, async (c) => {
      const body = await fileBody(url);
      return c.body(new Uint8Array(body), 200, {
        'content-type': file.type,
        'cache-control': file.vendor ? 'public, max-age=3600' : 'no-cache',
        'x-content-type-options': 'nosniff',
        ...(file.type.startsWith('text/html') ? { 'content-security-policy': DASHBOARD_CSP, 'referrer-policy': 'no-referrer' } : {}),
      });
    });
  }

  app.get('/api/machines', async (c) => json(c, await machineLayouts()));

  app.get('/api/account/transitions', (c) => json(c, { actor: ACCOUNT_ACTOR, ...views.view(ACCOUNT_ACTOR) }));

  app.get('/api/scopes/:scope/transitions', (c) => {
    const param = c.req.param('scope');
    const key = model.resolveKey(param);
    if (key === undefined) return json(c, { error: `no such scope: ${param}` }, 404);
    return json(c, { actor: key, ...views.view(key) });
  });
}
