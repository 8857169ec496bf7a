import { describe, expect, it } from 'vitest';
import type { CertificateFacts } from '../../../src/core/certificate-facts.js';
import { refusedClient, type ClientRefusal } from '../../../src/sinks/opcua-server/refused-client.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const PKI = '/data/opcua-server-pki';
const FILE = `${PKI}/rejected/hmi[0a1b].pem`;

/** A client certificate's facts: issued by a CA, valid around NOW. */
const facts = (over: Partial<CertificateFacts> = {}): CertificateFacts => ({
  subject: 'CN=hmi-7, O=Acme',
  issuer: 'CN=Acme Plant CA, O=Acme',
  selfSigned: false,
  applicationUri: 'urn:acme:hmi-7',
  sha1: '0A:1B',
  sha256: 'AA:BB',
  validFrom: '2026-01-01T00:00:00.000Z',
  validTo: '2027-01-01T00:00:00.000Z',
  ...over,
});

const untrusted: ClientRefusal = { certificate: Buffer.alloc(0), status: 'BadCertificateUntrusted', file: FILE };

describe('a refused client certificate in words', () => {
  it('one issued by a CA the server does not trust names the CA, the file and the command', () => {
    const said = refusedClient(facts(), untrusted, PKI, NOW);
    expect([said.cause, said.trustCommand]).toEqual(['untrusted', `mv '${FILE}' ${PKI}/trusted/certs/`]);
    expect(said.message).toBe(
      `OPC UA server: refused the client certificate CN=hmi-7, O=Acme (ApplicationUri urn:acme:hmi-7, SHA-256 AA:BB, valid 2026-01-01T00:00:00.000Z → 2027-01-01T00:00:00.000Z): issued by CN=Acme Plant CA, O=Acme, and neither it nor that CA is in this server's trusted certificates (BadCertificateUntrusted); it was put in ${FILE}. To trust it: mv '${FILE}' ${PKI}/trusted/certs/ (node-opcua sees the move while it runs; a restart reads it for sure), and the client's next try goes through`,
    );
  });

  it('one whose issuer the server does not have says so', () => {
    const said = refusedClient(facts(), { ...untrusted, status: 'BadCertificateChainIncomplete' }, PKI, NOW);
    expect(said.cause).toBe('issuer_unknown');
    expect(said.message).toContain(
      ': issued by CN=Acme Plant CA, O=Acme, whose certificate this server does not have (BadCertificateChainIncomplete); it was put in',
    );
  });

  it('one trusted but expired names where it is trusted, and no command', () => {
    const expired = facts({ validTo: '2026-06-01T00:00:00.000Z' });
    const said = refusedClient(
      expired,
      { certificate: Buffer.alloc(0), status: 'BadCertificateTimeInvalid' },
      PKI,
      NOW,
    );
    expect([said.cause, said.trustCommand, said.message.split('; ').slice(-2)]).toEqual([
      'expired',
      undefined,
      ['the client needs a new certificate', `it is in ${PKI}/trusted/certs/`],
    ]);
  });

  it('one without an ApplicationUri says that its session would be refused', () => {
    const said = refusedClient(facts({ applicationUri: undefined }), untrusted, PKI, NOW);
    expect([said.applicationUri, said.message]).toEqual([
      undefined,
      expect.stringContaining(
        '(BadCertificateUntrusted); it carries no ApplicationUri (an OPC UA client certificate must: its session would be refused); it was put in',
      ),
    ]);
  });

  it('a subject with line breaks or terminal escapes is shown escaped, and a long one cut short', () => {
    const said = refusedClient(facts({ subject: `CN=a\nforged line\u001b[2J${'x'.repeat(300)}` }), untrusted, PKI, NOW);
    expect(said.subject).toBe(`CN=a\\nforged line\\u001b[2J${'x'.repeat(200 - 20)}…`);
    expect([said.message.includes('\n'), said.message.includes('\u001b')]).toEqual([false, false]);
  });
});
