// /metrics: prom-client's default process metrics (unprefixed, as every Prometheus client names
// them) plus exstate_* series. Counters are derived from journal records as they are journaled;
// gauges are read from the status model at each scrape. Labels carry only small fixed sets (mode,
// reason, scope state, action family, outcome, error class): never an order id, a scope or a
// symbol.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { scopeMachine } from '../../../machines/scope.machine.js';
import { MODE_REASONS } from '../../domain/system-mode.js';
import type { Journal, JournalRecord } from '../../runtime/journal.js';
import { scopeKeyOfRecord, type StatusModel } from './status-model.js';

const MODES = ['NORMAL', 'DEGRADED', 'PAUSED'] as const;
const FAMILIES = ['recovery', 'cleanup', 'protective', 'dca', 'noop', 'blocked'] as const;
const OUTCOMES = ['accepted', 'rejected', 'unknown', 'rate_limited', 'benign_race', 'withheld'] as const;
const ERROR_CLASSES = ['block', 'retry', 'unknown', 'lookup', 'benign_race', 'read'] as const;
/** Submissions sent and not yet answered, remembered to count each one's outcome once. */
const OPEN_SUBMISSIONS = 10_000;

export class OpsMetrics {
  readonly registry = new Registry();
  private readonly g: Record<string, Gauge> = {};
  private readonly passes: Counter<'family'>;
  private readonly submissions: Counter<'outcome'>;
  private readonly venueErrors: Counter<'class'>;
  private readonly records: Counter;
  private readonly disconnects: Counter;
  private readonly alertsRaised: Counter<'reason'>;
  private readonly rows: Counter;
  private readonly sseResyncs: Counter;
  readonly contextWrites: Histogram;
  private readonly reaction: Histogram;
  private rowsSeen = 0;
  private resyncsSeen = 0;
  /** Per scope: when the first thing affected it since its last answer (journal time, ms). */
  private readonly affectedAt = new Map<string, number>();
  private readonly sent = new Map<string, true>();
  /** Running totals the dashboard samples (its chart of reaction time, its reconnect count). */
  readonly activity = { reactions: 0, reactionSecondsSum: 0, streamDisconnects: 0 };
  readonly unsubscribe: () => void;

  constructor(journal: Journal) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const gauge = (name: string, help: string, labelNames: string[] = []) => (this.g[name] = new Gauge({ name, help, labelNames, registers }));
    gauge('exstate_mode', 'The account\'s system mode: 1 for the current one', ['mode']);
    gauge('exstate_mode_reason_active', 'Mode reasons (alerts) now active: 1 when active', ['reason']);
    gauge('exstate_ready', 'The service is ready (hydrated, stream open, gates passed): 1 or 0');
    gauge('exstate_private_stream_open', 'The private stream is open: 1 or 0');
    gauge('exstate_private_stream_age_seconds', 'Seconds since the private stream last delivered anything');
    gauge('exstate_scopes', 'Scopes per workflow state', ['state']);
    gauge('exstate_positions_open', 'Open positions of managed scopes');
    gauge('exstate_unprotected_positions', 'Open positions without every configured SL/TP resting at the venue');
    gauge('exstate_unknown_outcomes', 'Requests whose outcome is unknown (looked up before anything is re-sent)');
    gauge('exstate_pending_confirmations', 'Requests waiting for a private confirmation');
    gauge('exstate_recovery_required_scopes', 'Scopes in or waiting for scoped recovery');
    gauge('exstate_open_orders', 'Open orders in the account view (app and foreign)');
    gauge('exstate_sse_clients', 'Event-stream clients connected');
    this.passes = new Counter({ name: 'exstate_workflow_passes_total', help: 'Workflow passes by the action family they chose', labelNames: ['family'], registers });
    this.submissions = new Counter({ name: 'exstate_submissions_total', help: 'Venue requests by their first outcome (withheld: never sent)', labelNames: ['outcome'], registers });
    this.venueErrors = new Counter({ name: 'exstate_venue_errors_total', help: 'Venue errors by class (block, retry, unknown, lookup, benign_race; read: a failed snapshot, lookup or trade-history read)', labelNames: ['class'], registers });
    this.records = new Counter({ name: 'exstate_journal_records_total', help: 'Journal records', registers });
    this.disconnects = new Counter({ name: 'exstate_private_stream_disconnects_total', help: 'Private stream gaps', registers });
    this.alertsRaised = new Counter({ name: 'exstate_alerts_raised_total', help: 'Mode reasons raised', labelNames: ['reason'], registers });
    this.rows = new Counter({ name: 'exstate_private_rows_ingested_total', help: 'Private rows read from the stream', registers });
    this.sseResyncs = new Counter({ name: 'exstate_sse_resyncs_total', help: 'Event-stream clients resynchronized after their queue overflowed', registers });
    this.contextWrites = new Histogram({
      name: 'exstate_context_write_seconds', help: 'Durable context store writes', registers,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    });
    this.reaction = new Histogram({
      name: 'exstate_reaction_seconds', help: 'From the first row that affected a scope to its first request (sent, or planned in a mode that sends nothing), burst wait included', registers,
      buckets: [0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10],
    });
    for (const f of FAMILIES) this.passes.inc({ family: f }, 0);
    for (const o of OUTCOMES) this.submissions.inc({ outcome: o }, 0);
    for (const c of ERROR_CLASSES) this.venueErrors.inc({ class: c }, 0);
    for (const r of MODE_REASONS) this.alertsRaised.inc({ reason: r }, 0);
    this.unsubscribe = journal.subscribe((record) => this.onRecord(record));
  }

  private outcome(record: JournalRecord, outcome: (typeof OUTCOMES)[number]): void {
    const key = `${String(record.action)}:${String(record.customOrderId)}`;
    if (!this.sent.delete(key)) return;
    this.submissions.inc({ outcome });
  }

  private onRecord(record: JournalRecord): void {
    this.records.inc();
    const scope = scopeKeyOfRecord(record);
    switch (record.event) {
      case 'workflow_pass': {
        const family = String(record.actionFamily);
        if ((FAMILIES as readonly string[]).includes(family)) this.passes.inc({ family });
        // Nothing to answer: the next reaction starts at the next row.
        if (scope && (family === 'noop' || family === 'blocked')) this.affectedAt.delete(scope);
        break;
      }
      case 'scope_affected':
        if (scope && !this.affectedAt.has(scope)) this.affectedAt.set(scope, record.atMs);
        break;
      case 'request_planned':
        if (record.wouldSubmit === false) this.reacted(scope, record.atMs);
        break;
      case 'submission_sent': {
        this.reacted(scope, record.atMs);
        this.sent.set(`${String(record.action)}:${String(record.customOrderId)}`, true);
        if (this.sent.size > OPEN_SUBMISSIONS) this.sent.delete(this.sent.keys().next().value!);
        break;
      }
      case 'submission_withheld':
        this.submissions.inc({ outcome: 'withheld' });
        break;
      case 'confirmation_pending':
      case 'early_confirmation_buffered':
      case 'confirmation_matched':
        this.outcome(record, 'accepted');
        break;
      case 'submission_rejected':
        this.venueErrors.inc({ class: 'block' });
        this.outcome(record, 'rejected');
        break;
      case 'submission_rate_limited':
        this.venueErrors.inc({ class: 'retry' });
        this.outcome(record, 'rate_limited');
        break;
      case 'submission_unknown':
        this.venueErrors.inc({ class: String(record.reason ?? '').startsWith('duplicate_client_id') ? 'lookup' : 'unknown' });
        this.outcome(record, 'unknown');
        break;
      case 'benign_race':
        this.venueErrors.inc({ class: 'benign_race' });
        this.outcome(record, 'benign_race');
        break;
      case 'hydration_failed':
      case 'order_lookup_failed':
      case 'fill_history_failed':
        this.venueErrors.inc({ class: 'read' });
        break;
      case 'stream_disconnected':
        this.disconnects.inc();
        this.activity.streamDisconnects++;
        break;
      case 'alert_raised':
        if ((MODE_REASONS as readonly string[]).includes(String(record.reason))) this.alertsRaised.inc({ reason: String(record.reason) });
        break;
      default:
        break;
    }
  }

  private reacted(scope: string | undefined, atMs: number): void {
    if (!scope) return;
    const since = this.affectedAt.get(scope);
    if (since === undefined) return;
    this.affectedAt.delete(scope);
    const seconds = Math.max(0, atMs - since) / 1000;
    this.reaction.observe(seconds);
    this.activity.reactions++;
    this.activity.reactionSecondsSum += seconds;
  }

  /** The exposition text, with every gauge read from the model now. */
  async text(model: StatusModel | undefined, sse: { clients: number; resyncs: number }): Promise<string> {
    if (model) {
      const v = model.gauges();
      for (const m of MODES) this.g.exstate_mode!.set({ mode: m }, v.mode === m ? 1 : 0);
      for (const r of MODE_REASONS) this.g.exstate_mode_reason_active!.set({ reason: r }, v.reasons.includes(r) ? 1 : 0);
      this.g.exstate_ready!.set(v.ready ? 1 : 0);
      this.g.exstate_private_stream_open!.set(v.streamOpen ? 1 : 0);
      this.g.exstate_private_stream_age_seconds!.set(v.streamAgeSeconds);
      const states = new Set([...Object.keys(scopeMachine.config.states ?? {}), ...Object.keys(v.scopesByState)]);
      for (const s of states) this.g.exstate_scopes!.set({ state: s }, v.scopesByState[s] ?? 0);
      this.g.exstate_positions_open!.set(v.positions);
      this.g.exstate_unprotected_positions!.set(v.unprotected);
      this.g.exstate_unknown_outcomes!.set(v.unknownOutcomes);
      this.g.exstate_pending_confirmations!.set(v.pendingConfirmations);
      this.g.exstate_recovery_required_scopes!.set(v.recoveryRequired);
      this.g.exstate_open_orders!.set(v.openOrders);
      if (v.rows > this.rowsSeen) this.rows.inc(v.rows - this.rowsSeen);
      this.rowsSeen = Math.max(this.rowsSeen, v.rows);
    }
    this.g.exstate_sse_clients!.set(sse.clients);
    if (sse.resyncs > this.resyncsSeen) this.sseResyncs.inc(sse.resyncs - this.resyncsSeen);
    this.resyncsSeen = Math.max(this.resyncsSeen, sse.resyncs);
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
