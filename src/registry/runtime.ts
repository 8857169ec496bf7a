/** The registered component types built from a validated configuration (the gateway wires what they return). */
import { AlarmAction, type ActionDeps, type ActionSettings } from '../actions/alarm-action.js';
import type { DurableQueue } from '../buffer/queue.js';
import type { Sink, Source } from '../core/components.js';
import type { SinkDeps } from '../sinks/sink-type.js';
import type { SourceDeps } from '../sources/source-type.js';
import type { SinkSeries } from '../telemetry/series-at-start.js';
import { actionType, sinkTypes, sourceType } from './components.js';

/** A source of any registered type (`deps.where`: its path in the configuration, `sources[i]`). */
export function createSource(config: { readonly type: string; readonly name: string }, deps: SourceDeps): Source {
  return sourceType(config.type).create(config, deps);
}

/** The protocol of the writes a configured source carries for alarm actions ('modbus', 'opcua'), if any. */
export function writeProtocolOf(config: { readonly type: string }): string | undefined {
  return sourceType(config.type).writeProtocol;
}

/**
 * One sink for each configured `storage:` section, in the registry's order, with how often it wants the gateway's
 * health points (0: never), the label values of its counters and the queue it opened through `deps.openQueue`, if any.
 */
export function createSinks(
  storage: Readonly<Record<string, object | undefined>>,
  deps: SinkDeps,
): { sink: Sink; intervalMs: number; series: SinkSeries; queue?: DurableQueue }[] {
  return sinkTypes.flatMap((t) => {
    const config = storage[t.key];
    if (!config) return [];
    // The queue it opened, if any (the gateway watches what it delivers).
    let queue: DurableQueue | undefined;
    const sink = t.create(config, { ...deps, openQueue: (name, buffer) => (queue = deps.openQueue(name, buffer)) });
    return [{ sink, intervalMs: t.healthIntervalMs?.(config) ?? 0, series: t.series, ...(queue ? { queue } : {}) }];
  });
}

export interface AlarmActionDeps extends ActionDeps {
  /** Sources that carry writes, by name (a modbus_write finds its PLC connection here). */
  readonly writers: ReadonlyMap<string, unknown>;
}

/**
 * An alarm (or part) action of any registered type; `where`: its path in the configuration
 * (`assets[0].alarm.actions[1]`), which its errors name a setting by.
 */
export function createAlarmAction(
  asset: string,
  config: ActionSettings & { readonly source?: string },
  index: number,
  deps: AlarmActionDeps,
  where?: string,
): AlarmAction {
  const type = actionType(config.type);
  const writer = type.writeProtocol && config.source !== undefined ? deps.writers.get(config.source) : undefined;
  const context = { writer, ...(where !== undefined ? { where } : {}) };
  return new AlarmAction(
    asset,
    config,
    index,
    deps,
    (name) => type.driver(config, { name, ...context }),
    type.follows,
    where,
  );
}
