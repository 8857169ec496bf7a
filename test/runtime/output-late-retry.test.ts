/**
 * A PLC output given up on while its connection stayed up (a PLC busy past max_attempts) is tried again at the
 * gateway's tick (reassertOutputs) every 30 s while its source is connected, until the PLC takes it. Fault injection: a
 * PLC that refuses the first writes.
 */
import { describe, expect, it } from 'vitest';
import { alarmActionSchema } from '../../src/config/schema.js';
import type { Source } from '../../src/core/components.js';
import { createAlarmAction } from '../../src/registry/runtime.js';
import { reassertOutputs, type AlarmOutput } from '../../src/runtime/gateway-actions.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { FlakyPlc } from '../helpers/flaky-plc.js';

describe("the gateway's tick and an output given up on", () => {
  it('tries it again every 30 s while its source is connected, not while it is down', async () => {
    const plc = new FlakyPlc(
      3,
      'device plc (10.0.0.5:502, unit 1): write coil 8: server device busy (Modbus exception 6)',
    );
    let now = 0;
    const action = createAlarmAction(
      'pump-1',
      alarmActionSchema.parse({ type: 'modbus_write', source: 'plc', table: 'coil', address: 8, max_attempts: 2 }),
      0,
      {
        logger: silentLogger(),
        metrics: new GatewayMetrics(),
        writers: new Map([['plc', plc]]),
        sleep: async () => undefined,
        now: () => now,
      },
    );
    const source = { connected: true, connections: 1 };
    const outputs: AlarmOutput[] = [{ action, asset: 'pump-1', source: source as unknown as Source, connection: 1 }];
    const tick = async (ts: number) => {
      now = ts;
      reassertOutputs(outputs, () => anomalyEvent('unack_active'));
      await action.idle();
      return plc.attempts;
    };
    action.dispatch(anomalyEvent('unack_active'));
    await action.idle();
    expect(action.status()).toMatchObject({ failed: 1, notWrittenSince: 0 });
    expect(await tick(1_000)).toBe(2);
    expect(await tick(30_000)).toBe(3); // refused again
    source.connected = false;
    expect(await tick(60_000)).toBe(3); // down: its reconnection writes it
    source.connected = true;
    expect(await tick(61_000)).toBe(4);
    expect(plc.written).toEqual([{ table: 'coil', address: 8, value: true }]);
    expect(action.status().notWrittenSince).toBeUndefined();
  });
});
