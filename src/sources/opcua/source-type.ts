/** The opcua source type: subscriptions to an OPC UA server's nodes, one asset per source. */
import { resolve } from 'node:path';
import { claimChannel, defineSource } from '../source-type.js';
import { OpcuaSource } from './opcua-source.js';
import { opcuaSourceSchema } from './schema.js';

export const opcuaSourceType = defineSource({
  type: 'opcua',
  schema: opcuaSourceSchema,
  writeProtocol: 'opcua',
  errorKinds: ['connection', 'too_large', 'tag'],
  sample: `# An OPC UA server: monitored items, pushed at the publishing interval.
name: line-plc
type: opcua
endpoint: opc.tcp://192.168.10.40:4840
asset: pump-2
security_mode: SignAndEncrypt
security_policy: Basic256Sha256
username: linewatch
password: \${OPCUA_PASSWORD}          # from the environment, never in the file
publishing_interval_ms: 200
nodes:
  - { channel: flow, node_id: "ns=2;s=Pump2.Flow", unit: m3/h }
  - { channel: pressure, browse_path: /Objects/Plant/Pump2/Pressure, browse_namespace: "urn:plant" }
  - { channel: temperature, node_id: "ns=2;s=Pump2.Temp", deadband: { type: absolute, value: 0.1 } }
`,
  feeds: (source) => [
    {
      asset: source.asset,
      channels: source.nodes.map((n) => n.channel),
      periodMs: source.publishing_interval_ms,
      periodKey: '.publishing_interval_ms',
      assetKey: '.asset',
    },
  ],
  channelUnits: (source) =>
    source.nodes.flatMap((n) => (n.unit ? [{ asset: source.asset, channel: n.channel, unit: n.unit }] : [])),
  tagCount: (source) => source.nodes.length,
  check(source, where, ctx) {
    const issues: string[] = [];
    for (const [ni, node] of source.nodes.entries())
      issues.push(...claimChannel(ctx, source.asset, node.channel, `${where}.nodes[${ni}]`));
    if ((source.user_certificate_file === undefined) !== (source.user_private_key_file === undefined))
      issues.push(`${where}: X.509 user authentication needs both user_certificate_file and user_private_key_file`);
    if (source.user_certificate_file && source.username)
      issues.push(`${where}: use either username/password or a user certificate, not both`);
    if (source.security_mode !== 'None' && source.security_policy === 'None')
      issues.push(`${where}.security_policy: "None" cannot be used with security_mode ${source.security_mode}`);
    // A policy over no security: the server closes the connect ("socket has been disconnected by third party").
    if (source.security_mode === 'None' && source.security_policy !== undefined && source.security_policy !== 'None')
      issues.push(
        `${where}.security_mode: security_policy ${source.security_policy} needs security_mode Sign or SignAndEncrypt, and security_mode is None (its default): set security_mode: SignAndEncrypt (or Sign), or remove security_policy`,
      );
    // The client sends a password only with a user name: without one the session is anonymous.
    if (source.password !== undefined && source.username === undefined)
      issues.push(
        `${where}.password: a password without a username is not sent (the session would be anonymous): add username, or remove password`,
      );
    return issues;
  },
  resolvePaths(source, { baseDir, dataDir }) {
    source.pki_dir = resolve(baseDir, source.pki_dir ?? resolve(dataDir, 'opcua-pki'));
    for (const key of ['user_certificate_file', 'user_private_key_file'] as const)
      if (source[key]) source[key] = resolve(baseDir, source[key]);
  },
  create: (source, deps) => new OpcuaSource(source, deps),
});
