/**
 * A webhook receiver that fails with a huge answer (issue: "error bodies are read whole"): the
 * action reads the first bytes of it for its error message and hangs up, against a real local
 * HTTP server that streams the body.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { alarmActionSchema } from '../../src/config/schema.js';
import { createAlarmAction } from '../../src/registry/runtime.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { streamBody } from '../helpers/http-faults.js';
import { logLines } from '../helpers/log-lines.js';

it('a 500 with a 64 MiB body: the error shows its first 200 characters and the rest is not read', async () => {
  const streamed: Promise<number>[] = [];
  const receiver = createServer((req, res) => {
    req.resume().on('end', () => streamed.push(streamBody(res.writeHead(500), 64 << 20)));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const log = logLines();
  try {
    const action = createAlarmAction(
      'pump-1',
      alarmActionSchema.parse({ type: 'webhook', name: 'notify', url, max_attempts: 1 }),
      0,
      { logger: log.logger, metrics: new GatewayMetrics(), writers: new Map() },
    );
    action.dispatch(anomalyEvent('unack_active'));
    await action.idle();
    const sent = await streamed[0];
    expect(sent).toBeLessThan(16 << 20); // all 64 MiB before the fix
    expect(log.at(50)).toEqual([
      expect.stringMatching(
        new RegExp(
          // the URL's path as the log's redaction shows it
          `^action notify: POST http://127\\.0\\.0\\.1:\\d+/\\S+ for .*: answered 500 x{200}…; gave up after 1 attempts$`,
        ),
      ),
    ]);
  } finally {
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  }
});
