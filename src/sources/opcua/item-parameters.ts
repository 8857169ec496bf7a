/**
 * A monitored item's own sampling interval, queue size and deadband, asked of the server after the item was created
 * with the subscription's first node's (ModifyMonitoredItems). A deadband refused is asked again without it, so that
 * the node's sampling interval and queue size hold still, and so that a server which kept the filter it refused
 * (node-opcua's sets the parameters before it checks the filter) drops it. What the server refused, in words
 * (monitoring-refusal.ts), or a queue granted smaller than asked (queueShortfall), or undefined where all was applied.
 */
import { DataChangeFilter, DataChangeTrigger, DeadbandType, type ClientMonitoredItemBase } from 'node-opcua';
import { describeMonitoringRefusal, type Sampling } from './monitoring-refusal.js';
import { firstLine } from './opcua-value.js';

/** What a node asks for: its sampling interval (ms), queue size and deadband. */
export interface ItemParameters {
  readonly samplingIntervalMs: number;
  readonly queueSize: number;
  readonly deadband?: { readonly type: 'absolute' | 'percent'; readonly value: number };
}

/** The server's answer to a modification: granted (as revised), or refused (its message's first line). */
async function modify(
  item: ClientMonitoredItemBase,
  n: ItemParameters,
  filter: DataChangeFilter | null,
): Promise<{ granted: Sampling } | { refusal: string }> {
  try {
    const result = await item.modify({
      samplingInterval: n.samplingIntervalMs,
      queueSize: n.queueSize,
      discardOldest: true,
      filter,
    });
    return { granted: { samplingMs: result.revisedSamplingInterval, queueSize: result.revisedQueueSize } };
  } catch (err) {
    return { refusal: firstLine((err as Error)?.message ?? String(err)) };
  }
}

/**
 * Where the server granted a smaller queue than asked (`queue_size`, or the one derived: queue-size.ts), in words:
 * samples beyond it between two publishes are dropped. Undefined where it granted all.
 */
export function queueShortfall(asked: number, granted: number): string | undefined {
  if (!(granted < asked)) return undefined;
  return `the server granted a queue of ${granted} of the ${asked} asked (queue_size): samples it takes beyond ${granted} between two publishes are dropped (publish more often, or sample less often)`;
}

/** Applies `n` to `item`; what was refused, in words, or undefined. */
export async function applyItemParameters(
  item: ClientMonitoredItemBase,
  n: ItemParameters,
): Promise<string | undefined> {
  const created = {
    samplingMs: item.monitoringParameters.samplingInterval,
    queueSize: item.monitoringParameters.queueSize,
  };
  const filter = n.deadband
    ? new DataChangeFilter({
        trigger: DataChangeTrigger.StatusValue,
        deadbandType: n.deadband.type === 'absolute' ? DeadbandType.Absolute : DeadbandType.Percent,
        deadbandValue: n.deadband.value,
      })
    : null;
  const asked = await modify(item, n, filter);
  if ('granted' in asked) return queueShortfall(n.queueSize, asked.granted.queueSize);
  if (!n.deadband) return describeMonitoringRefusal({ refusal: asked.refusal, created });
  const without = await modify(item, n, null);
  return describeMonitoringRefusal({ refusal: asked.refusal, created, deadband: n.deadband.type, without });
}
