/** Free TCP ports: one the OS picks (for servers whose library cannot listen on port 0), or whether one is free. */
import { createServer, type AddressInfo } from 'node:net';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Why a server could not listen on host:port now (EADDRINUSE: another program holds it), or undefined where it can;
 * a moment's listen, closed again, so a program can refuse before it starts anything else.
 */
export function listenProblem(port: number, host: string): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen(port, host, () => server.close(() => resolve(undefined)));
  });
}
