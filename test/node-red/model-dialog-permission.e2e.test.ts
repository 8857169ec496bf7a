/**
 * The model dialog's path check (GET linewatch/model) in a real Node-RED with admin users: it answers only a user who
 * may read the nodes' settings (`linewatch-model.read`, which the `read` scope holds), as the editor's own API does.
 */
import { mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeRedIn, type NodeRedRuntime } from '../../src/testing/node-red-process.js';
import { ROOT } from '../helpers/cli.js';

let red: NodeRedRuntime;

// Access tokens as settings.js gives them (adminAuth.tokens): a viewer (read), one who may read the flows only, and an
// administrator.
const ADMIN_AUTH = `  adminAuth: {
    type: 'credentials',
    // The users the tokens name (never logged in with a password here).
    users: [
      { username: 'viewer', password: 'unused', permissions: 'read' },
      { username: 'flows-reader', password: 'unused', permissions: 'flows.read' },
      { username: 'admin', password: 'unused', permissions: '*' },
    ],
    tokens: [
      { token: 'viewer-token', user: 'viewer', scope: ['read'] },
      { token: 'flows-token', user: 'flows-reader', scope: ['flows.read'] },
      { token: 'admin-token', user: 'admin', scope: ['*'] },
    ],
  },
`;

beforeAll(async () => {
  const userDir = await mkdtemp(join(tmpdir(), 'lw-nr-auth-'));
  await mkdir(join(userDir, 'node_modules'));
  await symlink(ROOT, join(userDir, 'node_modules', 'linewatch'), 'dir');
  red = await startNodeRedIn(userDir, {}, ADMIN_AUTH);
}, 90_000);

afterAll(async () => {
  await red?.stop();
});

const ask = (token?: string) =>
  fetch(`${red.url}/linewatch/model?path=models%2Fpump-ae`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe('GET linewatch/model under admin users', () => {
  it('refuses a request without a token, and a user without the read permission', async () => {
    expect((await ask()).status).toBe(401);
    expect((await ask('flows-token')).status).toBe(401);
    expect((await ask('no-such-token')).status).toBe(401);
  });

  it('answers a viewer and an administrator', async () => {
    for (const token of ['viewer-token', 'admin-token']) {
      const res = await ask(token);
      expect([token, res.status, await res.json()]).toMatchObject([token, 200, { ok: true, name: 'pump-ae' }]);
    }
  });
});
