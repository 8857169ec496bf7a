/**
 * The simulator's own configuration file (`linewatch simulate --config FILE`): ports, seed,
 * speed, an optional CSV replay and a fault schedule. Strict like the gateway's config.
 */
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { parseYamlDocument, readTextFile } from '../core/yaml-document.js';
import { faultSpecSchema } from './faults.js';
import type { RunSimulatorOptions } from './run-simulator.js';

const port = z.number().int().min(0).max(65535);

export const simConfigSchema = z.strictObject({
  seed: z.number().int().default(1),
  speed: z.number().positive().default(1),
  host: z.string().default('127.0.0.1'),
  modbus: z.strictObject({ port: port.default(5020) }).default({ port: 5020 }),
  opcua: z
    .strictObject({
      enabled: z.boolean().default(true),
      port: port.default(4840),
      pki_dir: z.string().default('data/sim-pki'),
    })
    .default({ enabled: true, port: 4840, pki_dir: 'data/sim-pki' }),
  http: z.strictObject({ port: port.default(8091) }).default({ port: 8091 }),
  /** A SKAB-format CSV replayed as the pump's signals. */
  replay: z.string().optional(),
  faults: z.array(faultSpecSchema).default([]),
});
export type SimConfig = z.infer<typeof simConfigSchema>;

export async function loadSimConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<RunSimulatorOptions> {
  const { path, text } = await readTextFile(file, 'simulator configuration');
  const c = parseYamlDocument(simConfigSchema, text, path, env);
  const base = dirname(path);
  return {
    host: c.host,
    seed: c.seed,
    speed: c.speed,
    modbusPort: c.modbus.port,
    opcua: c.opcua.enabled ? { port: c.opcua.port, pkiDir: resolve(base, c.opcua.pki_dir) } : undefined,
    httpPort: c.http.port,
    replayCsv: c.replay ? resolve(base, c.replay) : undefined,
    schedule: c.faults,
  };
}
