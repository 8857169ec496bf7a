/**
 * A signed remote configuration may write to machines where the local file never did (a modbus_write to another
 * register, another value, an opcua_write): the signer's to decide, but before this nothing said so (the outcome was a
 * bare `applied`). The writes it adds are named in `applied`'s reason, which goes to the log, the outcome topic and
 * /api/status (the runner's report; apply.e2e covers that path).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConfigIntake, TakenConfig } from '../../src/remote-config/intake.js';
import type { ConfigBody } from '../../src/remote-config/message.js';
import { pumpYaml } from '../helpers/remote-config-files.js';
import { intakeBeside } from '../helpers/remote-intake.js';

const PLC_PORT = 5020;
const STOP = '{ type: modbus_write, name: stop, source: plc, table: holding, address: 10 }';
const alarm = (...actions: string[]) => `    alarm: { actions: [${actions.join(', ')}] }\n`;

let intake: ConfigIntake;
let sign: (body: ConfigBody) => Buffer;

beforeEach(async () => {
  ({ intake, sign } = await intakeBeside({ port: PLC_PORT, tail: alarm(STOP) }));
});

async function take(sequence: number, yaml: string): Promise<TakenConfig> {
  const taken = await intake.take(sign({ sequence, target: 'press-3', yaml }), 'mqtt linewatch/press-3/config');
  if (taken === 'running') throw new Error('running');
  return taken;
}

describe('writes to machines in a remote configuration', () => {
  it('names each write the local file does not make: another register, another value', async () => {
    const taken = await take(
      1,
      pumpYaml({ port: PLC_PORT }) +
        alarm(
          STOP,
          '{ type: modbus_write, name: open-valve, source: plc, unit_id: 1, table: coil, address: 7 }',
          '{ type: modbus_write, name: stop-harder, source: plc, table: holding, address: 10, value_active: 2 }',
        ),
    );
    expect(taken.newWrites).toBe(
      'writes to machines as the local configuration does not: modbus_write on plc (127.0.0.1:5020) unit 1 coil 7 (assets[0].alarm.actions[1]); modbus_write on plc (127.0.0.1:5020) unit (first) holding 10 (assets[0].alarm.actions[2])',
    );
  });

  it('names a write the local file makes, sent to another machine (the source moved)', async () => {
    const taken = await take(1, pumpYaml({ port: 5999 }) + alarm(STOP));
    expect(taken.newWrites).toBe(
      'writes to machines as the local configuration does not: modbus_write on plc (127.0.0.1:5999) unit (first) holding 10 (assets[0].alarm.actions[0])',
    );
  });

  it('says nothing of the writes the local file makes alike, renamed or dropped', async () => {
    const renamed = STOP.replace('name: stop', 'name: halt');
    expect((await take(1, pumpYaml({ port: PLC_PORT }) + alarm(renamed))).newWrites).toBeUndefined();
    expect((await take(2, pumpYaml({ port: PLC_PORT }))).newWrites).toBeUndefined();
  });
});
