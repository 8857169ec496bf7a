/**
 * The Dockerfile's gateway target replayed in clean folders (no Docker engine here): its stages'
 * COPY and RUN instructions as written (read from the Dockerfile, each stage a folder standing for
 * its /app, `FROM <stage>` a hard-linked copy of that stage), then the image's ENTRYPOINT and CMD
 * with its ENV, the shipped config/linewatch.yaml, against the simulator, until the image's own
 * HEALTHCHECK command passes on a port of the test's choosing. Proves the build installs no
 * development dependency but the compiler, and that the runtime needs none. The Node-RED image's
 * layout is checked the same way: a real Node-RED runtime loads the linewatch nodes from that
 * production install.
 */
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/core/free-port.js';
import { runSimulator } from '../../src/sim/run-simulator.js';
import { ROOT } from '../helpers/cli.js';
import { execForm, parseCopy, parseEnv, readDockerfile, stage, type Stage } from '../helpers/dockerfile.js';
import { startNodeRed } from '../../src/testing/node-red-process.js';

const run = promisify(execFile);
/** What the replay does not run: the system packages (present here) and the system folders. */
const SYSTEM = [/^apt-get update /, /^mkdir -p \/data \/config && chown /];

/** Builds the stages the target needs, in Dockerfile order, each in a folder of `root`. */
async function replay(root: string, target: string): Promise<{ app: string; fs: (p: string) => string }> {
  const { stages } = readDockerfile();
  const dirs = new Map<string, string>();
  const skipped: string[] = [];
  const needed = new Set<string>();
  const need = (s: Stage): void => {
    needed.add(s.name);
    for (const i of s.instructions.filter((i) => i.op === 'COPY')) {
      const from = parseCopy(i.args).from;
      if (from) need(stage(stages, from));
    }
    if (stages.some((t) => t.name === s.from)) need(stage(stages, s.from));
  };
  need(stage(stages, target));
  // A stage's /app is its folder; any other absolute path lies under <folder>.fs.
  const at = (name: string, path: string) =>
    path.startsWith('/app') ? join(dirs.get(name)!, path.slice(4)) : join(`${dirs.get(name)}.fs`, path);
  for (const s of stages.filter((s) => needed.has(s.name))) {
    const dir = join(root, s.name);
    dirs.set(s.name, dir);
    if (dirs.has(s.from)) await run('cp', ['-al', dirs.get(s.from)!, dir]);
    else await mkdir(dir, { recursive: true });
    for (const { op, args } of s.instructions) {
      if (op === 'WORKDIR') expect(args).toBe('/app');
      if (op === 'COPY') {
        const copy = parseCopy(args);
        const dest = copy.dest.startsWith('/') ? at(s.name, copy.dest) : join(dir, copy.dest);
        for (const source of copy.sources) {
          const from = copy.from ? at(copy.from, source) : join(ROOT, source);
          const to = dest.endsWith('/') ? join(dest, source.split('/').at(-1)!) : dest;
          await mkdir(dirname(to), { recursive: true });
          await cp(from, to, { recursive: true });
        }
      }
      if (op === 'RUN') {
        if (SYSTEM.some((re) => re.test(args))) skipped.push(args);
        else await run('sh', ['-c', args], { cwd: dir, maxBuffer: 1 << 26 });
      }
    }
  }
  expect(skipped.map((s) => SYSTEM.findIndex((re) => re.test(s)))).toEqual([0, 1]);
  return { app: dirs.get(target)!, fs: (p) => at(target, p) };
}

describe('container steps', () => {
  it('builds with production dependencies and the compiler only; the CMD runs, the HEALTHCHECK follows the configured port', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lw-image-'));
    const { app, fs } = await replay(root, 'gateway');
    // The build stage had the compiler; the image has no development dependency at all.
    expect(existsSync(join(root, 'build/.compiler/node_modules/typescript/bin/tsc'))).toBe(true);
    for (const dev of ['typescript', 'vitest', 'node-red', 'eslint', '@types/better-sqlite3'])
      expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    expect(existsSync(join(app, 'dist/cli/main.js'))).toBe(true);
    const { stdout: du } = await run('du', ['-sm', join(app, 'node_modules')]);
    process.stdout.write(`container steps: production node_modules ${du.split('\t')[0]} MB\n`);

    const gateway = stage(readDockerfile().stages, 'gateway');
    const ops = (op: string) => gateway.instructions.filter((i) => i.op === op).map((i) => i.args);
    const imageEnv: Record<string, string> = Object.assign({}, ...ops('ENV').map(parseEnv));
    const sim = await runSimulator({ modbusPort: 0, seed: 4 });
    const port = await freePort();
    await mkdir(fs('/data'), { recursive: true });
    // As `docker run -e ... -v <data>:/data` would: the image's ENV, its paths under this replay's root.
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      ...Object.fromEntries(Object.entries(imageEnv).map(([k, v]) => [k, v.startsWith('/') ? fs(v) : v])),
      LINEWATCH_DATA_DIR: fs('/data'),
      LINEWATCH_API_TOKEN: 'container-token-0123456789',
      PLC_PORT: String(sim.modbusPort),
      LINEWATCH_HTTP_PORT: String(port),
    };
    const configPath = fs('/config/linewatch.yaml');
    expect(env.LINEWATCH_CONFIG).toBe(configPath);
    const exec = (argv: string[]) => (argv[0] === 'node' ? [process.execPath, ...argv.slice(1)] : argv);
    const [cmd, ...cmdArgs] = exec([...execForm(ops('ENTRYPOINT')[0]), ...execForm(ops('CMD')[0])]);
    const [hc, ...hcArgs] = exec(execForm(ops('HEALTHCHECK')[0]));
    const healthcheck = () =>
      new Promise<number | null>((r) => spawn(hc, hcArgs, { cwd: app, env, stdio: 'ignore' }).on('exit', r));
    expect(await healthcheck()).toBe(1);

    // `docker run linewatch validate`: a command given to the image runs instead of the gateway.
    const validateArgs = [...cmdArgs, 'validate', '--config', configPath];
    const validate = spawn(cmd, validateArgs, { cwd: app, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let validated = '';
    validate.stdout.on('data', (c: Buffer) => (validated += c.toString()));
    expect(await new Promise((r) => validate.on('exit', r))).toBe(0);
    expect(validated).toContain(configPath);

    const child = spawn(cmd, cmdArgs, { cwd: app, env, stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    try {
      let healthy: number | null = 1;
      const deadline = Date.now() + 60_000;
      // As Docker does: run the HEALTHCHECK command until it exits 0.
      while (healthy !== 0 && Date.now() < deadline && child.exitCode === null) healthy = await healthcheck();
      expect(healthy).toBe(0);
      const status = (token?: string) =>
        fetch(`http://127.0.0.1:${port}/api/status`, {
          headers: token ? { authorization: `Bearer ${token}` } : {},
        }).then((r) => r.status);
      expect(await status()).toBe(401);
      expect(await status(env.LINEWATCH_API_TOKEN)).toBe(200);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await sim.close();
    }
    expect(await healthcheck()).toBe(1);

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
  }, 1_200_000);
});
