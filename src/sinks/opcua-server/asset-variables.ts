/**
 * The variables the OPC UA server offers of each asset and the updates the records a sink is written make of them
 * (pure: no I/O, no node-opcua). A variable is keyed `<asset>/<folder>/<name>` (its string node id); an update carries
 * the value, its status and the source timestamp of what it came from, or only a status where the last value stays
 * (a reading that failed: the channel is Bad, the anomaly's variables Uncertain until the next score).
 */
import type { SinkRecords } from '../../core/components.js';
import type { AssetOutline } from '../../core/asset-outline.js';
import type { SinkAlarmState } from '../sink-type.js';

export type VariableType = 'Double' | 'String' | 'Boolean' | 'DateTime';

/** The OPC UA status codes the server gives its variables. */
export type VariableStatus =
  | 'Good'
  | 'BadWaitingForInitialData'
  | 'BadNoCommunication'
  | 'BadNoData'
  | 'Bad'
  | 'Uncertain'
  | 'UncertainLastUsableValue';

export interface VariableSpec {
  readonly key: string;
  readonly asset: string;
  /** The folder under the asset's: Channels, Anomaly, Alarm, Part. */
  readonly folder: string;
  readonly name: string;
  readonly type: VariableType;
  readonly unit?: string;
  readonly description: string;
}

export interface VariableUpdate {
  readonly key: string;
  readonly status: VariableStatus;
  /** The new value; absent: the last one stays, with its source timestamp, under the new status. */
  readonly value?: number | string | boolean | Date;
  /** ms since the epoch: the sample's, the score's, the alarm transition's or the part's time. */
  readonly ts?: number;
}

export const variableKey = (asset: string, folder: string, name: string): string => `${asset}/${folder}/${name}`;

/** Every variable of an asset, in browse order. */
export function assetVariables(asset: AssetOutline): VariableSpec[] {
  const v = (folder: string, name: string, type: VariableType, description: string, unit?: string): VariableSpec => ({
    key: variableKey(asset.asset, folder, name),
    asset: asset.asset,
    folder,
    name,
    type,
    description,
    ...(unit !== undefined ? { unit } : {}),
  });
  return [
    ...asset.channels.map((c) =>
      v('Channels', c.name, c.text ? 'String' : 'Double', `The latest reading of channel ${c.name}.`, c.unit),
    ),
    v('Anomaly', 'Score', 'Double', "The latest window's anomaly score."),
    v('Anomaly', 'Threshold', 'Double', 'The score above which a window is anomalous.'),
    v('Anomaly', 'Verdict', 'String', "The latest window's verdict: normal or anomalous."),
    v('Alarm', 'Active', 'Boolean', 'Whether the anomaly alarm is active (unacknowledged or acknowledged).'),
    v('Alarm', 'State', 'String', 'The alarm state (ISA-18.2): normal, unack_active, ack_active, rtn_unack, ...'),
    v('Alarm', 'LastChange', 'DateTime', "When the alarm's state last changed."),
    ...(asset.parts
      ? [
          v('Part', 'Id', 'String', 'The last part: its id.'),
          v('Part', 'Verdict', 'String', 'The last part: pass, fail or unknown.'),
          v('Part', 'Score', 'Double', "The last part's anomaly score."),
        ]
      : []),
  ];
}

const ACTIVE_STATES: ReadonlySet<string> = new Set(['unack_active', 'ack_active']);

/**
 * The updates the records make, of the variables in `known` only (the assets offered, their channels). A failed read
 * (Sample.failedRead: a timeout, the connection down) makes its channel BadNoCommunication and the asset's anomaly
 * variables UncertainLastUsableValue until its next score; a bad value the device reports makes the channel Bad.
 */
export function recordUpdates(records: SinkRecords, known: ReadonlySet<string>): VariableUpdate[] {
  const out: VariableUpdate[] = [];
  const add = (u: VariableUpdate) => {
    if (known.has(u.key)) out.push(u);
  };
  const cutOff = new Set<string>();
  for (const s of records.samples) {
    const key = variableKey(s.asset, 'Channels', s.channel);
    if (s.quality === 'bad') {
      add({ key, status: s.failedRead ? 'BadNoCommunication' : 'Bad' });
      if (s.failedRead) cutOff.add(s.asset);
      continue;
    }
    const value = s.text ?? s.value;
    if (typeof value === 'number' && !Number.isFinite(value)) add({ key, status: 'Bad' });
    else add({ key, status: s.quality === 'good' ? 'Good' : 'Uncertain', value, ts: s.ts });
  }
  for (const asset of cutOff)
    for (const name of ['Score', 'Threshold', 'Verdict'])
      add({ key: variableKey(asset, 'Anomaly', name), status: 'UncertainLastUsableValue' });
  for (const r of records.scores) {
    const at = (name: string, value: number | string) =>
      add({ key: variableKey(r.asset, 'Anomaly', name), status: 'Good', value, ts: r.ts });
    at('Score', r.score);
    at('Threshold', r.threshold);
    at('Verdict', r.anomalous ? 'anomalous' : 'normal');
  }
  for (const a of records.alarms) out.push(...alarmUpdates(a, known));
  for (const p of records.parts ?? []) {
    const at = (name: string) => variableKey(p.asset, 'Part', name);
    add({ key: at('Id'), status: 'Good', value: p.partId, ts: p.ts });
    add({ key: at('Verdict'), status: 'Good', value: p.verdict, ts: p.ts });
    add(
      p.score !== undefined
        ? { key: at('Score'), status: 'Good', value: p.score, ts: p.ts }
        : { key: at('Score'), status: 'BadNoData' },
    );
  }
  return out;
}

/** An alarm's variables at a transition at `ts` (ts absent: its state as the gateway holds it, since when unknown). */
export function alarmUpdates(
  a: { readonly asset: string; readonly state: string; readonly ts?: number; readonly since?: number },
  known: ReadonlySet<string>,
): VariableUpdate[] {
  const at = (name: string) => variableKey(a.asset, 'Alarm', name);
  const changed = a.ts ?? a.since;
  const ts = changed !== undefined ? { ts: changed } : {};
  const updates: VariableUpdate[] = [
    { key: at('Active'), status: 'Good', value: ACTIVE_STATES.has(a.state), ...ts },
    { key: at('State'), status: 'Good', value: a.state, ...ts },
    ...(changed !== undefined
      ? [{ key: at('LastChange'), status: 'Good' as const, value: new Date(changed), ts: changed }]
      : []),
  ];
  return updates.filter((u) => known.has(u.key));
}

/** The alarm variables of the gateway's alarms now, for the assets whose alarm had no transition yet. */
export function heldAlarmUpdates(
  states: readonly SinkAlarmState[],
  pending: ReadonlySet<string>,
  known: ReadonlySet<string>,
): VariableUpdate[] {
  return states.filter((s) => pending.has(s.asset)).flatMap((s) => alarmUpdates(s, known));
}
