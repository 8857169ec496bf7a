/**
 * The daemon's /api/status and /healthz with an OPC UA node left out of its source's subscription, its value over
 * max_message_bytes on a server that sends it anyway (opcua-over-bound-node.e2e.test.ts): the source is connected and
 * lists the node under `issues`, in the words the log used.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadConfigFile } from '../../../src/config/load.js';
import { freePort } from '../../../src/core/free-port.js';
import { startDaemon } from '../../../src/daemon/daemon.js';
import { startBlobServer } from '../../helpers/blob-opcua-server.js';
import { startHelloRewriter } from '../../helpers/hello-rewriter.js';
import { logLines } from '../../helpers/log-lines.js';
import { opcuaDaemonFile } from '../../helpers/opcua-daemon-file.js';

it('/api/status lists the node left out under its source, which stays connected', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lw-over-bound-status-'));
  const port = await freePort();
  const server = await startBlobServer(port, 1024 * 1024);
  const rewriter = await startHelloRewriter(port);
  const url = server.endpoint.replace(/:\d+\//, `:${rewriter.port}/`);
  const file = await opcuaDaemonFile(dir, 'bound', url, [
    'max_message_bytes: 65536',
    'nodes: [{ channel: flow, node_id: "ns=1;s=flow" }, { channel: blob, node_id: "ns=1;s=blob" }]',
  ]);
  const log = logLines('info');
  const daemon = await startDaemon(await loadConfigFile(file), log.logger);
  try {
    const left = await log.next(/left out of the subscription/);
    const why = left.msg.replace(/; left out of the subscription.*$/, '');
    // Exact but for node-opcua's own words on the refusal, between the two.
    const head = `device bound (${url}): sources[0].nodes[1].node_id ns=1;s=blob (channel blob): its value is over max_message_bytes (65536 bytes, sources[0].max_message_bytes): a response with it alone was refused (`;
    const tail = '); raise sources[0].max_message_bytes if the value is meant to be that large';
    expect([why.slice(0, head.length), why.slice(-tail.length)]).toEqual([head, tail]);
    expect(why.length).toBeGreaterThan(head.length + tail.length);
    await log.next(/^device bound .*: subscription rebuilt$/);
    const get = async (path: string) =>
      (await (await fetch(`http://127.0.0.1:${daemon.http!.port}${path}`)).json()) as {
        sources: { name: string; connected: boolean; since?: number; issues?: string[] }[];
      };
    // /api/status says since when it is connected (Source.connectionState); /healthz, open without a token, does not.
    expect((await get('/api/status')).sources).toEqual([
      { name: 'bound', connected: true, since: expect.any(Number), issues: [why] },
    ]);
    expect((await get('/healthz')).sources).toEqual([{ name: 'bound', connected: true, issues: [why] }]);
  } finally {
    await daemon.stop();
    await rewriter.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
