/**
 * A PLC whose network drops the connection attempt unanswered (a firewall, a route to nowhere): the connect gave up
 * only at the system's TCP timeout, about two minutes, while every device of the connection, and `run --once`, waited
 * on it. Now it gives up after the source's connect_timeout_ms, with the error that timeout would have given. And a
 * link that loses the first attempt: the connect gave up at timeout_ms (1 s by default), before the system sent the
 * attempt again (after 1 s); by default it now waits timeout_ms + 3 s, past the system's third attempt (3 s).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import ModbusSerial from 'modbus-serial';
import { describe, expect, it } from 'vitest';
import { modbusTcpSourceSchema } from '../../../src/config/schema.js';
import type { Sample } from '../../../src/core/types.js';
import { connectTimeoutMs } from '../../../src/sources/modbus/modbus-connection.js';
import { ModbusSource } from '../../../src/sources/modbus/modbus-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { logLines } from '../../helpers/log-lines.js';

/**
 * Fault injection: a listener whose process is stopped (SIGSTOP), its accept queue (backlog 1) filled by two
 * connections: the kernel drops any further connection attempt (SYN) unanswered, as a firewall or a lossy link does.
 * `resume()` lets the process run again: it accepts what is queued, and the next attempt is answered; each connection
 * it accepts is forwarded to `forwardTo` (a real Modbus server), if given.
 */
async function unansweringListener(forwardTo?: number): Promise<{ port: number; resume(): void; close(): void }> {
  const forward = forwardTo
    ? `c => { const u = net.connect(${forwardTo}, '127.0.0.1'); c.pipe(u).pipe(c); c.on('error', () => u.destroy()); u.on('error', () => c.destroy()); }`
    : 'undefined';
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '-e',
      `const net = require('net'); const s = net.createServer(${forward}); s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => console.log(s.address().port));`,
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
    resume: () => child.kill('SIGCONT'),
    close() {
      for (const f of fillers) f.destroy();
      child.kill('SIGKILL');
    },
  };
}

/** The system's count of connection attempts dropped on a full accept queue (TcpExt ListenOverflows). */
function listenOverflows(): number {
  const [names, values] = readFileSync('/proc/net/netstat', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('TcpExt:'))
    .map((l) => l.split(/\s+/));
  return Number(values[names.indexOf('ListenOverflows')]);
}

const config = (port: number, extra: Record<string, unknown> = {}) =>
  modbusTcpSourceSchema.parse({
    name: 'plc',
    type: 'modbus_tcp',
    host: '127.0.0.1',
    port,
    unit_id: 1,
    asset: 'pump-1',
    poll_interval_ms: 100,
    timeout_ms: 300,
    connect_timeout_ms: 300,
    registers: [{ channel: 'v', address: 0, type: 'int16' }],
    ...extra,
  });

describe('Modbus connect timeout', () => {
  it('run --once: a connect that is never answered fails after connect_timeout_ms, named as the system would', async () => {
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

  it('connect_timeout_ms, not timeout_ms, is how long a connect is waited on', async () => {
    const plc = await unansweringListener();
    try {
      const source = new ModbusSource(config(plc.port, { timeout_ms: 100, connect_timeout_ms: 700 }), {
        logger: createLogger('silent'),
        metrics: new GatewayMetrics(),
      });
      const t0 = performance.now();
      await expect(source.readOnce()).rejects.toThrow(
        `device plc (127.0.0.1:${plc.port}, unit 1): connect: ETIMEDOUT (no answer to the connection attempt: check host, and any firewall between)`,
      );
      // Timers fire no sooner than asked (to the millisecond Node rounds them to).
      expect(performance.now() - t0).toBeGreaterThanOrEqual(699);
    } finally {
      plc.close();
    }
  }, 10_000);

  it('refuses a connect_timeout_ms past what a timer can wait (2^31 - 1 ms), naming it', () => {
    // Before: taken, and Node's timer fired after 1 ms instead: every connect failed at once with ETIMEDOUT.
    expect(() => config(1502, { connect_timeout_ms: 2 ** 31 })).toThrow(/connect_timeout_ms.*2147483647/s);
    expect(config(1502, { connect_timeout_ms: 2 ** 31 - 1 }).connect_timeout_ms).toBe(2 ** 31 - 1);
    // The default never passes it either.
    expect(connectTimeoutMs(config(1502, { connect_timeout_ms: undefined, timeout_ms: 2 ** 31 - 10 }))).toBe(
      2 ** 31 - 1,
    );
  });

  it("by default a connect waits for timeout_ms + 3 s: past the system's third attempt (at 3 s)", () => {
    const parsed = (extra: Record<string, unknown>) => config(1502, { connect_timeout_ms: undefined, ...extra });
    expect(connectTimeoutMs(parsed({}))).toBe(3300);
    expect(connectTimeoutMs(parsed({ timeout_ms: undefined }))).toBe(4000);
    expect(connectTimeoutMs(parsed({ connect_timeout_ms: 1500 }))).toBe(1500);
  });

  it('a first connection attempt lost: read once the system sends it again (1 s), past timeout_ms', async () => {
    const modbus = new ModbusSerial.ServerTCP({ getHoldingRegister: () => 42 } as never, {
      host: '127.0.0.1',
      port: 0,
      unitID: 255,
    });
    await new Promise<void>((resolve) => modbus.on('initialized', () => resolve()));
    const modbusPort = ((modbus as unknown as { _server: import('node:net').Server })._server.address() as AddressInfo)
      .port;
    const plc = await unansweringListener(modbusPort);
    try {
      // timeout_ms 300 and connect_timeout_ms by default (3,300 ms).
      const source = new ModbusSource(config(plc.port, { connect_timeout_ms: undefined }), {
        logger: createLogger('silent'),
        metrics: new GatewayMetrics(),
      });
      const dropped = listenOverflows();
      const t0 = performance.now();
      const read = source.readOnce();
      // The first SYN dropped by the kernel (the queue is full); then the listener runs again and empties its queue.
      await expect.poll(listenOverflows, { interval: 5, timeout: 5_000 }).toBeGreaterThan(dropped);
      plc.resume();
      // actual before (connect given up at timeout_ms): rejected with connect: ETIMEDOUT after 300 ms.
      const samples = await read;
      expect(samples.map((s) => [s.channel, s.value, s.quality])).toEqual([['v', 42, 'good']]);
      // Connected by a retransmitted SYN (1 s after the first, or 3 s where the first retransmission was dropped too).
      expect(performance.now() - t0).toBeGreaterThan(900);
    } finally {
      plc.close();
      await new Promise<void>((resolve) => modbus.close(() => resolve()));
    }
  }, 10_000);
});
