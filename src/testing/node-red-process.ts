/**
 * (Used by the test suite and the benchmarks.) A real Node-RED runtime as a child process: a temporary user directory
 * with this package (and node-red-contrib-modbus) installed in its node_modules the way
 * `npm install <folder>` does it (a link), bound to 127.0.0.1 on a free port. Flows are deployed
 * through the admin API like a user's editor deploys them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../core/free-port.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const require = createRequire(import.meta.url);

export interface NodeRedRuntime {
  readonly url: string;
  readonly userDir: string;
  readonly pid: number | undefined;
  log(): string;
  deploy(flows: unknown[]): Promise<void>;
  inject(nodeId: string): Promise<void>;
  /** Node sets of a module as the runtime reports them (loaded, errors). */
  nodeSets(module: string): Promise<{ id: string; types: string[]; enabled: boolean; err?: string }[]>;
  stop(): Promise<void>;
}

/** `linewatchDir`: the linewatch package to install (this repository, or a production copy of it). */
export async function startNodeRed(
  env: Record<string, string>,
  modules: readonly string[] = [],
  linewatchDir = ROOT,
): Promise<NodeRedRuntime> {
  const userDir = await mkdtemp(join(tmpdir(), 'lw-nodered-'));
  await mkdir(join(userDir, 'node_modules'));
  await symlink(linewatchDir, join(userDir, 'node_modules', 'linewatch'), 'dir');
  await linkModules(userDir, modules);
  return startNodeRedIn(userDir, env);
}

/** Links packages of this repository's node_modules into a user directory, as `npm install <folder>` does. */
export async function linkModules(userDir: string, modules: readonly string[]): Promise<void> {
  await mkdir(join(userDir, 'node_modules'), { recursive: true });
  for (const m of modules)
    await symlink(dirname(require.resolve(`${m}/package.json`)), join(userDir, 'node_modules', m), 'dir');
}

/**
 * Node-RED on a user directory whose node_modules is already installed (e.g. by `npm install
 * --prefix userDir <tarball>`); `stop()` deletes the directory. `settings`: more lines of its settings.js
 * (`adminAuth: {...},`).
 */
export async function startNodeRedIn(
  userDir: string,
  env: Record<string, string>,
  settings = '',
): Promise<NodeRedRuntime> {
  await writeFile(
    join(userDir, 'settings.js'),
    `module.exports = {
  uiHost: '127.0.0.1',
  flowFile: 'flows.json',
  credentialSecret: false,
  telemetry: { enabled: false, updateNotification: false },
  editorTheme: { tours: false },
  logging: { console: { level: 'info', metrics: false, audit: false } },
${settings}};
`,
  );
  const port = await freePort();
  const red = require.resolve('node-red/red.js');
  const child: ChildProcess = spawn(
    process.execPath,
    [red, '--userDir', userDir, '--port', String(port), '--settings', join(userDir, 'settings.js')],
    {
      // Only the variables given: none of the LINEWATCH_* settings this process may have.
      env: {
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LINEWATCH_'))),
        ...env,
        NODE_RED_ENABLE_PROJECTS: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  // Readiness: the admin API answers once the runtime has loaded its nodes.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Node-RED exited with ${child.exitCode} while starting:\n${output}`);
    // (401: admin users are set, and the API answers.)
    const ok = await fetch(`${url}/settings`).then(
      (r) => r.ok || r.status === 401,
      () => false,
    );
    if (ok && output.includes('Started flows')) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Node-RED did not start within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const admin = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${url}${path}`, init);
    if (!res.ok) throw new Error(`Node-RED ${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
    return res;
  };
  return {
    url,
    userDir,
    pid: child.pid,
    log: () => output,
    async deploy(flows) {
      await admin('/flows', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'Node-RED-Deployment-Type': 'full',
          'Node-RED-API-Version': 'v1',
        },
        body: JSON.stringify(flows),
      });
    },
    async inject(nodeId) {
      await admin(`/inject/${nodeId}`, { method: 'POST' });
    },
    async nodeSets(module) {
      const res = await admin(`/nodes/${module}`, { headers: { accept: 'application/json' } });
      return ((await res.json()) as { nodes: { id: string; types: string[]; enabled: boolean; err?: string }[] }).nodes;
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(userDir, { recursive: true, force: true });
    },
  };
}
