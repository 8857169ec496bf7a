/**
 * A PLC whose network drops the connection attempt unanswered (a firewall, a route to nowhere): the connect gave up
 * only at the system's TCP timeout, about two minutes, while every device of the connection, and `run --once`, waited
 * on it. Now it gives up after the source's timeout_ms, with the error that timeout would have given.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { modbusTcpSourceSchema } from '../../../src/config/schema.js';
import type { Sample } from '../../../src/core/types.js';
import { ModbusSource } from '../../../src/sources/modbus/modbus-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { logLines } from '../../helpers/log-lines.js';

/**
 * Fault injection: a listener whose process is stopped (SIGSTOP), its accept queue (backlog 1) filled by two
 * connections: the kernel drops any further connection attempt unanswered, as a firewall does.
 */
async function unansweringListener(): Promise<{ port: number; close(): void }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '-e',
      "const s = require('net').createServer(); s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => console.log(s.address().port));",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d) => resolve(Number(String(d)))));
  child.kill('SIGSTOP');
  const fillers: Socket[] = [];
  for (let i = 0; i < 2; i++) {
    const filler = connect(port, '127.0.0.1');
    await new Promise((resolve) => filler.once('connect', resolve));
    fillers.push(filler);
  }
  return {
    port,
    close() {
      for (const f of fillers) f.destroy();
      child.kill('SIGKILL');
    },
  };
}

const config = (port: number) =>
  modbusTcpSourceSchema.parse({
    name: 'plc',
    type: 'modbus_tcp',
    host: '127.0.0.1',
    port,
    unit_id: 1,
    asset: 'pump-1',
    poll_interval_ms: 100,
    timeout_ms: 300,
    registers: [{ channel: 'v', address: 0, type: 'int16' }],
  });

describe('Modbus connect timeout', () => {
  it('run --once: a connect that is never answered fails after timeout_ms, named as the system would', async () => {
    const plc = await unansweringListener();
    try {
      const source = new ModbusSource(config(plc.port), {
        logger: createLogger('silent'),
        metrics: new GatewayMetrics(),
      });
      // actual: rejected after about 130 s (the test timed out).
      await expect(source.readOnce()).rejects.toThrow(
        `device plc (127.0.0.1:${plc.port}, unit 1): connect: ETIMEDOUT (no answer to the connection attempt: check host, and any firewall between)`,
      );
    } finally {
      plc.close();
    }
  }, 10_000);

  it("polling: the device's tags come back bad and the failure is logged, not waited on", async () => {
    const plc = await unansweringListener();
    const log = logLines('warn');
    const source = new ModbusSource(config(plc.port), { logger: log.logger, metrics: new GatewayMetrics() });
    try {
      const first = new Promise<readonly Sample[]>((resolve) => void source.start(resolve));
      // actual: no batch and no line for about 130 s.
      expect((await first).map((s) => [s.channel, s.quality])).toEqual([['v', 'bad']]);
      expect((await log.next(/connect: ETIMEDOUT/)).msg).toBe(
        `device plc (127.0.0.1:${plc.port}, unit 1): connect: ETIMEDOUT (no answer to the connection attempt: check host, and any firewall between)`,
      );
    } finally {
      await source.stop();
      plc.close();
    }
  }, 10_000);
});
