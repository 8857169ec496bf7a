/**
 * `linewatch run --once` against a real node-opcua server where one configured node's value (a 1 MiB ByteString) is
 * over the source's max_message_bytes (64 KiB): the other nodes still print, read; the node over the bound prints bad,
 * named by its configuration path with the bound and the setting's path; the exit status says a read failed (3). A
 * server that keeps to the bound answers the read with a fault; one that ignores it (the client's HEL rewritten to
 * announce none) has its message refused and the connection closed, and the rest is read on a new one.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/core/free-port.js';
import { blobTankConfig, startBlobServer, type BlobServer } from '../helpers/blob-opcua-server.js';
import { runCli } from '../helpers/cli.js';
import { startHelloRewriter, type HelloRewriter } from '../helpers/hello-rewriter.js';

let server: BlobServer;
let rewriter: HelloRewriter;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'linewatch-once-ua-bound-'));
  const port = await freePort();
  server = await startBlobServer(port, 1024 * 1024);
  rewriter = await startHelloRewriter(port);
}, 60_000);

afterAll(async () => {
  await rewriter?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Line {
  channel: string;
  value: number | null;
  quality: string;
  reason?: string;
}

describe('linewatch run --once with an OPC UA node over max_message_bytes', () => {
  it.each([
    {
      server: 'keeps to the bound',
      via: () => server.endpoint,
      refused: /serviceResult = BadTcpMessageTooLarge \(0x80800000\)/,
    },
    {
      server: 'ignores the bound',
      via: () => server.endpoint.replace(/:\d+\//, `:${rewriter.port}/`),
      refused: /premature socket termination max message size exceeded: 65536 : total message size \d+/,
    },
  ])(
    'a server that $server: the others print read, that node bad with the bound, exit 3',
    async ({ via, refused }) => {
      const endpoint = via();
      const file = join(dir, 'bound.yaml');
      await writeFile(file, blobTankConfig(dir, endpoint));
      const res = await runCli(['run', '--config', file, '--once']);
      // actual before: exit 3, nothing on stdout, one error for the whole source ("a message from the server over
      // max_message_bytes (65536 bytes) was refused ...").
      const lines = res.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Line);
      expect(res.code).toBe(3);
      expect(lines.map((l) => [l.channel, l.value, l.quality, l.reason])).toEqual([
        ['flow', 7.5, 'good', undefined],
        ['blob', null, 'bad', expect.any(String)],
        ['speed', 1450, 'good', undefined],
      ]);
      const [head, detail] = lines[1].reason!.split(': a response with it alone was refused (');
      expect(head).toBe(
        `device tank (${endpoint}): sources[0].nodes[1].node_id ns=1;s=blob (channel blob): its value is over max_message_bytes (65536 bytes, sources[0].max_message_bytes)`,
      );
      expect(detail).toMatch(refused);
      expect(detail).toMatch(/\); raise sources\[0\]\.max_message_bytes if the value is meant to be that large$/);
      expect(res.stderr.split('\n')).toContain(`linewatch: source tank: ${lines[1].reason}`);
    },
    60_000,
  );
});
