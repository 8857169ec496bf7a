/**
 * What `run --once` prints for an OPC UA source (pure): one sample per configured node from its reads (read-nodes.ts),
 * a node that could not be read (not resolved, a bad status, not a number, a value over max_message_bytes) bad with
 * the reason, naming the node by its configuration path, node id and channel.
 */
import type { Sample } from '../../core/types.js';
import { describeNodeOverBound } from './message-bound.js';
import { isUnread } from './read-in-parts.js';
import type { NodeReads } from './read-nodes.js';
import type { OpcuaSourceConfig } from './schema.js';

export interface OnceContext {
  /** How configured node `index` is named in messages (node-ids.ts). */
  label(index: number): string;
  /** Where max_message_bytes is set (`sources[0].max_message_bytes`). */
  readonly setting: string;
  /** When the reads ended: the stamp of a sample without one of its own, and its arrival. */
  readonly now: number;
  /** A node the server has not, by index: its status and what the server has instead (unknown-node-probe.ts). */
  readonly unknown?: ReadonlyMap<number, string>;
}

export function onceSamples(config: OpcuaSourceConfig, { resolved, readings }: NodeReads, c: OnceContext): Sample[] {
  return config.nodes.map((node, i) => {
    const read = readings.get(i);
    const r = isUnread(read) ? undefined : read;
    const problem =
      resolved[i].error ??
      (isUnread(read)
        ? `${c.label(i)}: ${read.tooLarge ? describeNodeOverBound(config.max_message_bytes, c.setting, read.unread) : read.unread}`
        : r?.wrongType
          ? `${c.label(i)}: expected a number or boolean, got ${r.wrongType}`
          : r?.quality === 'bad'
            ? `${c.label(i)}: ${c.unknown?.get(i) ?? r.status ?? 'bad status'}`
            : undefined);
    return {
      source: config.name,
      asset: config.asset,
      channel: node.channel,
      ts: r?.sourceTs ?? r?.serverTs ?? c.now,
      received: c.now,
      value: r && !problem ? r.value : Number.NaN,
      quality: problem ? 'bad' : r!.quality,
      ...(node.unit ? { unit: node.unit } : {}),
      ...(problem ? { reason: `device ${config.name} (${config.endpoint}): ${problem}` } : {}),
    };
  });
}
