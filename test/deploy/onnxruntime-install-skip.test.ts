/**
 * onnxruntime-node's install script downloads CUDA binaries from a host plants and CI cannot reach, and a
 * failed script rolls back the whole `npm ci`. Each install path keeps it from running, with no config key
 * npm does not know (npm 11 warns about one on every command, npm 12 refuses one on the command line):
 * npm 11.16 and later skip it by package.json's allowScripts, and the images' npm 10 runs it with the skip
 * that the script itself reads. Each is checked with the real npm and the real script, the download host
 * unreachable, so a script that tried to download would fail.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { ops, readDockerfile } from '../helpers/dockerfile.js';
import { plainNpmEnv } from '../helpers/plain-npm-env.js';

const run = promisify(execFile);
const ORT = join(ROOT, 'node_modules', 'onnxruntime-node');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  allowScripts: Record<string, boolean>;
};

/** Runs `cmd` and gives its exit code and output, whether it failed or not. */
async function outcome(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }) {
  try {
    const { stdout, stderr } = await run(cmd, args, opts);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** The installed npm's version as [major, minor]. */
async function npmVersion(env: NodeJS.ProcessEnv): Promise<[number, number]> {
  const [major, minor] = (await run('npm', ['--version'], { env })).stdout.trim().split('.').map(Number);
  return [major, minor];
}

describe('onnxruntime-node install script', () => {
  it("npm reads no key of the repository's .npmrc that it does not know", async () => {
    const env = await plainNpmEnv();
    const home = await mkdtemp(join(tmpdir(), 'lw-npmrc-'));
    try {
      // The machine's and the user's own npmrc files are left out: only the repository's keys are judged.
      const [user, global] = [join(home, 'user.npmrc'), join(home, 'global.npmrc')];
      for (const file of [user, global]) await writeFile(file, '');
      const args = ['pkg', 'get', 'name', '--userconfig', user, '--globalconfig', global];
      const got = await outcome('npm', args, { cwd: ROOT, env });
      expect(got.stdout.trim()).toBe('"linewatch"');
      expect(got.stderr).not.toContain('Unknown');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it("npm 11.16 and later do not run it: package.json's allowScripts denies it", async () => {
    expect(pkg.allowScripts['onnxruntime-node']).toBe(false);
    const env = await plainNpmEnv();
    const [major, minor] = await npmVersion(env);
    // The same gate `npm ci` passes each package through, on a project holding onnxruntime-node's manifest and
    // script (not its dependencies: run, the script fails) and the repository's .npmrc and allowScripts.
    const project = await mkdtemp(join(tmpdir(), 'lw-ort-script-'));
    try {
      const installed = join(project, 'node_modules', 'onnxruntime-node');
      await mkdir(installed, { recursive: true });
      await cp(join(ORT, 'package.json'), join(installed, 'package.json'));
      await cp(join(ORT, 'script'), join(installed, 'script'), { recursive: true });
      await cp(join(ROOT, '.npmrc'), join(project, '.npmrc'));
      const { version } = JSON.parse(readFileSync(join(ORT, 'package.json'), 'utf8')) as { version: string };
      await writeFile(
        join(project, 'package.json'),
        JSON.stringify({ name: 'p', private: true, dependencies: { 'onnxruntime-node': version }, allowScripts: pkg.allowScripts }),
      );
      const got = await outcome('npm', ['rebuild', '--foreground-scripts'], { cwd: project, env });
      const honoursDenial = major > 11 || (major === 11 && minor >= 16);
      // An older npm runs the script (the Dockerfile's npm 10 is given the skip, next test).
      expect({ code: got.code, ran: got.stderr.includes('node ./script/install') }).toEqual(
        honoursDenial ? { code: 0, ran: false } : { code: 1, ran: true },
      );
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });

  /** The variables an `npm ci` in a shell command line sets for it (`A=1 npm ci`), each `npm ci` of the line. */
  const ciVariables = (line: string): Record<string, string>[] =>
    line
      .split(/&&|;/)
      .map((part) => part.trim())
      .filter((part) => /\bnpm ci\b/.test(part))
      .map((part) => {
        const prefix = /^((?:\w+=\S+\s+)*)npm ci\b/.exec(part)?.[1] ?? '';
        return Object.fromEntries(prefix.trim().split(/\s+/).filter(Boolean).map((a) => a.split('=')));
      });

  /** The install script run as npm 10 runs it (it reads no allowScripts), with `vars` set. */
  const scriptWith = async (vars: Record<string, string>) =>
    outcome(process.execPath, [join(ORT, 'script', 'install.js')], { cwd: ORT, env: { ...(await plainNpmEnv()), ...vars } });

  it("the images' npm ci (npm 10) runs it with the skip it reads: it exits at once, downloading nothing", async () => {
    const installs = readDockerfile()
      .stages.flatMap((s) => ops(s, 'RUN'))
      .filter((r) => /\bnpm ci\b/.test(r));
    expect(installs.length).toBe(2);
    for (const install of installs) {
      for (const vars of ciVariables(install)) expect({ install, ...(await scriptWith(vars)) }).toEqual({ install, code: 0, stdout: '', stderr: '' });
    }
  });

  it("the README's two commands (the second is CI's) skip it under npm 10 too: no download whatever npm a machine has", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const commands = [...readme.matchAll(/^```sh\n(.*)\n```$/gm)].slice(0, 2).map((m) => m[1]);
    expect(commands).toHaveLength(2);
    for (const command of commands) {
      const installs = ciVariables(command);
      expect({ command, installs: installs.length }).toEqual({ command, installs: 1 });
      expect({ command, ...(await scriptWith(installs[0])) }).toEqual({ command, code: 0, stdout: '', stderr: '' });
    }
  });
});
