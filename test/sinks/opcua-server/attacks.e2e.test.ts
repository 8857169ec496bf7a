/**
 * What a client on the plant network can try against storage.opcua_server before it has a session, over real sockets
 * on 127.0.0.1: a Hello asking for huge messages and a message that never ends (memory), and certificates the server
 * does not know, a new one at each connection (rejected/ filling the disk), or with a subject too long for a file
 * name. The server's own certificate is made once for the file.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageSecurityMode, OPCUAClient, SecurityPolicy, StatusCodes, UserTokenType } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../src/core/free-port.js';
import { OpcuaServerSink } from '../../../src/sinks/opcua-server/opcua-server-sink.js';
import { MAX_REJECTED_CERTIFICATES } from '../../../src/sinks/opcua-server/rejected-store.js';
import { MAX_MESSAGE_BYTES } from '../../../src/sinks/opcua-server/transport-limits.js';
import { logLines, type LogLines } from '../../helpers/log-lines.js';
import { rawOpcTcp } from '../../helpers/raw-opc-tcp.js';
import { openUaSession } from '../../helpers/ua-client.js';
import { ClientCertificates, pumpServerSink } from './server-sink-fixture.js';

let dir: string;
let log: LogLines;
let sink: OpcuaServerSink;
let clients: ClientCertificates;

const pki = () => join(dir, 'pki');
const rejected = () => readdir(join(pki(), 'rejected'));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-uaserver-attacks-'));
  log = logLines('info');
  sink = pumpServerSink(
    {
      port: await freePort(),
      // None listed: the password tests need no certificate (what they show holds for every mode).
      security_modes: ['SignAndEncrypt', 'Sign', 'None'],
      users: [{ username: 'mes', password: 'mes-password-1' }],
    },
    pki(),
    log.logger,
  );
  await sink.start();
  clients = await ClientCertificates.open(join(dir, 'clients'));
}, 120_000);

afterAll(async () => {
  await sink?.close();
  await clients?.manager.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A self-signed client certificate (the clients' one key), new each call. */
const clientCertificate = (name: string, subject: string) => clients.make(name, subject, 'urn:attacker');

/** Opens a Sign channel with a certificate; resolves with what the refusal says. */
async function refusal(certificateFile: string): Promise<string> {
  const client = OPCUAClient.create({
    endpointMustExist: false,
    securityMode: MessageSecurityMode.Sign,
    securityPolicy: SecurityPolicy.Basic256Sha256,
    connectionStrategy: { maxRetry: 0 },
    applicationUri: 'urn:attacker',
    clientCertificateManager: clients.manager,
    certificateFile,
    privateKeyFile: clients.privateKeyFile,
  });
  try {
    await client.connect(sink.endpointUrl!);
    return 'connected';
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.disconnect();
  }
}

describe('storage.opcua_server against a client on the network', () => {
  it('a Hello asking 128 MiB messages is granted 2 MiB, and a message that goes past it closes the connection', async () => {
    const port = Number(new URL(sink.endpointUrl!.replace('opc.tcp', 'http')).port);
    const raw = await rawOpcTcp(port, sink.endpointUrl!);
    try {
      const ack = await raw.hello({
        receiveBufferSize: 512 * 1024,
        sendBufferSize: 512 * 1024,
        maxMessageSize: 128 * 2 ** 20,
        maxChunkCount: 0,
      });
      expect(ack).toEqual({
        receiveBufferSize: 64 * 1024,
        sendBufferSize: 64 * 1024,
        maxMessageSize: MAX_MESSAGE_BYTES,
        maxChunkCount: 32,
      });
      // 64 MiB offered in 64 KiB chunks, none the last: the server closes at its 33rd (what the socket buffers on
      // the way counts too).
      const sent = await raw.openWithoutEnd(64 * 1024, 1024);
      expect(sent.chunks).toBeLessThan(1024);
    } finally {
      raw.close();
    }
  });

  it(`rejected/ holding ${MAX_REJECTED_CERTIFICATES} files: a new client certificate is refused and not kept, and the log says why`, async () => {
    const before = await rejected();
    for (let i = before.length; i < MAX_REJECTED_CERTIFICATES; i++)
      await writeFile(join(pki(), 'rejected', `filler-${i}.pem`), 'not a certificate');
    expect(await refusal(await clientCertificate('one-more', '/CN=one-more/O=attacker'))).toContain(
      'BadSecurityChecksFailed',
    );
    const after = await rejected();
    expect([after.length, after.some((f) => f.startsWith('one-more'))]).toEqual([MAX_REJECTED_CERTIFICATES, false]);
    const line = await log.next(/certificate was refused and not kept/);
    expect(line.msg).toBe(
      `OPC UA server: a client's certificate was refused and not kept in ${join(pki(), 'rejected')}: the folder holds ${MAX_REJECTED_CERTIFICATES} already (remove those you do not mean to trust)`,
    );
    const refused = await log.next(/refused the client certificate O=attacker, CN=one-more/);
    expect([refused.trustCommand, refused.msg.split('; ').at(-1)]).toEqual([
      undefined,
      `node-opcua kept no copy in rejected/: the folder holds ${MAX_REJECTED_CERTIFICATES} already (remove those you do not mean to trust)`,
    ]);
    for (const f of after.filter((f) => f.startsWith('filler-'))) await rm(join(pki(), 'rejected', f));
  });

  it('a certificate whose subject is too long for a file name is refused as untrusted; the client is not told the folder', async () => {
    const refused = await refusal(await clientCertificate('long', `/CN=${'x'.repeat(300)}`));
    expect(refused).toContain('BadSecurityChecksFailed');
    expect(refused).not.toContain(pki());
    const line = await log.next(/its subject is too long/);
    expect(line.reason).toBe('name');
  });

  it('password guesses: from the 5th failure within a minute answers are held back and the log says so; the right password still opens a session', async () => {
    const guess = { type: UserTokenType.UserName, userName: 'mes', password: 'guess-0000' } as const;
    const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
    await client.connect(sink.endpointUrl!);
    try {
      const session = await client.createSession({
        type: UserTokenType.UserName,
        userName: 'mes',
        password: 'mes-password-1',
      });
      // changeUser: one ActivateSession after another on one session, the fastest way to guess.
      const answers: string[] = [];
      for (let i = 0; i < 6; i++) answers.push((await session.changeUser({ ...guess, password: `guess-${i}` })).name);
      expect(answers).toEqual(Array(6).fill(StatusCodes.BadUserAccessDenied.name));
      expect(log.at(40).filter((m) => m.includes('failed logins'))).toEqual([
        'OPC UA server: 5 failed logins within a minute: answers to logins are held back 250 ms (at most 5 s) until a minute passes without one',
      ]);
      await session.close();
    } finally {
      await client.disconnect();
    }
    const ua = await openUaSession(sink.endpointUrl!, 'urn:linewatch:gw-test', {
      userName: 'mes',
      password: 'mes-password-1',
    });
    await ua.close();
  });
});
