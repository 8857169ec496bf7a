/**
 * The Dockerfile's install and start steps replayed in a clean folder (no Docker engine here):
 * `npm ci --omit=dev` from the lock file, the built dist/ and the assets copied as the image does,
 * then the container's start command must reach /healthz against the simulator. Proves the
 * runtime needs no development dependency. The Node-RED image's layout is checked the same way:
 * a real Node-RED runtime loads the linewatch nodes from that production install.
 */
import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/core/free-port.js';
import { runSimulator } from '../../src/sim/run-simulator.js';
import { ROOT } from '../helpers/cli.js';
import { startNodeRed } from '../../src/testing/node-red-process.js';

const run = promisify(execFile);

describe('container steps', () => {
  it('installs production dependencies only and the start command reaches /healthz', async () => {
    const app = await mkdtemp(join(tmpdir(), 'lw-image-'));
    for (const f of ['package.json', 'package-lock.json', '.npmrc']) await cp(join(ROOT, f), join(app, f));
    await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], {
      cwd: app,
      env: { ...process.env, NODE_ENV: 'production' },
      maxBuffer: 1 << 26,
    });
    await run('sh', [join(ROOT, 'scripts/prune-runtime.sh'), app]);
    for (const d of ['dist', 'bin', 'models', 'config']) await cp(join(ROOT, d), join(app, d), { recursive: true });
    expect(existsSync(join(app, 'node_modules/typescript'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/vitest'))).toBe(false);
    const { stdout: du } = await run('du', ['-sm', join(app, 'node_modules')]);
    process.stdout.write(`container steps: production node_modules ${du.split('\t')[0]} MB\n`);

    const sim = await runSimulator({ modbusPort: 0, seed: 4 });
    const port = await freePort();
    const config = (await readFile(join(app, 'config/demo.yaml'), 'utf8')).replace(
      'path: ../data/demo.db',
      `path: ${join(app, 'data/demo.db')}`,
    );
    await writeFile(join(app, 'config/linewatch.yaml'), config);
    const child = spawn(process.execPath, ['bin/linewatch.js', 'run', '--config', 'config/linewatch.yaml'], {
      cwd: app,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        ORT_DISABLE_TELEMETRY: '1',
        LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
        LINEWATCH_HTTP_PORT: String(port),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    try {
      let status = 0;
      const deadline = Date.now() + 30_000;
      // As Docker's HEALTHCHECK does: poll /healthz until it answers 200.
      while (status !== 200 && Date.now() < deadline && child.exitCode === null) {
        status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.status,
          () => 0,
        );
        if (status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await sim.close();
    }

    // The Node-RED image's step: the same production install, with the node files, loaded by a
    // real Node-RED runtime: the nodes need no development dependency either.
    await cp(join(ROOT, 'node-red'), join(app, 'node-red'), { recursive: true });
    const red = await startNodeRed({}, [], app);
    try {
      const sets = await red.nodeSets('linewatch');
      expect(sets.map((s) => ({ types: s.types, enabled: s.enabled, err: s.err }))).toEqual(
        sets.map((s) => ({ types: s.types, enabled: true, err: undefined })),
      );
      expect(sets).toHaveLength(6); // the five nodes and the linewatch-gateway configuration
    } finally {
      await red.stop();
    }
  }, 300_000);
});
