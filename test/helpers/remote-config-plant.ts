/**
 * The plant the remote-configuration probation tests run on: a real mosquitto, and a real Modbus TCP PLC (register-plc)
 * whose registers give pump-1's seven channels good values, started before a test file's tests and stopped after; and
 * a port where nothing listens (a configuration that points a source there fails its probation).
 */
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../../src/core/free-port.js';
import { startMosquitto, type Mosquitto } from '../../src/testing/mosquitto.js';
import { startRegisterPlc, type RegisterPlc } from './register-plc.js';
import { writeLocalGateway, type Pump } from './remote-config-files.js';

export interface ProbationPlant {
  readonly broker: Mosquitto;
  readonly plc: RegisterPlc;
  readonly deadPort: number;
}

/** Starts the plant in the calling file's beforeAll (stopped in its afterAll); read its parts in the tests. */
export function useProbationPlant(): ProbationPlant {
  let parts: ProbationPlant | undefined;
  beforeAll(async () => {
    const broker = await startMosquitto();
    const plc = await startRegisterPlc(new Map(Array.from({ length: 14 }, (_, i) => [i, i % 2 === 0 ? 0x3f80 : 0])));
    parts = { broker, plc, deadPort: await freePort() };
  });
  afterAll(async () => {
    await parts?.plc.close();
    await parts?.broker.stop();
  });
  const started = (): ProbationPlant => {
    if (!parts) throw new Error('the probation plant is started in beforeAll: read it in a test');
    return parts;
  };
  return {
    get broker() {
      return started().broker;
    },
    get plc() {
      return started().plc;
    },
    get deadPort() {
      return started().deadPort;
    },
  };
}

/**
 * Writes `<dir>/gateway.yaml` for the plant: its source on the PLC, cloud.mqtt at `url` (the broker's unless given)
 * under `prefix`, remote configuration signed with `<dir>/keys`' key and a probation `seconds` long; `pumps` in place
 * of the one source where given.
 */
export function writePlantGateway(
  dir: string,
  plant: ProbationPlant,
  o: { readonly prefix: string; readonly seconds: number; readonly url?: string; readonly pumps?: readonly Pump[] },
): Promise<string> {
  return writeLocalGateway(dir, {
    mqtt: `url: ${o.url ?? plant.broker.url}, topic_prefix: ${o.prefix}, publish_health: false`,
    publicKey: 'keys/release-signing.pub.pem',
    port: plant.plc.port,
    remoteConfig: `probation_s: ${o.seconds.toString()}`,
    ...(o.pumps ? { pumps: o.pumps } : {}),
  });
}
