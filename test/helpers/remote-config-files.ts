/** The configurations the remote-configuration tests sign and run: pump-1 (models/pump-ae) fed by one Modbus source. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export const PUMP_MODEL = join(ROOT, 'models/pump-ae');
const CHANNELS = ['vibration_1', 'vibration_2', 'motor_current', 'voltage', 'pressure', 'temperature', 'flow'];
const REGISTERS = CHANNELS.map((c, i) => `      - { channel: ${c}, address: ${i * 2}, type: float32 }`).join('\n');

/** A pump fed by a Modbus source: the source's name, the PLC's port, the asset (pump-1's model). */
export interface Pump {
  readonly source: string;
  readonly port: number;
  readonly asset: string;
}

/** A configuration where each of `pumps` is an asset fed by its Modbus source on 127.0.0.1, with `extra` at the top. */
export function pumpsYaml(pumps: readonly Pump[], extra = ''): string {
  const sources = pumps.map(
    (p) => `  - name: ${p.source}
    type: modbus_tcp
    host: 127.0.0.1
    port: ${p.port}
    asset: ${p.asset}
    poll_interval_ms: 200
    registers:
${REGISTERS}`,
  );
  const assets = pumps.map((p) => `  - name: ${p.asset}\n    model: ${PUMP_MODEL}`);
  return `${extra}
sources:
${sources.join('\n')}
assets:
${assets.join('\n')}
`;
}

/** A configuration whose Modbus source `source` on 127.0.0.1:`port` feeds pump-1, with `extra` at the top. */
export function pumpYaml(o: { readonly source?: string; readonly port: number; readonly extra?: string }): string {
  return pumpsYaml([{ source: o.source ?? 'plc', port: o.port, asset: 'pump-1' }], o.extra);
}

/**
 * Writes `<dir>/gateway.yaml`: gateway press-3, data in `<dir>/data`, the API on any free port, cloud.mqtt as `mqtt`
 * gives it (a flow mapping's inside), remote configuration signed with `publicKey` (and `remoteConfig`), and `extra`
 * at the top. Its path.
 */
export async function writeLocalGateway(
  dir: string,
  o: {
    readonly mqtt: string;
    readonly publicKey: string;
    readonly port: number;
    readonly extra?: string;
    /** More of cloud.remote_config (a flow mapping's inside), e.g. `probation_s: 2`. */
    readonly remoteConfig?: string;
    /** Its sources and assets (pumpsYaml); pumpYaml's on `port` where not given. */
    readonly pumps?: readonly Pump[];
  },
): Promise<string> {
  const file = join(dir, 'gateway.yaml');
  const top = `gateway: { name: press-3 }
data_dir: ${dir}/data
http: { port: 0 }
${o.extra ?? ''}
cloud:
  mqtt: { ${o.mqtt} }
  remote_config: { public_key_file: ${o.publicKey}${o.remoteConfig ? `, ${o.remoteConfig}` : ''} }
`;
  await writeFile(file, o.pumps ? pumpsYaml(o.pumps, top) : pumpYaml({ port: o.port, extra: top }));
  return file;
}
