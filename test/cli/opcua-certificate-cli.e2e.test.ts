/**
 * `linewatch opcua-certificate --config F`: the gateway's OPC UA client certificate made before any connect (no
 * server, no model, no password set), printed as a PLC's trust dialog shows it, kept as it is on the next run; one
 * made earlier by node-opcua's default (a gateway in service) is kept, never made again; a configuration without an
 * OPC UA source is refused by name.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPCUACertificateManager } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const config = (type: 'opcua' | 'modbus_tcp') =>
  [
    'gateway: { name: gw-ua, site: s, line: l1 }',
    'data_dir: ./data',
    'sources:',
    type === 'opcua'
      ? [
          '  - name: s7-pump',
          '    type: opcua',
          '    endpoint: opc.tcp://127.0.0.1:9',
          '    asset: pump-1',
          '    security_mode: SignAndEncrypt',
          '    username: integrator',
          '    password: ${LW_TEST_UNSET_PASSWORD}',
          `    nodes: [{ channel: flow, node_id: 'ns=3;s="DB_Pump"."Flow"' }]`,
        ].join('\n')
      : [
          '  - name: press',
          '    type: modbus_tcp',
          '    host: 127.0.0.1',
          '    asset: pump-1',
          '    registers: [{ channel: flow, address: 0, type: uint16 }]',
        ].join('\n'),
    'assets:',
    '  - { name: pump-1, model: not-trained-yet }',
    '',
  ].join('\n');

async function configIn(type: 'opcua' | 'modbus_tcp'): Promise<{ dir: string; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'lw-ua-cert-cli-'));
  const file = join(dir, 'gw.yaml');
  await writeFile(file, config(type));
  return { dir, file };
}

describe('linewatch opcua-certificate', () => {
  it("makes the gateway's certificate before any connect, prints what a trust dialog shows, and keeps it", async () => {
    const { dir, file } = await configIn('opcua');
    const made = await runCli(['opcua-certificate', '--config', file]);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const pem = join(dir, 'data', 'opcua-pki', 'own', 'certs', 'client_certificate.pem');
    const cert = new X509Certificate(readFileSync(pem));
    const uri = /URI:(\S+)/.exec(cert.subjectAltName!)![1];
    expect(made.stdout).toBe(
      [
        `${pem} (made now; sources s7-pump)`,
        `  subject:        ${cert.subject.replace(/\n/g, ', ')}`,
        `  ApplicationUri: ${uri}`,
        `  SHA-1:          ${cert.fingerprint}`,
        `  SHA-256:        ${cert.fingerprint256}`,
        `  valid:          ${new Date(cert.validFrom).toISOString()} → ${new Date(cert.validTo).toISOString()}`,
        '',
      ].join('\n'),
    );
    expect(cert.subject.split('\n').sort()).toEqual([expect.stringMatching(/^CN=linewatch@/), 'O=linewatch']);
    expect(uri).toMatch(/^urn:.+:linewatch$/);
    const again = await runCli(['opcua-certificate', '--config', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(made.stdout.replace('(made now;', '(already there, kept;'));
  }, 120_000);

  it('keeps a certificate node-opcua made earlier (a gateway in service keeps the one its PLCs trust)', async () => {
    const { dir, file } = await configIn('opcua');
    const pkiDir = join(dir, 'data', 'opcua-pki');
    const manager = new OPCUACertificateManager({ rootFolder: pkiDir });
    await manager.initialize();
    const pem = join(pkiDir, 'own', 'certs', 'client_certificate.pem');
    await manager.createSelfSignedCertificate({
      subject: '/CN=linewatch@old/O=Sterfive/L=Orleans/C=FR',
      applicationUri: 'urn:old:linewatch',
      dns: [],
      startDate: new Date(),
      validity: 365,
      outputFile: pem,
    });
    await manager.dispose();
    const before = readFileSync(pem);
    const kept = await runCli(['opcua-certificate', '--config', file]);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain(`${pem} (already there, kept; sources s7-pump)`);
    expect(kept.stdout).toContain('O=Sterfive');
    expect(readFileSync(pem)).toEqual(before);
  }, 120_000);

  it('refuses a configuration without an OPC UA source, by name', async () => {
    const { file } = await configIn('modbus_tcp');
    const refused = await runCli(['opcua-certificate', '--config', file]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      `${file}:\n  sources: no OPC UA source (type: opcua), so no OPC UA client certificate`,
    );
  }, 60_000);
});
