/**
 * A TCP proxy for fault injection: forwards to a real server while up; while down it cuts every
 * open connection and refuses new ones, as a dead network link or a stopped server would; while
 * stalled it keeps every connection open and forwards nothing, as a link that went silent would;
 * retargeted, it forwards new connections to another port (a server started again there).
 */
import { EventEmitter, once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  setUp(up: boolean): void;
  /** Holds every byte, both ways, while `stalled` (the connections stay open); forwards them again after. */
  stall(stalled: boolean): void;
  /** Forwards the connections accepted from now on to `port` (a server started again elsewhere); open ones stay. */
  retarget(port: number): void;
  /** When each connection was accepted (performance.now(), ms), the refused ones while down included. */
  readonly opened: number[];
  /** Resolves once `n` connections were accepted. */
  accepted(n: number): Promise<void>;
  close(): Promise<void>;
  /**
   * Emits 'accepted' as each connection is accepted, and 'connection' with each client's socket as it is forwarded:
   * a test can see a client close it.
   */
  readonly events: EventEmitter;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  let up = true;
  let stalled = false;
  let target = targetPort;
  const sockets = new Set<Socket>();
  const links = new Set<readonly [Socket, Socket]>();
  const opened: number[] = [];
  const events = new EventEmitter();
  const forward = ([client, upstream]: readonly [Socket, Socket]) => client.pipe(upstream).pipe(client);
  const hold = ([client, upstream]: readonly [Socket, Socket]) => {
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
  };
  const server: Server = createServer((client) => {
    opened.push(performance.now());
    events.emit('accepted');
    if (!up) return client.destroy();
    const upstream = createConnection({ host: targetHost, port: target });
    sockets.add(client).add(upstream);
    const link = [client, upstream] as const;
    links.add(link);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
      links.delete(link);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    if (stalled) hold(link);
    else forward(link);
    events.emit('connection', client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    opened,
    async accepted(n) {
      while (opened.length < n) await once(events, 'accepted');
    },
    events,
    setUp(value) {
      up = value;
      if (!up) for (const s of sockets) s.destroy();
    },
    retarget(port) {
      target = port;
    },
    stall(value) {
      if (value === stalled) return;
      stalled = value;
      for (const link of links) (stalled ? hold : forward)(link);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
