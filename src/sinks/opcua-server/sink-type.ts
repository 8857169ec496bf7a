/** storage.opcua_server: the gateway's results browsable and subscribable over OPC UA (docs/opcua-server.md). */
import { resolve } from 'node:path';
import { isLoopbackHost } from '../../core/loopback.js';
import { defineSink } from '../sink-type.js';
import { OpcuaServerSink, pkiDirOf } from './opcua-server-sink.js';
import { opcuaServerSchema, type OpcuaServerConfig } from './schema.js';

const AT = 'storage.opcua_server';

/** Who may open a session, and a host beyond loopback that would serve without a user or a signature. */
export function opcuaServerIssues(config: OpcuaServerConfig, assets: readonly string[]): string[] {
  const issues: string[] = [];
  for (const [i, name] of (config.assets ?? []).entries())
    if (!assets.includes(name))
      issues.push(`${AT}.assets[${i}]: no asset "${name}" (assets: ${assets.join(', ') || 'none'})`);
  if (!config.allow_anonymous && config.users.length === 0)
    issues.push(
      `${AT}.users: no user, and allow_anonymous is false: no client could open a session; add a user (username, password: \${OPCUA_SERVER_PASSWORD}) or set allow_anonymous: true`,
    );
  const names = config.users.map((u) => u.username);
  for (const [i, name] of names.entries())
    if (names.indexOf(name) !== i) issues.push(`${AT}.users[${i}].username: "${name}" is listed twice`);
  if (!isLoopbackHost(config.host) && !config.public_reads) {
    const open = [
      ...(config.allow_anonymous ? ['allow_anonymous: true lets anyone who reaches it read every asset'] : []),
      ...(config.security_modes.includes('None')
        ? ['security mode None sends the values and user names unsigned and in clear']
        : []),
    ];
    if (open.length > 0)
      issues.push(
        `${AT}.host: ${config.host} offers the server beyond this machine, and ${open.join(', and ')}: ` +
          'set public_reads: true to serve so, or require a user (allow_anonymous: false) and Sign or SignAndEncrypt, or listen on 127.0.0.1',
      );
  }
  return issues;
}

export const opcuaServerSinkType = defineSink({
  key: 'opcua_server',
  schema: opcuaServerSchema,
  sample: `# The results of each asset as OPC UA variables, for a SCADA, HMI or MES (docs/opcua-server.md).
host: 127.0.0.1             # this machine only; beyond loopback, anonymous or None need public_reads: true
port: 4840
security_modes: [SignAndEncrypt, Sign]   # None only where listed
allow_anonymous: false
users:                      # user and password; no anonymous session unless allow_anonymous: true
  - username: scada
    password: \${OPCUA_SERVER_PASSWORD}   # from the environment, never in the file
max_sessions: 10
`,
  series: { writeErrorKinds: [], droppedReasons: [] },
  checkSettings: (config, { assets }) => opcuaServerIssues(config, assets),
  create: (config, deps) =>
    new OpcuaServerSink(
      config,
      { gateway: deps.tags.gateway, pkiDir: pkiDirOf(deps.dataDir ?? resolve('data')) },
      deps,
    ),
});
