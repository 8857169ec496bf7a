/**
 * The annotated starter configuration `linewatch init` writes: one pump read from `linewatch simulate` (Modbus TCP by
 * the simulator's register map, or OPC UA by its node ids), scored by the shipped pump model, alarms kept in a local
 * store, the HTTP API on loopback. Each section says what to change for a plant.
 */

/** The protocols `linewatch init --protocol` writes a starter for; the first is the default. */
export const STARTER_PROTOCOLS = ['modbus', 'opcua'] as const;
export type StarterProtocol = (typeof STARTER_PROTOCOLS)[number];

/** How to try each starter against the simulator: what it serves, for the file's first lines. */
const TRY: Record<StarterProtocol, string> = {
  modbus: '#   linewatch simulate                      # Modbus TCP on 127.0.0.1:5020',
  opcua: '#   linewatch simulate                      # OPC UA on opc.tcp://127.0.0.1:4840/UA/linewatch-sim',
};

const MODBUS_SOURCES = `sources:
  - name: pump-plc
    type: modbus_tcp          # or modbus_rtu, modbus_rtu_tcp, opcua, mqtt (docs/config-guide.md#sources)
    host: \${PUMP_PLC_HOST:-127.0.0.1}
    port: \${PUMP_PLC_PORT:-5020}   # 502 on a real PLC
    unit_id: 1
    asset: pump-1             # the asset these channels belong to
    poll_interval_ms: 200     # must equal the model's sample period
    timeout_ms: 1000
    max_gap_registers: 4      # read across holes of up to 4 unused registers
    registers:                # the PLC's register map: one channel per tag
      - { channel: vibration_1,   address: 0,  type: uint16,  scale: 0.0001, unit: g }
      - { channel: vibration_2,   address: 1,  type: int16,   scale: 0.0001, unit: g }
      - { channel: motor_current, address: 2,  type: float32, byte_order: ABCD, unit: A }
      - { channel: voltage,       address: 4,  type: float32, byte_order: CDAB, unit: V }
      - { channel: pressure,      address: 6,  type: float32, byte_order: BADC, unit: bar }
      - { channel: temperature,   address: 8,  type: int16,   scale: 0.01, unit: degC }
      - { channel: flow,          address: 10, type: uint32,  byte_order: CDAB, scale: 0.001, unit: l/min }

`;

const OPCUA_SOURCES = `sources:
  - name: pump-plc
    type: opcua               # or modbus_tcp, modbus_rtu, modbus_rtu_tcp, mqtt (docs/config-guide.md#sources)
    endpoint: \${PUMP_PLC_ENDPOINT:-opc.tcp://127.0.0.1:4840/UA/linewatch-sim}   # the server's endpoint URL (a PLC's: opc.tcp://<address>:4840)
    asset: pump-1             # the asset these channels belong to
    publishing_interval_ms: 200   # must equal the model's sample period
    timeout_ms: 5000          # the longest the connect and each request wait for the server
    stale_after_ms: 10000     # no notification nor keep-alive this long: the subscription is rebuilt
    # Security (docs/security.md#opc-ua-certificates): the simulator takes None; a PLC mostly wants SignAndEncrypt.
    # security_mode: SignAndEncrypt       # None (default) | Sign | SignAndEncrypt
    # security_policy: Basic256Sha256     # with Sign or SignAndEncrypt; or Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss
    # pki_dir: ./data/opcua-pki           # this gateway's certificate and trust lists (the default: <data_dir>/opcua-pki);
    #                                     # the PLC must trust own/certs/client_certificate.pem from it
    # username: operator                  # anonymous when omitted
    # password: \${OPCUA_PASSWORD}
    # user_certificate_file: ./user.pem   # or an X.509 user: its certificate and private key (PEM)
    # user_private_key_file: ./user.key
    nodes:                    # one channel a node; nsu= names the namespace by URI, its index looked up at every connect
      - { channel: vibration_1,   node_id: "nsu=urn:linewatch:sim;s=Pump1.vibration_1",   unit: g }
      - { channel: vibration_2,   node_id: "nsu=urn:linewatch:sim;s=Pump1.vibration_2",   unit: g }
      - { channel: motor_current, node_id: "nsu=urn:linewatch:sim;s=Pump1.motor_current", unit: A }
      - { channel: voltage,       node_id: "nsu=urn:linewatch:sim;s=Pump1.voltage",       unit: V }
      - { channel: pressure,      node_id: "nsu=urn:linewatch:sim;s=Pump1.pressure",      unit: bar, deadband: { type: absolute, value: 0.001 } }
      - { channel: temperature,   node_id: "nsu=urn:linewatch:sim;s=Pump1.temperature",   unit: degC }
      - { channel: flow,          node_id: "nsu=urn:linewatch:sim;s=Pump1.flow",          unit: l/min }
      # or by browse path: { channel: flow, browse_path: /Objects/Plant/Pump1/flow, browse_namespace: urn:linewatch:sim }

`;

const SOURCES: Record<StarterProtocol, string> = { modbus: MODBUS_SOURCES, opcua: OPCUA_SOURCES };

export function starterConfig(protocol: StarterProtocol = 'modbus'): string {
  return `# linewatch starter configuration, written by \`linewatch init\`.
# Try it against the built-in simulator:
${TRY[protocol]}
#   linewatch validate --config <this file>
#   linewatch run --config <this file>
# \${NAME} and \${NAME:-default} are read from the environment when the file is loaded.

gateway:
  name: my-gateway            # tags every stored point: keep names stable
  site: my-site
  line: line-1

log:
  level: info                 # fatal | error | warn | info | debug | trace (--log-level and LINEWATCH_LOG_LEVEL win)

data_dir: ./data              # the local store, queues and model cache, relative to this file (in a container: /data)

http:
  host: 127.0.0.1             # /healthz, /metrics, /api/status, /api/alarms; beyond loopback read_token is required
                              # (in a container: 0.0.0.0, api_token and read_token, docs/container.md)
  port: \${LINEWATCH_HTTP_PORT:-8080}
  # api_token: \${LINEWATCH_API_TOKEN}   # bearer token for acknowledge and shelve calls

${SOURCES[protocol]}# No model fits your machine yet? Leave this assets section out: the gateway then records the sources' channels in the
# local store (storage.local below); after hours of normal running,
#   linewatch export --config <this file> --asset pump-1 --out normal.csv
#   linewatch train --csv normal.csv --out my-model         # then model: my-model below
# (docs/models.md, "A detector for your own machine, step by step").
assets:
  - name: pump-1
    model: pump-hybrid        # a model folder (manifest.json) relative to this file, or a shipped model's name; train your own with \`linewatch train --csv\`
    window:
      hop_samples: 5          # score every 5 samples (1 s)
      max_sample_age_ms: 1000 # a channel older than this makes the window incomplete
    alarm:
      priority: high
      on_delay_ms: 1000       # above the threshold this long before it is raised
      off_delay_ms: 5000      # below the model's calibrated off threshold this long before it returns
      latching: false         # true: stays raised until acknowledged

storage:
  local:                      # SQLite on the gateway: scores, parts, alarms, raw samples (<data_dir>/linewatch.db)
    retention_hours: 168
  # influxdb:                 # for the Grafana dashboards (grafana/)
  #   url: http://127.0.0.1:8086
  #   database: linewatch
  #   username: linewatch
  #   password: \${INFLUX_PASSWORD}
  #   # token: \${INFLUX_TOKEN}   # InfluxDB 2.x or 3.x, instead of username and password (docs/influxdb.md)
  #   buffer: { type: disk, max_bytes: 268435456 }   # store-and-forward while InfluxDB is down
`;
}
