/**
 * HTTP fault injection for tests of what a client does with answers a real server rarely gives:
 * a body streamed without end in sight (counting what the client took before it hung up), and a
 * proxy in front of a real server that answers the first requests on a path itself, then forwards, and keeps what
 * each request sent (its headers: the credentials a client sends).
 */
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Writes `total` bytes of body into `res` as fast as the client takes them (backpressure), then
 * ends it. Resolves, once the response is closed, with the bytes handed to the socket: far less
 * than `total` when the client stopped reading and hung up.
 */
export function streamBody(res: ServerResponse, total: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let sent = 0;
  const more = () => {
    while (sent < total) {
      sent += chunk.length;
      if (!res.write(chunk)) return;
    }
    res.end();
  };
  res.on('drain', more);
  const closed = new Promise<number>((resolve) => res.on('close', () => resolve(sent)));
  more();
  return closed;
}

export interface FaultAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** A body of this many bytes, streamed (see streamBody) instead of `body`. */
  readonly streamBytes?: number;
}

export interface FaultProxy {
  readonly url: string;
  /** For each streamed answer, the bytes the client took before the answer closed. */
  readonly streamed: Promise<number>[];
  /** Answers still to give before requests are forwarded. */
  readonly pending: FaultAnswer[];
  /** Each request's path and headers, answered or forwarded, in order. */
  readonly requests: { readonly url: string; readonly headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /**
   * Serve `target` under this path prefix only (`/influx`), as a reverse proxy does: the prefix is taken off before
   * `path` is matched and the request forwarded; a request outside it is answered 404 and reaches nothing.
   */
  readonly prefix?: string;
  /** Asked for each request that `answers` no longer answers: an answer to give instead of forwarding it. */
  readonly answer?: (req: IncomingMessage) => FaultAnswer | undefined;
}

/** A proxy to `target` answering requests whose path starts with `path` with `answers`, in turn, then forwarding. */
export async function startFaultProxy(
  target: string,
  path: string,
  answers: FaultAnswer[],
  options: FaultProxyOptions = {},
): Promise<FaultProxy> {
  const to = new URL(target);
  const pending = [...answers];
  const streamed: Promise<number>[] = [];
  const requests: FaultProxy['requests'] = [];
  const proxy = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    const prefix = options.prefix ?? '';
    const url = req.url ?? '';
    if (!url.startsWith(`${prefix}/`))
      return void req.resume().on('end', () => res.writeHead(404).end('404 page not found'));
    req.url = url.slice(prefix.length);
    const answer = req.url.startsWith(path) ? (pending.shift() ?? options.answer?.(req)) : options.answer?.(req);
    if (answer)
      return void req.resume().on('end', () => {
        res.writeHead(answer.status, answer.headers);
        if (answer.streamBytes === undefined) res.end(answer.body ?? '');
        else streamed.push(streamBody(res, answer.streamBytes));
      });
    req.pipe(
      request(
        { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
        (up) => (res.writeHead(up.statusCode!, up.headers), up.pipe(res)),
      ),
    );
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    streamed,
    pending,
    requests,
    close: () => {
      proxy.closeAllConnections();
      return new Promise((r) => proxy.close(() => r()));
    },
  };
}
