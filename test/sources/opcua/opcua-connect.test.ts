/**
 * describeConnectError's words for refusals the e2e tests cannot all bring about on node-opcua's servers: the codes
 * other servers answer to a gateway certificate they do not trust or find expired.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accepted } from '../../helpers/config-issues.js';
import { describeConnectError, untrustedAdvice } from '../../../src/sources/opcua/opcua-connect.js';

const source = async (extra = '') => {
  const c = (
    await accepted(`sources:
  - { name: plc, type: opcua, endpoint: "opc.tcp://plc:4840/PLC", asset: line1, pki_dir: /var/lib/lw/pki${extra},
      nodes: [{ channel: t1, node_id: "ns=2;s=Line.Tag1" }] }
`)
  ).sources[0];
  if (c.type !== 'opcua') throw new Error('expected the opcua source');
  return c;
};

const secure = ', security_mode: SignAndEncrypt, security_policy: Basic256Sha256';

describe("describeConnectError: the server's refusal of the gateway's certificate", () => {
  it.each([
    'The connection has been rejected by server: BadSecurityChecksFailed (0x80130000)',
    'The connection has been rejected by server: BadCertificateUntrusted (0x801a0000)',
  ])('%s names our certificate file and who trusts it', async (message) => {
    expect(describeConnectError(await source(secure), new Error(message))).toBe(
      `device plc (opc.tcp://plc:4840/PLC): the server does not trust this gateway's certificate ` +
        `/var/lib/lw/pki/own/certs/client_certificate.pem (${message}): give that file to the server's administrator ` +
        `to trust (a node-opcua server: from its rejected/ to its trusted/certs/; a PLC: its trusted certificates, ` +
        `in its web page or engineering tool); the next connect then goes through`,
    );
  });

  it("an expired one is said as ours, with the clock to check, not as the server's", async () => {
    const text = describeConnectError(
      await source(secure),
      new Error('The connection has been rejected by server: BadCertificateTimeInvalid (0x80140000)'),
    );
    expect(text).toBe(
      "device plc (opc.tcp://plc:4840/PLC): the server finds this gateway's certificate " +
        '/var/lib/lw/pki/own/certs/client_certificate.pem expired or not valid yet ' +
        "(The connection has been rejected by server: BadCertificateTimeInvalid (0x80140000)): check this gateway's clock",
    );
  });
});

describe('describeConnectError: a refused user', () => {
  const refused = new Error('BadUserAccessDenied (0x801f0000)');

  it('a password refused is said as that, naming no user certificate where none is configured', async () => {
    expect(describeConnectError(await source(', username: integrator, password: wrong'), refused)).toBe(
      'device plc (opc.tcp://plc:4840/PLC): the server refused user "integrator" (BadUserAccessDenied (0x801f0000)): ' +
        'check username and password',
    );
  });

  it('a user certificate refused is said with the file the server must trust', async () => {
    const text = describeConnectError(
      await source(`${secure}, user_certificate_file: op.pem, user_private_key_file: op.key`),
      refused,
    );
    expect(text).toBe(
      'device plc (opc.tcp://plc:4840/PLC): the server refused the user certificate /etc/linewatch/op.pem ' +
        "(BadUserAccessDenied (0x801f0000)): check that the server trusts it (its administrator adds it to the server's " +
        'trusted user certificates)',
    );
  });

  it('anonymous access refused names the keys that give a user', async () => {
    expect(describeConnectError(await source(), refused)).toBe(
      'device plc (opc.tcp://plc:4840/PLC): the server refused anonymous access (BadUserAccessDenied (0x801f0000)): ' +
        'set username and password, or user_certificate_file and user_private_key_file',
    );
  });
});

describe("untrustedAdvice: the server's certificate the gateway does not trust", () => {
  it('names the rejected file and the mv, and ends where the daemon goes on ("; rebuilding the connection")', () => {
    const pki = mkdtempSync(join(tmpdir(), 'lw-untrusted-'));
    mkdirSync(join(pki, 'rejected'));
    writeFileSync(join(pki, 'rejected', 'PLC_1[ab12].pem'), '');
    const file = join(pki, 'rejected', 'PLC_1[ab12].pem');
    // Regression: it ended with a period, and the daemon's warning read "… the next connect uses it.; rebuilding …".
    expect(untrustedAdvice(pki, 'BadCertificateUntrusted')).toBe(
      `the server's certificate PLC_1[ab12] is not trusted (BadCertificateUntrusted); it was put in ${file}. ` +
        `To trust it: mv '${file}' ${join(pki, 'trusted', 'certs')}/ and the next connect uses it`,
    );
  });

  it("a server's common name with $(…) in the file name is pasted as a name: the mv moves it and runs nothing", () => {
    const pki = mkdtempSync(join(tmpdir(), 'lw-untrusted-'));
    mkdirSync(join(pki, 'rejected'));
    mkdirSync(join(pki, 'trusted', 'certs'), { recursive: true });
    const name = "$(touch pwned)'`touch pwned2`[ab12].pem";
    writeFileSync(join(pki, 'rejected', name), '');
    const command = /To trust it: (mv .*) and the next/.exec(untrustedAdvice(pki, 'BadCertificateUntrusted'))![1];
    execFileSync('sh', ['-c', command], { cwd: pki });
    expect([existsSync(join(pki, 'trusted', 'certs', name)), readdirSync(pki).sort()]).toEqual([
      true,
      ['rejected', 'trusted'],
    ]);
  });
});
