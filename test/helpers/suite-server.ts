/** A real server started once for a test file and stopped after it; returns a getter for it. */
import { afterAll, beforeAll } from 'vitest';

export function suiteServer<T extends { stop(): Promise<void> }>(start: () => Promise<T>): () => T {
  let server: T | undefined;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('the suite server is not started (use it inside a test)');
    return server;
  };
}
