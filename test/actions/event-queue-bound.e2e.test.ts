/**
 * Regression (alarms walk): a webhook's (and an MQTT message's) queue had no bound; with the target down for long and
 * the alarm cycling, jobs piled up and were delivered late. Now at most max_queued wait behind the one being sent; a
 * newer one drops the oldest waiting, logged and counted. A real HTTP receiver, down while the alarm cycles, then up.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { alarmActionSchema } from '../../src/config/schema.js';
import { freePort } from '../../src/core/free-port.js';
import { createAlarmAction } from '../../src/registry/runtime.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { logLines } from '../helpers/log-lines.js';

describe('a webhook whose receiver is down while the alarm cycles', () => {
  it('keeps max_queued messages behind the one being sent, drops the oldest, and delivers the rest in order', async () => {
    const port = await freePort();
    const received: number[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push((JSON.parse(body) as { score: number }).score);
        res.end();
      });
    });
    let release!: () => void;
    const backoff = new Promise<void>((r) => (release = r));
    const log = logLines();
    const metrics = new GatewayMetrics();
    const action = createAlarmAction(
      'pump-1',
      alarmActionSchema.parse({
        type: 'webhook',
        name: 'chat',
        url: `http://127.0.0.1:${port}/hook`,
        on: ['unack_active', 'normal'],
        max_queued: 3,
      }),
      0,
      { logger: log.logger, metrics, writers: new Map(), sleep: () => backoff },
      'assets[0].alarm.actions[3]',
    );
    const event = (score: number) => anomalyEvent(score % 2 === 0 ? 'unack_active' : 'normal', { score });
    action.dispatch(event(0)); // refused (nothing listens): waits in its backoff
    await log.next(/; retrying$/);
    for (let score = 1; score <= 6; score++) action.dispatch(event(score));
    expect(action.status()).toMatchObject({ pending: 3, dropped: 3 });
    expect(log.at(40).slice(1)).toEqual([
      'action chat (assets[0].alarm.actions[3]): 3 messages already wait (max_queued; the target down or slow): the ' +
        `oldest, POST http://127.0.0.1:${port}/*** for pump-1/anomaly → normal, is dropped unsent (1 so far)`,
      expect.stringContaining('→ unack_active, is dropped unsent (2 so far)'),
      expect.stringContaining('→ normal, is dropped unsent (3 so far)'),
    ]);
    await new Promise<void>((r) => receiver.listen(port, '127.0.0.1', r));
    expect((receiver.address() as AddressInfo).port).toBe(port);
    release();
    await action.idle();
    receiver.close();
    expect(received).toEqual([0, 4, 5, 6]);
    expect(await metrics.registry.getSingleMetricAsString('linewatch_alarm_actions_total')).toContain(
      'linewatch_alarm_actions_total{action="chat",outcome="dropped"} 3',
    );
  });
});
