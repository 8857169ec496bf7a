/**
 * The server's namespace array is over max_message_bytes (a namespace URI of 70,000 characters), on a server that
 * sends it anyway (a real node-opcua server behind a proxy that makes it ignore the bound). Regression: its read
 * failed the whole source, every node unread (`run --once`), or closed the subscription's connection at every build,
 * for ever (the daemon), though a node named by namespace index needs no namespace array; now the nodes that name
 * their namespace by URI come bad, named, with the setting to raise, and the others are read, or subscribed.
 */
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../src/core/free-port.js';
import { startBlobServer } from '../../helpers/blob-opcua-server.js';
import { boundOpcuaSource } from '../../helpers/bound-opcua-source.js';
import { startHelloRewriter } from '../../helpers/hello-rewriter.js';
import { escaped } from '../../helpers/escaped.js';

/** A blob server with a long namespace URI behind a HEL rewriter; a source of flow (ns=1), speed (nsu=) through it. */
async function longNamespaces() {
  const port = await freePort();
  const server = await startBlobServer(port, 16, 16, 70_000);
  const rewriter = await startHelloRewriter(port);
  const url = server.endpoint.replace(/:\d+\//, `:${rewriter.port}/`);
  const speedId = `nsu=${server.namespaceUri};s=speed`;
  const h = boundOpcuaSource(url, ['flow'], 64 * 1024, {
    nodes: [
      { channel: 'flow', node_id: 'ns=1;s=flow' },
      { channel: 'speed', node_id: speedId },
    ],
  });
  const close = async () => {
    await h.source.stop();
    await rewriter.close();
    await server.close();
  };
  return { ...h, url, speedId, close };
}

/** Why the speed node is not read. */
const why = (url: string, speedId: string) =>
  new RegExp(
    `^${escaped(`device bound (${url}): sources[0].nodes[1].node_id ${speedId} (channel speed): the server's namespace array, which its namespace URI is looked up in, is over max_message_bytes (65536 bytes, sources[0].max_message_bytes): a response with it alone was refused (`)}[^)]*max message size exceeded: 65536 : total message size \\d+${escaped(`); raise sources[0].max_message_bytes, or name the namespace by index (ns=)`)}$`,
  );

describe('a server whose namespace array is over max_message_bytes', () => {
  it('run --once: the node named by namespace URI is bad, named, and the one named by index read', async () => {
    const { source, url, speedId, close } = await longNamespaces();
    try {
      const samples = await source.readOnce();
      expect(samples.map((s) => [s.channel, s.value, s.quality])).toEqual([
        ['flow', 7.5, 'good'],
        ['speed', Number.NaN, 'bad'],
      ]);
      expect(samples[1].reason).toMatch(why(url, speedId));
    } finally {
      await close();
    }
  }, 60_000);

  it('daemon: leaves the node named by URI out of the subscription, reported, and the other flows', async () => {
    const h = await longNamespaces();
    await h.start();
    try {
      const left = await h.log.next(/left out of the subscription/);
      expect(left.msg.replace(/; left out of the subscription.*$/, '')).toMatch(why(h.url, h.speedId));
      await h.next((s) => s.channel === 'flow' && s.quality === 'good');
      const bad = await h.next((s) => s.channel === 'speed');
      expect(bad.reason).toMatch(why(h.url, h.speedId));
      expect(h.source.tagIssues()).toEqual([bad.reason]);
      expect(h.source.connected).toBe(true);
    } finally {
      await h.close();
    }
  }, 60_000);

  // Asking what the server has instead of an unknown node reads its namespace array: over the bound, it closed the
  // subscription's connection; asked again at each build, the source would never stay subscribed.
  it('daemon: a node the server has not is named without what the server has, asked once only', async () => {
    const port = await freePort();
    const server = await startBlobServer(port, 16, 16, 70_000);
    const rewriter = await startHelloRewriter(port);
    const url = server.endpoint.replace(/:\d+\//, `:${rewriter.port}/`);
    const h = boundOpcuaSource(url, ['flow', 'ghost'], 64 * 1024);
    await h.start();
    try {
      await h.log.next(/: subscription rebuilt$/);
      expect([h.source.tagIssues(), h.source.missingTags(), h.source.connected]).toEqual([
        [
          `device bound (${url}): sources[0].nodes[1].node_id ns=1;s=ghost (channel ghost): BadNodeIdUnknown: the ` +
            'server has no node ns=1;s=ghost',
        ],
        ['ghost'],
        true,
      ]);
      // Lost once, while asking, and said so; subscribed after, with no node taken for one over the bound.
      expect(h.log.at(40).filter((m) => m.includes('rebuilding the connection'))).toEqual([
        `device bound (${url}): the server's namespace array, read to say what it has instead of the nodes it has ` +
          'not, was over max_message_bytes (65536 bytes) and closed the connection: not read for that again; ' +
          'rebuilding the connection',
      ]);
      expect(h.log.lines.filter((l) => /over max_message_bytes.*together|left out/.test(l.msg))).toEqual([]);
      await h.next((s) => s.channel === 'flow' && s.quality === 'good');
    } finally {
      await h.source.stop();
      await rewriter.close();
      await server.close();
    }
  }, 60_000);
});
