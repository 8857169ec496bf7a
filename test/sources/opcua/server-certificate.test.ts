/** The server certificate fetched under max_message_bytes: which endpoint's, and its first certificate of a chain. */
import { EndpointDescription, MessageSecurityMode, SecurityPolicy } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { firstOfChain } from '../../../src/core/certificate-facts.js';
import { certificateOf } from '../../../src/sources/opcua/server-certificate.js';

const endpoint = (mode: MessageSecurityMode, policy: SecurityPolicy, certificate: number[]) =>
  new EndpointDescription({
    endpointUrl: 'opc.tcp://plc:4840',
    securityMode: mode,
    securityPolicyUri: policy,
    serverCertificate: Buffer.from(certificate),
  });

const query = { endpoint: 'opc.tcp://plc:4840', timeoutMs: 1000 } as const;

describe('certificateOf', () => {
  const offered = [
    endpoint(MessageSecurityMode.None, SecurityPolicy.None, [1]),
    endpoint(MessageSecurityMode.Sign, SecurityPolicy.Basic256Sha256, [2]),
    endpoint(MessageSecurityMode.SignAndEncrypt, SecurityPolicy.Basic256Sha256, [3]),
  ];

  it("takes the certificate of the endpoint with the source's mode and policy", () => {
    const c = certificateOf(offered, { ...query, securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256' });
    expect([...c]).toEqual([3]);
  });

  it('names what the server offers where none matches', () => {
    expect(() =>
      certificateOf(offered, { ...query, securityMode: 'SignAndEncrypt', securityPolicy: 'Aes256_Sha256_RsaPss' }),
    ).toThrow(
      'the server offers no endpoint with security_mode SignAndEncrypt and security_policy Aes256_Sha256_RsaPss (it offers: None/None, Sign/Basic256Sha256, SignAndEncrypt/Basic256Sha256)',
    );
  });
});

describe('firstOfChain', () => {
  it('cuts a DER chain after its first certificate, short or long length form', () => {
    expect([...firstOfChain(Buffer.from([0x30, 3, 1, 2, 3, 0x30, 1, 9]))]).toEqual([0x30, 3, 1, 2, 3]);
    const long = Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x00]), Buffer.alloc(256, 7), Buffer.from([0x30, 0])]);
    expect(firstOfChain(long)).toHaveLength(260);
  });

  it('leaves a buffer that is not a DER sequence as it is', () => {
    expect([...firstOfChain(Buffer.from([1, 2, 3]))]).toEqual([1, 2, 3]);
  });
});
