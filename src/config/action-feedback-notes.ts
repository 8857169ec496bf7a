/**
 * An alarm output that feeds a model's input (pure): an opcua_write or modbus_write action writes a node or registers
 * that a source reads as a channel a model scores, so the alarm changes what is scored. Said as a warning by
 * `linewatch validate` and logged by the gateway's start; not refused, as a lamp read back on purpose is legitimate.
 * Regression: pump-2's `flow` read the node Pump1.alarm_lamp that pump-1's hmi-lamp action wrote; pump-2 scored 32 and
 * stayed in alarm with a healthy plant, and nothing said why.
 *
 * The same place is the same OPC UA endpoint and node (sources/opcua/node-id-match.ts: `i=5`, `ns=0;i=5` and
 * namespace 0's URI are the same node), or the same Modbus link (host and port, or serial path), unit id and table
 * with overlapping addresses. Sources of other names on the same endpoint or link count. `ns=2;s=X` and
 * `nsu=urn:…;s=X` are the same node only where the server's namespace array has that URI at index 2, which neither
 * validate nor the gateway's start reads (they connect nowhere): said apart, as a node that may be the same.
 */
import { modbusDevices } from '../sources/modbus/devices.js';
import { tagRegisterCount } from '../sources/modbus/encoding.js';
import type { ModbusSourceConfig } from '../sources/modbus/schema.js';
import type { OpcuaSourceConfig } from '../sources/opcua/schema.js';
import type { ModbusWriteActionConfig } from '../actions/modbus-write/action-type.js';
import type { OpcuaWriteActionConfig } from '../actions/opcua-write/action-type.js';
import type { Logger } from '../telemetry/logger.js';
import type { Config } from './schema.js';
import { matchNodeIds, nodeIdParts, type NodeIdMatch } from '../sources/opcua/node-id-match.js';

/** A node or an address range on one device's table. */
interface Place {
  /** The OPC UA endpoint, or the Modbus link, unit id and table. */
  readonly at: string;
  /** The OPC UA node id, as written. */
  readonly node?: string;
  readonly first: number;
  readonly end: number;
}

interface Read extends Place {
  readonly where: string;
  readonly asset: string;
  readonly channel: string;
}

interface Write extends Place {
  readonly where: string;
  readonly name: string;
  /** What is written, for the message: a node id, or "coil 8 on plc-1 unit 1". */
  readonly shown: string;
}

type Source = Config['sources'][number];
type Action = Config['assets'][number]['alarm']['actions'][number];

const isModbus = (s: Source): s is Source & ModbusSourceConfig => 'registers' in s && 'unit_id' in s;
const isOpcua = (s: Source): s is Source & OpcuaSourceConfig => s.type === 'opcua';
const modbusLink = (s: ModbusSourceConfig): string =>
  'host' in s ? `${s.host}:${s.port}` : (s as { path: string }).path;
const modbusAt = (link: string, unit: number, table: string) => `modbus ${link} unit ${unit} ${table}`;
const opcuaAt = (endpoint: string) => `opcua ${endpoint.replace(/\/+$/, '')}`;

function readsOf(config: Pick<Config, 'sources'>): Read[] {
  return config.sources.flatMap((s, si): Read[] => {
    if (isOpcua(s))
      return s.nodes.flatMap((n, k) =>
        n.node_id === undefined
          ? []
          : [
              {
                where: `sources[${si}].nodes[${k}]`,
                asset: s.asset,
                channel: n.channel,
                at: opcuaAt(s.endpoint),
                node: n.node_id,
                first: 0,
                end: 1,
              },
            ],
      );
    if (!isModbus(s)) return [];
    return modbusDevices(s).flatMap((d) =>
      d.registers.map((r, k) => ({
        where: `sources[${si}]${d.where}.registers[${k}]`,
        asset: d.asset,
        channel: r.channel,
        at: modbusAt(modbusLink(s), d.unitId, r.table),
        first: r.address,
        end: r.address + (r.table === 'holding' || r.table === 'input' ? tagRegisterCount(r.type, r.length) : 1),
      })),
    );
  });
}

function writeOf(a: Action, where: string, name: string, sources: readonly Source[]): Write | undefined {
  const source = sources.find((s) => s.name === (a as { source?: string }).source);
  if (!source) return undefined;
  if (a.type === 'opcua_write' && isOpcua(source)) {
    const w = a as OpcuaWriteActionConfig;
    return { where, name, shown: w.node_id, at: opcuaAt(source.endpoint), node: w.node_id, first: 0, end: 1 };
  }
  if (a.type !== 'modbus_write' || !isModbus(source)) return undefined;
  const w = a as ModbusWriteActionConfig;
  const unit = w.unit_id ?? modbusDevices(source)[0]?.unitId ?? source.unit_id;
  const count =
    w.table === 'coil'
      ? Math.max(...[w.value_active, w.value_inactive].map((v) => (Array.isArray(v) ? v.length : 1)))
      : tagRegisterCount(w.data_type, w.length);
  const span = count > 1 ? `..${w.address + count - 1}` : '';
  return {
    where,
    name,
    shown: `${w.table} ${w.address}${span} on ${w.source} unit ${unit}`,
    at: modbusAt(modbusLink(source), unit, w.table),
    first: w.address,
    end: w.address + count,
  };
}

function writesOf(config: Pick<Config, 'sources' | 'assets'>): Write[] {
  return config.assets
    .flatMap((asset, ai) => [
      ...asset.alarm.actions.map((a, j) =>
        writeOf(a, `assets[${ai}].alarm.actions[${j}]`, a.name ?? `${asset.name}-${a.type}-${j}`, config.sources),
      ),
      ...asset.part_actions.map((a, j) =>
        writeOf(a, `assets[${ai}].part_actions[${j}]`, a.name ?? `${asset.name}-part-${a.type}-${j}`, config.sources),
      ),
    ])
    .filter((w): w is Write => w !== undefined);
}

/** Whether `w` writes what `r` reads: the same endpoint and node, or link, unit, table and an address of both. */
function matchPlaces(r: Read, w: Write): NodeIdMatch {
  if (r.at !== w.at) return 'different';
  if (r.node !== undefined && w.node !== undefined) return matchNodeIds(r.node, w.node);
  return r.first < w.end && w.first < r.end ? 'same' : 'different';
}

/** "urn:plant at index 2": the namespace URI of one node id and the index of the other. */
function namespacePair(a: string, b: string): string {
  const [pa, pb] = [nodeIdParts(a), nodeIdParts(b)];
  return `${pa?.uri ?? pb?.uri} at index ${pa?.index ?? pb?.index}`;
}

/**
 * One sentence (without its `warning:` prefix) for each action output that a source reads as a channel that
 * `scored(asset, channel)` says a model takes, and for each that may be one: an OPC UA node named by namespace index
 * on one side and by URI on the other, with the same identifier.
 */
export function actionFeedbackNotes(
  config: Pick<Config, 'sources' | 'assets'>,
  scored: (asset: string, channel: string) => boolean,
): string[] {
  const reads = readsOf(config).filter((r) => scored(r.asset, r.channel));
  const backOnPurpose = 'where the output is read back on purpose, leave that channel out of the model';
  return writesOf(config).flatMap((w) =>
    reads.flatMap((r) => {
      const match = matchPlaces(r, w);
      if (match === 'different') return [];
      if (match === 'same')
        return [
          `${w.where} (${w.name}) writes ${w.shown}, which ${r.where} reads as ${r.asset}'s channel ${r.channel}: ` +
            `the alarm's output feeds a model's input (check the node or address; ${backOnPurpose})`,
        ];
      return [
        `${w.where} (${w.name}) writes ${w.shown}, which may be the node ${r.node} that ${r.where} reads as ` +
          `${r.asset}'s channel ${r.channel}: the same node if the server's namespace array has ` +
          `${namespacePair(w.node ?? '', r.node ?? '')} (cannot tell without the server's namespace array); if ` +
          `so, the alarm's output feeds a model's input (write both node ids alike, both ns= or both nsu=, to have ` +
          `this checked; ${backOnPurpose})`,
      ];
    }),
  );
}

/** Logs each note as a warning (a gateway's start). */
export function warnActionFeedback(
  config: Pick<Config, 'sources' | 'assets'>,
  scored: (asset: string, channel: string) => boolean,
  logger: Logger,
): void {
  for (const note of actionFeedbackNotes(config, scored)) logger.warn({ component: 'actions' }, note);
}

/** The loaded configuration's models, by asset. */
type Manifests = ReadonlyMap<
  string,
  { readonly manifest: { readonly input: { readonly channels: readonly { name: string }[] } } }
>;

/** Whether the model of `asset` takes `channel`. */
export function modelInput(models: Manifests) {
  return (asset: string, channel: string): boolean =>
    models.get(asset)?.manifest.input.channels.some((c) => c.name === channel) ?? false;
}
