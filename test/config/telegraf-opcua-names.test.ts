/**
 * An OPC UA configuration written with the names of Telegraf's opcua and opcua_listener inputs (a plant integrator's
 * walk from Telegraf): validate names linewatch's key for each, and where Telegraf's keys make one of ours together
 * (namespace + identifier_type + identifier, deadband_type + deadband_value) what to write, from the values given.
 */
import { describe, expect, it } from 'vitest';
import { issuesOf } from '../helpers/config-issues.js';

const opcua = (source: string, node: string) => `sources:
  - name: plc
    type: opcua
    endpoint: opc.tcp://plc:4840
    asset: line-1
${source}
    nodes:
      - { channel: flow, ${node} }
assets: []
`;

describe("Telegraf's OPC UA names", () => {
  it('writes the node_id that namespace, identifier_type and identifier make', async () => {
    const issues = await issuesOf(opcua('', 'namespace: "2", identifier_type: s, identifier: Line.Tag1'));
    const note = `namespace, identifier_type and identifier make one node_id here: node_id: "ns=2;s=Line.Tag1")`;
    expect([...issues].sort()).toEqual(
      [
        'sources[0].nodes[0]: give either node_id or browse_path',
        `sources[0].nodes[0].identifier: unknown key; did you mean node_id? ("identifier" in Telegraf's OPC UA inputs: ${note}`,
        `sources[0].nodes[0].identifier_type: unknown key; did you mean node_id? ("identifier_type" in Telegraf's OPC UA inputs: ${note}`,
        `sources[0].nodes[0].namespace: unknown key; did you mean node_id? ("namespace" in Telegraf's OPC UA inputs: ${note}`,
      ].sort(),
    );
  });

  it('writes nsu= for namespace_uri, and i= for a numeric identifier', async () => {
    const issues = await issuesOf(opcua('', 'namespace_uri: "urn:plant", identifier_type: i, identifier: 1007'));
    expect(issues).toContain(
      `sources[0].nodes[0].namespace_uri: unknown key; did you mean node_id? ("namespace_uri" in Telegraf's OPC UA inputs: namespace_uri, identifier_type and identifier make one node_id here: node_id: "nsu=urn:plant;i=1007")`,
    );
  });

  it('writes the namespace before a node_id given without one', async () => {
    const issues = await issuesOf(opcua('', 'node_id: "i=1007", namespace_uri: "urn:plant"'));
    expect(issues).toEqual([
      `sources[0].nodes[0].namespace_uri: unknown key; did you mean node_id? ("namespace_uri" in Telegraf's OPC UA inputs: namespace_uri, identifier_type and identifier make one node_id here: node_id: "nsu=urn:plant;i=1007")`,
    ]);
  });

  it("names Telegraf's SHA-1 policies as not offered, with the policy the server must offer", async () => {
    for (const policy of ['Basic256', 'Basic128Rsa15'])
      expect(
        await issuesOf(
          opcua(`    security_mode: SignAndEncrypt\n    security_policy: ${policy}`, 'node_id: "ns=2;i=7"'),
        ),
      ).toEqual([
        `sources[0].security_policy: expected one of "None", "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss"; did you mean "Basic256Sha256"? ("${policy}" in Telegraf's OPC UA inputs: a SHA-1 policy OPC UA has deprecated, which linewatch does not offer: the server must offer Basic256Sha256 (or an Aes policy), as current PLCs do)`,
      ]);
  });

  it('writes the deadband that deadband_type and deadband_value make', async () => {
    const issues = await issuesOf(
      opcua('', 'node_id: "ns=2;s=Line.Tag1", deadband_type: Absolute, deadband_value: 0.5'),
    );
    const note = 'deadband_type and deadband_value make one deadband here: deadband: { type: absolute, value: 0.5 })';
    expect([...issues].sort()).toEqual([
      `sources[0].nodes[0].deadband_type: unknown key; did you mean deadband? ("deadband_type" in Telegraf's OPC UA inputs: ${note}`,
      `sources[0].nodes[0].deadband_value: unknown key; did you mean deadband? ("deadband_value" in Telegraf's OPC UA inputs: ${note}`,
    ]);
  });

  it("names the source's keys for subscription_interval, the timeouts, auth_method and the client certificate", async () => {
    const source = [
      'subscription_interval: 100',
      'connect_timeout: 10s',
      'auth_method: UserName',
      'certificate: /etc/telegraf/cert.pem',
    ].map((line) => `    ${line}`);
    const issues = await issuesOf(opcua(source.join('\n'), 'node_id: "ns=2;s=Line.Tag1"'));
    expect([...issues].sort()).toEqual([
      `sources[0].auth_method: unknown key; did you mean username? ("auth_method" in Telegraf's OPC UA inputs: the method follows from the keys given: username and password, or user_certificate_file and user_private_key_file, or neither for anonymous)`,
      `sources[0].certificate: unknown key; did you mean pki_dir? ("certificate" in Telegraf's OPC UA inputs: the gateway's own certificate is own/certs/client_certificate.pem under pki_dir, made at the first connect where absent (docs/security.md))`,
      `sources[0].connect_timeout: unknown key; did you mean timeout_ms? ("connect_timeout" in Telegraf's OPC UA inputs: one timeout_ms bounds the connect and each request)`,
      `sources[0].subscription_interval: unknown key; did you mean publishing_interval_ms? ("subscription_interval" in Telegraf's OPC UA inputs)`,
    ]);
  });

  it('says monitoring_params are keys of the node itself', async () => {
    const issues = await issuesOf(opcua('', 'node_id: "ns=2;s=Line.Tag1", monitoring_params: { queue_size: 10 }'));
    expect(issues).toEqual([
      `sources[0].nodes[0].monitoring_params: unknown key; did you mean deadband? ("monitoring_params" in Telegraf's OPC UA inputs: a node takes its monitoring parameters as keys of its own: sampling_interval_ms, queue_size, deadband: { type, value })`,
    ]);
  });

  it('offers no OPC UA name where the object does not take the key it stands for', async () => {
    // A Modbus register has no node_id: Telegraf's identifier there is no OPC UA node.
    const issues = await issuesOf(`sources:
  - { name: p, type: modbus_tcp, host: h, asset: a, registers: [{ channel: c, address: 0, type: uint16, identifier: x }] }
assets: []
`);
    expect(issues).toContain('sources[0].registers[0].identifier: unknown key');
  });

  it("names a Modbus source's connect_timeout_ms for Telegraf's connect_timeout, not the OPC UA timeout_ms", async () => {
    const issues = await issuesOf(`sources:
  - { name: p, type: modbus_tcp, host: h, asset: a, connect_timeout: 5, registers: [{ channel: c, address: 0, type: uint16 }] }
assets: []
`);
    expect(issues).toEqual(['sources[0].connect_timeout: unknown key; did you mean connect_timeout_ms?']);
  });
});
