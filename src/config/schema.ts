/**
 * The configuration schema, composed from the component types (src/registry/): each source, sink,
 * action and window type owns its part in its own folder; this file adds what belongs to the
 * gateway itself (identity, log, HTTP, inference, assets, cloud). Every object is strict: an
 * unknown key is an error, so a typo never silently falls back to a default. Units are part of
 * option names (`poll_interval_ms`).
 */
import { z } from 'zod';
import { alarmSettingsSchema } from '../alarms/schema.js';
import { nameSchema as name } from '../core/config-primitives.js';
import { alarmActionSchema, partActionSchema, sourceSchema, storageSchema } from '../registry/schemas.js';
import { modelUpdatesSchema, mqttSyncSchema } from '../sync/schema.js';
import { windowSchema } from '../windows/schema.js';

/** An asset's anomaly alarm (the Node-RED alarm node takes it without actions). */
export const alarmSchema = alarmSettingsSchema.extend({
  /** Run on transitions, retried with backoff; they never block detection. */
  actions: z.array(alarmActionSchema).default([]),
});

export const assetSchema = z.strictObject({
  name,
  /** Model directory (holding manifest.json) or manifest file, relative to the config file. */
  model: z.string().min(1),
  window: windowSchema.default({
    type: 'sliding',
    hop_samples: 1,
    align: 'batch',
    max_sample_age_ms: 5000,
    trigger: 'flag',
    min_samples: 5,
    max_samples: 10_000,
  }),
  alarm: alarmSchema.default({
    priority: 'high',
    on_delay_ms: 1000,
    off_delay_ms: 5000,
    latching: false,
    max_shelve_s: 8 * 3600,
    actions: [],
  }),
  /** Cycle windows: actions on each part's verdict (`verdicts`, default fail), e.g. a reject gate. */
  part_actions: z.array(partActionSchema).default([]),
});

export const configSchema = z.strictObject({
  gateway: z
    .strictObject({ name: name.default('linewatch'), site: name.default('site'), line: name.default('line') })
    .default({ name: 'linewatch', site: 'site', line: 'line' }),
  log: z
    .strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') })
    .default({ level: 'info' }),
  http: z
    .strictObject({
      enabled: z.boolean().default(true),
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
      /** Bearer token for the write API (acknowledge, shelve...); without it those calls are refused. */
      api_token: z.string().min(16, 'use a token of at least 16 characters').optional(),
      /** Bearer token for reading /api/status, /api/alarms and /api/events (api_token works too); without it they are
       * open. /healthz and /metrics stay open. */
      read_token: z.string().min(16, 'use a token of at least 16 characters').optional(),
      /** Live event streams (/api/events) served at once; more are refused with 503. */
      max_event_streams: z.number().int().min(1).default(32),
    })
    .default({ enabled: true, host: '127.0.0.1', port: 8080, max_event_streams: 32 }),
  /** Where queues and the local store live by default; relative to the config file. */
  data_dir: z.string().min(1).default('data'),
  /** onnxruntime: execution providers tried in order (a missing one is logged, the next tried; cpu always works). */
  inference: z
    .strictObject({
      providers: z
        .array(z.enum(['tensorrt', 'cuda', 'cpu']))
        .min(1)
        .default(['cpu']),
      /** onnxruntime's optimised graphs, kept so a restart skips the optimiser (default <data_dir>/model-cache; ""
       * turns it off). */
      cache_dir: z.string().optional(),
    })
    .default({ providers: ['cpu'] }),
  sources: z.array(sourceSchema).min(1),
  assets: z.array(assetSchema).default([]),
  storage: storageSchema,
  /** Edge–cloud sync: summaries, alarm events, part results and health over MQTT; signed model updates. */
  cloud: z.strictObject({ mqtt: mqttSyncSchema.optional(), model_updates: modelUpdatesSchema.optional() }).default({}),
});

export type Config = z.infer<typeof configSchema>;
export type SourceConfig = z.infer<typeof sourceSchema>;
export type AssetConfig = z.infer<typeof assetSchema>;
export type AlarmActionConfig = z.infer<typeof alarmActionSchema>;

// The component schemas, for the code and tests that build one part of a configuration.
export { alarmActionSchema, partActionSchema, sourceSchema, storageSchema } from '../registry/schemas.js';
export { windowSchema, type WindowSettings } from '../windows/schema.js';
export { alarmSettingsSchema, type AlarmSettings } from '../alarms/schema.js';
export { bufferSchema, type BufferConfig } from '../buffer/schema.js';
export { influxSchema, type InfluxConfig } from '../sinks/influx/schema.js';
export { localStoreSchema, type LocalStoreConfig } from '../sinks/local/schema.js';
export {
  modbusDeviceSchema,
  modbusRtuOverTcpSourceSchema,
  modbusRtuSourceSchema,
  modbusTcpSourceSchema,
  registerSchema,
  type ModbusSourceConfig,
  type ModbusTcpSourceConfig,
  type RegisterConfig,
} from '../sources/modbus/schema.js';
export { opcuaNodeSchema, opcuaSourceSchema, type OpcuaSourceConfig } from '../sources/opcua/schema.js';
export { mqttSyncSchema, modelUpdatesSchema, type ModelUpdatesConfig, type MqttSyncConfig } from '../sync/schema.js';
export { modbusWriteActionSchema, type ModbusWriteActionConfig } from '../actions/modbus-write/action-type.js';
export { webhookActionSchema, type WebhookActionConfig } from '../actions/webhook/action-type.js';
export { opcuaWriteActionSchema, type OpcuaWriteActionConfig } from '../actions/opcua-write/action-type.js';
export { mqttPublishActionSchema, type MqttPublishActionConfig } from '../actions/mqtt-publish/action-type.js';
