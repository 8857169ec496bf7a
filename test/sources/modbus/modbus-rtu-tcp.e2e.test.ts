/**
 * modbus_rtu_tcp against a serial device server in transparent mode: socat passes the TCP connection's bytes to one end
 * of a pty pair as they come (as a Moxa NPort in TCP server mode, or a USR-TCP232 box, passes them to its RS-485 port),
 * the simulator's RTU server on the other end. What arrives on the line must be RTU frames (unit, PDU, CRC), not
 * Modbus TCP's MBAP header.
 */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { modbusRtuOverTcpSourceSchema } from '../../../src/config/schema.js';
import { freePort } from '../../../src/core/free-port.js';
import { LineSimulator } from '../../../src/sim/line-simulator.js';
import { startSimModbusRtuServer } from '../../../src/sim/modbus-server.js';
import { ModbusSource } from '../../../src/sources/modbus/modbus-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { ptyPair } from '../../helpers/pty-pair.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A transparent serial device server: a TCP port whose bytes go to a serial line with the simulator's units on it. */
async function deviceServer(): Promise<number> {
  const sim = new LineSimulator({ seed: 5, now: () => 1_000_000 });
  sim.tick();
  const line = await ptyPair();
  cleanups.push(() => line.close());
  const server = await startSimModbusRtuServer(sim, line.device, 19200);
  cleanups.push(() => server.close().catch(() => undefined));
  const port = await freePort();
  // -d -d: socat says on stderr when it listens.
  const socat = spawn('/usr/bin/socat', [
    '-d',
    '-d',
    `tcp-listen:${port},bind=127.0.0.1,reuseaddr`,
    `${line.gateway},raw,echo=0`,
  ]);
  cleanups.push(() => void socat.kill());
  await new Promise<void>((resolve, reject) => {
    let said = '';
    socat.stderr.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('listening on')) resolve();
    });
    socat.once('exit', () => reject(new Error(`socat ended: ${said}`)));
  });
  return port;
}

/** A modbus_rtu_tcp source on `port` of this machine, unit 1: a float32 the simulator serves, a register it lacks. */
const nportSource = (port: number) =>
  new ModbusSource(
    modbusRtuOverTcpSourceSchema.parse({
      name: 'nport',
      type: 'modbus_rtu_tcp',
      host: '127.0.0.1',
      port,
      unit_id: 1,
      asset: 'pump-1',
      timeout_ms: 1000,
      registers: [
        { channel: 'voltage', address: 4, type: 'float32', byte_order: 'CDAB' },
        { channel: 'nothing', address: 40, type: 'uint16' },
      ],
    }),
    { logger: createLogger('silent'), metrics: new GatewayMetrics() },
  );

describe('modbus_rtu_tcp through a transparent serial device server', () => {
  it('reads RTU frames over TCP, and names an exception (regression: it sent Modbus TCP frames, never answered)', async () => {
    const port = await deviceServer();
    const source = nportSource(port);
    const samples = await source.readOnce();
    const voltage = samples.find((s) => s.channel === 'voltage');
    expect(voltage).toMatchObject({ quality: 'good' });
    expect(voltage!.value).toBeGreaterThan(220);
    expect(voltage!.value).toBeLessThan(240);
    expect(samples.find((s) => s.channel === 'nothing')).toMatchObject({
      quality: 'bad',
      reason: `device nport (127.0.0.1:${port} RTU, unit 1): read holding registers 40..40 (40041..40041): illegal data address (Modbus exception 2)`,
    });
  });
});

describe('modbus_rtu_tcp where nothing listens', () => {
  it('says a refused connect wants a serial device server passing RTU frames, not a Modbus TCP server', async () => {
    // A free port of this machine: the connect is refused by the system, as a device server's port left closed is.
    const port = await freePort();
    const source = nportSource(port);
    await expect(source.readOnce()).rejects.toThrow(
      `device nport (127.0.0.1:${port} RTU, unit 1): connect: ECONNREFUSED (connection refused, nothing listens at ` +
        'that address and port: check port, and that the device serves RTU frames over TCP: a serial device server ' +
        '(a Moxa NPort, a USR-TCP232) in TCP server mode, passing them to its serial line)',
    );
  });
});
