/**
 * The configuration schema, composed from the component types (src/registry/): each source, sink,
 * action and window type owns its part in its own folder; this file adds what belongs to the
 * gateway itself (identity, log, HTTP, inference, assets, cloud). Every object is strict: an
 * unknown key is an error, so a typo never silently falls back to a default. Units are part of
 * option names (`poll_interval_ms`).
 */
import { z } from 'zod';
import { alarmSettingsSchema, DEFAULT_OFF_DELAY_MS, DEFAULT_ON_DELAY_MS } from '../alarms/schema.js';
import { allowedHostProblem } from '../core/allowed-hosts.js';
import { nameSchema as name } from '../core/config-primitives.js';
import { alarmActionSchema, partActionSchema, sourceSchema, storageSchema } from '../registry/schemas.js';
import { modelUpdatesSchema, mqttSyncSchema, remoteConfigSchema } from '../sync/schema.js';
import { windowSchema } from '../windows/schema.js';
import { runningWhenSchema } from './running-when.js';

/** An asset's anomaly alarm (the Node-RED alarm node takes it without actions). */
export const alarmSchema = alarmSettingsSchema.extend({
  actions: z
    .array(alarmActionSchema)
    .default([])
    .describe('Run on transitions, retried with backoff; they never block detection.'),
});

export const assetSchema = z.strictObject({
  name,
  model: z
    .string()
    .min(1)
    .describe('Model directory (holding manifest.json) or manifest file, relative to the config file.'),
  window: windowSchema
    .default({
      type: 'sliding',
      hop_samples: 1,
      align: 'batch',
      max_sample_age_ms: 5000,
      trigger: 'flag',
      min_samples: 5,
      max_samples: 10_000,
    })
    .describe("How the asset's samples become windows."),
  alarm: alarmSchema
    .default({
      priority: 'high',
      on_delay_ms: DEFAULT_ON_DELAY_MS,
      off_delay_ms: DEFAULT_OFF_DELAY_MS,
      latching: false,
      max_shelve_s: 8 * 3600,
      actions: [],
    })
    .describe("The asset's anomaly alarm."),
  part_actions: z
    .array(partActionSchema)
    .default([])
    .describe("Cycle windows: actions on each part's verdict (`verdicts`, default fail), e.g. a reject gate."),
  running_when: runningWhenSchema
    .optional()
    .describe(
      'Sliding windows: when the machine runs (a channel and one of equals, not_equals, above, below). Rows where it does not hold, or whose channel has no fresh reading, are neither windowed nor scored; the window starts anew when the machine runs again. Unset: always.',
    ),
});

export const configSchema = z.strictObject({
  gateway: z
    .strictObject({
      name: name.default('linewatch').describe('The name (gateway: of this gateway; asset: of the machine).'),
      site: name.default('site').describe('The site (plant).'),
      line: name.default('line').describe('The production line.'),
    })
    .default({ name: 'linewatch', site: 'site', line: 'line' })
    .describe('Who this gateway is: tagged on every series and message.'),
  log: z
    .strictObject({
      level: z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
        .default('info')
        .describe('Log level (JSON lines on stdout).'),
    })
    .default({ level: 'info' })
    .describe('Logging.'),
  http: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Serve the HTTP endpoint.'),
      host: z
        .string()
        .default('127.0.0.1')
        .describe('Address listened on; beyond loopback read_token is required, or public_reads: true.'),
      port: z.number().int().min(0).max(65535).default(8080).describe('TCP port (0: any free port).'),
      api_token: z
        .string()
        .min(16, 'use a token of at least 16 characters')
        .optional()
        .describe('Bearer token for the write API (acknowledge, shelve...); without it those calls are refused.'),
      read_token: z
        .string()
        .min(16, 'use a token of at least 16 characters')
        .optional()
        .describe(
          'Bearer token for reading /api/status, /api/alarms and /api/events (api_token works too; the same value may serve as both); required on a host beyond loopback unless public_reads is true. Without it they are open, on a loopback host under a loopback name only (localhost, 127.0.0.1, [::1]: a web page cannot read them by pointing its own name here). /healthz, /readyz and /metrics need no token; on a loopback host they too answer a loopback name only.',
        ),
      public_reads: z
        .boolean()
        .default(false)
        .describe(
          'true: a host beyond loopback serves /api/status, /api/alarms and /api/events without a token, to anyone who reaches it (a plant network that may read them). Without it such a host needs read_token; refused together with read_token. Loopback hosts are open to this machine either way.',
        ),
      allowed_hosts: z
        .array(
          z.string().superRefine((entry, ctx) => {
            const problem = allowedHostProblem(entry);
            if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
          }),
        )
        .max(64)
        .optional()
        .describe(
          'Beyond loopback, the Host header values the API answers: the names and addresses clients reach it by, a port optional (gateway.plant.local, 10.0.0.5, [fd00::5]:8080). Another Host gets 421 on every path, /healthz, /readyz and /metrics included, counted in linewatch_api_requests_wrong_host_total: a web page that points its own name at the gateway (DNS rebinding) cannot read them. Loopback names and http.host itself are always answered. Unset: any Host, with a warning from validate and at start. Refused on a loopback host.',
        ),
      max_event_streams: z
        .number()
        .int()
        .min(1)
        .default(32)
        .describe(
          'Live event streams (/api/events) served at once; more are refused with 503. With api_token and no read_token, those opened without a token hold at most half of them, so a client with the token finds one.',
        ),
      max_connections: z
        .number()
        .int()
        .min(2)
        .max(10_000)
        .default(128)
        .describe(
          'Connections to the API held open at once (an event stream holds one; a scraper or panel that keeps its connection alive, one; requests answered at once free theirs). One more is closed as it comes, unanswered, and counted (linewatch_api_connections_refused_total), as is one from an address already holding half of them (or max_event_streams and one more, where that is more), so one peer cannot lock out the others. Above max_event_streams, so streams leave room for requests.',
        ),
      headers_timeout_ms: z
        .number()
        .int()
        .min(100)
        .max(300_000)
        .default(10_000)
        .describe(
          "How long a client may take to send a request's headers (the API's requests are a line and a few headers, sent at once). A slower one, or a connection that sends nothing, is answered 408 and closed, so slow clients cannot hold connections (slowloris); a request's body (at most 64 KiB) has 20 s more.",
        ),
      readyz_grace_retries: z
        .number()
        .int()
        .min(0)
        .max(10)
        .default(1)
        .describe(
          "How long InfluxDB or the cloud broker may fail before /readyz answers 503, in the sink's own retry cycles (InfluxDB's: 500 ms + flush_interval_ms + timeout_ms, 6.5 s by default; the broker's: 1 s + a 10 s connect timeout): one failed batch or dropped connection that the next try mends does not flap a readiness probe. 0: 503 from the first failure; at most 10: a probe is there to see a sink that is down. /api/status says a failure at once; the local store counts at once.",
        ),
    })
    .default({
      enabled: true,
      host: '127.0.0.1',
      port: 8080,
      public_reads: false,
      max_event_streams: 32,
      max_connections: 128,
      headers_timeout_ms: 10_000,
      readyz_grace_retries: 1,
    }),
  data_dir: z
    .string()
    .min(1)
    .default('data')
    .describe('Where queues and the local store live by default; relative to the config file.'),
  inference: z
    .strictObject({
      providers: z
        .array(z.enum(['tensorrt', 'cuda', 'cpu']))
        .min(1)
        .default(['cpu'])
        .describe(
          'onnxruntime execution providers tried in order (a missing one is logged, the next tried; cpu always works).',
        ),
      cache_dir: z
        .string()
        .optional()
        .describe(
          'onnxruntime\'s optimised graphs, kept so a restart skips the optimiser (default <data_dir>/model-cache; "" turns it off).',
        ),
    })
    .default({ providers: ['cpu'] })
    .describe(
      'onnxruntime: execution providers tried in order (a missing one is logged, the next tried; cpu always works).',
    ),
  sources: z.array(sourceSchema).min(1).describe('Where samples come from (see Sources).'),
  assets: z.array(assetSchema).default([]).describe('The machines watched, each with its model, window and alarm.'),
  storage: storageSchema,
  cloud: z
    .strictObject({
      mqtt: mqttSyncSchema.optional(),
      model_updates: modelUpdatesSchema.optional(),
      remote_config: remoteConfigSchema
        .optional()
        .describe(
          "Signed configurations taken over cloud.mqtt's broker on <prefix>/<gateway name>/config and <prefix>/config (the fleet), checked as a local file and run in its place (docs/operations.md, Remote configuration). Off unless set.",
        ),
    })
    .default({})
    .describe(
      'Edge–cloud sync: summaries, alarm events, part results and health over MQTT; signed model updates and configurations.',
    ),
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
