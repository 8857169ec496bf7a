/**
 * The largest message an OPC UA server may send (max_message_bytes, message-bound.ts), against a real node-opcua server
 * with a variable whose value (a 1 MiB ByteString) makes every response carrying it too large: directly, where the
 * server keeps to the limits the client announced, and through a proxy that rewrites the client's HEL to announce
 * none, as a server that ignores them would: the ACK then gives the server's own limits, and the client must still
 * refuse the message from its first chunks. Then the same after a connection the network dropped: the source builds
 * it again under the bound, certificate fetch included.
 */
import { mkdtempSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellWords } from '../../../src/core/shell-word.js';
import { freePort } from '../../../src/core/free-port.js';
import type { Sample } from '../../../src/core/types.js';
import { startBlobServer, type BlobServer } from '../../helpers/blob-opcua-server.js';
import { boundOpcuaSource, trustingPki } from '../../helpers/bound-opcua-source.js';
import { startHelloRewriter, type HelloRewriter } from '../../helpers/hello-rewriter.js';
import { startTcpProxy } from '../../helpers/tcp-proxy.js';

const BIG_BYTES = 1024 * 1024;
const BOUND = 64 * 1024;

let server: BlobServer;
let endpoint: string;
let proxy: HelloRewriter;

beforeAll(async () => {
  const port = await freePort();
  server = await startBlobServer(port, BIG_BYTES);
  endpoint = server.endpoint;
  proxy = await startHelloRewriter(port);
});

afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

const sourceOf = boundOpcuaSource;

const viaProxy = () => endpoint.replace(/:\d+\//, `:${proxy.port}/`);
const good = (batches: Sample[][], channel: string) =>
  batches.flat().some((s) => s.channel === channel && s.quality === 'good');

describe('max_message_bytes', () => {
  it('a server that keeps to it: the item over it comes bad and is logged with its node, the others flow', async () => {
    const h = sourceOf(endpoint, ['flow', 'blob'], BOUND);
    await h.start();
    try {
      const line = await h.log.next(/^device bound .*BadResponseTooLarge/);
      expect(line.msg).toBe(
        `device bound (${endpoint}): sources[0].nodes[1].node_id ns=1;s=blob (channel blob): its value is over max_message_bytes (65536 bytes), the server sends BadResponseTooLarge instead`,
      );
      await expect.poll(() => good(h.batches, 'flow'), { timeout: 10_000 }).toBe(true);
      expect(
        h.batches
          .flat()
          .filter((s) => s.channel === 'blob')
          .map((s) => s.quality),
      ).not.toContain('good');
      expect(h.source.connections).toBe(1);
    } finally {
      await h.source.stop();
    }
    // run --once: a read of both in one request, which the server answers with a fault, then of each alone.
    // actual before: rejected whole, "a message from the server over max_message_bytes (65536 bytes) was refused".
    const [flow, blob] = await sourceOf(endpoint, ['flow', 'blob'], BOUND).source.readOnce();
    expect(flow).toMatchObject({ channel: 'flow', value: 7.5, quality: 'good' });
    expect(flow.reason).toBeUndefined();
    expect(blob).toMatchObject({ channel: 'blob', value: Number.NaN, quality: 'bad' });
    expect(blob.reason).toBe(
      `device bound (${endpoint}): sources[0].nodes[1].node_id ns=1;s=blob (channel blob): its value is over max_message_bytes (65536 bytes, sources[0].max_message_bytes): a response with it alone was refused (serviceResult = BadTcpMessageTooLarge (0x80800000)); raise sources[0].max_message_bytes if the value is meant to be that large`,
    );
  }, 60_000);

  it('a server that ignores it: the message is refused from its first chunks, logged once, the source goes on without the node', async () => {
    const url = viaProxy();
    const h = sourceOf(url, ['flow', 'blob'], BOUND);
    await h.start();
    try {
      const line = await h.log.next(/over max_message_bytes/);
      const refused =
        /^device bound \(opc\.tcp:\/\/127\.0\.0\.1:\d+\/UA\/bound\): a message from the server over max_message_bytes \(65536 bytes\) was refused \(max message size exceeded: 65536 : total message size (\d+)\); raise max_message_bytes if the server's responses are that large; rebuilding the connection$/.exec(
          line.msg,
        );
      expect(refused).not.toBeNull();
      // Held no further than the chunk that crossed the bound: not the 1 MiB response.
      expect(Number(refused![1])).toBeLessThanOrEqual(2 * BOUND);
      // Built again without the node whose value is over it (opcua-over-bound-node.e2e.test.ts), which is logged.
      // actual before: built again with it and refused again, for ever; flow never delivered.
      const left = await h.log.next(/left out of the subscription/);
      await expect.poll(() => good(h.batches, 'flow'), { timeout: 20_000 }).toBe(true);
      expect(h.log.at(40).filter((m) => m.includes('max_message_bytes'))).toEqual([line.msg, left.msg]);
      expect(await h.counted('connection')).toBe(0);
      expect(h.source.connections).toBe(2);
    } finally {
      await h.source.stop();
    }
    // run --once: each refusal closes the connection; the parts after it are read on a new one.
    // actual before: rejected whole, "... was refused (premature socket termination max message size exceeded ...)".
    const [flow, blob, speed] = await sourceOf(url, ['flow', 'blob', 'speed'], BOUND).source.readOnce();
    expect([flow, speed].map((s) => [s.channel, s.value, s.quality, s.reason])).toEqual([
      ['flow', 7.5, 'good', undefined],
      ['speed', 1450, 'good', undefined],
    ]);
    expect(blob).toMatchObject({ channel: 'blob', value: Number.NaN, quality: 'bad' });
    const [, total] =
      /^device bound \(opc\.tcp:\/\/127\.0\.0\.1:\d+\/UA\/bound\): sources\[0\]\.nodes\[1\]\.node_id ns=1;s=blob \(channel blob\): its value is over max_message_bytes \(65536 bytes, sources\[0\]\.max_message_bytes\): a response with it alone was refused \(premature socket termination max message size exceeded: 65536 : total message size (\d+)\); raise sources\[0\]\.max_message_bytes if the value is meant to be that large$/.exec(
        blob.reason ?? '',
      ) ?? [];
    expect(Number(total)).toBeLessThanOrEqual(2 * BOUND);
  }, 60_000);

  it('SignAndEncrypt: the server certificate is fetched under it too, then checked against the trust lists', async () => {
    const pki = mkdtempSync(join(tmpdir(), 'lw-bound-secure-pki-'));
    const secure = () =>
      sourceOf(viaProxy(), ['flow'], BOUND, {
        pki_dir: pki,
        security_mode: 'SignAndEncrypt',
        security_policy: 'Basic256Sha256',
      }).source;
    const before = proxy.announced.length;
    // Not trusted yet: refused after the endpoints were fetched (node-opcua's own fetch announced no limit: 0).
    const refused = await secure()
      .readOnce()
      .then(
        () => 'read',
        (err: Error) => err.message,
      );
    const [, from, to] =
      shellWords(/BadCertificateUntrusted.*To trust it: (mv .*) and the next/.exec(refused)?.[1] ?? '') ?? [];
    expect(from).toMatch(/\/rejected\/.*\.pem$/);
    expect(proxy.announced.slice(before)).toEqual([BOUND]);
    // Trusted: the endpoints again, then the secure channel, both bounded; the value read.
    await rename(from, join(to, basename(from)));
    const [flow] = await secure().readOnce();
    expect(flow).toMatchObject({ channel: 'flow', value: 7.5, quality: 'good' });
    expect(proxy.announced.slice(before)).toEqual([BOUND, BOUND, BOUND]);
  }, 60_000);

  it('under the default (4 MiB), the same server sends both, ignoring limits or not', async () => {
    for (const url of [endpoint, viaProxy()]) {
      const h = sourceOf(url, ['flow', 'blob']);
      await h.start();
      try {
        await expect.poll(() => good(h.batches, 'flow'), { timeout: 10_000 }).toBe(true);
        // The 1 MiB ByteString came whole: not a number, so a bad sample saying so.
        await h.log.next(/blob \(channel blob\): expected a number or boolean, got ByteString/);
        expect(h.log.lines.map((l) => l.msg).filter((m) => m.includes('max_message_bytes'))).toEqual([]);
        expect(h.source.connections).toBe(1);
      } finally {
        await h.source.stop();
      }
    }
  }, 60_000);
});

describe('max_message_bytes after a reconnect', () => {
  const GROWN_BYTES = 15 * 1024 * 1024;

  /**
   * A lost connection is built again by the source itself (node-opcua's own reconnection is off: connectionStrategy
   * maxRetry 0), through the bounded transport and, in SignAndEncrypt, the bounded certificate fetch. Were node-opcua
   * to reconnect by itself, a certificate fetch of its own would announce its default limits, not the bound.
   */
  it.each(['None', 'SignAndEncrypt'] as const)(
    'security %s: the server grows a value to 15 MiB while the link is down; what it sends after is refused at the bound',
    async (securityMode) => {
      const port = await freePort();
      const grows = await startBlobServer(port, 16);
      const rewriter = await startHelloRewriter(port);
      const link = await startTcpProxy(rewriter.port);
      // The server's certificate trusted beforehand: every connect goes as far as the secure channel.
      const pki = securityMode === 'None' ? mkdtempSync(join(tmpdir(), 'lw-bound-reconnect-pki-')) : trustingPki(grows);
      const url = grows.endpoint.replace(/:\d+\//, `:${link.port}/`);
      const h = sourceOf(url, ['flow', 'blob'], BOUND, {
        pki_dir: pki,
        security_mode: securityMode,
        ...(securityMode === 'None' ? {} : { security_policy: 'Basic256Sha256' }),
      });
      await h.start();
      try {
        await expect.poll(() => good(h.batches, 'flow'), { timeout: 20_000 }).toBe(true);
        expect(h.source.connections).toBe(1);
        // The link drops every connection and refuses new ones; the value grows meanwhile.
        const before = rewriter.announced.length;
        link.setUp(false);
        grows.setBlob(GROWN_BYTES);
        await h.log.next(/rebuilding the connection$/);
        link.setUp(true);
        const line = await h.log.next(/over max_message_bytes/);
        const size = /total message size (\d+)\)/.exec(line.msg);
        expect(line.msg).toContain(
          `device bound (${url}): a message from the server over max_message_bytes (65536 bytes)`,
        );
        // Held no further than the chunk that crossed the bound, not the 15 MiB response.
        expect(Number(size?.[1])).toBeLessThanOrEqual(2 * BOUND);
        // Every connection made since announced the bound: the certificate fetch (SignAndEncrypt) and the channel.
        const since = rewriter.announced.slice(before);
        expect(since.length).toBeGreaterThanOrEqual(securityMode === 'None' ? 1 : 2);
        expect(new Set(since)).toEqual(new Set([BOUND]));
        expect(h.source.connections).toBe(2);
      } finally {
        await h.source.stop();
        await link.close();
        await rewriter.close();
        await grows.close();
      }
    },
    60_000,
  );
});
