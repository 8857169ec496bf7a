/** One request to an API endpoint on 127.0.0.1 under a chosen Host header (none: `host` undefined). */
import { request } from 'node:http';

export function hostRequest(
  port: number,
  method: string,
  path: string,
  o: { readonly host?: string; readonly token?: string; readonly body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        setHost: o.host !== undefined,
        headers: {
          ...(o.host !== undefined ? { host: o.host } : {}),
          ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}
