/**
 * `run --once` (OpcuaSource.readOnce) where resolving one node's browse path gets a response over max_message_bytes,
 * on a server that sends it anyway (a real node-opcua server behind a proxy that makes it ignore the bound): the
 * path's translation carries a node id of 70,000 characters. Regression: the refusal failed the whole source, every
 * node unread; now that node alone comes bad, named, with the setting to raise, and the others are read.
 */
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../src/core/free-port.js';
import { startBlobServer } from '../../helpers/blob-opcua-server.js';
import { boundOpcuaSource } from '../../helpers/bound-opcua-source.js';
import { startHelloRewriter } from '../../helpers/hello-rewriter.js';

describe('a browse path whose translation is over max_message_bytes', () => {
  it('leaves that node bad, named, and the others read', async () => {
    const port = await freePort();
    const server = await startBlobServer(port, 16);
    const rewriter = await startHelloRewriter(port);
    const url = server.endpoint.replace(/:\d+\//, `:${rewriter.port}/`);
    const h = boundOpcuaSource(url, ['flow'], 64 * 1024, {
      nodes: [
        { channel: 'flow', node_id: 'ns=1;s=flow' },
        { channel: 'long', browse_path: '/Objects/1:Bound/1:long' },
        { channel: 'speed', browse_path: '/Objects/1:Bound/1:speed' },
      ],
    });
    try {
      const samples = await h.source.readOnce();
      expect(samples.map((s) => [s.channel, s.value, s.quality])).toEqual([
        ['flow', 7.5, 'good'],
        ['long', Number.NaN, 'bad'],
        ['speed', 1450, 'good'],
      ]);
      expect(samples[1].reason).toMatch(
        new RegExp(
          `^device bound \\(${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\): sources\\[0\\]\\.nodes\\[1\\]\\.browse_path /Objects/1:Bound/1:long \\(channel long\\): its translation to a node id is over max_message_bytes \\(65536 bytes, sources\\[0\\]\\.max_message_bytes\\): a response with it alone was refused \\(premature socket termination max message size exceeded: 65536 : total message size \\d+\\); raise sources\\[0\\]\\.max_message_bytes if the server's node ids are that long$`,
        ),
      );
    } finally {
      await rewriter.close();
      await server.close();
    }
  }, 60_000);
});
