/** storage.opcua_server: what the loader refuses, naming the key, and what it takes by default. */
import { describe, expect, it } from 'vitest';
import { opcuaServerSinkType } from '../../../src/sinks/opcua-server/sink-type.js';
import { accepted, issuesOf } from '../../helpers/config-issues.js';

const SOURCE =
  'sources:\n  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840", asset: press-1, ' +
  'nodes: [{ channel: force, node_id: "ns=2;s=f" }] }\n';
const USERS = 'users: [{ username: scada, password: "secret-pw-1" }]';
const withServer = (section: string) => `${SOURCE}storage:\n  opcua_server: ${section}\n`;

describe('storage.opcua_server configuration', () => {
  it('a port out of range is refused, naming storage.opcua_server.port', async () => {
    const issues = await issuesOf(withServer(`{ port: 70000, ${USERS} }`));
    expect(issues).toContain('storage.opcua_server.port: Too big: expected number to be <=65535');
  });

  it('an asset the configuration lacks is refused, naming the entry and the assets there are', async () => {
    const issues = await issuesOf(withServer(`{ assets: [press-2], ${USERS} }`));
    expect(issues).toContain('storage.opcua_server.assets[0]: no asset "press-2" (assets: none)');
  });

  it('no user and no anonymous access is refused: no client could open a session', async () => {
    const issues = await issuesOf(withServer('{ port: 4840 }'));
    expect(
      issues.filter((i) => i.startsWith('storage.opcua_server.users: no user, and allow_anonymous is false')),
    ).toHaveLength(1);
  });

  it('a security mode it does not know is refused, naming the entry', async () => {
    const issues = await issuesOf(withServer(`{ security_modes: [Basic128Rsa15], ${USERS} }`));
    expect(issues).toContain(
      'storage.opcua_server.security_modes[0]: expected one of "SignAndEncrypt", "Sign", "None"',
    );
  });

  it('a short password is refused, naming the user', async () => {
    const issues = await issuesOf(withServer('{ users: [{ username: scada, password: short }] }'));
    expect(issues).toContain('storage.opcua_server.users[0].password: use a password of at least 8 characters');
  });

  it.each([
    ['allow_anonymous: true', 'allow_anonymous: true lets anyone who reaches it read every asset'],
    [`security_modes: [None], ${USERS}`, 'security mode None sends the values and user names unsigned and in clear'],
  ])('beyond loopback, %s is refused without public_reads', async (settings, why) => {
    const issues = await issuesOf(withServer(`{ host: 0.0.0.0, ${settings} }`));
    expect(issues).toContain(
      `storage.opcua_server.host: 0.0.0.0 offers the server beyond this machine, and ${why}: set public_reads: true to serve so, or require a user (allow_anonymous: false) and Sign or SignAndEncrypt, or listen on 127.0.0.1`,
    );
  });

  it('beyond loopback with public_reads: true, anonymous access over None is taken', async () => {
    const config = await accepted(
      withServer('{ host: 0.0.0.0, allow_anonymous: true, security_modes: [None], public_reads: true }'),
    );
    expect(config.storage?.opcua_server?.host).toBe('0.0.0.0');
  });

  it('defaults: loopback, port 4840, Sign and SignAndEncrypt only, no anonymous, bounded sessions', async () => {
    const config = await accepted(withServer(`{ ${USERS} }`));
    expect(config.storage?.opcua_server).toEqual({
      host: '127.0.0.1',
      port: 4840,
      security_modes: ['SignAndEncrypt', 'Sign'],
      security_policies: ['Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'],
      allow_anonymous: false,
      users: [{ username: 'scada', password: 'secret-pw-1' }],
      trust_unknown_clients: false,
      public_reads: false,
      max_sessions: 10,
      max_subscriptions_per_session: 10,
      max_monitored_items: 1000,
      max_monitored_item_queue_size: 100,
      max_notifications_per_publish: 100,
    });
  });

  it.each([
    ['0', 'Too small: expected number to be >=1'],
    ['10000', 'Too big: expected number to be <=5000'],
  ])('a monitored-item queue size of %s is refused, naming the key', async (size, why) => {
    const issues = await issuesOf(withServer(`{ max_monitored_item_queue_size: ${size}, ${USERS} }`));
    expect(issues).toContain(`storage.opcua_server.max_monitored_item_queue_size: ${why}`);
  });

  it.each([
    ['0', 'Too small: expected number to be >=1'],
    ['1001', 'Too big: expected number to be <=1000'],
  ])('notifications per publish of %s are refused, naming the key', async (size, why) => {
    const issues = await issuesOf(withServer(`{ max_notifications_per_publish: ${size}, ${USERS} }`));
    expect(issues).toContain(`storage.opcua_server.max_notifications_per_publish: ${why}`);
  });

  it('the sample validates, its password from the environment', async () => {
    const sample = opcuaServerSinkType.sample.replace(/^/gm, '    ');
    const config = await accepted(
      `${SOURCE}storage:\n  opcua_server:\n${sample}`.replace('${OPCUA_SERVER_PASSWORD}', 'from-env-123'),
    );
    expect(config.storage?.opcua_server?.users).toEqual([{ username: 'scada', password: 'from-env-123' }]);
  });
});
