/**
 * Component interfaces of the pipeline, each method with its lifecycle contract.
 * The runtime starts components in pipeline order (sinks, models, sources) and stops them
 * in reverse (sources first, sinks last) so that nothing accepted is lost on shutdown.
 */
import type { AlarmEvent, AlarmStateName, HealthPoint, PartResult, Sample, ScoreResult, Window } from './types.js';

/** Receives batches of samples from a source. Must not throw; must not block for long. */
export type SampleHandler = (batch: readonly Sample[]) => void;

export interface Source {
  readonly name: string;
  /** Whether its connection to the device is up now (status, /healthz). */
  readonly connected: boolean;
  /**
   * How many times its connection was made (a source that writes: the PLC outputs it carries are written again when
   * this changes, however short the outage was).
   */
  readonly connections?: number;
  /**
   * For /api/status: since when (ms since the epoch) `connected` has been what it is now, absent before its first
   * connect or failed connect; while it is not connected, the error that says why (the failed connect, or what dropped
   * the connection), absent where none is known. None: the source does not say.
   */
  connectionState?(): { readonly since?: number; readonly lastError?: string };
  /**
   * The tags it cannot deliver now, each in words naming the tag and what to do (an OPC UA node left out of the
   * subscription, its value over max_message_bytes); their samples come bad. For /api/status. None: nothing to say.
   */
  tagIssues?(): readonly string[];
  /**
   * The channels whose tag the device does not have (an OPC UA node id the server does not know, a namespace it does
   * not have, a node it refused to monitor): no value comes from them until the configuration or the device changes;
   * tagIssues says why. /readyz answers 503 while a source has any. None: nothing to say.
   */
  missingTags?(): readonly string[];
  /**
   * Opens connections and starts delivering batches to `onBatch`. Resolves once polling has been
   * scheduled; a device that is down is not an error here (the source reconnects by itself),
   * only a bad configuration is. Called once.
   */
  start(onBatch: SampleHandler): Promise<void>;
  /** Reads every tag once and resolves with the decoded samples. May be called without start(). */
  readOnce(): Promise<Sample[]>;
  /**
   * Stops polling and closes connections. No batch is delivered after it resolves.
   * Idempotent; safe to call when start() never ran or failed.
   */
  stop(): Promise<void>;
}

/** A scoring model bound to one asset's channel layout. */
export interface Model {
  readonly name: string;
  readonly version: string;
  readonly channels: readonly string[];
  readonly windowLength: number;
  /** The time between the rows of a window the model expects. */
  readonly samplePeriodMs: number;
  readonly threshold: number;
  /** A part model's floor on the points read (core/points-read.ts): a part read at fewer is judged unknown, not
   * scored. Absent: every part is judged. */
  readonly minReadPoints?: number | undefined;
  /**
   * The model whose results score() resolves with and whose threshold this one gives, where that is another one: a
   * release shadowed on probation returns those of the model before it, which drive the alarms (sync/probation.ts).
   * None: its own.
   */
  readonly driving?: Model;
  /**
   * Scores windows whose `channels` equal `this.channels` and whose length equals
   * `windowLength`; resolves with one result per window, in order. Rejects only on an
   * inference failure; the caller marks the asset degraded and keeps running.
   */
  score(windows: readonly Window[]): Promise<ScoreResult[]>;
  /** Releases the inference session. Idempotent. No score() call is in flight when it runs. */
  close(): Promise<void>;
}

/** The time a model's window spans (window length × sample period): a sliding window's alarm sustains this long by
 * default (the daemon, `linewatch eval`, the Node-RED score node's `windowSpanMs`). */
export function windowSpanMs(model: Pick<Model, 'windowLength' | 'samplePeriodMs'>): number {
  return model.windowLength * model.samplePeriodMs;
}

/** Everything a sink may be asked to persist. */
export interface SinkRecords {
  readonly samples: readonly Sample[];
  readonly scores: readonly ScoreResult[];
  readonly alarms: readonly AlarmEvent[];
  readonly health?: readonly HealthPoint[];
  readonly parts?: readonly PartResult[];
  /** Model update outcomes (applied, rejected, rolled back, confirmed), for the cloud. */
  readonly modelUpdates?: readonly Record<string, unknown>[];
  /** Held alarms' counts (AlarmHoldCount), for the sink that journals alarms: what a restart takes back. */
  readonly alarmHolds?: readonly AlarmHoldCount[];
  /**
   * Gaps the alarm journal recorded (transitions it dropped unjournaled), for the sinks that keep a history of alarms
   * elsewhere (InfluxDB); the sink that journals alarms wrote them itself and takes no notice.
   */
  readonly journalGaps?: readonly AlarmJournalGap[];
}

/**
 * How long an active alarm's score has been seen at or below its clear level (the hold at the model's largest normal
 * score counts it: src/alarms/alarm-state.ts), as of the score at `ts`; no `ms` where it is above it or the condition
 * is clear. `belowMs`: of that, the time seen below where the alarm clears (its off delay's count); none where it is
 * not below. Written each time either changes, with the transition of the same score where there is one.
 */
export interface AlarmHoldCount {
  readonly asset: string;
  readonly alarm: string;
  readonly ts: number;
  readonly ms?: number;
  readonly belowMs?: number;
}

export interface Sink {
  readonly name: string;
  /** Prepares storage (creates files, databases). Called once before any write(). */
  start(): Promise<void>;
  /**
   * Accepts records for storage. Never throws and never blocks the pipeline: a sink buffers,
   * and reports failures through its own logs and metrics.
   */
  write(records: SinkRecords): void;
  /** Writes out whatever is buffered. Resolves when it is stored or definitely failed. */
  flush(): Promise<void>;
  /**
   * Flushes and releases resources. Called after every source has stopped, so no write()
   * follows it. Idempotent.
   */
  close(): Promise<void>;
  /**
   * A sink that journals alarms (the local store): each alarm's last journaled state, for the gateway to restore at
   * start. Called after start().
   */
  lastAlarmStates?(): JournaledAlarm[];
  /**
   * A sink that journals alarms: deletes the hold counts (AlarmHoldCount) it keeps of assets not in `kept`, those
   * removed from the configuration, and returns those assets; their journal rows stay. Called at start, before the
   * first write. Throws where the store cannot be written.
   */
  forgetAlarmHolds?(kept: readonly string[]): readonly string[];
  /**
   * A sink that journals alarms: resolves once every alarm event written so far is on disk (it commits those written
   * in the same turn of the event loop together, with one sync); rejects with why where that commit failed (the events
   * stay pending and are committed with the next ones). The gateway answers an operator's command, and runs the
   * alarm's actions, once it settles.
   */
  journaled?(): Promise<void>;
  /**
   * Where its writes fail now: since when (ms since the epoch) and why; undefined while they work. A sink without it
   * is judged by its queue (src/runtime/sink-watch.ts). For /api/status and /readyz.
   */
  failing?(): { readonly since: number; readonly error: string } | undefined;
  /**
   * A sink whose failed writes wait in its queue to be sent again: how long, at most, from a failed write until it
   * has tried again and heard back (where the server asks for no longer wait). /readyz counts it unreachable only once
   * it has failed for `http.readyz_grace_retries` of these (src/runtime/sink-watch.ts); /api/status says it at once.
   * None: /readyz counts it from its first failure.
   */
  retryCycleMs?(): number;
  /**
   * A sink that journals alarms: the alarm transitions it dropped unjournaled since it started (its backlog's bound,
   * while it could not write), of how many alarms, between which transition times; undefined where none. For
   * /api/status, which keeps saying it after the sink writes again.
   */
  journalGap?():
    { readonly dropped: number; readonly alarms: number; readonly from: number; readonly to: number } | undefined;
  /**
   * A sink that publishes to a broker with a packet limit (the cloud sync): what the limit kept back since it started,
   * messages set aside and the queue held (src/sync/cloud-packet-limit.ts); undefined where nothing. For /api/status.
   */
  packetLimit?(): SinkPacketLimit | undefined;
  /**
   * A sink that takes commands from a broker (the Sparkplug edge node): the commands it dropped undecoded since it
   * started (too large, or past its decoding budget: a flood), and when the last was; undefined where none. For
   * /api/status.
   */
  commandsDropped?(): SinkCommandsDropped | undefined;
  /**
   * A sink that serves clients with certificates (the OPC UA server): the client certificates it refused since it
   * started, each said once, the last few with what to do; undefined where none. For /api/status.
   */
  refusedClients?(): SinkRefusedClients | undefined;
}

/** A client certificate a sink refused (/api/status: in a sink's `refusedClients`). */
export interface SinkRefusedClient {
  /** When (ms since the epoch). */
  readonly at: number;
  /**
   * Why, in a word: self_signed, untrusted, issuer_unknown, revoked, revocation_unknown, issuer_revocation_unknown,
   * issuer_time_invalid, expired, not_yet_valid, uri_mismatch, other.
   */
  readonly cause: string;
  /** The server library's verdict (BadCertificateUntrusted...). */
  readonly status: string;
  readonly subject: string;
  readonly applicationUri: string | undefined;
  readonly sha256: string;
  readonly validFrom: string;
  readonly validTo: string;
  /** Where the certificate was put (the PKI's rejected/), where it was. */
  readonly file?: string;
  /** The command that trusts it, where trusting it lets the client in (not where its CA is what to trust). */
  readonly trustCommand?: string;
  /** All of it in one line, as the log says it. */
  readonly message: string;
}

/** The client certificates a sink refused (/api/status: a sink's `refusedClients`). */
export interface SinkRefusedClients {
  /** Certificates refused since the start, each counted once (for each cause). */
  readonly certificates: number;
  /** The last said, the newest last. */
  readonly recent: readonly SinkRefusedClient[];
}

/** Commands a sink dropped undecoded (/api/status: a sink's `commandsDropped`). */
export interface SinkCommandsDropped {
  /** Over the size it decodes. */
  readonly tooLarge: number;
  /** Past the time a second it may spend decoding. */
  readonly overBudget: number;
  /** When the last was dropped (ms since the epoch). */
  readonly lastAt: number;
}

/** What a broker's packet limit kept back from a sink (/api/status: a sink's `packetLimit`). */
export interface SinkPacketLimit {
  /** The broker's limit when it last kept a message back, in bytes. */
  readonly limit: number;
  /** Messages set aside (over the limit, taken out of the queue, each said whole in the log) since the start. */
  readonly setAside: number;
  /** The last one set aside: its topic, its size as a publish packet, when (ms since the epoch). */
  readonly lastSetAside?: { readonly topic: string; readonly bytes: number; readonly at: number };
  /** Where the queue waits now (a limit under 1,024 bytes sets nothing aside): the first message held, since when. */
  readonly held?: { readonly topic: string; readonly bytes: number; readonly since: number };
}

/** An alarm's last journaled state. */
export interface JournaledAlarm {
  readonly asset: string;
  readonly alarm: string;
  readonly state: AlarmStateName;
  readonly ts: number;
  /** Where the state is `shelved`: when the shelve ends (ms since the epoch); absent in stores from before 2026-12. */
  readonly shelvedUntil?: number;
  /** Since when the alarm has been active (raised and not back to normal since), where the journal says. */
  readonly since?: number;
  /** The hold's count the previous run reached (AlarmHoldCount), where it had one, with its off delay's count. */
  readonly hold?: { readonly ms: number; readonly ts: number; readonly belowMs?: number };
}

/**
 * One alarm's gap in the alarm journal, as the journal recorded it (its table alarm_journal_gaps): transitions the
 * journal's backlog dropped unjournaled while it could not write, how many, the first and the last one's times (ms
 * since the epoch). The gateway published those transitions all the same (the event stream, InfluxDB and the alarm's
 * actions had them); the journal, which a restart restores alarm states from, lacks them.
 */
export interface AlarmJournalGap {
  readonly asset: string;
  readonly alarm: string;
  readonly dropped: number;
  readonly from: number;
  readonly to: number;
  /** When the journal recorded the gap (ms since the epoch). */
  readonly ts: number;
  /** What the journal lacks of the alarm and why, as the journal's row says it. */
  readonly message: string;
}
