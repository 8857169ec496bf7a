/** A daemon's configuration file of one OPC UA source, for the tests that ask its HTTP API what it says. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Writes `dir`/linewatch.yaml: data in `dir`, the API on a free loopback port, and one OPC UA source `name` of
 * `endpoint` (asset line, publishing every 100 ms) with `keys`, its further lines (`nodes: [...]`, indented as keys of
 * the source); resolves with the file's path.
 */
export async function opcuaDaemonFile(dir: string, name: string, endpoint: string, keys: readonly string[]) {
  const file = join(dir, 'linewatch.yaml');
  const source = [
    `name: ${name}`,
    'type: opcua',
    `endpoint: ${endpoint}`,
    'asset: line',
    'publishing_interval_ms: 100',
  ];
  await writeFile(
    file,
    [
      `data_dir: ${dir}`,
      'http: { host: 127.0.0.1, port: 0 }',
      'sources:',
      ...[...source, ...keys].map((line, i) => `${i === 0 ? '  - ' : '    '}${line}`),
    ].join('\n'),
  );
  return file;
}
