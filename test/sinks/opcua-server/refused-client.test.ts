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

  it('one whose issuer the server does not have names the CA and the folders of its certificate and CRL, no mv', () => {
    const said = refusedClient(facts(), { ...untrusted, status: 'BadCertificateChainIncomplete' }, PKI, NOW);
    expect([said.cause, said.file, said.trustCommand]).toEqual(['issuer_unknown', FILE, undefined]);
    expect(said.message.slice(said.message.indexOf('): ') + 3)).toBe(
      `issued by CN=Acme Plant CA, O=Acme, whose certificate this server does not have (BadCertificateChainIncomplete): to let in the clients this CA issues, put its certificate in ${PKI}/trusted/certs/ and its CRL in ${PKI}/trusted/crl/ (node-opcua sees them while it runs); moving this client's certificate to ${PKI}/trusted/certs/ alone would not let it in: node-opcua checks the chain to the CA first, and puts it back in rejected/ at the next try`,
    );
  });

  it('a PKI folder with a blank or a quote is one shell word in the folders said', () => {
    const pki = "/data/it's pki";
    const said = refusedClient(
      facts(),
      { certificate: Buffer.alloc(0), status: 'BadCertificateRevocationUnknown', issuerHeld: true },
      pki,
      NOW,
    );
    expect(said.message).toContain(`put the CA's CRL in '/data/it'\\''s pki/trusted/crl/' (`);
  });

  it('one revoked by its CA is said revoked, with no command', () => {
    const said = refusedClient(
      facts(),
      { certificate: Buffer.alloc(0), status: 'BadCertificateRevoked', issuerHeld: true },
      PKI,
      NOW,
    );
    expect([said.cause, said.trustCommand]).toEqual(['revoked', undefined]);
    expect(said.message).toContain(
      "): revoked by CN=Acme Plant CA, O=Acme: its CRL, in this server's trusted/crl/ or issuers/crl/, lists it (BadCertificateRevoked); trusting it would not let the client in; the client needs a new certificate from its CA",
    );
  });

  it("one whose CA the server holds without its CRL says the CRL is missing; one whose CA came only in the client's chain, both", () => {
    const refusal = { certificate: Buffer.alloc(0), status: 'BadCertificateRevocationUnknown' };
    const held = refusedClient(facts(), { ...refusal, issuerHeld: true }, PKI, NOW);
    const sent = refusedClient(facts(), { ...refusal, issuerHeld: false }, PKI, NOW);
    expect([held.cause, sent.cause]).toEqual(['revocation_unknown', 'revocation_unknown']);
    expect(held.message).toContain(
      `: issued by CN=Acme Plant CA, O=Acme, whose CRL this server does not have (BadCertificateRevocationUnknown): node-opcua refuses the clients of a CA without its CRL, trusted or not; put the CA's CRL in ${PKI}/trusted/crl/ (an empty one`,
    );
    expect(sent.message).toContain(
      `: issued by CN=Acme Plant CA, O=Acme, whose certificate and CRL this server does not have (BadCertificateRevocationUnknown; the client sent the CA's certificate with its own, which is not trusted for that): to let in the clients this CA issues, put its certificate in ${PKI}/trusted/certs/ and its CRL in ${PKI}/trusted/crl/ (`,
    );
  });

  it('one whose CA is issued by another CA without its CRL says which CRLs to add', () => {
    const said = refusedClient(
      facts(),
      { certificate: Buffer.alloc(0), status: 'BadCertificateIssuerRevocationUnknown' },
      PKI,
      NOW,
    );
    expect(said.cause).toBe('issuer_revocation_unknown');
    expect(said.message).toContain(
      `(BadCertificateIssuerRevocationUnknown): put the CRL of each CA above the client in ${PKI}/trusted/crl/ (`,
    );
  });

  it('one whose CA is expired says so, with no mv of the client', () => {
    const said = refusedClient(facts(), { ...untrusted, status: 'BadCertificateIssuerTimeInvalid' }, PKI, NOW);
    expect([said.cause, said.trustCommand]).toEqual(['issuer_time_invalid', undefined]);
    expect(said.message.slice(said.message.indexOf('): ') + 3)).toBe(
      `issued by CN=Acme Plant CA, O=Acme, a CA whose certificate (or one above it) is expired or not valid yet (BadCertificateIssuerTimeInvalid): check this gateway's clock; else the CA needs a new certificate, put in place of the old one in ${PKI}/trusted/certs/`,
    );
  });

  it('one whose CA the server holds as an issuer only: the mv for this client, the CA in trusted/certs for all', () => {
    const said = refusedClient(facts(), { ...untrusted, issuerHeld: true }, PKI, NOW);
    expect([said.cause, said.trustCommand]).toEqual(['untrusted', `mv '${FILE}' ${PKI}/trusted/certs/`]);
    expect(said.message).toContain(
      `: issued by CN=Acme Plant CA, O=Acme, a CA this server holds as an issuer but does not trust (BadCertificateUntrusted): trusting this certificate lets this client in; putting the CA's certificate in ${PKI}/trusted/certs/ too lets in every client it issues; it was put in ${FILE}. To trust it: mv`,
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
