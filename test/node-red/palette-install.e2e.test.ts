/**
 * The Node-RED palette package as a user installs it: `npm pack` of packages/node-red-contrib-linewatch,
 * `npm install --prefix <fresh user dir> <tarball>` with install scripts allowed (npm 10's default,
 * what Node-RED's palette manager runs), no LINEWATCH_* or onnxruntime variable set, and the CUDA
 * download host made unreachable (onnxruntime-node's install script honours GLOBAL_AGENT_HTTPS_PROXY:
 * it points at a closed port). Then a real Node-RED 4.1 on that user directory loads the nodes, lists
 * the examples, and the Modbus example flow, deployed byte for byte as the package ships it, runs
 * against the line simulator (only its port is given, through the environment; the host is the
 * flow's default) and scores on onnxruntime-web.
 */
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulator, type RunningSimulator } from '../../src/sim/run-simulator.js';
import { linkModules, startNodeRedIn, type NodeRedRuntime } from '../../src/testing/node-red-process.js';
import { ROOT } from '../helpers/cli.js';
import { plainNpmEnv } from '../helpers/plain-npm-env.js';
import { expectNodesLoaded, expectStackLightOnFault } from './flow-checks.js';

const run = promisify(execFile);
const PACKAGE = 'node-red-contrib-linewatch';

let work: string;
let userDir: string;
let installLog: string;
let sim: RunningSimulator;
let red: NodeRedRuntime;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'lw-palette-'));
  userDir = join(work, 'user');
  const env = await plainNpmEnv();
  const packed = await run('npm', ['pack', '--pack-destination', work], {
    cwd: join(ROOT, 'packages', PACKAGE),
    env: { ...env, PATH: process.env.PATH },
  });
  const tarball = join(work, packed.stdout.trim().split('\n').pop()!);
  await run('mkdir', ['-p', userDir]);
  // What Node-RED writes into a new user directory.
  await writeFile(join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }));
  // npm 11.19+ skips dependencies' install scripts unless told; npm 10 (Node 20's) runs them and
  // does not know the flag. Either way the install runs the scripts a Node-RED user's npm would.
  const npmMajor = Number((await run('npm', ['--version'], { env })).stdout.trim().split('.')[0]);
  const allowScripts = npmMajor >= 11 ? ['--dangerously-allow-all-scripts'] : [];
  const installed = await run(
    'npm',
    ['install', '--prefix', userDir, tarball, ...allowScripts, '--no-audit', '--no-fund'],
    {
      cwd: userDir,
      env,
    },
  );
  installLog = installed.stdout + installed.stderr;
  // The example's other palette dependency, as the user would have it.
  await linkModules(userDir, ['node-red-contrib-modbus']);
  sim = await runSimulator({ modbusPort: 0, httpPort: 0, seed: 23 });
  red = await startNodeRedIn(userDir, { LINEWATCH_MODBUS_PORT: String(sim.modbusPort) });
}, 240_000);

afterAll(async () => {
  await red?.stop();
  await sim?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Packages in the installed tree that run an install-time script. */
function installScripts(dir: string): string[] {
  const found: string[] = [];
  const visit = (modules: string) => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      // Skip dot folders and links (the example's other palette dependency is linked from this repository).
      if (entry.startsWith('.') || lstatSync(join(modules, entry)).isSymbolicLink()) continue;
      if (entry.startsWith('@')) {
        visit(join(modules, entry));
        continue;
      }
      const pkg = JSON.parse(readFileSync(join(modules, entry, 'package.json'), 'utf8'));
      const scripts = Object.keys(pkg.scripts ?? {}).filter((s) =>
        ['preinstall', 'install', 'postinstall'].includes(s),
      );
      if (scripts.length > 0) found.push(`${pkg.name}: ${scripts.join(', ')}`);
      visit(join(modules, entry, 'node_modules'));
    }
  };
  visit(join(dir, 'node_modules'));
  return found.sort();
}

describe('node-red-contrib-linewatch installed from its tarball into a fresh Node-RED user directory', () => {
  it('installs from the npm registry alone: no onnxruntime-node, no script that downloads', () => {
    expect(existsSync(join(userDir, 'node_modules', PACKAGE, 'nodes', 'linewatch-window.js')), installLog).toBe(true);
    expect(existsSync(join(userDir, 'node_modules', 'onnxruntime-web', 'package.json'))).toBe(true);
    expect(existsSync(join(userDir, 'node_modules', 'onnxruntime-node'))).toBe(false);
    // protobufjs' postinstall only compares versions of its own CLI; nothing else runs at install.
    expect(installScripts(userDir)).toEqual(['protobufjs: postinstall']);
  });

  it('loads the five nodes and the gateway configuration without error', async () => {
    await expectNodesLoaded(red, PACKAGE);
    expect(red.log()).toMatch(
      /linewatch: scoring with onnxruntime-web 1\.\d+\.\d+ \(onnxruntime-node: not installed\)/,
    );
  });

  it('lists its example flows under Import → Examples', async () => {
    // What the editor's Import → Examples menu asks for.
    const res = await fetch(`${red.url}/library/examples/flows/${PACKAGE}`);
    expect(res.status).toBe(200);
    const listed = (await res.json()) as { fn: string }[];
    expect(listed.map((e) => e.fn).sort()).toEqual(['daemon-notifications', 'modbus-stack-light', 'opcua-influxdb']);
    const one = await fetch(`${red.url}/library/examples/flows/${PACKAGE}/modbus-stack-light`);
    expect(await one.json()).toEqual(JSON.parse(readFileSync(join(ROOT, 'flows', 'modbus-stack-light.json'), 'utf8')));
  });

  it('runs the Modbus example as imported against the simulator: scores on onnxruntime-web, lights the stack light on a fault', async () => {
    const shipped = readFileSync(join(userDir, 'node_modules', PACKAGE, 'examples', 'modbus-stack-light.json'), 'utf8');
    expect(shipped).toBe(readFileSync(join(ROOT, 'flows', 'modbus-stack-light.json'), 'utf8'));
    await red.deploy(JSON.parse(shipped));
    await expectStackLightOnFault(sim, red, 100);
  }, 150_000);
});
