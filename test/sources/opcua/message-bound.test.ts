/** max_message_bytes: what the client announces, what it keeps of a server's ACK, and the setting's validation. */
import { describe, expect, it } from 'vitest';
import { accepted, issuesOf } from '../../helpers/config-issues.js';
import { describeRefusal, isOversize, keptLimits, receiveLimits } from '../../../src/sources/opcua/message-bound.js';
import { describeConnectError } from '../../../src/sources/opcua/opcua-connect.js';

const MIB = 1024 * 1024;

function config(extra: string): string {
  return `
sources:
  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840", asset: press-1${extra}, nodes: [{ channel: force, node_id: "ns=2;s=f" }] }
`;
}

describe('receiveLimits', () => {
  it('announces the bound, chunks of 640 KiB where it allows them, and as many as the smallest chunks fill', () => {
    expect(receiveLimits(4 * MIB)).toEqual({
      maxMessageSize: 4 * MIB,
      maxChunkCount: 512,
      receiveBufferSize: 655_360,
      sendBufferSize: 655_360,
    });
    expect(receiveLimits(65_536)).toEqual({
      maxMessageSize: 65_536,
      maxChunkCount: 8,
      receiveBufferSize: 65_536,
      sendBufferSize: 65_536,
    });
  });
});

describe('keptLimits', () => {
  const ours = receiveLimits(4 * MIB);

  it("keeps ours where the server ACKs none (0) or looser ones, the server's where tighter", () => {
    const none = { maxMessageSize: 0, maxChunkCount: 0, receiveBufferSize: 0, sendBufferSize: 8192 };
    expect(keptLimits(none, ours)).toEqual({ ...ours, sendBufferSize: 8192 });
    const loose = {
      maxMessageSize: 2 ** 32 - 1,
      maxChunkCount: 9000,
      receiveBufferSize: 2 ** 31,
      sendBufferSize: 65_536,
    };
    expect(keptLimits(loose, ours)).toEqual({ ...ours, sendBufferSize: 65_536 });
    const tight = { maxMessageSize: MIB, maxChunkCount: 16, receiveBufferSize: 65_536, sendBufferSize: 65_536 };
    expect(keptLimits(tight, ours)).toEqual(tight);
  });
});

describe('a refused message', () => {
  it("is told from node-opcua's words, and described naming the setting and its value", () => {
    expect(
      isOversize('premature socket termination max message size exceeded: 65536 : total message size 131072'),
    ).toBe(true);
    expect(isOversize(' serviceResult = BadTcpMessageTooLarge (0x80800000)')).toBe(true);
    expect(isOversize('connect ECONNREFUSED 127.0.0.1:4840')).toBe(false);
    expect(describeRefusal(65_536, 'max chunk count exceeded: 8')).toBe(
      "a message from the server over max_message_bytes (65536 bytes) was refused (max chunk count exceeded: 8); raise max_message_bytes if the server's responses are that large",
    );
  });

  it('names the source and its endpoint when a connect or read fails on one', async () => {
    const c = (await accepted(config(', max_message_bytes: 65536'))).sources[0];
    if (c.type !== 'opcua') throw new Error('expected the opcua source');
    expect(describeConnectError(c, new Error('premature socket termination max message size exceeded: 65536'))).toBe(
      `device ua (opc.tcp://plc:4840): ${describeRefusal(65_536, 'premature socket termination max message size exceeded: 65536')}`,
    );
  });
});

describe('max_message_bytes in the configuration', () => {
  it('defaults to 4 MiB', async () => {
    expect((await accepted(config(''))).sources[0]).toMatchObject({ max_message_bytes: 4 * MIB });
  });

  it('is refused below 64 KiB, above 64 MiB or not whole, naming the source', async () => {
    const refusals: [string, string][] = [
      ['1000', 'Too small: expected number to be >=65536'],
      [String(128 * MIB), 'Too big: expected number to be <=67108864'],
      ['100000.5', 'Invalid input: expected int, received number'],
    ];
    for (const [value, why] of refusals)
      expect(await issuesOf(config(`, max_message_bytes: ${value}`))).toEqual([`sources[0].max_message_bytes: ${why}`]);
  });
});
