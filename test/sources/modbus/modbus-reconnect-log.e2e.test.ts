/**
 * Regression: a reconnect after the connection was dropped (by the source, its devices no longer answering, or by the
 * PLC closing it) was counted in linewatch_source_reconnects_total but logged nowhere, while a reconnect after failed
 * connects was ("connected again"). It is logged once, with why the connection ended; a device that is dropped again
 * at once, answering nothing, is not logged at every reconnect. Real Modbus TCP servers on sockets: the one-line
 * gateway helper (its unit silent, then answering) and a register PLC that closes its connections.
 */
import { describe, expect, it } from 'vitest';
import { localModbusTcp } from '../../helpers/local-modbus-source.js';
import { ModbusSource } from '../../../src/sources/modbus/modbus-source.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { logLines } from '../../helpers/log-lines.js';
import { startOneLineGateway, type GatewayUnit } from '../../helpers/one-line-modbus-gateway.js';
import { startRegisterPlc } from '../../helpers/register-plc.js';

const sourceOn = (port: number) =>
  localModbusTcp(port, {
    asset: 'pump-1',
    poll_interval_ms: 50,
    timeout_ms: 200,
    registers: [{ channel: 'pressure', address: 0, type: 'uint16' }],
  });

const reconnects = async (metrics: GatewayMetrics) =>
  (await metrics.sourceReconnects.get()).values.find((v) => v.labels.source === 'plc')?.value ?? 0;

describe('a reconnect after a drop', () => {
  it('is logged once, with why the source dropped the connection, until the device answers again', async ({
    onTestFinished,
  }) => {
    const units = new Map<number, GatewayUnit>([[1, { silent: true }]]);
    const gateway = await startOneLineGateway(units);
    onTestFinished(() => gateway.close());
    const log = logLines('info');
    const metrics = new GatewayMetrics();
    // random 0: each backoff is half its delay (250 ms, then 500 ms).
    const source = new ModbusSource(sourceOn(gateway.port), { logger: log.logger, metrics, random: () => 0 });
    onTestFinished(() => source.stop());
    await source.start(() => undefined);
    // The unit answers nothing: the source drops the connection, reconnects, and drops it again.
    await expect.poll(() => reconnects(metrics), { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(2);
    units.set(1, {});
    await log.next(/answers again/);
    const device = `device plc (127.0.0.1:${gateway.port}, unit 1)`;
    expect(log.at(30).filter((m) => m.includes('connected again'))).toEqual([
      `${device}: connected again, after a drop: the source dropped it (${device}: read holding registers 0..0 ` +
        '(40001..40001): no answer within 200 ms (timeout_ms): the device is off or slower than that, or none has ' +
        'this unit id)',
    ]);
  }, 30_000);

  it('is logged when the PLC closed the connection', async ({ onTestFinished }) => {
    const plc = await startRegisterPlc(new Map([[0, 7]]));
    onTestFinished(() => plc.close());
    const log = logLines('info');
    const metrics = new GatewayMetrics();
    const source = new ModbusSource(sourceOn(plc.port), { logger: log.logger, metrics });
    onTestFinished(() => source.stop());
    // Closed right after its second answer: no read is on its way (one device, one poll group), so only the PLC's
    // close ends the connection.
    let answers = 0;
    await source.start((batch) => {
      if (batch[0].quality === 'good' && ++answers === 2) plc.dropConnections();
    });
    const line = await log.next(/connected again/);
    expect(line.msg).toBe(
      `device plc (127.0.0.1:${plc.port}, unit 1): connected again, after a drop: the device, or something between, ` +
        'closed it',
    );
    expect(await reconnects(metrics)).toBe(1);
  }, 30_000);
});
