/**
 * One node whose value is over max_message_bytes, on a server that sends it anyway (a real node-opcua server behind a
 * proxy that rewrites the client's HEL to announce no limit): the node is found, left out of the subscription and
 * reported, the others keep delivering; when the value shrinks, a retry reads it and it is subscribed again.
 * Regression: every publish response carrying the node was refused, which closed the connection; the source built it
 * again, subscribed the node again and was refused again, for ever: no node of that server was delivered.
 */
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../src/core/free-port.js';
import type { Sample } from '../../../src/core/types.js';
import { startBlobServer } from '../../helpers/blob-opcua-server.js';
import { boundOpcuaSource, trustingPki } from '../../helpers/bound-opcua-source.js';
import { startHelloRewriter } from '../../helpers/hello-rewriter.js';
import { escaped } from '../../helpers/escaped.js';

const BIG_BYTES = 1024 * 1024;
const BOUND = 64 * 1024;

/** A blob server (the blob over the bound) behind a HEL rewriter, and a source on `nodes` through it. */
async function overBound(securityMode: 'None' | 'SignAndEncrypt', nodes: string[]) {
  const port = await freePort();
  const server = await startBlobServer(port, BIG_BYTES);
  const rewriter = await startHelloRewriter(port);
  const url = server.endpoint.replace(/:\d+\//, `:${rewriter.port}/`);
  const h = boundOpcuaSource(url, nodes, BOUND, {
    security_mode: securityMode,
    ...(securityMode === 'None' ? {} : { pki_dir: trustingPki(server), security_policy: 'Basic256Sha256' }),
  });
  return {
    ...h,
    server,
    url,
    close: async () => {
      await h.source.stop();
      await rewriter.close();
      await server.close();
    },
  };
}

describe('a node over max_message_bytes on a server that ignores it', () => {
  it.each(['None', 'SignAndEncrypt'] as const)(
    'security %s: the node is left out and reported, the others flow; back under the bound, it is subscribed again',
    async (securityMode) => {
      const { server, url, log, source, batches, next, counted, start, close } = await overBound(securityMode, [
        'flow',
        'blob',
        'speed',
      ]);
      const good = (channel: string) => (s: Sample) => s.channel === channel && s.quality === 'good';
      await start();
      try {
        const refused = await log.next(/was refused .*; rebuilding the connection$/);
        const left = await log.next(/left out of the subscription/);
        expect(left.msg).toMatch(
          new RegExp(
            `^${escaped(`device bound (${url}): sources[0].nodes[1].node_id ns=1;s=blob (channel blob): its value is over max_message_bytes (65536 bytes, sources[0].max_message_bytes): a response with it alone was refused (premature socket termination max message size exceeded: 65536 : total message size `)}\\d+${escaped(`); raise sources[0].max_message_bytes if the value is meant to be that large; left out of the subscription (the other nodes stay subscribed), tried again alone at the source's backoff`)}$`,
          ),
        );
        expect(left.channel).toBe('blob');
        const why = left.msg.replace(/; left out of the subscription.*$/, '');
        // Its samples come bad, saying why; /api/status says it too.
        const bad = await next((s) => s.channel === 'blob' && s.reason !== undefined);
        expect(bad).toMatchObject({ value: Number.NaN, quality: 'bad', reason: why });
        expect(source.tagIssues()).toEqual([why]);
        const connections = source.connections;
        // A retry while it is still over: refused on a connection of its own, counted; the subscription stays.
        await log.next(/the nodes left out are still over max_message_bytes$/);
        const afterRetry = batches.length;
        await next(good('flow'), afterRetry);
        await next(good('speed'), afterRetry);
        expect(source.connections).toBe(connections);
        expect(source.connected).toBe(true);
        expect(await counted('too_large')).toBeGreaterThanOrEqual(2);
        // The value shrinks: the next retry reads it, and it is subscribed again (the subscription built once more).
        server.setBlob(16);
        const back = await log.next(/under max_message_bytes again/);
        expect(back.msg).toBe(
          `device bound (${url}): sources[0].nodes[1].node_id ns=1;s=blob (channel blob): its value is under max_message_bytes again; subscribing it again`,
        );
        const afterBack = batches.length;
        // A notification of it (a 16-byte ByteString: bad as not a number, not as left out), and the others with it.
        const blob = await next((s) => s.channel === 'blob' && s.reason === undefined, afterBack);
        expect(blob.quality).toBe('bad');
        await next(good('flow'), afterBack);
        expect(source.tagIssues()).toEqual([]);
        expect(source.connections).toBe(connections + 1);
        // Logged once for the episode; nothing counted as a lost connection.
        expect(log.at(40).filter((m) => m.includes('max_message_bytes'))).toEqual([refused.msg, left.msg]);
        expect(await counted('connection')).toBe(0);
      } finally {
        await close();
      }
    },
    60_000,
  );

  it('the only node: left out, the subscription stays (keep-alives alone), its bad sample held with them', async () => {
    const h = await overBound('None', ['blob']);
    await h.start();
    try {
      const left = await h.log.next(/left out of the subscription/);
      const why = left.msg.replace(/; left out of the subscription.*$/, '');
      const first = await h.next((s) => s.reason === why);
      // Held at a later keep-alive: the same bad sample again, counted as held.
      await h.next((s) => s.reason === why && s.ts > first.ts);
      expect((await h.metrics.heldSamples.get()).values[0]?.value).toBeGreaterThan(0);
      expect(h.source.connected).toBe(true);
      expect(h.source.tagIssues()).toEqual([why]);
    } finally {
      await h.close();
    }
  }, 60_000);
});
