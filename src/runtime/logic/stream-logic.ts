// The stream machine's implementation: readiness and loss go to the account machine; silence
// makes the venue drop and re-open its socket (its own backoff applies).
import { streamMachine } from '../../../machines/stream.machine.js';
import type { AccountEvent } from '../../../machines/account.machine.js';
import type { RuntimeCore } from '../runtime-core.js';

export function streamLogic(core: RuntimeCore, toAccount: (event: AccountEvent) => void) {
  const { config } = core;
  return streamMachine.provide({
    guards: { watchdogEnabled: () => config.heartbeatTimeoutMs > 0 },
    delays: { HEARTBEAT_TIMEOUT: Math.max(1, config.heartbeatTimeoutMs) },
    actions: {
      notifyReady: () => {
        core.state.privateStreamReady = true;
        toAccount({ type: 'stream.ready' });
      },
      notifyLost: (_args, params) => {
        core.state.privateStreamReady = false;
        toAccount({ type: 'stream.lost', reason: params.reason });
        if (params.reason === 'heartbeat_timeout') void core.venue.restartStream?.(params.reason).catch(() => undefined);
      },
    },
  });
}
