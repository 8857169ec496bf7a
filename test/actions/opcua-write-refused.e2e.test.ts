/**
 * Regression (alarms walk): opcua_write's default, true/false, written to a Double node failed with
 * `write ns=2;s=Pump1.flow: BadTypeMismatch` alone, and the refusal was retried as if it were transient, then tried
 * every 30 s. Against a real server: the error says what was sent and what to set; it is not retried.
 */
import { describe, expect, it } from 'vitest';
import { alarmActionSchema } from '../../src/config/schema.js';
import { createAlarmAction } from '../../src/registry/runtime.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { logLines } from '../helpers/log-lines.js';
import { plantNode, withPlcSource } from '../helpers/plc-opcua-server.js';

describe('opcua_write refused for good by the server', () => {
  it('a boolean to a Double node: the error names the fix, no retry, not tried every 30 s', async () => {
    await withPlcSource(async (server, source) => {
      const log = logLines();
      const sleeps: number[] = [];
      let writes = 0;
      let now = 1_000_000;
      const where = 'assets[0].alarm.actions[2]';
      const action = createAlarmAction(
        'pump-1',
        alarmActionSchema.parse({
          type: 'opcua_write',
          name: 'hmi-lamp',
          source: 'line-plc',
          node_id: plantNode('setpoint'),
        }),
        2,
        {
          logger: log.logger,
          metrics: new GatewayMetrics(),
          writers: new Map([
            ['line-plc', { write: (n: string, v: number | boolean) => (writes++, source.write(n, v)) }],
          ]),
          sleep: async (ms) => void sleeps.push(ms),
          now: () => now,
        },
        where,
      );
      action.dispatch(anomalyEvent('unack_active'));
      await action.idle();
      const error =
        `action hmi-lamp (${where}): ${plantNode('setpoint')} := true on line-plc for pump-1/anomaly → unack_active: ` +
        `write ns=${server.plantIndex};s=setpoint: BadTypeMismatch (true/false is written as a Boolean, which the node's ` +
        `DataType does not take: for a numeric node give numbers, ${where}.value_active: 1 and value_inactive: 0)`;
      expect([writes, sleeps, server.written]).toEqual([1, [], []]);
      expect(action.status()).toEqual({
        name: 'hmi-lamp',
        where,
        type: 'opcua_write',
        succeeded: 0,
        failed: 1,
        pending: 0,
        lastError: error,
        lastErrorAt: now,
        refused:
          "BadTypeMismatch: the node's DataType does not take the value written; not retried (tried again at the " +
          "alarm's next state or when the source connects anew)",
      });
      expect(log.at(50)).toEqual([
        `${error}; refused for good (BadTypeMismatch: the node's DataType does not take the value written): not ` +
          "retried until the alarm's next state or the source's next connection",
      ]);
      now += 60_000;
      action.retryUnwritten(); // the gateway's tick: nothing waits to be tried again
      await action.idle();
      expect(writes).toBe(1);
    });
  }, 30_000);
});
