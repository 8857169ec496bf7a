/**
 * Regression (alarms walk): opcua_write's default, true/false, written to a Double node failed with
 * `write ns=2;s=Pump1.flow: BadTypeMismatch` alone, and the refusal was retried as if it were transient, then tried
 * every 30 s. Against a real server: the error says what the node takes (its DataType and ValueRank, read once at the
 * refusal), what was sent and which setting to change; it is not retried.
 */
import { describe, expect, it } from 'vitest';
import { alarmActionSchema } from '../../src/config/schema.js';
import { createAlarmAction } from '../../src/registry/runtime.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import type { OpcuaSource } from '../../src/sources/opcua/opcua-source.js';
import { logLines } from '../helpers/log-lines.js';
import { plantNode, withPlcSource, type PlcServer } from '../helpers/plc-opcua-server.js';

const where = 'assets[0].alarm.actions[2]';

/** An hmi-lamp action writing `node` of the server by `source`, its default values; counts writes and sleeps. */
function lampAction(source: OpcuaSource, node: string, now: () => number) {
  const log = logLines();
  const sleeps: number[] = [];
  const counts = { writes: 0 };
  const action = createAlarmAction(
    'pump-1',
    alarmActionSchema.parse({ type: 'opcua_write', name: 'hmi-lamp', source: 'line-plc', node_id: node }),
    2,
    {
      logger: log.logger,
      metrics: new GatewayMetrics(),
      writers: new Map([
        ['line-plc', { write: (n: string, v: number | boolean) => (counts.writes++, source.write(n, v)) }],
      ]),
      sleep: async (ms) => void sleeps.push(ms),
      now,
    },
    where,
  );
  return { action, log, sleeps, counts };
}

/** The error of the hmi-lamp action's refused write of true to `name` on `server`, then `tail`. */
const refusedTrue = (server: PlcServer, name: string, tail: string) =>
  `action hmi-lamp (${where}): ${plantNode(name)} := true on line-plc for pump-1/anomaly → unack_active: ` +
  `write ns=${server.plantIndex};s=${name}: BadTypeMismatch: the node's DataType is ${tail}`;

describe('opcua_write refused for good by the server', () => {
  it('a boolean to a Double node: the error names the DataType and the fix, no retry, not tried every 30 s', async () => {
    await withPlcSource(async (server, source) => {
      let now = 1_000_000;
      const { action, log, sleeps, counts } = lampAction(source, plantNode('setpoint'), () => now);
      const dataTypeReads = server.reads.dataType;
      action.dispatch(anomalyEvent('unack_active'));
      await action.idle();
      const error = refusedTrue(
        server,
        'setpoint',
        `Double (i=11), a scalar (ValueRank -1); linewatch sent true as a Boolean (for this numeric node give ` +
          `numbers, ${where}.value_active: 1 and value_inactive: 0)`,
      );
      expect([counts.writes, sleeps, server.written, server.reads.dataType - dataTypeReads]).toEqual([1, [], [], 1]);
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
      expect(counts.writes).toBe(1);
    });
  }, 30_000);

  it.each([
    [
      'a String node: names String, says to point node_id at a Boolean or numeric node',
      'label',
      `String (i=12), a scalar (ValueRank -1); linewatch sent true as a Boolean (opcua_write writes numbers and ` +
        `true/false, which a String node does not take: set ${where}.node_id to a Boolean or numeric node)`,
    ],
    [
      'an array node: names its ValueRank, says to point node_id at a scalar node',
      'list',
      `Number (i=26), abstract, an array of 1 dimension (ValueRank 1); linewatch sent true as a Boolean ` +
        `(opcua_write writes a single value, the node holds an array: set ${where}.node_id to a scalar node)`,
    ],
  ])(
    'a boolean to %s',
    async (_, name, tail) => {
      await withPlcSource(async (server, source) => {
        const { action } = lampAction(source, plantNode(name), () => 1_000_000);
        action.dispatch(anomalyEvent('unack_active'));
        await action.idle();
        expect(action.status().lastError).toBe(refusedTrue(server, name, tail));
        expect(server.written).toEqual([]);
      });
    },
    30_000,
  );
});
