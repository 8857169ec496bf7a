/**
 * modbus_rtu_tcp behind a serial device server whose line sends bytes that are no answer (another master's traffic,
 * noise, a hostile device): modbus-serial's Telnet port kept every such byte and copied them all again at each arrival
 * (regression: 16 MB held 13.5 MB and blocked the event loop for two minutes). Real sockets; the chatter is the
 * unit's (fault injection).
 */
import type { Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { modbusRtuOverTcpSourceSchema } from '../../../src/config/schema.js';
import type { ModbusClient } from '../../../src/sources/modbus/modbus-connection.js';
import { RTU_FRAME_MAX_BYTES } from '../../../src/sources/modbus/rtu-receive-bound.js';
import { startLateAnsweringUnit } from '../../helpers/late-answering-unit.js';
import { connectedUnit1 } from '../../helpers/local-modbus-source.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const CHATTER_BYTES = 2 * 1024 * 1024;
/** An answer to a read of one register: unit, function, byte count, the register, CRC. */
const ANSWER_BYTES = 7;

/** The port modbus-serial's client reads through, and its socket (internals: what the regression was in). */
type TelnetPort = { _buffer: Buffer; _client: Socket };

describe('modbus_rtu_tcp: bytes on the line that are no answer', () => {
  it('are kept to one RTU frame at most, and the reads after them are answered', async () => {
    const unit = await startLateAnsweringUnit({ framing: 'rtu', late: new Set(), chatterBytes: CHATTER_BYTES });
    cleanups.push(() => unit.close());
    const config = modbusRtuOverTcpSourceSchema.parse({
      name: 'gw',
      type: 'modbus_rtu_tcp',
      host: '127.0.0.1',
      port: unit.port,
      unit_id: 1,
      asset: 'press-1',
      timeout_ms: 2000,
      registers: [{ channel: 'r7', address: 7, type: 'uint16' }],
    });
    const connection = await connectedUnit1(config);
    cleanups.push(() => connection.end());
    let client: ModbusClient | undefined;
    const read = () =>
      connection.request<{ data: number[] }>(2000, (c, cb) => {
        client = c;
        c.writeFC3(1, 7, 1, cb);
      });
    expect((await read()).data).toEqual([1007]);
    const port = (client as unknown as { _port: TelnetPort })._port;
    // Every byte of the chatter after the answer has come.
    await new Promise<void>((resolve) => {
      const whole = () => port._client.bytesRead >= ANSWER_BYTES + CHATTER_BYTES && resolve();
      port._client.on('data', whole);
      whole();
    });
    expect(port._buffer.length).toBe(RTU_FRAME_MAX_BYTES);
    expect((await read()).data).toEqual([1007]);
  });
});
