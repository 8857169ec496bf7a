/**
 * Fault injection for an OPC UA client's receive limits: a TCP proxy that rewrites the client's HEL to announce no
 * message size and no chunk count limit (0), as if the client had asked for none: a server then sends what it likes,
 * as one that ignores the limits would. It records the MaxMessageSize of each HEL as the client sent it.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface HelloRewriter {
  readonly port: number;
  /** The MaxMessageSize of each HEL as the client sent it, before the rewrite, in order. */
  readonly announced: number[];
  close(): Promise<void>;
}

export async function startHelloRewriter(targetPort: number): Promise<HelloRewriter> {
  const sockets = new Set<Socket>();
  const announced: number[] = [];
  const proxyServer: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    sockets.add(client).add(upstream);
    let first = true;
    client.on('data', (data: Buffer) => {
      if (first && data.subarray(0, 4).toString('latin1') === 'HELF') {
        announced.push(data.readUInt32LE(20));
        data.writeUInt32LE(0, 20); // MaxMessageSize
        data.writeUInt32LE(0, 24); // MaxChunkCount
      }
      first = false;
      upstream.write(data);
    });
    upstream.pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => proxyServer.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxyServer.address() as AddressInfo).port,
    announced,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        proxyServer.close(() => resolve());
      }),
  };
}
