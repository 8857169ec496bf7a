/**
 * The configuration schema. Every object is strict: an unknown key is an error, so a typo never
 * silently falls back to a default. Units are part of option names (`poll_interval_ms`).
 */
import { z } from 'zod';
import { ALARM_PRIORITIES, ALARM_STATES } from '../core/types.js';
import { BYTE_ORDERS, REGISTER_TYPES, TAG_TYPES, type RegisterType } from '../sources/modbus/encoding.js';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, "_", "." or "-"');
const port = z.number().int().min(1).max(65535);

export const registerSchema = z.strictObject({
  channel: name,
  /** holding/input registers (functions 3/4), or coils/discrete inputs (functions 1/2, `type: bit`). */
  table: z.enum(['holding', 'input', 'coil', 'discrete']).default('holding'),
  address: z.number().int().min(0).max(65535),
  /** A number type, or `string`: text over `length` registers (a part serial number, a recipe). */
  type: z.enum(TAG_TYPES),
  byte_order: z.enum(BYTE_ORDERS).default('ABCD'),
  bit: z.number().int().min(0).max(15).optional(),
  /** Registers of a `string` tag (two characters each). */
  length: z.number().int().min(1).max(125).optional(),
  scale: z
    .number()
    .refine((v) => v !== 0, 'scale must not be 0')
    .default(1),
  offset: z.number().default(0),
  unit: z.string().optional(),
  /** Poll this tag less often than its device (a multiple is best: it is read with the device's next poll when due). */
  poll_interval_ms: z.number().int().min(1).optional(),
});

const unitId = z.number().int().min(0).max(255);

/** A further device (unit id) behind the same connection: a serial line, or a TCP gateway. */
export const modbusDeviceSchema = z.strictObject({
  unit_id: unitId,
  asset: name,
  /** Default: the source's. */
  poll_interval_ms: z.number().int().min(1).optional(),
  timeout_ms: z.number().int().min(10).optional(),
  max_gap_registers: z.number().int().min(0).max(124).optional(),
  registers: z.array(registerSchema).min(1),
});

/** Polling, device and register map: the same for every Modbus transport. */
const modbusCommon = {
  name,
  /** The first device: `unit_id`, `asset`, `registers` (omit them when every device is under `devices`). */
  unit_id: unitId.default(1),
  asset: name.optional(),
  poll_interval_ms: z.number().int().min(1).default(1000),
  timeout_ms: z.number().int().min(10).default(1000),
  max_gap_registers: z.number().int().min(0).max(124).default(0),
  registers: z.array(registerSchema).default([]),
  /** More unit ids on this connection, each with its own asset, map, interval, queue and health. */
  devices: z.array(modbusDeviceSchema).default([]),
  /** Writes (alarm actions) waiting per device; beyond this a write is refused and counted (it is retried by its
   * action). */
  max_queued_writes: z.number().int().min(1).default(16),
};

/** Where a TCP device listens. */
const tcpEndpoint = (defaultPort: number) => ({ host: z.string().min(1), port: port.default(defaultPort) });

export const modbusTcpSourceSchema = z.strictObject({
  ...modbusCommon,
  type: z.literal('modbus_tcp'),
  ...tcpEndpoint(502),
});

/** Modbus RTU over a serial line (RS-485/RS-232 adapter). */
export const modbusRtuSourceSchema = z.strictObject({
  ...modbusCommon,
  type: z.literal('modbus_rtu'),
  /** Serial device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/... */
  path: z.string().min(1),
  baud_rate: z.number().int().positive().default(9600),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  data_bits: z.union([z.literal(7), z.literal(8)]).default(8),
  stop_bits: z.union([z.literal(1), z.literal(2)]).default(1),
});

/** Modbus RTU frames over TCP (serial device servers / gateways in transparent mode). */
export const modbusRtuOverTcpSourceSchema = z.strictObject({
  ...modbusCommon,
  type: z.literal('modbus_rtu_tcp'),
  ...tcpEndpoint(4001),
});

export const opcuaNodeSchema = z
  .strictObject({
    channel: name,
    /** `ns=2;s=Pump1.flow`, or `nsu=<namespace URI>;s=...` (the index is resolved at every connect). */
    node_id: z
      .string()
      .regex(
        /^(ns=\d+;|nsu=[^;]+;)?[isgb]=.+$/,
        'expected a node id such as "ns=2;s=Pump1.flow" or "nsu=urn:plant;i=1001"',
      )
      .optional(),
    /**
     * ...or a browse path from the root, resolved on the server at every connect:
     * `/Objects/Plant/Pump1/flow`; an element may name its namespace index (`2:Pump1`), else
     * `browse_namespace` gives it (Objects, Server and Types are the standard namespace).
     */
    browse_path: z
      .string()
      .regex(/^(\/[^/]+)+$/, 'expected a browse path such as "/Objects/Plant/Pump1/flow"')
      .optional(),
    /** Namespace URI of the browse path's elements that name no index. */
    browse_namespace: z.string().min(1).optional(),
    sampling_interval_ms: z.number().int().min(0).optional(),
    queue_size: z.number().int().min(1).default(1),
    deadband: z.strictObject({ type: z.enum(['absolute', 'percent']), value: z.number().min(0) }).optional(),
    unit: z.string().optional(),
  })
  .refine((n) => (n.node_id === undefined) !== (n.browse_path === undefined), {
    message: 'give either node_id or browse_path',
  });

export const opcuaSourceSchema = z.strictObject({
  name,
  type: z.literal('opcua'),
  endpoint: z.string().regex(/^opc\.tcp:\/\/.+/, 'expected an endpoint URL such as opc.tcp://plc:4840'),
  asset: name,
  security_mode: z.enum(['None', 'Sign', 'SignAndEncrypt']).default('None'),
  security_policy: z.enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss']).optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  /** X.509 user authentication: the user's certificate (PEM) and private key (PEM). */
  user_certificate_file: z.string().optional(),
  user_private_key_file: z.string().optional(),
  /** Client certificate and trust lists; default `<data_dir>/opcua-pki`. */
  pki_dir: z.string().optional(),
  publishing_interval_ms: z.number().int().min(10).default(1000),
  /** No notification nor keep-alive for this long: the subscription is rebuilt. */
  stale_after_ms: z.number().int().min(100).default(10_000),
  timeout_ms: z.number().int().min(100).default(5000),
  nodes: z.array(opcuaNodeSchema).min(1),
});

export const sourceSchema = z.discriminatedUnion('type', [
  modbusTcpSourceSchema,
  modbusRtuSourceSchema,
  modbusRtuOverTcpSourceSchema,
  opcuaSourceSchema,
]);

const ANNUNCIATED = ['unack_active', 'ack_active', 'rtn_unack'] as const;
const actionRetry = {
  /** Attempts before the action is reported failed. */
  max_attempts: z.number().int().min(1).default(5),
  /** First retry delay; doubles up to 30 s, with jitter. */
  retry_initial_ms: z.number().int().min(1).default(500),
};

/** What a modbus_write can write: every number type but a bit, or text. */
const WRITABLE_TYPES = [
  'string',
  ...REGISTER_TYPES.filter((t): t is Exclude<RegisterType, 'bit'> => t !== 'bit'),
] as const;

/** Consecutive coils, first at `address` (function 15 writes at most 1968). */
const coilPattern = z
  .array(z.union([z.literal(0), z.literal(1)]))
  .min(1)
  .max(1968);

/** Drives a PLC output from the alarm: `value_active` while the alarm is in `active_states`, else `value_inactive`. */
export const modbusWriteActionSchema = z.strictObject({
  type: z.literal('modbus_write'),
  name: name.optional(),
  /** A Modbus source: its connection carries the write. */
  source: name,
  /** Which device on that connection; default the source's first device. */
  unit_id: unitId.optional(),
  table: z.enum(['coil', 'holding']),
  address: z.number().int().min(0).max(65535),
  /** A number type, or `string`: text over `length` registers (function 16), e.g. a message on an HMI. */
  data_type: z.enum(WRITABLE_TYPES).default('uint16'),
  /** Registers of a `string` write (two bytes each; longer text is cut at a character boundary). */
  length: z.number().int().min(1).max(123).optional(),
  /**
   * `string` writes: the text in the active and inactive state. {asset}, {alarm}, {state},
   * {priority}, {top} (the top channel), {score}, and for parts {part}, {verdict} are filled in.
   */
  text_active: z.string().default('{asset} {alarm}: {state} ({top})'),
  text_inactive: z.string().default(''),
  byte_order: z.enum(BYTE_ORDERS).default('ABCD'),
  scale: z
    .number()
    .refine((v) => v !== 0, 'scale must not be 0')
    .default(1),
  offset: z.number().default(0),
  /** A number, or for `table: coil` a list of 0/1 written to consecutive coils from `address` in one request (function
   * 15), e.g. a stack light's lamps. */
  value_active: z.union([z.number(), coilPattern]).default(1),
  value_inactive: z.union([z.number(), coilPattern]).default(0),
  active_states: z
    .array(z.enum(ALARM_STATES))
    .min(1)
    .default([...ANNUNCIATED]),
  ...actionRetry,
});

/** POSTs the alarm event as JSON on the listed transitions. */
export const webhookActionSchema = z.strictObject({
  type: z.literal('webhook'),
  name: name.optional(),
  url: z.url(),
  /** Target states that trigger the call. */
  on: z.array(z.enum(ALARM_STATES)).min(1).default(['unack_active']),
  headers: z.record(z.string(), z.string()).default({}),
  timeout_ms: z.number().int().min(100).default(5000),
  ...actionRetry,
});

/** Drives an OPC UA node from the alarm, like modbus_write. */
export const opcuaWriteActionSchema = z.strictObject({
  type: z.literal('opcua_write'),
  name: name.optional(),
  /** An opcua source: its session carries the write. */
  source: name,
  node_id: z.string().min(1),
  value_active: z.union([z.number(), z.boolean()]).default(true),
  value_inactive: z.union([z.number(), z.boolean()]).default(false),
  active_states: z
    .array(z.enum(ALARM_STATES))
    .min(1)
    .default([...ANNUNCIATED]),
  ...actionRetry,
});

/** Publishes the alarm event as JSON to an MQTT broker on the listed transitions. */
export const mqttPublishActionSchema = z.strictObject({
  type: z.literal('mqtt_publish'),
  name: name.optional(),
  /** mqtt://host:1883 or mqtts://host:8883 */
  url: z.string().regex(/^mqtts?:\/\/.+/, 'expected mqtt://host:port or mqtts://host:port'),
  /** `{asset}`, `{alarm}` and `{state}` are replaced. */
  topic: z.string().min(1).default('linewatch/alarms/{asset}/{alarm}'),
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
  retain: z.boolean().default(false),
  username: z.string().optional(),
  password: z.string().optional(),
  on: z.array(z.enum(ALARM_STATES)).min(1).default(['unack_active', 'ack_active', 'rtn_unack', 'normal']),
  timeout_ms: z.number().int().min(100).default(5000),
  ...actionRetry,
});

export const alarmActionSchema = z.discriminatedUnion('type', [
  modbusWriteActionSchema,
  webhookActionSchema,
  opcuaWriteActionSchema,
  mqttPublishActionSchema,
]);

/** Part actions: the same actions, driven by each part's verdict (e.g. a reject gate on a failed part). */
const verdicts = {
  verdicts: z
    .array(z.enum(['pass', 'fail', 'unknown']))
    .min(1)
    .default(['fail']),
};
export const partActionSchema = z.discriminatedUnion('type', [
  modbusWriteActionSchema.extend(verdicts),
  webhookActionSchema.extend(verdicts),
  opcuaWriteActionSchema.extend(verdicts),
  mqttPublishActionSchema.extend(verdicts),
]);

/** An asset's anomaly alarm (also the Node-RED alarm node's settings, without actions). */
export const alarmSchema = z.strictObject({
  /** ISA-18.2 priority, carried on every event. */
  priority: z.enum(ALARM_PRIORITIES).default('high'),
  /** The score must stay above the threshold this long before the alarm is raised. */
  on_delay_ms: z.number().int().min(0).default(1000),
  /** ...and below its clear level this long before it returns to normal. */
  off_delay_ms: z.number().int().min(0).default(5000),
  /** Clear below clear_ratio × threshold; default: the model's calibrated off threshold (manifest
   * score.off_threshold), else 0.8. */
  clear_ratio: z.number().gt(0).max(1).optional(),
  /** Stays active after the condition clears until acknowledged and reset. */
  latching: z.boolean().default(false),
  max_shelve_s: z
    .number()
    .positive()
    .default(8 * 3600),
  /** Overrides the model's calibrated threshold. */
  threshold: z.number().positive().optional(),
  /** Run on transitions, retried with backoff; they never block detection. */
  actions: z.array(alarmActionSchema).default([]),
});

/** How an asset's samples become windows (also the Node-RED window node's settings). */
export const windowSchema = z.strictObject({
  /** sliding: continuous monitoring; cycle: one window per produced part. */
  type: z.enum(['sliding', 'cycle']).default('sliding'),
  /** sliding: score every N samples. */
  hop_samples: z.number().int().min(1).default(1),
  /** sliding: score every this many ms instead (a multiple of the model's sample period). */
  hop_ms: z.number().int().min(1).optional(),
  /**
   * How rows are formed: batch = one row per source poll or publish (sources at the model's
   * rate); hold / linear = channels at any rates put on the model's time grid, newest value or
   * interpolated.
   */
  align: z.enum(['batch', 'hold', 'linear']).default('batch'),
  /** A channel whose newest value is older than this makes the row incomplete. */
  max_sample_age_ms: z.number().int().min(1).default(5000),
  /** cycle: the channel that marks the cycle (a cycle-active flag or a part counter). */
  trigger_channel: name.optional(),
  /** cycle: flag = the part runs while the trigger is non-zero; counter = each change starts the next part. */
  trigger: z.enum(['flag', 'counter']).default('flag'),
  /** cycle: a channel holding the part id (e.g. the part counter); default: parts numbered from 1. */
  part_id_channel: name.optional(),
  min_samples: z.number().int().min(1).default(5),
  max_samples: z.number().int().min(2).default(10_000),
});

export type WindowSettings = z.infer<typeof windowSchema>;
export type AlarmSettings = z.infer<typeof alarmSchema>;

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

export const bufferSchema = z.strictObject({
  /** disk: SQLite file, survives restarts and crashes; memory: lost on restart. */
  type: z.enum(['disk', 'memory']).default('disk'),
  /** Queue file; default `<data_dir>/<sink>.queue.db`. */
  path: z.string().optional(),
  max_bytes: z
    .number()
    .int()
    .min(1024)
    .default(256 * 1024 * 1024),
  /** normal: survives a process crash; full: also a power loss (slower). */
  sync: z.enum(['normal', 'full']).default('normal'),
});

export const influxSchema = z.strictObject({
  url: z.url(),
  database: z.string().min(1),
  username: z.string().optional(),
  password: z.string().optional(),
  batch_size: z.number().int().min(1).default(5000),
  flush_interval_ms: z.number().int().min(10).default(1000),
  timeout_ms: z.number().int().min(100).default(5000),
  /** Compress request bodies (less bandwidth on plant networks, more CPU). */
  gzip: z.boolean().default(true),
  write_raw_samples: z.boolean().default(true),
  /** Downsampling of raw samples: at most one point per channel per this many ms (0: every sample). */
  raw_interval_ms: z.number().int().min(0).default(0),
  /**
   * Create the database (and the retention policy) at start, and again if it disappears; false for
   * a user with WRITE only. With true and a user that may not create it, writing goes on anyway.
   */
  create_database: z.boolean().default(true),
  /** Retention of the database, e.g. "30d" or "52w" (InfluxQL duration); created or updated at start. */
  retention: z
    .string()
    .regex(/^(\d+[smhdw])+$|^INF$/, 'expected an InfluxQL duration such as "30d" or "INF"')
    .optional(),
  /** How often the gateway's own health point is written (0: never). */
  health_interval_ms: z.number().int().min(0).default(10_000),
  buffer: bufferSchema.default({ type: 'disk', max_bytes: 256 * 1024 * 1024, sync: 'normal' }),
});

export const localStoreSchema = z.strictObject({
  /** SQLite file; default `<data_dir>/linewatch.db`. */
  path: z.string().min(1).optional(),
  retention_hours: z.number().positive().default(168),
  write_raw_samples: z.boolean().default(true),
});

export const mqttSyncSchema = z.strictObject({
  /** mqtt://host:1883 or mqtts://host:8883 */
  url: z.string().regex(/^mqtts?:\/\/.+/, 'expected mqtt://host:port or mqtts://host:port'),
  topic_prefix: z.string().min(1).default('linewatch'),
  client_id: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  /** TLS: CA bundle to trust, and a client certificate and key (PEM files). */
  ca_file: z.string().optional(),
  cert_file: z.string().optional(),
  key_file: z.string().optional(),
  publish_alarms: z.boolean().default(true),
  publish_parts: z.boolean().default(true),
  publish_health: z.boolean().default(true),
  /** How often the gateway's health point is published (0: never). */
  health_interval_ms: z.number().int().min(0).default(60_000),
  batch_size: z.number().int().min(1).default(200),
  publish_timeout_ms: z.number().int().min(100).default(10_000),
  buffer: bufferSchema.default({ type: 'disk', max_bytes: 256 * 1024 * 1024, sync: 'normal' }),
});

export const modelUpdatesSchema = z.strictObject({
  /** ed25519 public key (PEM) that releases must be signed with, or a list of them (key rotation: a release signed
   * by any listed key verifies; drop a retired key from the list). */
  public_key_file: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /**
   * Release notices: a retained MQTT message on `<topic_prefix>/releases/<model name>` (uses
   * cloud.mqtt's broker), and/or an HTTPS URL polled for the same JSON notice.
   */
  mqtt: z.boolean().default(true),
  poll_url: z.url().optional(),
  poll_interval_s: z.number().positive().default(300),
  /** Where releases are downloaded and kept; default `<data_dir>/models`. */
  store_dir: z.string().optional(),
  /** After a swap, the new model is watched this long and rolled back if it misbehaves. */
  probation_s: z.number().min(0).default(600),
  /** Misbehaving: more than this share of scoring runs failed... */
  max_error_rate: z.number().min(0).max(1).default(0.01),
  /** ...or more than this share of its windows judged anomalous (a healthy line is mostly normal). */
  max_anomalous_fraction: z.number().min(0).max(1).default(0.5),
  /** Windows scored before the anomalous share is judged. */
  min_windows: z.number().int().min(1).default(30),
  /** Size caps of a release's files, in bytes: manifest.json, manifest.sig, the model file. */
  max_manifest_bytes: z
    .number()
    .int()
    .min(1)
    .default(1 << 20),
  max_signature_bytes: z.number().int().min(1).default(4096),
  max_model_bytes: z
    .number()
    .int()
    .min(1)
    .default(64 << 20),
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
  storage: z.strictObject({ local: localStoreSchema.optional(), influxdb: influxSchema.optional() }).default({}),
  /** Edge–cloud sync: summaries, alarm events, part results and health over MQTT; signed model updates. */
  cloud: z.strictObject({ mqtt: mqttSyncSchema.optional(), model_updates: modelUpdatesSchema.optional() }).default({}),
});

export type Config = z.infer<typeof configSchema>;
export type SourceConfig = z.infer<typeof sourceSchema>;
export type ModbusTcpSourceConfig = z.infer<typeof modbusTcpSourceSchema>;
export type ModbusSourceConfig =
  | z.infer<typeof modbusTcpSourceSchema>
  | z.infer<typeof modbusRtuSourceSchema>
  | z.infer<typeof modbusRtuOverTcpSourceSchema>;
export type OpcuaSourceConfig = z.infer<typeof opcuaSourceSchema>;
export type RegisterConfig = z.infer<typeof registerSchema>;
export type AssetConfig = z.infer<typeof assetSchema>;
export type InfluxConfig = z.infer<typeof influxSchema>;
export type BufferConfig = z.infer<typeof bufferSchema>;
export type MqttSyncConfig = z.infer<typeof mqttSyncSchema>;
export type ModelUpdatesConfig = z.infer<typeof modelUpdatesSchema>;
export type AlarmActionConfig = z.infer<typeof alarmActionSchema>;
export type ModbusWriteActionConfig = z.infer<typeof modbusWriteActionSchema>;
export type WebhookActionConfig = z.infer<typeof webhookActionSchema>;
export type OpcuaWriteActionConfig = z.infer<typeof opcuaWriteActionSchema>;
export type MqttPublishActionConfig = z.infer<typeof mqttPublishActionSchema>;
export type LocalStoreConfig = z.infer<typeof localStoreSchema>;
