/**
 * (Used by the test suite and the benchmarks.) A real server run as a child process that can be
 * stopped and started again on the same port and data: the start resolves once `ready()` says
 * it serves, and fails with the server's own last words when it exits or takes too long.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServerProcess {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly pid: number | undefined;
}

export function serverProcess(
  name: string,
  binary: string,
  args: readonly string[],
  ready: () => Promise<boolean>,
  timeoutMs: number,
): ServerProcess {
  let child: ChildProcess | undefined;
  return {
    get pid() {
      return child?.pid;
    },
    async start() {
      const c = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      child = c;
      let stderr = '';
      c.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
      const deadline = Date.now() + timeoutMs;
      // Waiting for a child process to serve: poll it (there is no event to await).
      while (!(await ready())) {
        if (c.exitCode !== null) throw new Error(`${name} exited with ${c.exitCode}: ${stderr}`);
        if (Date.now() > deadline) {
          c.kill('SIGKILL');
          throw new Error(`${name} did not start within ${timeoutMs / 1000} s: ${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    },
  };
}
