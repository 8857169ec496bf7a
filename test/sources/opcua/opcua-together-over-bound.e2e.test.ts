/**
 * Nodes each under max_message_bytes but together over it, on a server that sends them anyway (a real node-opcua
 * server behind a proxy that makes it ignore the bound): three ByteStrings of 30,000 bytes, 90 KB in the subscription's
 * first publish response, against a bound of 64 KiB. Regression: the response was refused, the search for a node
 * over the bound alone found none, and the source subscribed the same way again, refused again, for ever: no node of
 * that server was delivered. Now the server is asked for fewer notifications per publish response until they pass.
 */
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../src/core/free-port.js';
import { startBlobServer } from '../../helpers/blob-opcua-server.js';
import { boundOpcuaSource } from '../../helpers/bound-opcua-source.js';
import { startHelloRewriter } from '../../helpers/hello-rewriter.js';

describe('nodes together over max_message_bytes', () => {
  it('are spread over publish responses; every node delivers, logged once with what to raise', async () => {
    const port = await freePort();
    const server = await startBlobServer(port, 30_000, 30_000);
    const rewriter = await startHelloRewriter(port);
    const url = server.endpoint.replace(/:\d+\//, `:${rewriter.port}/`);
    const h = boundOpcuaSource(url, ['blob', 'blob2', 'blob3', 'flow'], 64 * 1024);
    await h.start();
    try {
      // A 30,000-byte ByteString is not a number: its samples come bad, but they come, each without a reason of ours.
      const delivered = (channel: string) => h.next((s) => s.channel === channel && s.reason === undefined);
      await Promise.all(['blob', 'blob2', 'blob3'].map(delivered));
      await h.next((s) => s.channel === 'flow' && s.quality === 'good');
      expect(h.source.tagIssues()).toEqual([]);
      const spread = h.log.lines.filter((l) => l.msg.includes('notifications per publish response'));
      expect(spread.map((l) => l.msg)).toEqual([
        `device bound (${url}): no node's value alone is over max_message_bytes (65536 bytes, sources[0].max_message_bytes), but together they are: the server is asked for at most 2 notifications per publish response; raise sources[0].max_message_bytes to take them in one`,
      ]);
    } finally {
      await h.source.stop();
      await rewriter.close();
      await server.close();
    }
  }, 60_000);
});
