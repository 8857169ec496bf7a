/**
 * Regression: each read of the nodes left out over max_message_bytes (and each part of the search for them) opened a
 * session on a connection of its own, which the refusal of the response closed before the session could be: the
 * server kept every such session until its timeout (60 s asked for), one more at each retry, where a PLC may allow
 * only a few. Counted on the server (a real node-opcua server, behind a proxy that makes it ignore the bound).
 */
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../src/core/free-port.js';
import { startBlobServer } from '../../helpers/blob-opcua-server.js';
import { boundOpcuaSource, trustingPki } from '../../helpers/bound-opcua-source.js';
import { startHelloRewriter } from '../../helpers/hello-rewriter.js';

describe('the reads of nodes over max_message_bytes', () => {
  it.each(['None', 'SignAndEncrypt'] as const)(
    'security %s: leave no session open on the server, only the subscription has one',
    async (securityMode) => {
      const port = await freePort();
      const server = await startBlobServer(port, 1024 * 1024);
      const rewriter = await startHelloRewriter(port);
      const h = boundOpcuaSource(server.endpoint.replace(/:\d+\//, `:${rewriter.port}/`), ['flow', 'blob'], 64 * 1024, {
        security_mode: securityMode,
        ...(securityMode === 'None' ? {} : { pki_dir: trustingPki(server), security_policy: 'Basic256Sha256' }),
      });
      await h.start();
      try {
        await h.log.next(/left out of the subscription/);
        // Three retries, each refused on a connection of its own.
        const retries = () =>
          h.log.lines.filter((l) => l.msg.endsWith('the nodes left out are still over max_message_bytes'));
        await expect.poll(() => retries().length, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
        expect(h.source.connected).toBe(true);
        expect(server.server.currentSessionCount).toBe(1);
      } finally {
        await h.source.stop();
        await rewriter.close();
        await server.close();
      }
    },
    60_000,
  );
});
