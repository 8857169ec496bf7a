/** Starting and stopping an HTTP server the same way everywhere (pure Node, no framework). */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ListeningServer {
  /** The port bound (the one asked for, or the one the OS chose for 0). */
  readonly port: number;
  /** Closes the server and every open connection (keep-alive and event streams too). */
  readonly close: () => Promise<void>;
}

/** Listens on host:port; rejects with the listen error (EADDRINUSE, EACCES) instead of throwing later. */
export async function listen(server: Server, port: number, host: string): Promise<ListeningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
