/**
 * Reading the start of an HTTP body (issue: "a 503 with a 512 MiB body grew RSS by 1 GiB"),
 * against a real local HTTP server: what is kept is bounded, and the server sees the client stop
 * reading and hang up long before the end of a large body.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyExcerpt, excerpt, readBodyStart } from '../../src/core/http-body.js';
import { streamBody } from '../helpers/http-faults.js';

const LARGE = 256 << 20;
let server: Server;
let url: string;
/** Bytes handed to the socket for each streamed answer, once it closed. */
const streamed: Promise<number>[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/large') return void streamed.push(streamBody(res.writeHead(503), LARGE));
    if (req.url === '/empty') return void res.writeHead(204).end();
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('  résumé:\n\tno  disk ');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('readBodyStart', () => {
  it('keeps at most maxBytes of a 256 MiB body and cancels the rest: the server stops long before the end', async () => {
    const res = await fetch(`${url}/large`);
    const start = await readBodyStart(res, 1000);
    expect(start).toEqual({ text: 'x'.repeat(1000), bytes: 1000, truncated: true });
    const sent = await streamed[0];
    process.stdout.write(`readBodyStart: 1000 bytes kept; the server handed ${sent} of ${LARGE} bytes to the socket\n`);
    expect(sent).toBeLessThan(16 << 20);
  });

  it('reads a small body whole, and an empty one as ""', async () => {
    expect(await readBodyStart(await fetch(`${url}/small`), 1000)).toEqual({
      text: '  résumé:\n\tno  disk ',
      bytes: 22,
      truncated: false,
    });
    expect(await readBodyStart(await fetch(`${url}/empty`), 1000)).toEqual({ text: '', bytes: 0, truncated: false });
  });

  it('cut inside a UTF-8 character, the cut character reads as U+FFFD', async () => {
    expect((await readBodyStart(await fetch(`${url}/small`), 4)).text).toBe('  r\uFFFD');
  });
});

describe('excerpts for a log line', () => {
  it('collapses whitespace, and marks a cut with "…"', async () => {
    expect(await bodyExcerpt(await fetch(`${url}/small`), 200)).toBe('résumé: no disk');
    expect(await bodyExcerpt(await fetch(`${url}/small`), 6)).toBe('résumé…');
    expect(excerpt('abc', 3, true)).toBe('abc…');
  });
});
