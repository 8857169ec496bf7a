/**
 * The component types the gateway knows, one line each. A type lives in its own folder with its
 * schema, checks, factory and commented sample; listing it here puts it in the configuration
 * schema (src/config/schema.ts), the config checks (src/config/load.ts), the runtime
 * (src/runtime/gateway.ts) and docs/configuration.md (npm run docs:config).
 */
import type { z } from 'zod';
import type { ActionType } from '../actions/action-type.js';
import { modbusWriteActionType } from '../actions/modbus-write/action-type.js';
import { mqttPublishActionType } from '../actions/mqtt-publish/action-type.js';
import { opcuaWriteActionType } from '../actions/opcua-write/action-type.js';
import { webhookActionType } from '../actions/webhook/action-type.js';
import { influxSinkType } from '../sinks/influx/sink-type.js';
import { localSinkType } from '../sinks/local/sink-type.js';
import { opcuaServerSinkType } from '../sinks/opcua-server/sink-type.js';
import { sparkplugSinkType } from '../sinks/sparkplug/sink-type.js';
import type { SinkType } from '../sinks/sink-type.js';
import { modbusRtuSourceType, modbusRtuTcpSourceType, modbusTcpSourceType } from '../sources/modbus/source-types.js';
import { mqttSourceType } from '../sources/mqtt/source-type.js';
import { opcuaSourceType } from '../sources/opcua/source-type.js';
import type { SourceType } from '../sources/source-type.js';

export const SOURCE_TYPES = [
  modbusTcpSourceType,
  modbusRtuSourceType,
  modbusRtuTcpSourceType,
  opcuaSourceType,
  mqttSourceType,
] as const;

/** Storage sinks, in the order they are started (and written). */
export const SINK_TYPES = [localSinkType, influxSinkType, sparkplugSinkType, opcuaServerSinkType] as const;

export const ACTION_TYPES = [
  modbusWriteActionType,
  webhookActionType,
  opcuaWriteActionType,
  mqttPublishActionType,
] as const;

export { WINDOW_TYPES } from '../windows/schema.js';

/** Any source type, its config type erased (the registry dispatches on `type`). */
export type AnySourceType = SourceType<z.ZodType<{ type: string; name: string }>>;
export type AnySinkType = SinkType<string, z.ZodType<object>>;
export type AnyActionType = ActionType<z.ZodType<{ type: string }>>;

const byType = <T extends { type: string }>(types: readonly T[]) => new Map(types.map((t) => [t.type, t]));
const sources = byType<AnySourceType>(SOURCE_TYPES);
const actions = byType<AnyActionType>(ACTION_TYPES);

/** The source type of a validated source config. */
export function sourceType(type: string): AnySourceType {
  const t = sources.get(type);
  if (!t) throw new Error(`no source type "${type}" (types: ${[...sources.keys()].join(', ')})`);
  return t;
}

/** The action type of a validated action config. */
export function actionType(type: string): AnyActionType {
  const t = actions.get(type);
  if (!t) throw new Error(`no action type "${type}" (types: ${[...actions.keys()].join(', ')})`);
  return t;
}

export const sinkTypes: readonly AnySinkType[] = SINK_TYPES;
