/**
 * Resolving one node's browse path gets a response over max_message_bytes, on a server that sends it anyway (a real
 * node-opcua server behind a proxy that makes it ignore the bound): the path's translation carries a node id of 70,000
 * characters. Regression: the refusal failed the whole source, every node unread (`run --once`), or closed the
 * subscription's connection at every build, for ever (the daemon); now that node alone comes bad, named, with the
 * setting to raise, and the others are read, or subscribed.
 */
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../src/core/free-port.js';
import { startBlobServer } from '../../helpers/blob-opcua-server.js';
import { boundOpcuaSource } from '../../helpers/bound-opcua-source.js';
import { startHelloRewriter } from '../../helpers/hello-rewriter.js';
import { escaped } from '../../helpers/escaped.js';

/** A blob server behind a HEL rewriter; a source of flow, long and speed (the last two by browse path) through it. */
async function longPath() {
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
  const close = async () => {
    await h.source.stop();
    await rewriter.close();
    await server.close();
  };
  return { ...h, url, close };
}

/** Why the long node is not read, after `device bound (URL): `. */
const why = (url: string) =>
  new RegExp(
    `^${escaped(`device bound (${url}): sources[0].nodes[1].browse_path /Objects/1:Bound/1:long (channel long): its translation to a node id is over max_message_bytes (65536 bytes, sources[0].max_message_bytes): a response with it alone was refused (premature socket termination max message size exceeded: 65536 : total message size `)}\\d+${escaped(`); raise sources[0].max_message_bytes if the server's node ids are that long`)}$`,
  );

describe('a browse path whose translation is over max_message_bytes', () => {
  it('run --once: leaves that node bad, named, and the others read', async () => {
    const { source, url, close } = await longPath();
    try {
      const samples = await source.readOnce();
      expect(samples.map((s) => [s.channel, s.value, s.quality])).toEqual([
        ['flow', 7.5, 'good'],
        ['long', Number.NaN, 'bad'],
        ['speed', 1450, 'good'],
      ]);
      expect(samples[1].reason).toMatch(why(url));
    } finally {
      await close();
    }
  }, 60_000);

  it('daemon: leaves that node out of the subscription, reported, and the others flow', async () => {
    const h = await longPath();
    await h.start();
    try {
      const left = await h.log.next(/left out of the subscription/);
      expect(left.msg.replace(/; left out of the subscription.*$/, '')).toMatch(why(h.url));
      await h.next((s) => s.channel === 'flow' && s.quality === 'good');
      await h.next((s) => s.channel === 'speed' && s.quality === 'good');
      const bad = await h.next((s) => s.channel === 'long');
      expect(bad.reason).toMatch(why(h.url));
      expect(h.source.tagIssues()).toEqual([bad.reason]);
      // No publish response was over the bound: nothing spread over several.
      expect(h.log.lines.filter((l) => l.msg.includes('notifications per publish response'))).toEqual([]);
    } finally {
      await h.close();
    }
  }, 60_000);
});
