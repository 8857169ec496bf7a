/**
 * Every setting that a timer waits (an interval, a timeout) stops at 2^31 - 1 ms: Node fires a timer set longer after
 * 1 ms (TimeoutOverflowWarning), so `timeout_ms: 3000000000` made every request time out at once, a poll interval that
 * long polled without pause. Regression: such values were taken (only Modbus connect_timeout_ms had the bound); now
 * each is refused, naming its path and why. Settings compared against timestamps (max_sample_age_ms, hold_ms,
 * stale_after_ms, the alarm's delays, retention) have no such bound.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKeys } from '../../src/sync/release.js';
import { ROOT } from '../helpers/cli.js';
import { accepted, issuesOf } from '../helpers/config-issues.js';

const MAX = 2 ** 31 - 1;
const WHY_MS = `Too big: expected at most ${MAX} ms (2^31 - 1 ms, about 24.8 days): a timer cannot wait longer, and one set longer fires at once`;
const WHY_S = `Too big: expected at most ${MAX / 1000} s (2^31 - 1 ms, about 24.8 days): a timer cannot wait longer, and one set longer fires at once`;
const MODEL = join(ROOT, 'models/pump-ae');
const CHANNELS = ['vibration_1', 'vibration_2', 'motor_current', 'voltage', 'pressure', 'temperature', 'flow'];

/**
 * A config with every timer's setting at `ms` (poll_interval_s at `s`; the first Modbus device's poll interval at
 * `devicePollMs`, its model's sample period where it is to be taken), and a key of each kind it has no bound on.
 */
function config(ms: number, s: number, o: { devicePollMs: number; publicKey: string }): string {
  const registers = CHANNELS.map((c, i) => `      - { channel: ${c}, address: ${i * 2}, type: float32 }`).join('\n');
  return `
sources:
  - name: plc
    type: modbus_tcp
    host: 127.0.0.1
    asset: pump-1
    poll_interval_ms: ${o.devicePollMs}
    timeout_ms: ${ms}
    connect_timeout_ms: ${ms}
    registers:
${registers}
      - { channel: serial, address: 20, type: uint16, poll_interval_ms: ${ms} }
    devices:
      - { unit_id: 2, asset: press-2, poll_interval_ms: ${ms}, timeout_ms: ${ms}, registers: [{ channel: force, address: 0, type: float32 }] }
  - name: hub
    type: mqtt
    url: mqtt://broker:1883
    asset: tank-1
    publish_interval_ms: ${ms}
    timeout_ms: ${ms}
    tags: [{ channel: level, topic: plant/tank-1, hold_ms: 5000000000 }]
  - name: line
    type: opcua
    endpoint: opc.tcp://plc:4840
    asset: line-1
    timeout_ms: ${ms}
    stale_after_ms: 5000000000
    nodes: [{ channel: speed, node_id: "ns=2;s=Speed" }]
assets:
  - name: pump-1
    model: ${MODEL}
    window: { max_sample_age_ms: 5000000000 }
    alarm:
      on_delay_ms: 5000000000
      actions:
        - { type: webhook, url: "https://chat.example.com/hook", timeout_ms: ${ms} }
        - { type: mqtt_publish, url: mqtt://broker:1883, timeout_ms: ${ms} }
storage:
  influxdb:
    url: http://influxdb:8086
    database: plant
    flush_interval_ms: ${ms}
    timeout_ms: ${ms}
    health_interval_ms: ${ms}
    raw_interval_ms: 5000000000
cloud:
  mqtt:
    url: mqtt://broker:1883
    health_interval_ms: ${ms}
    publish_timeout_ms: ${ms}
  model_updates:
    public_key_file: ${o.publicKey}
    mqtt: false
    poll_url: https://releases.example.com/notices.json
    poll_interval_s: ${s}
`;
}

describe('settings a timer waits stop at 2^31 - 1 ms', () => {
  it('refuses each one past it, naming its path and why (a timer cannot wait longer)', async () => {
    const issues = await issuesOf(
      config(MAX + 1, MAX / 1000 + 0.001, { devicePollMs: MAX + 1, publicKey: '/etc/linewatch/release.pub' }),
    );
    expect([...issues].sort()).toEqual(
      [
        'sources[0].poll_interval_ms',
        'sources[0].timeout_ms',
        'sources[0].connect_timeout_ms',
        'sources[0].registers[7].poll_interval_ms',
        'sources[0].devices[0].poll_interval_ms',
        'sources[0].devices[0].timeout_ms',
        'sources[1].publish_interval_ms',
        'sources[1].timeout_ms',
        'sources[2].timeout_ms',
        'assets[0].alarm.actions[0].timeout_ms',
        'assets[0].alarm.actions[1].timeout_ms',
        'storage.influxdb.flush_interval_ms',
        'storage.influxdb.timeout_ms',
        'storage.influxdb.health_interval_ms',
        'cloud.mqtt.health_interval_ms',
        'cloud.mqtt.publish_timeout_ms',
      ]
        .map((path) => `${path}: ${WHY_MS}`)
        .concat(`cloud.model_updates.poll_interval_s: ${WHY_S}`)
        .sort(),
    );
  });

  it('takes each at the bound itself', async () => {
    const keys = await generateKeys(await mkdtemp(join(tmpdir(), 'lw-timer-caps-')));
    const taken = await accepted(config(MAX, MAX / 1000, { devicePollMs: 200, publicKey: keys.publicPath }));
    const [plc, hub, line] = taken.sources;
    expect(plc).toMatchObject({
      timeout_ms: MAX,
      connect_timeout_ms: MAX,
      devices: [{ poll_interval_ms: MAX, timeout_ms: MAX }],
    });
    expect(plc.type === 'modbus_tcp' && plc.registers[7].poll_interval_ms).toBe(MAX);
    expect(hub).toMatchObject({ publish_interval_ms: MAX, timeout_ms: MAX });
    expect(line).toMatchObject({ timeout_ms: MAX });
    expect(taken.assets[0].alarm.actions).toMatchObject([{ timeout_ms: MAX }, { timeout_ms: MAX }]);
    expect(taken.storage.influxdb).toMatchObject({ flush_interval_ms: MAX, timeout_ms: MAX, health_interval_ms: MAX });
    expect(taken.cloud.mqtt).toMatchObject({ health_interval_ms: MAX, publish_timeout_ms: MAX });
    expect(taken.cloud.model_updates?.poll_interval_s).toBe(MAX / 1000);
  });
});
