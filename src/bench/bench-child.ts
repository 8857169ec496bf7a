/** Benchmark child processes (servers and clients measured from outside) and their IPC answers. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Forks a compiled script next to this file (dist/bench/...), with an IPC channel. */
export function benchChild(script: string, args: readonly (string | number)[]): ChildProcess {
  return fork(fileURLToPath(new URL(script, import.meta.url)), args.map(String), {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

/** Resolves with the child's next message that has `key`, after sending `request` if given. */
export function reply<T>(c: ChildProcess, key: string, request?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (!(key in m)) return;
      c.off('message', onMessage);
      c.off('exit', onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null) => reject(new Error(`benchmark child exited with ${code} before answering`));
    c.on('message', onMessage);
    c.once('exit', onExit);
    if (request) c.send(request);
  });
}
