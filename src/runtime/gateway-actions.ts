/**
 * The assets' alarm and part actions, created when the gateway starts, and the PLC outputs among them that follow an
 * alarm (a stack light, a lamp): written again with the alarm's state each time their source's connection comes up.
 */
import type { Source } from '../core/components.js';
import type { AlarmEvent } from '../core/types.js';
import type { LoadedConfig } from '../config/load.js';
import { modelInput, warnActionFeedback } from '../config/action-feedback-notes.js';
import type { AlarmAction } from '../actions/alarm-action.js';
import { createAlarmAction, writeProtocolOf } from '../registry/runtime.js';
import type { ComponentDeps } from '../telemetry/component-deps.js';
import { createSeriesAtZero } from '../telemetry/series-at-start.js';

/** An alarm action that writes through a source (a PLC output), with the source's connection it last wrote on. */
export interface AlarmOutput {
  readonly action: AlarmAction;
  readonly asset: string;
  readonly source: Source;
  connection: number;
}

export interface GatewayActions {
  readonly actions: AlarmAction[];
  readonly partActions: AlarmAction[];
  readonly outputs: AlarmOutput[];
}

/**
 * Adds each asset's alarm actions and part actions to `into`, one by one (where one cannot be created, those before it
 * are there to be closed); `sources` are the configured sources, in order, whose connections carry the writes.
 */
export function addGatewayActions(
  into: GatewayActions,
  loaded: LoadedConfig,
  sources: readonly Source[],
  deps: ComponentDeps,
): void {
  // Sources whose connection carries alarm actions' writes (a PLC output, an OPC UA node).
  const writers = new Map(
    loaded.config.sources.flatMap((c, i) => (writeProtocolOf(c) ? [[c.name, sources[i]] as const] : [])),
  );
  warnActionFeedback(loaded.config, modelInput(loaded.models), deps.logger); // an output read back as a model's input
  for (const [ai, asset] of loaded.config.assets.entries()) {
    asset.alarm.actions.forEach((a, i) => {
      const action = createAlarmAction(asset.name, a, i, { ...deps, writers }, `assets[${ai}].alarm.actions[${i}]`);
      into.actions.push(action);
      const source = writers.get((a as { source?: string }).source ?? '');
      if (source) into.outputs.push({ action, asset: asset.name, source, connection: 0 });
    });
    asset.part_actions.forEach((a, i) =>
      into.partActions.push(
        createAlarmAction(
          asset.name,
          { ...a, name: a.name ?? `${asset.name}-part-${a.type}-${i}` },
          i,
          { ...deps, writers },
          `assets[${ai}].part_actions[${i}]`,
        ),
      ),
    );
  }
  createSeriesAtZero(deps.metrics, { actions: [...into.actions, ...into.partActions].map((a) => a.name) });
}

/**
 * A PLC output that follows an alarm is written with the alarm's state when its source's connection comes up: at start
 * (the gateway's first write, the green light), and after the PLC or the link was down, when the device may have lost
 * what was written before; an output written once is otherwise not repeated, but one given up on (max_attempts failed
 * while the connection stayed up) is tried again every 30 s (AlarmAction.retryUnwritten). `currentAlarm`: the asset's
 * alarm as it stands (undefined where there is no such asset).
 */
export function reassertOutputs(
  outputs: readonly AlarmOutput[],
  currentAlarm: (asset: string) => AlarmEvent | undefined,
): void {
  for (const o of outputs) {
    // A source that does not count its connections: each time it is seen up after being seen down.
    const connection = o.source.connections ?? (o.source.connected ? Math.max(o.connection, 1) : 0);
    if (o.source.connected && connection !== o.connection) {
      const current = currentAlarm(o.asset);
      if (current) o.action.reassert(current);
    } else if (o.source.connected) o.action.retryUnwritten(); // an output given up on, every 30 s
    o.connection = connection;
  }
}
