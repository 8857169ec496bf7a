/** The demo configuration (config/demo.yaml) written into a test's folder: its models in the package, its data and
 * local store (`store.db`) in `dir`. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from './cli.js';

/** Writes `dir`/gateway.yaml; its path. */
export async function writeDemoConfig(dir: string): Promise<string> {
  const config = join(dir, 'gateway.yaml');
  const demo = await readFile(join(ROOT, 'config/demo.yaml'), 'utf8');
  await writeFile(
    config,
    demo
      .replaceAll('../models/', `${ROOT}/models/`)
      .replace('data_dir: ../data', `data_dir: ${dir}/data`)
      .replace('path: ../data/demo.db', `path: ${dir}/store.db`),
  );
  return config;
}
