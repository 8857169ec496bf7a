/**
 * OPC UA security against the simulator's server over real sockets: SignAndEncrypt and Sign with
 * current policies, the untrusted-certificate error that says which certificate, where it went
 * and how to trust it (and following that advice works), username/password, X.509 users.
 */
import { mkdtemp, readdir, rename } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPCUACertificateManager } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellWords } from '../../../src/core/shell-word.js';
import { opcuaSourceSchema } from '../../../src/config/schema.js';
import { LineSimulator } from '../../../src/sim/line-simulator.js';
import { startSimOpcuaServer, type SimOpcuaServer } from '../../../src/sim/opcua-server.js';
import { OpcuaSource } from '../../../src/sources/opcua/opcua-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';

let sim: LineSimulator;
let server: SimOpcuaServer;
let userPki: string;
const clientPki = mkdtempSync(join(tmpdir(), 'lw-ua-client-pki-'));

beforeAll(async () => {
  sim = new LineSimulator({ seed: 21 });
  userPki = await mkdtemp(join(tmpdir(), 'lw-ua-user-pki-'));
  server = await startSimOpcuaServer(sim, {
    port: 0,
    pkiDir: await mkdtemp(join(tmpdir(), 'lw-ua-server-pki-')),
    users: { operator: 'line-1-secret' },
    userPkiDir: userPki,
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

function source(extra: Record<string, unknown>): OpcuaSource {
  const config = opcuaSourceSchema.parse({
    name: 'secure-ua',
    type: 'opcua',
    endpoint: server.endpointUrl,
    asset: 'pump-1',
    pki_dir: clientPki,
    username: 'operator',
    password: 'line-1-secret',
    nodes: [{ channel: 'flow', node_id: 'nsu=urn:linewatch:sim;s=Pump1.flow' }],
    ...extra,
  });
  return new OpcuaSource(config, { logger: createLogger('silent'), metrics: new GatewayMetrics() });
}

describe('OPC UA security', () => {
  it('SignAndEncrypt: an untrusted server certificate is named with where it went and how to trust it; doing that works', async () => {
    const secure = source({ security_mode: 'SignAndEncrypt', security_policy: 'Basic256Sha256' });
    const refused = await secure.readOnce().then(
      () => undefined,
      (err: Error) => err.message,
    );
    expect(refused).toMatch(
      /^device secure-ua \(opc\.tcp:.*\): the server's certificate .* is not trusted \(.*BadCertificateUntrusted.*\); it was put in .*\/rejected\/.*\.pem\. To trust it: mv '.*' .*\/trusted\/certs\/ and the next/,
    );
    const [, from, to] = shellWords(/To trust it: (mv .*) and the next/.exec(refused!)![1])!;
    await rename(from, join(to, from.split('/').pop()!));
    const [flow] = await secure.readOnce();
    expect(flow).toMatchObject({ channel: 'flow', quality: 'good' });
    expect(flow.value).toBeGreaterThan(20);
  }, 60_000);

  it('Sign with Aes256_Sha256_RsaPss, once the server certificate is trusted', async () => {
    const [flow] = await source({ security_mode: 'Sign', security_policy: 'Aes256_Sha256_RsaPss' }).readOnce();
    expect(flow.quality).toBe('good');
  }, 60_000);

  it('username/password: the right one reads, a wrong one is refused by name', async () => {
    await expect(source({ password: 'wrong' }).readOnce()).rejects.toThrow(
      /the server refused user "operator" \(.*BadUserAccessDenied.*\): check username and password$/,
    );
    await expect(source({ username: undefined, password: undefined }).readOnce()).rejects.toThrow(
      /the server refused anonymous access \(.*\): set username and password, or user_certificate_file and user_private_key_file$/,
    );
    const [flow] = await source({}).readOnce();
    expect(flow.quality).toBe('good');
  }, 60_000);

  it('X.509 user authentication: refused until the server trusts the user certificate', async () => {
    const userDir = await mkdtemp(join(tmpdir(), 'lw-ua-operator-'));
    const manager = new OPCUACertificateManager({ rootFolder: userDir });
    await manager.initialize();
    const certificateFile = join(userDir, 'operator.pem');
    await manager.createSelfSignedCertificate({
      subject: '/CN=operator-7/O=linewatch',
      applicationUri: 'urn:linewatch:operator-7',
      dns: [],
      startDate: new Date(Date.now() - 60_000),
      validity: 30,
      outputFile: certificateFile,
    });
    const privateKeyFile = join(userDir, 'own', 'private', 'private_key.pem');
    await manager.dispose();
    const user = source({
      username: undefined,
      password: undefined,
      security_mode: 'SignAndEncrypt',
      security_policy: 'Basic256Sha256',
      user_certificate_file: certificateFile,
      user_private_key_file: privateKeyFile,
    });
    await expect(user.readOnce()).rejects.toThrow(/the server refused the user certificate .*operator\.pem/);
    // The server put the refused user certificate in its rejected folder; its administrator trusts it.
    const [refusedFile] = (await readdir(join(userPki, 'rejected'))).filter((f) => f.endsWith('.pem'));
    await rename(join(userPki, 'rejected', refusedFile), join(userPki, 'trusted', 'certs', refusedFile));
    // The server's certificate manager notices the moved file by watching its folders.
    await expect
      .poll(
        () =>
          user.readOnce().then(
            (s) => s[0].quality,
            (err: Error) => err.message,
          ),
        { timeout: 20_000, interval: 500 },
      )
      .toBe('good');
  }, 60_000);
});
