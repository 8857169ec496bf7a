/**
 * The Sparkplug devices of an edge node and their metrics, kept as their current values (pure: no I/O). Each asset is a
 * device; the records a sink is written become metric values (recordMetrics), and `take` says what to publish: a
 * DBIRTH with every metric of a device that is new or gained a metric (Sparkplug 3.0: a DBIRTH before any DDATA, and
 * again when the set of metrics changes), a DDATA with the metrics that changed since they were last sent. What the
 * configuration says each asset will carry is declared before any record (declaredMetrics), null until its first
 * value, so that a start makes one DBIRTH per device, not one more each time a record brings a metric's first value.
 */
import type { AssetOutline } from '../../core/asset-outline.js';
import type { SinkRecords } from '../../core/components.js';
import type { SparkplugConfig } from './schema.js';

export type MetricType = 'Double' | 'Boolean' | 'String';

export interface MetricValue {
  readonly name: string;
  readonly type: MetricType;
  /** null: declared, no value yet (sent with is_null, Sparkplug 3.0 §6.4.5: a birth carries every metric). */
  readonly value: number | boolean | string | null;
  /** ms since the epoch: the sample's, the score's, the alarm transition's or the part's time; none while null. */
  readonly timestamp?: number;
}

/** Metric names, one place for what records bring and what the configuration declares. */
const NAMES = {
  value: (channel: string) => `values/${channel}`,
  score: 'anomaly/score',
  verdict: 'anomaly/verdict',
  alarmActive: (alarm: string) => `alarm/${alarm}/active`,
  alarmState: (alarm: string) => `alarm/${alarm}/state`,
  partVerdict: 'part/verdict',
  partId: 'part/id',
} as const;

/** A device's metric values from one write, in record order. */
export type DeviceValues = Map<string, MetricValue[]>;

function add(out: DeviceValues, device: string, metric: MetricValue): void {
  const list = out.get(device);
  if (list) list.push(metric);
  else out.set(device, [metric]);
}

/** The metric values the records carry, per asset, as `publish` chooses them. */
export function recordMetrics(records: SinkRecords, publish: SparkplugConfig['publish']): DeviceValues {
  const out: DeviceValues = new Map();
  if (publish.values)
    for (const s of records.samples)
      if (s.quality === 'good' && Number.isFinite(s.value))
        add(out, s.asset, { name: NAMES.value(s.channel), type: 'Double', value: s.value, timestamp: s.ts });
  if (publish.scores)
    for (const r of records.scores) {
      add(out, r.asset, { name: NAMES.score, type: 'Double', value: r.score, timestamp: r.ts });
      const verdict = r.anomalous ? 'anomalous' : 'normal';
      add(out, r.asset, { name: NAMES.verdict, type: 'String', value: verdict, timestamp: r.ts });
    }
  if (publish.alarms)
    for (const a of records.alarms) {
      const active = a.state === 'unack_active' || a.state === 'ack_active';
      add(out, a.asset, { name: NAMES.alarmActive(a.alarm), type: 'Boolean', value: active, timestamp: a.ts });
      add(out, a.asset, { name: NAMES.alarmState(a.alarm), type: 'String', value: a.state, timestamp: a.ts });
    }
  if (publish.parts)
    for (const p of records.parts ?? []) {
      add(out, p.asset, { name: NAMES.partVerdict, type: 'String', value: p.verdict, timestamp: p.ts });
      add(out, p.asset, { name: NAMES.partId, type: 'String', value: p.partId, timestamp: p.ts });
    }
  return out;
}

/** Every metric each asset will carry, as `publish` chooses them, null (the configuration says no value). */
export function declaredMetrics(assets: readonly AssetOutline[], publish: SparkplugConfig['publish']): DeviceValues {
  const out: DeviceValues = new Map();
  const declare = (asset: string, name: string, type: MetricType) => add(out, asset, { name, type, value: null });
  for (const a of assets) {
    if (publish.values) for (const c of a.channels) if (!c.text) declare(a.asset, NAMES.value(c.name), 'Double');
    if (publish.scores && a.scored) {
      declare(a.asset, NAMES.score, 'Double');
      declare(a.asset, NAMES.verdict, 'String');
    }
    if (publish.alarms)
      for (const alarm of a.alarms) {
        declare(a.asset, NAMES.alarmActive(alarm), 'Boolean');
        declare(a.asset, NAMES.alarmState(alarm), 'String');
      }
    if (publish.parts && a.parts) {
      declare(a.asset, NAMES.partVerdict, 'String');
      declare(a.asset, NAMES.partId, 'String');
    }
  }
  return out;
}

/** What to publish now. */
export interface MetricsToSend {
  /** Devices to (re)birth, each with every metric at its current value. */
  readonly births: ReadonlyMap<string, readonly MetricValue[]>;
  /** Devices already born, with the metrics that changed (past the deadband) since they were last sent. */
  readonly data: ReadonlyMap<string, readonly MetricValue[]>;
}

export class DeviceMetrics {
  /** Each device's metrics at the value last sent (or to be sent in its birth), by name. */
  private readonly current = new Map<string, Map<string, MetricValue>>();
  /** Changed metrics not sent yet, per device (the latest value of each). */
  private readonly changed = new Map<string, Map<string, MetricValue>>();
  /** Devices to birth at the next take. */
  private readonly unborn = new Set<string>();
  /** The metrics (device, NUL, name) whose current value was not sent yet. */
  private readonly unsent = new Set<string>();

  constructor(private readonly deadband: number) {}

  /**
   * Declares metrics with no value yet (null, declaredMetrics): each device is born with them, and a metric's first
   * value is then sent as data, not as a birth again. A metric known already is left as it is.
   */
  declare(values: DeviceValues): void {
    for (const [device, metrics] of values) {
      let known = this.current.get(device);
      if (!known) this.current.set(device, (known = new Map()));
      for (const m of metrics)
        if (!known.has(m.name)) {
          known.set(m.name, m);
          this.unborn.add(device);
        }
    }
  }

  /**
   * Takes new values in; returns how many replaced a value that was never sent (`superseded`: while the broker cannot
   * be reached, values lost). A value within the deadband of the one last sent is not taken.
   */
  update(values: DeviceValues): { superseded: number } {
    let superseded = 0;
    for (const [device, metrics] of values) {
      let known = this.current.get(device);
      if (!known) this.current.set(device, (known = new Map()));
      for (const m of metrics) {
        const last = known.get(m.name);
        if (last && !this.moved(last, m)) continue;
        const key = `${device}\u0000${m.name}`;
        if (this.unsent.has(key)) superseded++;
        this.unsent.add(key);
        known.set(m.name, m);
        // A new device, or a new metric of a device: its set of metrics changed, so it is born again.
        if (!last) this.unborn.add(device);
        else if (!this.unborn.has(device)) {
          let pending = this.changed.get(device);
          if (!pending) this.changed.set(device, (pending = new Map()));
          pending.set(m.name, m);
        }
      }
    }
    return { superseded };
  }

  private moved(last: MetricValue, next: MetricValue): boolean {
    if (last.value === null || next.value === null) return last.value !== next.value;
    if (last.type === 'Double' && next.type === 'Double')
      return Math.abs((next.value as number) - (last.value as number)) > this.deadband;
    return last.value !== next.value;
  }

  /** Every device is born again at the next take (a new connection, a Rebirth command). */
  rebirthAll(): void {
    for (const device of this.current.keys()) this.unborn.add(device);
  }

  /** What to publish now; afterwards nothing is pending. */
  take(): MetricsToSend {
    const births = new Map<string, MetricValue[]>();
    for (const device of this.unborn) births.set(device, [...(this.current.get(device)?.values() ?? [])]);
    const data = new Map<string, MetricValue[]>();
    for (const [device, pending] of this.changed) if (!births.has(device)) data.set(device, [...pending.values()]);
    this.unborn.clear();
    this.changed.clear();
    this.unsent.clear();
    return { births, data };
  }

  /** The devices known so far (each one born at the next connection). */
  devices(): string[] {
    return [...this.current.keys()];
  }
}
