/** Alarm actions: retries with backoff, giving up and reporting, coalescing PLC outputs. */
import { describe, expect, it } from 'vitest';
import type { ModbusWriter } from '../../src/actions/modbus-write/action-type.js';
import { createAlarmAction } from '../../src/registry/runtime.js';
import { alarmActionSchema, partActionSchema } from '../../src/config/schema.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { describeModbusError } from '../../src/sources/modbus/errors.js';
import { FlakyPlc } from '../helpers/flaky-plc.js';

function setup(plc: ModbusWriter, config: Record<string, unknown>, now?: () => number, where?: string) {
  const logs: string[] = [];
  const metrics = new GatewayMetrics();
  const sleeps: number[] = [];
  const schema = 'verdicts' in config ? partActionSchema : alarmActionSchema;
  const action = createAlarmAction(
    'pump-1',
    schema.parse(config),
    0,
    {
      logger: createLogger('info', { write: (l: string) => logs.push(l) } as unknown as NodeJS.WritableStream),
      metrics,
      writers: new Map([['plc', plc]]),
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 1,
      ...(now ? { now } : {}),
    },
    where,
  );
  return { action, logs, metrics, sleeps };
}

const stackLight = {
  type: 'modbus_write',
  source: 'plc',
  table: 'coil',
  address: 3,
  max_attempts: 4,
  retry_initial_ms: 100,
};

describe('alarm actions', () => {
  it('drive a stack light from the alarm state: on while annunciated, off in normal', async () => {
    const plc = new FlakyPlc(0);
    const { action } = setup(plc, stackLight);
    for (const s of ['unack_active', 'ack_active', 'normal'] as const) {
      action.dispatch(anomalyEvent(s));
      await action.idle();
    }
    // ack_active keeps the light on: no second write of the same value.
    expect(plc.written).toEqual([
      { table: 'coil', address: 3, value: true },
      { table: 'coil', address: 3, value: false },
    ]);
  });

  it('count a write only where one was made, and write the standing value again when asked (a PLC that restarted)', async () => {
    const plc = new FlakyPlc(0);
    const { action } = setup(plc, stackLight);
    action.dispatch(anomalyEvent('unack_active'));
    await action.idle();
    action.dispatch(anomalyEvent('ack_active')); // the light stays on: nothing written, nothing counted
    await action.idle();
    expect([plc.written.length, action.status().succeeded]).toEqual([1, 1]);
    // The PLC came back without its outputs: the value the alarm stands at is written again.
    action.reassert(anomalyEvent('ack_active'));
    await action.idle();
    expect(plc.written).toEqual([
      { table: 'coil', address: 3, value: true },
      { table: 'coil', address: 3, value: true },
    ]);
    expect(action.status().succeeded).toBe(2);
  });

  it('count a write the output did not need as unchanged, and time only the writes made', async () => {
    const plc = new FlakyPlc(1);
    const { action, metrics } = setup(plc, stackLight);
    for (const s of ['unack_active', 'ack_active', 'rtn_unack', 'normal'] as const) {
      action.dispatch(anomalyEvent(s));
      await action.idle();
    }
    const outcomes = Object.fromEntries(
      (await metrics.actions.get()).values.map((v) => [v.labels.outcome, v.value] as const),
    );
    // on (a retry, then ok), on again twice (unchanged), off (ok).
    expect(outcomes).toEqual({ retry: 1, ok: 2, unchanged: 2 });
    const timed = (await metrics.actionSeconds.get()).values.find((v) => v.metricName?.endsWith('_count'));
    expect(timed?.value).toBe(outcomes.ok);
  });

  it('send an event again never: a webhook is not reasserted', async () => {
    const { action } = setup(new FlakyPlc(0), {
      type: 'webhook',
      url: 'http://127.0.0.1:9/hook',
      max_attempts: 1,
    });
    action.reassert(anomalyEvent('unack_active'));
    await action.idle();
    expect(action.status()).toMatchObject({ succeeded: 0, failed: 0, pending: 0 });
  });

  // Regression: an action's error named it by its name alone; with several assets, which entry was it?
  it('name the action by its name and its place in the configuration, in each log line and in its status', async () => {
    const plc = new FlakyPlc(2);
    const where = 'assets[0].alarm.actions[1]';
    const { action, logs } = setup(plc, { ...stackLight, name: 'lamp', max_attempts: 2 }, undefined, where);
    action.dispatch(anomalyEvent('unack_active'));
    await action.idle();
    const lines = logs.map((l) => JSON.parse(l) as { msg: string; where?: string });
    const said = 'action lamp (assets[0].alarm.actions[1]): coil 3 := 1 on plc for pump-1/anomaly → unack_active: ';
    const error = 'device plc (10.0.0.5:502, unit 1): write coil 3: no answer within the timeout';
    expect(lines.map((l) => [l.msg, l.where])).toEqual([
      [`${said}${error}; retrying`, where],
      [
        expect.stringMatching(/^action lamp \(assets\[0\]\.alarm\.actions\[1\]\): .*; gave up after 2 attempts; /),
        where,
      ],
    ]);
    expect(action.status()).toMatchObject({ name: 'lamp', where, lastError: `${said}${error}` });
  });

  // Regression: a Modbus exception 1/2/3 on a write was retried max_attempts times, then every 30 s.
  it.each([
    [1, 'illegal function', 'the device does not take this write function'],
    [2, 'illegal data address', 'the device has no such coil or register'],
    [3, 'illegal data value', 'the device does not take this value'],
  ])(
    'take Modbus exception %i (%s) on a write as a refusal for good: no retry, not every 30 s',
    async (code, name, why) => {
      let now = 0;
      const plc = new FakeRefusingPlc(code);
      const { action, sleeps, logs } = setup(plc, stackLight, () => now);
      action.dispatch(anomalyEvent('unack_active'));
      await action.idle();
      expect([plc.attempts, sleeps]).toEqual([1, []]);
      expect(action.status()).toMatchObject({
        failed: 1,
        lastError: `action pump-1-modbus_write-0: coil 3 := 1 on plc for pump-1/anomaly → unack_active: device plc (10.0.0.5:502, unit 1): write coil 3: ${name} (Modbus exception ${code})`,
        refused: `Modbus exception ${code}: ${why}; not retried (tried again at the alarm's next state or when the source connects anew)`,
      });
      expect(action.status().notWrittenSince).toBeUndefined();
      expect(logs.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual([
        expect.stringMatching(
          new RegExp(`\\(Modbus exception ${code}\\); refused for good \\(Modbus exception ${code}: `),
        ),
      ]);
      now = 60_000;
      action.retryUnwritten();
      await action.idle();
      expect(plc.attempts).toBe(1);
      // The next alarm state is tried (once): the PLC may have been corrected.
      action.dispatch(anomalyEvent('normal'));
      await action.idle();
      expect(plc.attempts).toBe(2);
    },
  );

  it('keep retrying a busy device (Modbus exception 6)', async () => {
    const plc = new FakeRefusingPlc(6);
    const { action, sleeps } = setup(plc, stackLight);
    action.dispatch(anomalyEvent('unack_active'));
    await action.idle();
    expect([plc.attempts, sleeps]).toEqual([4, [100, 200, 400]]);
    expect(action.status().refused).toBeUndefined();
  });

  it('retry a failing write with exponential backoff, then succeed and say so', async () => {
    const plc = new FlakyPlc(2);
    const { action, sleeps, logs } = setup(plc, stackLight);
    action.dispatch(anomalyEvent('unack_active'));
    await action.idle();
    expect(plc.attempts).toBe(3);
    expect(sleeps).toEqual([100, 200]);
    expect(action.status()).toMatchObject({ succeeded: 1, failed: 0 });
    expect(logs.join('')).toContain('succeeded on attempt 3');
  });

  it('give up after max_attempts, report the failure, and keep serving later events', async () => {
    const plc = new FlakyPlc(4);
    const { action, metrics, logs } = setup(plc, stackLight);
    action.dispatch(anomalyEvent('unack_active'));
    await action.idle();
    expect(action.status()).toMatchObject({ succeeded: 0, failed: 1 });
    expect(action.status().lastError).toContain('write coil 3: no answer within the timeout');
    expect(logs.join('')).toContain('gave up after 4 attempts');
    expect(await metrics.registry.getSingleMetricAsString('linewatch_alarm_actions_total')).toMatch(
      /outcome="failed"\} 1/,
    );
    action.dispatch(anomalyEvent('normal'));
    await action.idle();
    expect(plc.written).toEqual([{ table: 'coil', address: 3, value: false }]);
  });

  it('encode a holding register like a read (float32, word swapped, scaled)', async () => {
    const plc = new FlakyPlc(0);
    const { action } = setup(plc, {
      type: 'modbus_write',
      source: 'plc',
      table: 'holding',
      address: 100,
      data_type: 'float32',
      byte_order: 'CDAB',
      scale: 0.1,
      value_active: 42.5,
    });
    action.dispatch(anomalyEvent('unack_active'));
    await action.idle();
    expect(plc.written).toEqual([
      { table: 'holding', address: 100, value: 42.5, type: 'float32', byteOrder: 'CDAB', scale: 0.1, offset: 0 },
    ]);
  });

  it("write text to an HMI's string registers, filled from the event, and clear it on return to normal", async () => {
    const plc = new FlakyPlc(0);
    const { action } = setup(plc, {
      type: 'modbus_write',
      source: 'plc',
      table: 'holding',
      address: 200,
      data_type: 'string',
      length: 10,
      text_active: '{asset}: {top} ({state})',
    });
    for (const s of ['unack_active', 'ack_active', 'normal'] as const) {
      action.dispatch(anomalyEvent(s, { topChannels: ['vibration_2', 'flow'] }));
      await action.idle();
    }
    expect(plc.written).toEqual([
      { table: 'holding', address: 200, text: 'pump-1: vibration_2 (unack_active)', length: 10, byteOrder: 'ABCD' },
      { table: 'holding', address: 200, text: 'pump-1: vibration_2 (ack_active)', length: 10, byteOrder: 'ABCD' },
      { table: 'holding', address: 200, text: '', length: 10, byteOrder: 'ABCD' },
    ]);
  });

  it("as a part action, drive the reject gate from each part's verdict", async () => {
    const plc = new FlakyPlc(0);
    const { action } = setup(plc, { ...stackLight, verdicts: ['fail', 'unknown'] });
    const part = (verdict: 'pass' | 'fail' | 'unknown', partId: string) => ({
      asset: 'press-1',
      partId,
      ts: 0,
      verdict,
      topChannels: [],
      model: 'press-ae',
    });
    for (const [v, id] of [
      ['pass', '1'],
      ['fail', '2'],
      ['unknown', '3'],
      ['pass', '4'],
    ] as const) {
      action.dispatchPart(part(v, id));
      await action.idle();
    }
    expect(plc.written.map((w) => (w.table === 'coil' ? w.value : w))).toEqual([false, true, false]);
  });

  it('dispatch returns at once even while the target hangs', async () => {
    let release!: () => void;
    const hanging: ModbusWriter = { write: () => new Promise<void>((r) => (release = r)) };
    const { action } = setup(hanging, stackLight);
    action.dispatch(anomalyEvent('unack_active'));
    action.dispatch(anomalyEvent('normal'));
    action.dispatch(anomalyEvent('unack_active'));
    expect(action.status().pending).toBe(1); // coalesced: only the newest value waits
    release();
    await action.idle();
  });

  it('try an output given up on again every 30 s until the PLC takes it, and say so (regression: a stack light left dark while its connection stayed up)', async () => {
    const plc = new FlakyPlc(5); // four attempts, then one late attempt, fail
    let now = 1_000_000;
    const { action, logs, metrics } = setup(plc, stackLight, () => now);
    action.dispatch(anomalyEvent('unack_active'));
    await action.idle();
    expect(action.status()).toMatchObject({ failed: 1, lastErrorAt: 1_000_000, notWrittenSince: 1_000_000 });
    expect(logs.join('')).toContain(
      'gave up after 4 attempts; the output is tried again every 30 s until it is written (or a new alarm state replaces its value)',
    );
    const tryAt = async (ts: number) => {
      now = ts;
      action.retryUnwritten();
      await action.idle();
      return plc.attempts;
    };
    expect(await tryAt(1_029_999)).toBe(4); // not due yet
    expect(await tryAt(1_030_000)).toBe(5); // due: fails again, counted, not logged again
    expect(logs.filter((l) => l.includes('gave up'))).toHaveLength(1);
    expect(action.status()).toMatchObject({ lastErrorAt: 1_030_000, notWrittenSince: 1_000_000 });
    expect(await tryAt(1_059_999)).toBe(5);
    expect(await tryAt(1_060_000)).toBe(6); // taken
    expect(plc.written).toEqual([{ table: 'coil', address: 3, value: true }]);
    expect(action.status()).toMatchObject({ succeeded: 1, failed: 1, pending: 0 });
    expect(action.status().notWrittenSince).toBeUndefined();
    expect(logs.join('')).toContain(
      'coil 3 := 1 on plc for pump-1/anomaly → unack_active written at last, 60 s after it was given up on (2 more attempt(s))',
    );
    expect(await metrics.registry.getSingleMetricAsString('linewatch_alarm_actions_total')).toMatch(
      /outcome="retry"\} 5/,
    );
    expect(await tryAt(1_200_000)).toBe(6); // nothing left to try
  });

  it('drop an output given up on once a new alarm state replaces its value, and never try a part verdict late', async () => {
    const plc = new FlakyPlc(4);
    let now = 0;
    const { action } = setup(plc, stackLight, () => now);
    action.dispatch(anomalyEvent('unack_active'));
    await action.idle();
    action.dispatch(anomalyEvent('normal'));
    await action.idle();
    expect(action.status().notWrittenSince).toBeUndefined();
    now = 60_000;
    action.retryUnwritten();
    await action.idle();
    expect(plc.written).toEqual([{ table: 'coil', address: 3, value: false }]);

    const gate = new FlakyPlc(1);
    const part = setup(gate, { ...stackLight, max_attempts: 1, verdicts: ['fail'] }, () => now);
    part.action.dispatchPart({ asset: 'press-1', partId: '7', ts: 0, verdict: 'fail', topChannels: [], model: 'm' });
    await part.action.idle();
    expect(part.action.status()).toMatchObject({ failed: 1 });
    expect(part.action.status().notWrittenSince).toBeUndefined();
    expect(part.logs.join('')).toMatch(/gave up after 1 attempts"/);
  });
});

/** Fault injection: a PLC that answers every write with a Modbus exception, as the source reports it. */
class FakeRefusingPlc implements ModbusWriter {
  attempts = 0;
  constructor(private readonly code: number) {}
  async write(): Promise<void> {
    this.attempts++;
    throw describeModbusError('device plc (10.0.0.5:502, unit 1)', 'write coil 3', { modbusCode: this.code });
  }
}

describe('a part action that writes to a device', () => {
  // A part the counter skipped is never written for to a device (gateway-wiring.ts): which actions those are.
  it.each([
    [{ type: 'modbus_write', source: 'plc', table: 'coil', address: 0, verdicts: ['fail'] }, true],
    [{ type: 'opcua_write', source: 'plc', node_id: 'ns=2;s=Reject', verdicts: ['fail'] }, true],
    [{ type: 'webhook', url: 'http://127.0.0.1:9/parts', verdicts: ['fail'] }, false],
    [{ type: 'mqtt_publish', url: 'mqtt://127.0.0.1:9', topic: 'parts/{asset}', verdicts: ['fail'] }, false],
  ])('%o: writesToDevice %s', (config, writes) => {
    const plc = new FlakyPlc(0);
    expect(setup(plc, config).action.writesToDevice).toBe(writes);
  });
});
