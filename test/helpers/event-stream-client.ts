/** A client of the daemon's live event stream (GET /api/events) over a real HTTP connection. */
import { request } from 'node:http';
import { SseParser } from '../../src/telemetry/event-stream.js';

/**
 * Opens `url` (/api/events with its `types=`); resolves once the stream answered with `first`, the data of the first
 * event named `event` (the stream is closed then), and `close` to give up on it.
 */
export function openEventStream(
  url: string,
  event: string,
): Promise<{ first: Promise<Record<string, unknown>>; close: () => void }> {
  return new Promise((opened, failed) => {
    const req = request(url, (res) => {
      if (res.statusCode !== 200) return failed(new Error(`${url} answered ${res.statusCode}`));
      const parser = new SseParser();
      opened({
        first: new Promise((resolve) =>
          res.on('data', (chunk: Buffer) => {
            const found = parser.push(chunk.toString('utf8')).find((m) => m.event === event);
            if (!found) return;
            resolve(JSON.parse(found.data) as Record<string, unknown>);
            req.destroy();
          }),
        ),
        close: () => req.destroy(),
      });
    });
    req.on('error', (err) => (err.message === 'socket hang up' ? undefined : failed(err)));
    req.end();
  });
}
