// The user-data stream's listen key (user-data-streams Start/Keepalive/Close-User-Data-Stream):
// the API key header only, no signature; weight 1 each.
import { SimError } from './sim-types.js';
import type { RestContext, RouteDef } from './rest-route.js';

export function streamRoutes(ctx: RestContext): RouteDef[] {
  const { stream } = ctx;
  const key = (method: RouteDef['method'], handler: RouteDef['handler']): RouteDef => ({ method, path: '/fapi/v1/listenKey', auth: 'key', weight: 1, handler });
  return [
    key('POST', () => ({ listenKey: stream.create() })),
    key('PUT', (p) => {
      if (!stream.keepAlive(p.listenKey)) throw new SimError(-1125, 'This listenKey does not exist.');
      return {};
    }),
    key('DELETE', (p) => {
      stream.close(p.listenKey);
      return {};
    }),
  ];
}
