/**
 * The gateway's Prometheus metrics, one registry per runtime (so several runtimes in one
 * process, as in tests, do not collide). Every counted event also has a log line at its site.
 * Names follow Prometheus' conventions (docs/metrics.md): counters end in `_total`, base units
 * (`_seconds`, `_bytes`), the standard `process_*` and `nodejs_*` families unprefixed.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { onnxruntimeVersion } from '../core/runtime-versions.js';
import { LINEWATCH_VERSION } from '../core/version.js';

/** A counter without labels (the HTTP API's), in `registry`. */
function unlabelledCounter(registry: Registry, name: string, help: string): Counter {
  return new Counter({ name, help, registers: [registry] });
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly sourcePolls = new Counter({
    name: 'linewatch_source_polls_total',
    help: 'Completed polls per source (Modbus: a poll; OPC UA: a publish response; MQTT: a message with samples)',
    labelNames: ['source'],
    registers: [this.registry],
  });
  readonly sourceErrors = new Counter({
    name: 'linewatch_source_errors_total',
    help: 'Failed reads or connects per source',
    labelNames: ['source', 'kind'],
    registers: [this.registry],
  });
  readonly sourceConnected = new Gauge({
    name: 'linewatch_source_connected',
    help: '1 while the source is connected',
    labelNames: ['source'],
    registers: [this.registry],
  });
  readonly deviceUp = new Gauge({
    name: 'linewatch_device_up',
    help: '1 while a Modbus device (unit) answers (from its first answered read), 0 while it is failing',
    labelNames: ['source', 'unit'],
    registers: [this.registry],
  });
  readonly sourceDropped = new Counter({
    name: 'linewatch_source_dropped_total',
    help: 'Polls skipped because the previous one of the same group was still running (kind poll), and writes refused because the device queue was full (kind write)',
    labelNames: ['source', 'unit', 'kind'],
    registers: [this.registry],
  });
  readonly sourceReconnects = new Counter({
    name: 'linewatch_source_reconnects_total',
    help: 'Attempts to connect again after a refused or lost connection, per source (a first connect is not one)',
    labelNames: ['source'],
    registers: [this.registry],
  });
  readonly samples = new Counter({
    name: 'linewatch_samples_total',
    help: 'Samples ingested',
    labelNames: ['source', 'quality'],
    registers: [this.registry],
  });
  readonly heldSamples = new Counter({
    name: 'linewatch_source_held_samples_total',
    help: "Samples a source sent again from a value that did not change: an MQTT tag's last value while it holds (tags[].hold_ms), an OPC UA item's last notification once per keep-alive period; not in linewatch_samples_total, which counts the readings that came",
    labelNames: ['source'],
    registers: [this.registry],
  });
  readonly windowsScored = new Counter({
    name: 'linewatch_windows_scored_total',
    help: 'Windows scored per asset',
    labelNames: ['asset'],
    registers: [this.registry],
  });
  readonly parts = new Counter({
    name: 'linewatch_parts_total',
    help: 'Parts judged per asset and verdict: pass, fail, or unknown (not judged: a sample missing, stale or bad, its window dropped or its model failed)',
    labelNames: ['asset', 'verdict'],
    registers: [this.registry],
  });
  readonly windowsHeld = new Counter({
    name: 'linewatch_windows_held_total',
    help: "Windows scored per asset in which some channel's last good reading was held over a failed read (timeout, exception answer, connection down)",
    labelNames: ['asset'],
    registers: [this.registry],
  });
  readonly windowsIncomplete = new Counter({
    name: 'linewatch_windows_incomplete_total',
    help: 'Windows not scored because of gaps or bad samples',
    labelNames: ['asset'],
    registers: [this.registry],
  });
  readonly rowsStopped = new Counter({
    name: 'linewatch_rows_stopped_total',
    help: 'Rows of an asset neither windowed nor scored because its machine does not run (assets[].running_when): state stopped where the condition does not hold, unknown where its channel has no fresh good reading, settling where it holds again but within running_when.settle_ms of the restart',
    labelNames: ['asset', 'state'],
    registers: [this.registry],
  });
  readonly rowsLate = new Counter({
    name: 'linewatch_rows_late_total',
    help: "Rows of an asset whose samples all came stamped before their source's last row, by up to max_sample_age_ms (a device or server that reports its changes late), per source: each placed at the last row's time with its values as they came, so that rows never step back in time",
    labelNames: ['asset', 'source'],
    registers: [this.registry],
  });
  readonly rowsOvertaken = new Counter({
    name: 'linewatch_rows_overtaken_total',
    help: "Rows of held values (every value as the row before's) dropped, per asset and source: a source that came late recently had such a row held back for a batch, and that batch's rows came stamped before it (a stalled OPC UA server's publish of held values, then its backlog), which then go by their own stamps",
    labelNames: ['asset', 'source'],
    registers: [this.registry],
  });
  readonly assetBlind = new Gauge({
    name: 'linewatch_asset_blind',
    help: '1 while a sliding-window asset has formed no complete window for two window spans (its source down, or its channels stale or bad): nothing is scored and its alarm cannot rise',
    labelNames: ['asset'],
    registers: [this.registry],
  });
  readonly assetModelFallback = new Gauge({
    name: 'linewatch_asset_model_fallback',
    help: '1 while an asset runs an earlier model than its confirmed update, whose files no longer verify or load (a damaged disk): see /api/status, degraded',
    labelNames: ['asset'],
    registers: [this.registry],
  });
  readonly windowsDropped = new Counter({
    name: 'linewatch_windows_dropped_total',
    help: 'Windows dropped unscored because scoring fell behind (the oldest queued windows go first)',
    labelNames: ['asset'],
    registers: [this.registry],
  });
  readonly inferenceErrors = new Counter({
    name: 'linewatch_inference_errors_total',
    help: 'Failed model runs per asset',
    labelNames: ['asset'],
    registers: [this.registry],
  });
  readonly inferenceSeconds = new Histogram({
    name: 'linewatch_inference_seconds',
    help: 'Time per model run',
    labelNames: ['asset'],
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });
  readonly anomalyScore = new Gauge({
    name: 'linewatch_anomaly_score',
    help: 'Latest anomaly score per asset',
    labelNames: ['asset'],
    registers: [this.registry],
  });
  readonly alarmActive = new Gauge({
    name: 'linewatch_alarm_active',
    help: '1 while the alarm is annunciated (unacknowledged or active), 0 once it is back to normal',
    labelNames: ['asset', 'alarm'],
    registers: [this.registry],
  });
  readonly alarmsRaised = new Counter({
    name: 'linewatch_alarms_raised_total',
    help: 'Alarms raised per asset and alarm',
    labelNames: ['asset', 'alarm'],
    registers: [this.registry],
  });
  readonly actions = new Counter({
    name: 'linewatch_alarm_actions_total',
    help: 'Alarm action attempts per action and outcome (ok, retry, failed), writes not made because the output held the value (unchanged), and messages dropped unsent past max_queued (dropped)',
    labelNames: ['action', 'outcome'],
    registers: [this.registry],
  });
  readonly actionSeconds = new Histogram({
    name: 'linewatch_alarm_action_seconds',
    help: 'Time per alarm action attempt that succeeded (outcome ok; a write not needed, unchanged, is not timed)',
    labelNames: ['action'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly modelUpdates = new Counter({
    name: 'linewatch_model_updates_total',
    help: 'Model update outcomes per asset (applied, rejected, rolled_back, confirmed)',
    labelNames: ['asset', 'outcome'],
    registers: [this.registry],
  });
  readonly sinkPointsWritten = new Counter({
    name: 'linewatch_sink_points_written_total',
    help: 'Points stored per sink',
    labelNames: ['sink'],
    registers: [this.registry],
  });
  readonly sinkWriteErrors = new Counter({
    name: 'linewatch_sink_write_errors_total',
    help: 'Failed writes per sink',
    labelNames: ['sink', 'kind'],
    registers: [this.registry],
  });
  readonly sinkDroppedPoints = new Counter({
    name: 'linewatch_sink_dropped_points_total',
    help: 'Points dropped per sink and reason',
    labelNames: ['sink', 'reason'],
    registers: [this.registry],
  });
  readonly sparkplugCommandsDropped = new Counter({
    name: 'linewatch_sparkplug_commands_dropped_total',
    help: 'Commands (NCMD, DCMD) the Sparkplug edge node dropped undecoded, per reason: too_large (over 4096 bytes) or over_budget (the 20 ms a second decoding may take were spent: a flood)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly journalSyncs = new Counter({
    name: 'linewatch_alarm_journal_syncs_total',
    help: "Commits of the local store's alarm journal synced to disk: one per group of alarm transitions",
    registers: [this.registry],
  });
  readonly journalPending = new Gauge({
    name: 'linewatch_alarm_journal_pending',
    help: 'Alarm transitions accepted and not yet on disk in the local store (above 0 for long only while its commits fail)',
    registers: [this.registry],
  });
  readonly sinkBufferedPoints = new Gauge({
    name: 'linewatch_sink_buffered_points',
    help: 'Points waiting in a sink queue',
    labelNames: ['sink'],
    registers: [this.registry],
  });
  readonly queueBytes = new Gauge({
    name: 'linewatch_queue_bytes',
    help: 'Bytes waiting in a sink queue',
    labelNames: ['sink'],
    registers: [this.registry],
  });
  readonly queueOldestAge = new Gauge({
    name: 'linewatch_queue_oldest_age_seconds',
    help: 'Age of the oldest item in a sink queue',
    labelNames: ['sink'],
    registers: [this.registry],
  });
  readonly apiEventStreamsRefused = unlabelledCounter(
    this.registry,
    'linewatch_api_event_streams_refused_total',
    'Event streams refused because http.max_event_streams were open',
  );
  readonly apiConnectionsRefused = unlabelledCounter(
    this.registry,
    'linewatch_api_connections_refused_total',
    'Connections to the HTTP API closed unanswered because http.max_connections were open, or half of them from its address, or it had more than 8 requests pipelined unanswered',
  );
  readonly apiEventStreamsDropped = unlabelledCounter(
    this.registry,
    'linewatch_api_event_streams_dropped_total',
    'Event streams dropped because the client fell behind',
  );
  readonly apiRequestsUnauthorized = unlabelledCounter(
    this.registry,
    'linewatch_api_requests_unauthorized_total',
    'HTTP API requests refused (401) for a missing or wrong bearer token: a client without its token, or one guessing it',
  );
  readonly apiRequestsWrongHost = unlabelledCounter(
    this.registry,
    'linewatch_api_requests_wrong_host_total',
    'HTTP API requests refused for their Host header, answered 421: beyond loopback a name http.allowed_hosts does not list, on loopback another than a loopback name; a client that needs the name added, or a web page that pointed its own name at the gateway (DNS rebinding)',
  );
  readonly apiRequestsUnreadable = unlabelledCounter(
    this.registry,
    'linewatch_api_requests_unreadable_total',
    "HTTP requests Node's parser refused before the API saw them (answered 400, 408, 413 or 431): not HTTP/1.1 it can read, headers or a chunk extension too large, or a request not sent whole in time (a slow client, or slowloris)",
  );
  readonly apiRequestsFailed = unlabelledCounter(
    this.registry,
    'linewatch_api_requests_failed_total',
    'HTTP API answers that failed (answered 500, or cut where the answer or event stream had begun), each logged',
  );
  readonly queueCorrupt = new Counter({
    name: 'linewatch_queue_corrupt_total',
    help: 'Queue files found corrupt at start, moved aside and replaced by a fresh queue',
    labelNames: ['sink'],
    registers: [this.registry],
  });
  readonly queueEvicted = new Counter({
    name: 'linewatch_queue_evicted_total',
    help: 'Items evicted by the byte bound since start, per class',
    labelNames: ['sink', 'class'],
    registers: [this.registry],
  });
  readonly eventSubscriberErrors = new Counter({
    name: 'linewatch_event_subscriber_errors_total',
    help: "Errors thrown by a subscriber to the gateway's events, per topic (the other subscribers still ran)",
    labelNames: ['topic'],
    registers: [this.registry],
  });
  readonly buildInfo = new Gauge({
    name: 'linewatch_build_info',
    help: 'Always 1; the labels say which linewatch, onnxruntime-node and Node.js run',
    labelNames: ['version', 'onnxruntime', 'node'],
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    this.buildInfo.set(
      { version: LINEWATCH_VERSION, onnxruntime: onnxruntimeVersion(), node: process.versions.node },
      1,
    );
    // The standard names (process_cpu_seconds_total, nodejs_heap_size_used_bytes...) that Node.js dashboards query.
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }
}
