// `exstate start --inspect`: the Stately inspector, opt-in. Composes the relay (relay.ts, its own
// port on 127.0.0.1), the bridge page it serves (bridge-page.ts) and the attachment to the
// account's actors (attachment.ts), and journals what an operator needs: where to point a
// browser, who connected, who was dropped, what was refused. Inspection is attached while at
// least one viewer is connected and detached when the last one leaves. Loaded only when
// `--inspect` is given: without it nothing of this is imported, listened on or subscribed.
import type { AnyActorRef } from 'xstate';
import type { Journal } from '../../runtime/journal.js';
import { scrubText } from '../../runtime/redact.js';
import { InspectAttachment } from './attachment.js';
import { INSPECT_HOST, InspectRelay, type RelayOptions } from './relay.js';
import { parseScopePattern } from './scope-pattern.js';
import type { SanitizeLimits } from './sanitize.js';

/** `--inspect-port` unless given (the operator HTTP server's default is 8787). */
export const DEFAULT_INSPECT_PORT = 8788;

export interface InspectOptions {
  /** 127.0.0.1 port (0: a free one). */
  port?: number;
  /** `--inspect-scopes` (default: every scope). */
  scopes?: string;
  maxBufferedBytes?: number;
  maxViewers?: number;
  maxReplayActors?: number;
  limits?: Partial<SanitizeLimits>;
  /** Tests only: the frame's address instead of https://stately.ai/inspect. */
  statelyUrl?: RelayOptions['statelyUrl'];
}

/** What is inspected: the account root (its system holds shards and scopes) and the mode. */
export interface Inspectable {
  readonly root: AnyActorRef;
  readonly mode: AnyActorRef;
}

export interface Inspector {
  /** The bridge page's address (open it in a browser that reaches stately.ai). */
  readonly url: string;
  readonly attachment: InspectAttachment;
  readonly relay: InspectRelay;
  close(): Promise<void>;
}

const reasonOf = (error: unknown) => scrubText(String((error as Error)?.message ?? error)).split('\n')[0]!.slice(0, 300);

/**
 * Starts the relay and journals `inspector_listening` with the URL; or journals
 * `inspector_failed` and returns undefined (the account runs on without it). A bad
 * `--inspect-scopes` throws before anything listens.
 */
export async function startInspector(target: Inspectable, journal: Journal, options: InspectOptions = {}): Promise<Inspector | undefined> {
  const pattern = parseScopePattern(options.scopes);
  const port = options.port ?? DEFAULT_INSPECT_PORT;
  let attachment: InspectAttachment;
  const relay: InspectRelay = new InspectRelay(
    { port, maxBufferedBytes: options.maxBufferedBytes, maxViewers: options.maxViewers, statelyUrl: options.statelyUrl },
    {
      onConnect: (viewer) => {
        // The first viewer attaches; every viewer gets the current actors before live events.
        attachment.attach();
        const replayed = attachment.replay((text) => relay.send(viewer, text), () => (viewer.joined = true));
        journal.record('inspector_viewer_connected', { viewers: relay.viewerCount, replayedActors: replayed.actors, truncated: replayed.truncated });
      },
      onDisconnect: (_viewer, reason) => {
        if (relay.viewerCount === 0) attachment.detach();
        journal.record('inspector_viewer_disconnected', { viewers: relay.viewerCount, reason });
      },
      onRefused: (reason) => journal.record('inspector_viewer_refused', { reason }),
      onError: (error) => journal.record('inspector_failed', { port, reason: reasonOf(error) }),
    },
  );
  attachment = new InspectAttachment({
    roots: [target.root, target.mode], pattern, broadcast: (text) => relay.broadcast(text),
    maxReplayActors: options.maxReplayActors, limits: options.limits,
  });
  try {
    const address = await relay.listen();
    const url = `http://${INSPECT_HOST}:${address.port}/`;
    journal.record('inspector_listening', { url, scopes: pattern.source });
    return {
      url, attachment, relay,
      close: async () => {
        attachment.detach();
        await relay.close();
      },
    };
  } catch (error) {
    journal.record('inspector_failed', { port, reason: reasonOf(error) });
    await relay.close().catch(() => undefined);
    return undefined;
  }
}
