/**
 * OPC UA security and user keys that cannot work together are refused by validate, naming the key and what to write:
 * a walk from Telegraf (whose security_mode defaults to "auto") met each accepted, then failing at connect or
 * silently doing something else.
 */
import { describe, expect, it } from 'vitest';
import { accepted, issuesOf } from '../helpers/config-issues.js';

const source = (extra: string) => `sources:
  - { name: plc, type: opcua, endpoint: "opc.tcp://plc:4840", asset: line1, ${extra},
      nodes: [{ channel: t1, node_id: "ns=2;s=Line.Tag1" }] }
assets: []
`;

describe('OPC UA security keys that cannot work together', () => {
  it('refuses a security_policy with security_mode None, its default (the connect would be closed by the server)', async () => {
    expect(await issuesOf(source('security_policy: Basic256Sha256'))).toEqual([
      'sources[0].security_mode: security_policy Basic256Sha256 needs security_mode Sign or SignAndEncrypt, and ' +
        'security_mode is None (its default): set security_mode: SignAndEncrypt (or Sign), or remove security_policy',
    ]);
    expect(await issuesOf(source('security_mode: None, security_policy: Aes256_Sha256_RsaPss'))).toEqual([
      expect.stringMatching(/^sources\[0\]\.security_mode: security_policy Aes256_Sha256_RsaPss needs security_mode/),
    ]);
  });

  it('accepts a policy with a mode that uses it, and policy None with mode None', async () => {
    const [signed] = (await accepted(source('security_mode: Sign, security_policy: Basic256Sha256'))).sources;
    expect(signed).toMatchObject({ security_mode: 'Sign', security_policy: 'Basic256Sha256' });
    const [open] = (await accepted(source('security_policy: None'))).sources;
    expect(open).toMatchObject({ security_mode: 'None', security_policy: 'None' });
  });

  it('refuses a password without a username (the session would be anonymous, the password unused)', async () => {
    expect(await issuesOf(source('password: secret'))).toEqual([
      'sources[0].password: a password without a username is not sent (the session would be anonymous): ' +
        'add username, or remove password',
    ]);
  });

  it('accepts a username without a password: an empty password is sent', async () => {
    const [user] = (await accepted(source('username: integrator'))).sources;
    expect(user).toMatchObject({ username: 'integrator' });
    expect(user).not.toHaveProperty('password');
  });
});
